//! Instants written as RFC 3339 text, and the county's civil time: the one parser
//! behind every door that reads a date-time (the GPS track readers, the truck-ban
//! query) and the one conversion to the county's calendar day and time of day.
//!
//! Built on the `time` crate (docs/ARCHITECTURE.md, "Decisions": chosen over `jiff`
//! and the hand-written parsers by the `rfc3339` benchmark of `landtrace-track`).
//! No clock is read here: an instant is always an argument (`landtrace-app`'s
//! `clock` reads the clock and converts with [`Instant::from_unix_seconds`]).
//!
//! # Accepted forms
//!
//! [`parse_rfc3339`] accepts RFC 3339's `date-time` (section 5.6) and two offset forms
//! of ISO 8601 that GPS exports write, the same for every caller:
//!
//! ```text
//! YYYY-MM-DD  T  HH:MM:SS  [.f…]  Z | ±HH:MM | ±HHMM | ±HH
//! ```
//!
//! - `T` may be written `t` or one space (RFC 3339 allows both);
//! - a fraction of seconds has one or more digits, any number; it is **truncated**
//!   (to the millisecond for GPS fixes, to the second for the ban hours), never
//!   rounded, so `21:59:59.999` stays before `22:00:00`;
//! - the offset is `Z`, `z`, `±HH:MM`, `±HHMM` or `±HH`, with hours 00-23 and minutes
//!   00-59; `-00:00` is UTC. **Not** accepted: `+08:00:00`, `+8:00`, a missing offset
//!   (a local time names no instant), a time-zone name or `[annotation]`;
//! - a second `60` (a leap second, `23:59:60Z`) is read as the first second of the next
//!   minute, its fraction kept (`23:59:60.5Z` = `00:00:00.5Z` of the next day): unix
//!   time has no leap seconds, and this is how the GPS track readers and the map
//!   client have always read it. Which leap seconds really happened is not checked;
//! - the instant must have a calendar day in the county between 0001-01-01 and
//!   9999-12-31 (so every accepted instant has a [`Date`] there);
//! - spaces, tabs and line breaks around the text are ignored (they come with CSV
//!   cells and XML text); nothing else may come before or after it.
//!
//! The `time` crate reads the RFC 3339 forms; `±HHMM`, `±HH` and a second `60` are
//! rewritten to `±HH:MM` and `59` (plus one second) before it reads them, off the
//! common path. The GPS track readers also read unix seconds (`1714521600.25`); that is
//! a number, not RFC 3339, and only they accept it (`landtrace_track::parse_time_ms`).

use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::county::UTC_OFFSET_MINUTES;
use crate::units::date::{Date, DateError};

const DAY_SECONDS: i64 = 86_400;
const OFFSET_SECONDS: i64 = UTC_OFFSET_MINUTES as i64 * 60;

/// The county's civil time as a `time` offset: Asia/Shanghai, UTC+8. China has kept
/// UTC+8 without daylight saving since 1991, so a fixed offset stands for the zone and
/// no time-zone database is needed (instants before 1991 are read at UTC+8 too).
const COUNTY_OFFSET: UtcOffset = match UtcOffset::from_whole_seconds(OFFSET_SECONDS as i32) {
    Ok(offset) => offset,
    Err(_) => panic!("the county's offset is within ±25 h"),
};

/// First and last unix second whose county day is in years 0001-9999.
const FIRST_SECOND: i64 = Date::ymd(1, 1, 1).epoch_days() * DAY_SECONDS - OFFSET_SECONDS;
const LAST_SECOND: i64 = (Date::ymd(9999, 12, 31).epoch_days() + 1) * DAY_SECONDS - OFFSET_SECONDS - 1;

