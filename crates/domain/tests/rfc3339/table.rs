//! The table of date-time texts that every door reading a date-time must answer
//! alike: the one parser (`landtrace_domain::units::instant::parse_rfc3339`), the truck-ban
//! query (`LocalDateTime`, `POST /api/truck-ban/check`) and the GPS track readers
//! (CSV, GPX, GeoJSON; `POST /api/truck-ban/track`).
//!
//! Each row is the text and either the instant it names (unix milliseconds, UTC) or a
//! part of the reason it is refused. Included by the tests of `landtrace-domain`,
//! `landtrace-track` and `landtrace-server` (`#[path]`), so they share one table.
//! No row holds a comma, quote or line break, so a row can stand in a CSV cell, a
//! GPX `<time>` element and a JSON string as it is.

/// 2024-05-01T12:00:00Z.
const NOON: i64 = 1_714_564_800_000;
/// 2017-01-01T00:00:00Z: a leap second 2016-12-31T23:59:60Z is read as this.
const NEW_YEAR_2017: i64 = 1_483_228_800_000;

pub const ROWS: &[(&str, Result<i64, &str>)] = &[
    // Accepted: RFC 3339 date-time, `T`/`t`/space, `Z`/`z`, ±HH:MM, ±HHMM or ±HH.
    ("2024-05-01T12:00:00Z", Ok(NOON)),
    ("2024-05-01t12:00:00z", Ok(NOON)),
    ("2024-05-01 12:00:00Z", Ok(NOON)),
    ("2024-05-01T20:00:00+08:00", Ok(NOON)),
    ("2024-05-01T07:30:00-04:30", Ok(NOON)),
    ("2024-05-01T20:00:00+0800", Ok(NOON)),
    ("2024-05-01T20:00:00+08", Ok(NOON)),
    ("2024-05-01T07:30:00-0430", Ok(NOON)),
    ("2024-05-01T12:00:00-00:00", Ok(NOON)),
    ("2024-05-01T12:00:00+00:00", Ok(NOON)),
    ("  2024-05-01T12:00:00Z\t", Ok(NOON)),
    // Fractions: any number of digits, truncated.
    ("2024-05-01T12:00:00.5Z", Ok(NOON + 500)),
    ("2024-05-01T20:00:00.250+08:00", Ok(NOON + 250)),
    ("2024-05-01T12:00:00.999999999999Z", Ok(NOON + 999)),
    ("1969-12-31T23:59:59.5Z", Ok(-500)),
    // A second 60 (a leap second) is the next minute's first second, fraction kept.
    ("2016-12-31T23:59:60Z", Ok(NEW_YEAR_2017)),
    ("2016-12-31T23:59:60.5Z", Ok(NEW_YEAR_2017 + 500)),
    ("2017-01-01T07:59:60+08:00", Ok(NEW_YEAR_2017)),
    ("2017-01-01T07:59:60+0800", Ok(NEW_YEAR_2017)),
    ("2024-05-01T11:59:60Z", Ok(NOON)),
    // Calendar edges; the county day must be in years 0001-9999.
    ("2000-02-29T00:00:00Z", Ok(951_782_400_000)),
    ("0001-01-01T00:00:00+08:00", Ok(-62_135_625_600_000)),
    ("9999-12-31T23:59:59+08:00", Ok(253_402_271_999_000)),
    // Refused: the offset.
    ("2024-05-01T12:00:00", Err("a time zone offset (Z or ±HH:MM) is required")),
    ("2024-05-01T20:00:00+8:00", Err("the offset must be Z, ±HH:MM, ±HHMM or ±HH")),
    ("2024-05-01T20:00:00+080", Err("the offset must be Z, ±HH:MM, ±HHMM or ±HH")),
    ("2024-05-01T12:00:00 UTC", Err("the offset must be Z, ±HH:MM, ±HHMM or ±HH")),
    ("2024-05-01T20:00:00+08:00:00", Err("nothing may follow the offset")),
    ("2024-05-01T12:00:00Z[Asia/Shanghai]", Err("nothing may follow the offset")),
    ("2024-05-01T12:00:00+24:00", Err("the offset must be between -23:59 and +23:59")),
    ("2024-05-01T12:00:00+08:60", Err("the offset must be between -23:59 and +23:59")),
    ("2024-05-01T12:00:00+2400", Err("the offset must be between -23:59 and +23:59")),
    // Refused: fields out of range.
    ("2024-05-01T24:00:00Z", Err("24:00:00 is not a time of day")),
    ("2024-05-01T12:60:00Z", Err("12:60:00 is not a time of day")),
    ("2024-05-01T12:00:61Z", Err("12:00:61 is not a time of day")),
    ("2023-02-29T12:00:00Z", Err("2023-02-29 is not a calendar date")),
    ("2024-13-01T12:00:00Z", Err("2024-13-01 is not a calendar date")),
    ("0000-12-31T15:59:59Z", Err("outside the years 0001-9999")),
    ("9999-12-31T16:00:00Z", Err("outside the years 0001-9999")),
    ("9999-12-31T15:59:60Z", Err("outside the years 0001-9999")),
    // Refused: the shape.
    ("", Err("empty")),
    ("2024-05-01", Err("expected YYYY-MM-DDTHH:MM:SS followed by Z or ±HH:MM")),
    ("2024-05-01X12:00:00Z", Err("date and time must be separated by T")),
    ("2024-05-01T12:00Z", Err("the time must be HH:MM:SS")),
    ("2024-05-01T12:00:00.Z", Err("a decimal point must be followed by digits")),
    ("2024/05/01T12:00:00Z", Err("the date must be YYYY-MM-DD")),
    ("20240501T120000Z", Err("the date must be YYYY-MM-DD")),
    ("+2024-05-01T12:00:00Z", Err("the date must be YYYY-MM-DD")),
    ("２０２４-05-01T12:00:00Z", Err("the date must be YYYY-MM-DD")),
    ("yesterday", Err("the date must be YYYY-MM-DD")),
];
