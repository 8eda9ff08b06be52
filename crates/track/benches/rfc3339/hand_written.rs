//! The hand-written fix-time parser of `landtrace-track` before issue 12 (commit
//! 0f2c4c1, `crates/track/src/timestamp.rs`), kept verbatim as the baseline of the
//! `rfc3339` benchmark that chose the time library. Not used by any crate.

const MS_PER_DAY: i64 = 86_400_000;

/// Why a time was rejected by [`parse_time_ms`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeError {
    /// Empty or whitespace only.
    Empty,
    /// Neither `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` nor a number of seconds.
    Malformed,
    /// A local time without `Z` or an offset: the instant is unknown.
    NoOffset,
    /// A month, day, hour, minute, second or offset out of range.
    OutOfRange,
}

/// Parses a fix time to milliseconds since the Unix epoch (UTC).
///
/// Accepted:
/// - RFC 3339 with `Z` or an offset: `2024-05-01T08:00:00+08:00`,
///   `2024-05-01T00:00:00.250Z`; `t` or a space may stand for `T`, and the
///   offset may be written `+0800` or `+08`. A leap second (`:60`) counts
///   as the first second of the next minute.
/// - Unix seconds, optionally negative and with a fraction:
///   `1714521600`, `1714521600.25`.
///
/// Digits beyond milliseconds are dropped (truncated).
///
/// ```
/// use landtrace_track::parse_time_ms;
/// assert_eq!(parse_time_ms("2024-05-01T08:00:00+08:00"), Ok(1_714_521_600_000));
/// assert_eq!(parse_time_ms("1714521600.25"), Ok(1_714_521_600_250));
/// assert!(parse_time_ms("2024-05-01T08:00:00").is_err()); // no offset
/// ```
pub fn parse_time_ms(text: &str) -> Result<i64, TimeError> {
    let bytes = text.trim().as_bytes();
    if bytes.is_empty() {
        return Err(TimeError::Empty);
    }
    if bytes.len() >= 10 && bytes[4] == b'-' { rfc3339(bytes) } else { unix_seconds(bytes) }
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
    // 12 digits of seconds is beyond year 33000; keeps the arithmetic in range.
    if whole.is_empty() || whole.len() > 12 {
        return Err(TimeError::Malformed);
    }
    let ms = digits(whole).ok_or(TimeError::Malformed)? * 1000 + fraction_ms(fraction)?;
    Ok(if negative { -ms } else { ms })
}

/// Milliseconds from the digits after a decimal point (truncated).
fn fraction_ms(fraction: &[u8]) -> Result<i64, TimeError> {
    if !fraction.iter().all(u8::is_ascii_digit) {
        return Err(TimeError::Malformed);
    }
    let mut ms = 0;
    for i in 0..3 {
        ms = ms * 10 + fraction.get(i).map_or(0, |&b| i64::from(b - b'0'));
    }
    Ok(ms)
}

fn rfc3339(b: &[u8]) -> Result<i64, TimeError> {
    if b.len() < 19 || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return Err(TimeError::Malformed);
    }
    let field = |range: std::ops::Range<usize>| digits(&b[range]).ok_or(TimeError::Malformed);
    let (year, month, day) = (field(0..4)?, field(5..7)?, field(8..10)?);
    let (hour, minute, second) = (field(11..13)?, field(14..16)?, field(17..19)?);
    let mut rest = &b[19..];
    let mut ms = 0;
    if let Some((b'.', after)) = rest.split_first() {
        let end = after.iter().position(|b| !b.is_ascii_digit()).unwrap_or(after.len());
        if end == 0 {
            return Err(TimeError::Malformed);
        }
        ms = fraction_ms(&after[..end])?;
        rest = &after[end..];
    }
    let offset_minutes = match rest {
        [] => return Err(TimeError::NoOffset),
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), offset @ ..] => {
            let (h, m) = match offset {
                [h1, h2] => (digits(&[*h1, *h2]), Some(0)),
                [h1, h2, m1, m2] | [h1, h2, b':', m1, m2] => (digits(&[*h1, *h2]), digits(&[*m1, *m2])),
                _ => return Err(TimeError::Malformed),
            };
            let (h, m) = (h.ok_or(TimeError::Malformed)?, m.ok_or(TimeError::Malformed)?);
            if h > 23 || m > 59 {
                return Err(TimeError::OutOfRange);
            }
            if *sign == b'-' { -(h * 60 + m) } else { h * 60 + m }
        }
        _ => return Err(TimeError::Malformed),
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(TimeError::OutOfRange);
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(TimeError::OutOfRange);
    }
    let seconds_of_day = hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Ok(days_from_civil(year, month, day) * MS_PER_DAY + seconds_of_day * 1000 + ms)
}

/// The value of a run of ASCII digits (at most 18, so it cannot overflow).
fn digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || bytes.len() > 18 {
        return None;
    }
    let mut value = 0i64;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(b - b'0');
    }
    Some(value)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12; // March = 0
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