/// Why a text is not an accepted RFC 3339 date-time. The text itself is not repeated
/// (callers name the field and echo the value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// Empty or white space only.
    #[error("empty: expected an RFC 3339 date-time such as 2023-06-01T06:00:00+08:00")]
    Empty,
    /// Not of the accepted form; `problem` says which part is wrong.
    #[error("not an RFC 3339 date-time such as 2023-06-01T06:00:00+08:00 or 2023-05-31T22:00:00Z: {problem}")]
    Format {
        /// What is wrong, e.g. "a time zone offset (Z or ±HH:MM) is required".
        problem: &'static str,
    },
    /// The date part names no calendar day (2023-02-30).
    #[error(transparent)]
    Date(#[from] DateError),
    /// An hour, minute or second out of range (24:00:00, 23:60:00, 23:59:61; a second
    /// 60 is a leap second and is accepted).
    #[error("{hour:02}:{minute:02}:{second:02} is not a time of day")]
    TimeOfDay {
        /// Hour as given.
        hour: u8,
        /// Minute as given.
        minute: u8,
        /// Second as given.
        second: u8,
    },
    /// The instant's day in the county is outside 0001-01-01..9999-12-31.
    #[error("outside the years 0001-9999 in Asia/Shanghai")]
    OutOfRange,
}

/// An instant, as read by [`parse_rfc3339`] or made from unix seconds. Ordered and
/// compared as instants: `2023-05-31T22:00:00Z` equals `2023-06-01T06:00:00+08:00`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instant {
    // Field order matters: the derived `Ord` is chronological.
    /// Whole seconds since 1970-01-01T00:00:00Z (towards the past).
    unix_seconds: i64,
    /// Nanoseconds into that second (0-999 999 999).
    nanosecond: u32,
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Instant({}ms)", self.unix_ms())
    }
}

/// Parses an RFC 3339 date-time with `Z` or an offset (the forms in the [module
/// documentation](self): `Z`/`z`, `±HH:MM`, `±HHMM` or `±HH`; `T`/`t`/space; any
/// fraction, truncated; a second `60` read as the next minute's first second).
///
/// ```
/// use landtrace_domain::units::instant::{TimeError, parse_rfc3339};
/// let t = parse_rfc3339("2023-06-01T06:00:00+08:00").unwrap();
/// assert_eq!(t, parse_rfc3339("2023-05-31T22:00:00Z").unwrap());
/// assert_eq!(t, parse_rfc3339("2023-06-01T06:00:00+0800").unwrap());
/// assert_eq!(t.unix_ms(), 1_685_570_400_000);
/// assert!(matches!(parse_rfc3339("2023-06-01T06:00:00"), Err(TimeError::Format { .. })));
/// ```
#[inline]
pub fn parse_rfc3339(text: &str) -> Result<Instant, TimeError> {
    let text = text.trim_ascii();
    let b = text.as_bytes();
    // A second `6x` goes the rewriting way (`60`) or is refused there (`61`-`69`).
    if b.get(17) != Some(&b'6') {
        match OffsetDateTime::parse(text, &Rfc3339) {
            Ok(parsed) => return finish(b, parsed, 0),
            Err(error) if short_offset(b).is_none() => return Err(explain(b, error)),
            Err(_) => {}
        }
    }
    rewritten(b)
}

/// The instant `parsed` (read from `b`), `extra_second` later, if `b` separates date
/// and time with `T`, `t` or a space and the county day is in years 0001-9999.
#[inline]
fn finish(b: &[u8], parsed: OffsetDateTime, extra_second: i64) -> Result<Instant, TimeError> {
    // The `time` crate takes any one byte between date and time (RFC 3339 names `T`
    // and allows a space); we take `T`, `t` and a space only.
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return Err(format(SEPARATOR));
    }
    let unix_seconds = parsed.unix_timestamp() + extra_second;
    if !(FIRST_SECOND..=LAST_SECOND).contains(&unix_seconds) {
        return Err(TimeError::OutOfRange);
    }
    Ok(Instant { unix_seconds, nanosecond: parsed.nanosecond() })
}

/// Where the offset starts in `b`: after the seconds and their fraction, if any.
fn offset_at(b: &[u8]) -> usize {
    let after_point = 19 + usize::from(b.get(19) == Some(&b'.'));
    after_point + b.iter().skip(after_point).take_while(|c| c.is_ascii_digit()).count()
}

