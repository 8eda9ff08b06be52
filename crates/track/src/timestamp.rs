//! Fix times: RFC 3339 with an offset, or unix seconds, to unix milliseconds.
//!
//! RFC 3339 is read by the project's one parser,
//! [`landtrace_domain::units::instant::parse_rfc3339`], the same as the truck-ban query
//! reads its `at` (its documentation lists the accepted forms). Unix seconds are a
//! form of the track files only.

use landtrace_domain::units::instant::{self, parse_rfc3339};

/// Why a time was rejected by [`parse_time_ms`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// Empty or whitespace only.
    #[error("empty")]
    Empty,
    /// Neither `YYYY-MM-DD…` (RFC 3339) nor a number of seconds.
    #[error("expected RFC 3339 (2024-05-01T08:00:00+08:00) or unix seconds")]
    Malformed,
    /// Unix seconds beyond year 33000, or a GeoJSON number out of range.
    #[error("a number of seconds out of range")]
    OutOfRange,
    /// Written as a date (`YYYY-…`) but refused by the RFC 3339 parser.
    #[error(transparent)]
    Rfc3339(instant::TimeError),
}

/// Parses a fix time to milliseconds since the Unix epoch (UTC).
///
/// Accepted:
/// - RFC 3339 with `Z` or an offset, as [`landtrace_domain::units::instant::parse_rfc3339`]
///   reads it: `2024-05-01T08:00:00+08:00`, `2024-05-01T00:00:00.250Z`; `t` or a
///   space may stand for `T`; the offset is `Z`, `z`, `±HH:MM`, `±HHMM` or `±HH`; a
///   second `60` (a leap second) counts as the first second of the next minute.
/// - Unix seconds, optionally negative and with a fraction:
///   `1714521600`, `1714521600.25`.
///
/// Digits beyond milliseconds are dropped (truncated); spaces around the text are
/// ignored. A text of 10 or more characters with `-` as its fifth is read as RFC 3339.
///
/// ```
/// use landtrace_track::parse_time_ms;
/// assert_eq!(parse_time_ms("2024-05-01T08:00:00+08:00"), Ok(1_714_521_600_000));
/// assert_eq!(parse_time_ms("1714521600.25"), Ok(1_714_521_600_250));
/// assert!(parse_time_ms("2024-05-01T08:00:00").is_err()); // no offset
/// ```
#[inline]
pub fn parse_time_ms(text: &str) -> Result<i64, TimeError> {
    let text = text.trim_ascii();
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Err(TimeError::Empty);
    }
    if bytes.len() >= 10 && bytes[4] == b'-' {
        parse_rfc3339(text).map(instant::Instant::unix_ms).map_err(TimeError::Rfc3339)
    } else {
        unix_seconds(bytes)
    }
}

/// A fix time as GPS exports write it: what [`parse_time_ms`] reads, and also a
/// local date-time **without** an offset (`2023-06-01 10:00:00`, `2023/06/01 10:00:00`),
/// read as Beijing time (UTC+8, the county's time,
/// `landtrace_domain::truck_ban::UTC_OFFSET_MINUTES`). Returns the unix milliseconds
/// and whether the offset was assumed, so the report can say so (假定北京时间).
///
/// ```
/// use landtrace_track::parse_fix_time;
/// assert_eq!(parse_fix_time("2024-05-01T08:00:00+08:00"), Ok((1_714_521_600_000, false)));
/// assert_eq!(parse_fix_time("2024-05-01 08:00:00"), Ok((1_714_521_600_000, true)));
/// assert_eq!(parse_fix_time("2024/05/01 08:00:00"), Ok((1_714_521_600_000, true)));
/// ```
pub fn parse_fix_time(text: &str) -> Result<(i64, bool), TimeError> {
    let trimmed = text.trim_ascii();
    // `2024/05/01 08:00:00` (slashes and a space, as Chinese exports write it).
    let b = trimmed.as_bytes();
    let slashed = b.len() > 10 && b[4] == b'/' && b[7] == b'/' && b[10] == b' ';
    let dashed;
    let text = if slashed {
        dashed = trimmed.replacen('/', "-", 2);
        dashed.as_str()
    } else {
        trimmed
    };
    match parse_time_ms(text) {
        Err(TimeError::Rfc3339(instant::TimeError::Format { problem }))
            if problem.starts_with("a time zone offset") =>
        {
            let offset = landtrace_domain::county::UTC_OFFSET_MINUTES;
            let local = format!(
                "{text}{}{:02}:{:02}",
                if offset < 0 { '-' } else { '+' },
                offset.abs() / 60,
                offset.abs() % 60
            );
            match parse_time_ms(&local) {
                Ok(ms) => Ok((ms, true)),
                Err(_) => parse_time_ms(text).map(|ms| (ms, false)),
            }
        }
        other => other.map(|ms| (ms, false)),
    }
}