/// The offset of `b` as `±HH:MM`, if it is written `±HHMM` or `±HH`.
fn short_offset(b: &[u8]) -> Option<[u8; 6]> {
    let digit = |c: &u8| c.is_ascii_digit();
    match *b.get(offset_at(b)..)? {
        [sign @ (b'+' | b'-'), h1, h2] if [h1, h2].iter().all(digit) => Some([sign, h1, h2, b':', b'0', b'0']),
        [sign @ (b'+' | b'-'), h1, h2, m1, m2] if [h1, h2, m1, m2].iter().all(digit) => {
            Some([sign, h1, h2, b':', m1, m2])
        }
        _ => None,
    }
}

/// Reads `b` with a second `60` written as `59` (and one second added) and a `±HHMM`
/// or `±HH` offset written `±HH:MM`: the forms the `time` crate does not read.
#[cold]
fn rewritten(b: &[u8]) -> Result<Instant, TimeError> {
    let mut text = b.to_vec();
    let mut extra_second = 0;
    if b.get(17..19) == Some(b"60") {
        text[17..19].copy_from_slice(b"59");
        extra_second = 1;
    }
    if let Some(offset) = short_offset(b) {
        text.truncate(offset_at(b));
        text.extend_from_slice(&offset);
    }
    // Only ASCII bytes were replaced by ASCII bytes: still UTF-8.
    let parsed = std::str::from_utf8(&text)
        .map_err(|_| format(DATE))
        .and_then(|text| OffsetDateTime::parse(text, &Rfc3339).map_err(|e| explain(b, e)))?;
    finish(&text, parsed, extra_second)
}

const SEPARATOR: &str = "date and time must be separated by T";
const DATE: &str = "the date must be YYYY-MM-DD";

fn format(problem: &'static str) -> TimeError {
    TimeError::Format { problem }
}

/// The number written by the ASCII digits `b[range]` (0 where there are none).
fn number(b: &[u8], range: std::ops::Range<usize>) -> u16 {
    b.get(range).unwrap_or_default().iter().fold(0, |n, &d| n * 10 + u16::from(d.wrapping_sub(b'0') % 10))
}

/// A clear message for what the `time` crate refused (only on errors). The shape is
/// looked at first, so that the message names the first part that is wrong.
#[cold]
fn explain(b: &[u8], error: time::error::Parse) -> TimeError {
    use time::error::{Parse, ParseFromDescription as Shape, TryFromParsed};
    const OFFSET: &str = "the offset must be Z, ±HH:MM, ±HHMM or ±HH (e.g. +08:00)";
    const OFFSET_RANGE: &str = "the offset must be between -23:59 and +23:59";
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let byte = |at: usize| b.get(at).copied();
    if b.is_empty() {
        return TimeError::Empty;
    }
    if !(digits(0..4) && byte(4) == Some(b'-') && digits(5..7) && byte(7) == Some(b'-') && digits(8..10)) {
        return format(DATE);
    }
    match byte(10) {
        None => return format("expected YYYY-MM-DDTHH:MM:SS followed by Z or ±HH:MM"),
        Some(b'T' | b't' | b' ') => {}
        Some(_) => return format(SEPARATOR),
    }
    let not_a_day = || {
        let (year, month, day) = (number(b, 0..4), number(b, 5..7), number(b, 8..10));
        TimeError::Date(DateError::NotACalendarDay { year, month: month as u8, day: day as u8 })
    };
    let time_shape =
        digits(11..13) && byte(13) == Some(b':') && digits(14..16) && byte(16) == Some(b':') && digits(17..19);
    let offset_at = offset_at(b);
    match error {
        Parse::ParseFromDescription(Shape::InvalidComponent("year" | "month" | "day")) => not_a_day(),
        Parse::ParseFromDescription(_) if !time_shape => format("the time must be HH:MM:SS"),
        Parse::ParseFromDescription(Shape::InvalidComponent("subsecond")) => {
            format("a decimal point must be followed by digits")
        }
        Parse::ParseFromDescription(Shape::InvalidComponent(_) | Shape::InvalidLiteral { .. }) => {
            if offset_at == b.len() {
                format("a time zone offset (Z or ±HH:MM) is required")
            } else if matches!(byte(offset_at), Some(b'+' | b'-'))
                && digits(offset_at + 1..offset_at + 3)
                && number(b, offset_at + 1..offset_at + 3) > 23
            {
                format(OFFSET_RANGE)
            } else {
                format(OFFSET)
            }
        }
        Parse::ParseFromDescription(_) => format("nothing may follow the offset"),
        Parse::TryFromParsed(TryFromParsed::ComponentRange(range)) => match range.name() {
            "year" | "month" | "day" => not_a_day(),
            "hour" | "minute" | "second" => TimeError::TimeOfDay {
                hour: number(b, 11..13) as u8,
                minute: number(b, 14..16) as u8,
                second: number(b, 17..19) as u8,
            },
            _ => format(OFFSET_RANGE),
        },
        _ => format("expected YYYY-MM-DDTHH:MM:SS followed by Z or ±HH:MM"),
    }
}

impl Instant {
    /// The instant `seconds` after 1970-01-01T00:00:00Z, if its county day is in
    /// years 0001-9999.
    pub fn from_unix_seconds(seconds: i64) -> Option<Instant> {
        (FIRST_SECOND..=LAST_SECOND).contains(&seconds).then_some(Instant { unix_seconds: seconds, nanosecond: 0 })
    }

    /// Milliseconds since 1970-01-01T00:00:00Z (UTC); digits beyond the millisecond
    /// are dropped (towards the past: -0.5 s is -500 ms).
    #[inline]
    pub fn unix_ms(self) -> i64 {
        self.unix_seconds * 1000 + i64::from(self.nanosecond / 1_000_000)
    }

    /// The calendar day in the county (Asia/Shanghai, UTC+8).
    pub fn county_date(self) -> Date {
        self.county_date_and_second().0
    }

    /// The calendar day in the county and the whole seconds since its midnight
    /// (0-86 399; fractions truncated).
    pub fn county_date_and_second(self) -> (Date, u32) {
        let local = self.in_offset(COUNTY_OFFSET);
        let (hour, minute, second) = local.to_hms();
        let date = Date::from_time_date(local.date()).expect("the range is checked when an Instant is made");
        (date, u32::from(hour) * 3600 + u32::from(minute) * 60 + u32::from(second))
    }

    /// The instant as the `time` crate's date-time at `offset`.
    fn in_offset(self, offset: UtcOffset) -> OffsetDateTime {
        // In range: the seconds are those of a county day in years 1-9999.
        let utc = OffsetDateTime::from_unix_timestamp(self.unix_seconds).expect("years 1-9999");
        utc.replace_nanosecond(self.nanosecond).unwrap_or(utc).to_offset(offset)
    }

    /// The last instant of the county day `date` (23:59:59.999999999 at UTC+8):
    /// what "on that day" means when a date stands for an instant.
    pub fn county_day_end(date: Date) -> Instant {
        Instant { unix_seconds: (date.epoch_days() + 1) * DAY_SECONDS - OFFSET_SECONDS - 1, nanosecond: 999_999_999 }
    }

    /// RFC 3339 in UTC with milliseconds (`2023-05-31T22:00:00.250Z`; finer digits
    /// truncated), as the audit trail writes its times: such texts sort as their instants.
    pub fn to_rfc3339_utc_millis(self) -> String {
        let whole = self.to_rfc3339_utc();
        format!("{}.{:03}Z", &whole[..whole.len() - 1], self.nanosecond / 1_000_000)
    }