fn unix_seconds(bytes: &[u8]) -> Result<i64, TimeError> {
    let (negative, rest) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    let (whole, fraction) = match rest.iter().position(|&b| b == b'.') {
        Some(dot) => (&rest[..dot], &rest[dot + 1..]),
        None => (rest, &rest[rest.len()..]),
    };
    if whole.is_empty() || !whole.iter().all(u8::is_ascii_digit) || !fraction.iter().all(u8::is_ascii_digit) {
        return Err(TimeError::Malformed);
    }
    // 12 digits of seconds is beyond year 33000; keeps the arithmetic in range.
    if whole.len() > 12 {
        return Err(TimeError::OutOfRange);
    }
    let digits = |d: &[u8]| d.iter().fold(0i64, |n, &b| n * 10 + i64::from(b - b'0'));
    let mut ms_digits = [b'0'; 3];
    for (to, from) in ms_digits.iter_mut().zip(fraction) {
        *to = *from;
    }
    let ms = digits(whole) * 1000 + digits(&ms_digits);
    Ok(if negative { -ms } else { ms })
}

#[cfg(test)]
mod tests {
    use super::*;
    use landtrace_domain::units::instant::TimeError as Rfc3339Error;

    fn check(text: &str, expected: Result<i64, TimeError>) {
        assert_eq!(parse_time_ms(text), expected, "{text:?}");
    }

    fn refused(problem: &'static str) -> Result<i64, TimeError> {
        Err(TimeError::Rfc3339(Rfc3339Error::Format { problem }))
    }

    #[test]
    fn rfc3339_forms() {
        let noon_utc = 1_714_564_800_000; // 2024-05-01T12:00:00Z
        check("2024-05-01T12:00:00Z", Ok(noon_utc));
        check("2024-05-01t12:00:00z", Ok(noon_utc));
        check("2024-05-01 12:00:00Z", Ok(noon_utc));
        check("2024-05-01T20:00:00+08:00", Ok(noon_utc));
        check("2024-05-01T20:00:00+0800", Ok(noon_utc));
        check("2024-05-01T20:00:00+08", Ok(noon_utc));
        check("2024-05-01T07:30:00-04:30", Ok(noon_utc));
        check("  2024-05-01T12:00:00Z ", Ok(noon_utc));
        check("2024-05-01T12:00:00.5Z", Ok(noon_utc + 500));
        check("2024-05-01T12:00:00.123999Z", Ok(noon_utc + 123));
        check("2024-05-01T11:59:60Z", Ok(noon_utc));
        check("2016-12-31T23:59:60.5Z", Ok(1_483_228_800_500));
        check("1970-01-01T00:00:00Z", Ok(0));
        check("1969-12-31T23:59:59Z", Ok(-1000));
        check("2000-02-29T00:00:00Z", Ok(951_782_400_000));
    }

    #[test]
    fn unix_seconds_forms() {
        check("1714564800", Ok(1_714_564_800_000));
        check("1714564800.25", Ok(1_714_564_800_250));
        check("1714564800.123999", Ok(1_714_564_800_123));
        check("1714564800.", Ok(1_714_564_800_000));
        check("+1714564800", Ok(1_714_564_800_000));
        check("-1.5", Ok(-1500));
        check("0", Ok(0));
    }