    /// RFC 3339 in UTC with whole seconds (`2023-05-31T22:00:00Z`), as the stores'
    /// `created_at` and `updated_at` stamps are written.
    pub fn to_rfc3339_utc(self) -> String {
        let utc = self.in_offset(UtcOffset::UTC);
        let (year, month, day) = utc.to_calendar_date();
        let (hour, minute, second) = utc.to_hms();
        format!("{year:04}-{:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z", u8::from(month))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> Result<i64, TimeError> {
        parse_rfc3339(text).map(Instant::unix_ms)
    }

    #[test]
    fn county_day_end_and_millisecond_text() {
        let end = Instant::county_day_end(Date::ymd(2023, 5, 1));
        assert_eq!(end.county_date(), Date::ymd(2023, 5, 1));
        assert_eq!(end.to_rfc3339_utc_millis(), "2023-05-01T15:59:59.999Z");
        assert!(end < parse_rfc3339("2023-05-02T00:00:00+08:00").unwrap());
        assert!(end > parse_rfc3339("2023-05-01T23:59:59.9+08:00").unwrap());
        assert_eq!(
            parse_rfc3339("2023-05-31T22:00:00.25Z").unwrap().to_rfc3339_utc_millis(),
            "2023-05-31T22:00:00.250Z"
        );
    }

    #[test]
    fn accepted_forms() {
        let noon = Ok(1_714_564_800_000); // 2024-05-01T12:00:00Z
        for text in [
            "2024-05-01T12:00:00Z",
            "2024-05-01t12:00:00z",
            "2024-05-01 12:00:00Z",
            "2024-05-01T20:00:00+08:00",
            "2024-05-01T07:30:00-04:30",
            "2024-05-01T12:00:00-00:00",
            "  2024-05-01T12:00:00Z\t\r\n",
        ] {
            assert_eq!(ms(text), noon, "{text}");
        }
        assert_eq!(ms("2024-05-01T12:00:00.5Z"), Ok(1_714_564_800_500));
        assert_eq!(ms("2024-05-01T12:00:00.123999999999Z"), Ok(1_714_564_800_123));
        assert_eq!(ms("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(ms("1969-12-31T23:59:59.5Z"), Ok(-500));
        assert_eq!(ms("2000-02-29T00:00:00Z"), Ok(951_782_400_000));
    }

    #[test]
    fn short_offsets_and_leap_seconds() {
        let noon = Ok(1_714_564_800_000); // 2024-05-01T12:00:00Z
        for text in ["2024-05-01T20:00:00+0800", "2024-05-01T20:00:00+08", "2024-05-01T07:30:00-0430"] {
            assert_eq!(ms(text), noon, "{text}");
        }
        assert_eq!(ms("2024-05-01T20:00:00.250+0800"), Ok(1_714_564_800_250));
        // A second 60 is the next minute's first second, fraction kept.
        let new_year_2017 = Ok(1_483_228_800_000);
        assert_eq!(ms("2016-12-31T23:59:60Z"), new_year_2017);
        assert_eq!(ms("2017-01-01T07:59:60+08:00"), new_year_2017);
        assert_eq!(ms("2017-01-01T07:59:60+08"), new_year_2017);
        assert_eq!(ms("2016-12-31T23:59:60.5Z"), Ok(1_483_228_800_500));
        assert_eq!(ms("2024-05-01T11:59:60Z"), noon);
        assert_eq!(ms("9999-12-31T15:59:60Z"), Err(TimeError::OutOfRange));
        let error = |text: &str| parse_rfc3339(text).unwrap_err().to_string();
        assert_eq!(error("2024-05-01T24:00:60Z"), "24:00:60 is not a time of day");
        assert_eq!(error("2024-05-01T12:00:61Z"), "12:00:61 is not a time of day");
        assert_eq!(error("2024-02-30T12:00:60+0800"), "2024-02-30 is not a calendar date");
        assert!(error("2024-05-01T12:00:00+2400").ends_with("the offset must be between -23:59 and +23:59"));
        assert!(error("2024-05-01T12:00:00+0860").ends_with("the offset must be between -23:59 and +23:59"));
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let problem = |text: &str| match parse_rfc3339(text) {
            Err(TimeError::Format { problem }) => problem,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(problem("2024-05-01T12:00:00"), "a time zone offset (Z or ±HH:MM) is required");
        assert_eq!(problem("2024-05-01T12:00:00.250"), "a time zone offset (Z or ±HH:MM) is required");
        for text in ["2024-05-01T20:00:00+080", "2024-05-01T20:00:00+8:00", "2024-05-01T12:00:00UTC"] {
            assert_eq!(problem(text), "the offset must be Z, ±HH:MM, ±HHMM or ±HH (e.g. +08:00)", "{text}");
        }
        assert_eq!(problem("2024-05-01T12:00:00+24:00"), "the offset must be between -23:59 and +23:59");
        assert_eq!(problem("2024-05-01T12:00:00+08:60"), "the offset must be between -23:59 and +23:59");
        assert_eq!(problem("2024-05-01T12:00:00+08:00:00"), "nothing may follow the offset");
        assert_eq!(problem("2024-05-01T12:00:00Z[Asia/Shanghai]"), "nothing may follow the offset");
        assert_eq!(problem("2024-05-01X12:00:00Z"), "date and time must be separated by T");
        assert_eq!(problem("2024-05-01"), "expected YYYY-MM-DDTHH:MM:SS followed by Z or ±HH:MM");
        assert_eq!(problem("2024-05-01T12:00Z"), "the time must be HH:MM:SS");
        assert_eq!(problem("2024-05-01T1:00:00Z"), "the time must be HH:MM:SS");
        assert_eq!(problem("2024/05/01T12:00:00Z"), "the date must be YYYY-MM-DD");
        assert_eq!(problem("+2024-05-01T12:00:00Z"), "the date must be YYYY-MM-DD");
        assert_eq!(problem("20240501T120000Z"), "the date must be YYYY-MM-DD");
        assert_eq!(problem("２０２４-05-01T12:00:00Z"), "the date must be YYYY-MM-DD");
        assert_eq!(problem("2024-05-01T12:00:00.Z"), "a decimal point must be followed by digits");
        assert_eq!(problem("2024-05-01T12:00:00,5Z"), "the offset must be Z, ±HH:MM, ±HHMM or ±HH (e.g. +08:00)");
        assert_eq!(parse_rfc3339(" \t"), Err(TimeError::Empty));
        let error = |text: &str| parse_rfc3339(text).unwrap_err().to_string();
        assert_eq!(error("2023-02-29T12:00:00Z"), "2023-02-29 is not a calendar date");
        assert_eq!(error("2023-13-01T12:00:00Z"), "2023-13-01 is not a calendar date");
        assert_eq!(error("2023-06-01T24:00:00Z"), "24:00:00 is not a time of day");
        assert_eq!(error("2023-06-01T23:60:00Z"), "23:60:00 is not a time of day");
        assert_eq!(error("2023-06-01T23:59:61Z"), "23:59:61 is not a time of day");
        assert_eq!(
            error("2023-06-01T06:00:00"),
            "not an RFC 3339 date-time such as 2023-06-01T06:00:00+08:00 or 2023-05-31T22:00:00Z: \
             a time zone offset (Z or ±HH:MM) is required"
        );
    }

    #[test]
    fn the_county_day_must_be_in_years_1_to_9999() {
        for text in ["0000-12-31T15:59:59Z", "0001-01-01T00:00:00+09:00", "9999-12-31T16:00:00Z"] {
            assert_eq!(parse_rfc3339(text), Err(TimeError::OutOfRange), "{text}");
        }
        let first = parse_rfc3339("0000-12-31T16:00:00Z").unwrap();
        assert_eq!(first.county_date_and_second(), (Date::ymd(1, 1, 1), 0));
        let last = parse_rfc3339("9999-12-31T15:59:59.999Z").unwrap();
        assert_eq!(last.county_date_and_second(), (Date::ymd(9999, 12, 31), 86_399));
        assert_eq!(Instant::from_unix_seconds(first.unix_ms() / 1000 - 1), None);
        assert_eq!(Instant::from_unix_seconds(last.unix_ms() / 1000 + 1), None);
    }

    #[test]
    fn county_time_and_utc_text() {
        let t = parse_rfc3339("2023-05-31T22:00:00.999Z").unwrap();
        assert_eq!(t.county_date_and_second(), (Date::ymd(2023, 6, 1), 6 * 3600));
        assert_eq!(t.county_date(), Date::ymd(2023, 6, 1));
        assert_eq!(t.to_rfc3339_utc(), "2023-05-31T22:00:00Z");
        let t = Instant::from_unix_seconds(1_685_570_400).unwrap();
        assert_eq!(t, parse_rfc3339("2023-06-01T06:00:00+08:00").unwrap());
        assert_eq!(t.to_rfc3339_utc(), "2023-05-31T22:00:00Z");
        assert!(t < parse_rfc3339("2023-05-31T22:00:00.001Z").unwrap());
        assert_eq!(format!("{t:?}"), "Instant(1685570400000ms)");
    }
}