    #[test]
    fn rejections() {
        check("", Err(TimeError::Empty));
        check("   ", Err(TimeError::Empty));
        check("2024-05-01T12:00:00", refused("a time zone offset (Z or ±HH:MM) is required"));
        check("2024-05-01T12:00:00+8:00", refused("the offset must be Z, ±HH:MM, ±HHMM or ±HH (e.g. +08:00)"));
        check("2024-05-01T12:00:00+080", refused("the offset must be Z, ±HH:MM, ±HHMM or ±HH (e.g. +08:00)"));
        check("2024-05-01T12:00:00.Z", refused("a decimal point must be followed by digits"));
        check("2024-05-01", refused("expected YYYY-MM-DDTHH:MM:SS followed by Z or ±HH:MM"));
        check("2024-05-01T12:00:00+24:00", refused("the offset must be between -23:59 and +23:59"));
        check(
            "2024-05-01T12:00:61Z",
            Err(TimeError::Rfc3339(Rfc3339Error::TimeOfDay { hour: 12, minute: 0, second: 61 })),
        );
        check(
            "2024-05-01T24:00:00Z",
            Err(TimeError::Rfc3339(Rfc3339Error::TimeOfDay { hour: 24, minute: 0, second: 0 })),
        );
        assert!(matches!(parse_time_ms("2024-13-01T12:00:00Z"), Err(TimeError::Rfc3339(Rfc3339Error::Date(_)))));
        assert!(matches!(parse_time_ms("2023-02-29T12:00:00Z"), Err(TimeError::Rfc3339(Rfc3339Error::Date(_)))));
        check("0000-06-01T00:00:00Z", Err(TimeError::Rfc3339(Rfc3339Error::OutOfRange)));
        check("yesterday", Err(TimeError::Malformed));
        check("12e3", Err(TimeError::Malformed));
        check("1.2.3", Err(TimeError::Malformed));
        check("-", Err(TimeError::Malformed));
        check(".5", Err(TimeError::Malformed));
        check("9999999999999", Err(TimeError::OutOfRange));
    }

    /// Issue 15 (临政发〔2023〕5号 gazette line 103, 二、(一): the ban hours are local time): a GPS export
    /// without an offset is read as Beijing time, and says so.
    #[test]
    fn local_times_without_offset_are_beijing_time() {
        let eight_local = 1_714_521_600_000; // 2024-05-01T08:00:00+08:00
        assert_eq!(parse_fix_time("2024-05-01T08:00:00"), Ok((eight_local, true)));
        assert_eq!(parse_fix_time("2024-05-01 08:00:00"), Ok((eight_local, true)));
        assert_eq!(parse_fix_time(" 2024/05/01 08:00:00.5 "), Ok((eight_local + 500, true)));
        assert_eq!(parse_fix_time("2024-05-01T00:00:00Z"), Ok((eight_local, false)));
        assert_eq!(parse_fix_time("1714521600"), Ok((eight_local, false)));
        // Other refusals stay refusals.
        assert!(parse_fix_time("2024-05-01T24:00:00").is_err());
        assert!(parse_fix_time("2024-05-01T12:00:00+8:00").is_err());
        assert!(parse_fix_time("2024-05-01").is_err());
        assert!(parse_fix_time("soon").is_err());
    }

    #[test]
    fn messages() {
        assert_eq!(
            parse_time_ms("2024-05-01T12:00:00").unwrap_err().to_string(),
            "not an RFC 3339 date-time such as 2023-06-01T06:00:00+08:00 or 2023-05-31T22:00:00Z: \
             a time zone offset (Z or ±HH:MM) is required"
        );
        assert_eq!(
            parse_time_ms("soon").unwrap_err().to_string(),
            "expected RFC 3339 (2024-05-01T08:00:00+08:00) or unix seconds"
        );
    }
}
