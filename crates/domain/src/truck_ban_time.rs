//! Instants for the truck ban: RFC 3339 text in, local time of Asia/Shanghai out.
//!
//! The ban hours of 临政发〔2023〕5号 are wall-clock hours in 临猗县, which keeps
//! UTC+8 all year (no daylight saving). [`LocalDateTime::parse_rfc3339`] accepts an
//! RFC 3339 date-time with `Z` or a numeric offset and converts it to that local
//! time, so `2023-05-31T22:00:00Z` and `2023-06-01T06:00:00+08:00` are the same
//! [`LocalDateTime`]. No clock is read: the instant is always an argument.
//!
//! Accepted: `YYYY-MM-DD` `T` (or `t`, or one space) `HH:MM:SS`, an optional
//! fraction `.d…` that is **truncated** (21:59:59.999 counts as 21:59:59, so the
//! half-open ban hours stay exact), then `Z`/`z` or `±HH:MM`. A leap second
//! (`:60`) is read as `:59` of the same minute. Anything else is rejected with the
//! reason.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::date::{Date, DateError};
use crate::truck_ban::UTC_OFFSET_MINUTES;

/// Seconds in a day.
const DAY_SECONDS: u32 = 86_400;

/// Why an instant was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// The text is not an RFC 3339 date-time; `problem` says what is wrong.
    #[error(
        "{text:?} is not an RFC 3339 date-time such as 2023-06-01T06:00:00+08:00 or 2023-05-31T22:00:00Z: {problem}"
    )]
    Format {
        /// The text as given.
        text: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The date part names no calendar day (2023-02-30).
    #[error(transparent)]
    Date(#[from] DateError),
    /// An hour, minute or second out of range.
    #[error("{hour:02}:{minute:02}:{second:02} is not a time of day")]
    TimeOfDay {
        /// Hour as given.
        hour: u8,
        /// Minute as given.
        minute: u8,
        /// Second as given.
        second: u8,
    },
    /// The instant converted to Asia/Shanghai falls outside years 1-9999.
    #[error("{0:?} is outside the years 0001-9999 in Asia/Shanghai")]
    OutOfRange(String),
}

/// A wall-clock time in Asia/Shanghai (UTC+8): a calendar day and the seconds since
/// its local midnight (0-86 399).
///
/// Ordered chronologically; displayed and serialized as RFC 3339 with `+08:00`
/// (`2023-06-01T06:00:00+08:00`); deserialized with [`LocalDateTime::parse_rfc3339`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalDateTime {
    // Field order matters: the derived `Ord` is chronological.
    date: Date,
    second_of_day: u32,
}

/// The number in `text[range]` if it is all ASCII digits.
fn digits(text: &str, range: std::ops::Range<usize>) -> Option<u32> {
    let part = text.get(range)?;
    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

impl LocalDateTime {
    /// The local time `hour:minute:second` on `date` (hour 0-23, minute and second 0-59).
    pub fn new(date: Date, hour: u8, minute: u8, second: u8) -> Result<LocalDateTime, TimeError> {
        if hour > 23 || minute > 59 || second > 59 {
            return Err(TimeError::TimeOfDay { hour, minute, second });
        }
        let second_of_day = u32::from(hour) * 3600 + u32::from(minute) * 60 + u32::from(second);
        Ok(LocalDateTime { date, second_of_day })
    }

    /// Parses an RFC 3339 date-time with `Z` or an offset and converts it to
    /// Asia/Shanghai (see the module documentation for what is accepted).
    pub fn parse_rfc3339(text: &str) -> Result<LocalDateTime, TimeError> {
        let format = |problem| TimeError::Format { text: text.to_owned(), problem };
        if !text.is_ascii() {
            return Err(format("only ASCII characters are allowed"));
        }
        let b = text.as_bytes();
        if b.len() < 19 {
            return Err(format("expected YYYY-MM-DDTHH:MM:SS followed by Z or ±HH:MM"));
        }
        if b[4] != b'-' || b[7] != b'-' {
            return Err(format("the date must be YYYY-MM-DD"));
        }
        let (Some(year), Some(month), Some(day)) = (digits(text, 0..4), digits(text, 5..7), digits(text, 8..10)) else {
            return Err(format("the date must be YYYY-MM-DD"));
        };
        if !matches!(b[10], b'T' | b't' | b' ') {
            return Err(format("date and time must be separated by T"));
        }
        if b[13] != b':' || b[16] != b':' {
            return Err(format("the time must be HH:MM:SS"));
        }
        let (Some(hour), Some(minute), Some(second)) =
            (digits(text, 11..13), digits(text, 14..16), digits(text, 17..19))
        else {
            return Err(format("the time must be HH:MM:SS"));
        };
        let mut rest = &text[19..];
        if let Some(fraction) = rest.strip_prefix('.') {
            let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return Err(format("a decimal point must be followed by digits"));
            }
            rest = &fraction[n..];
        }
        let offset_seconds: i64 = match rest.as_bytes() {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let (Some(oh), Some(om)) = (digits(rest, 1..3), digits(rest, 4..6)) else {
                    return Err(format("the offset must be Z or ±HH:MM"));
                };
                if oh > 23 || om > 59 {
                    return Err(format("the offset must be between -23:59 and +23:59"));
                }
                let magnitude = i64::from(oh * 3600 + om * 60);
                if *sign == b'-' { -magnitude } else { magnitude }
            }
            [] => return Err(format("a time zone offset (Z or ±HH:MM) is required")),
            _ => return Err(format("the offset must be Z or ±HH:MM")),
        };
        // All fields have at most 4 digits, so they fit; range-check before narrowing.
        let date = Date::new(year as u16, month.min(99) as u8, day.min(99) as u8)?;
        if hour > 23 || minute > 59 || second > 60 {
            return Err(TimeError::TimeOfDay { hour: hour as u8, minute: minute as u8, second: second as u8 });
        }
        let second = second.min(59); // a leap second is read as :59
        let local_seconds = date.epoch_days() * i64::from(DAY_SECONDS) + i64::from(hour * 3600 + minute * 60 + second)
            - offset_seconds
            + i64::from(UTC_OFFSET_MINUTES) * 60;
        let local_date = Date::from_epoch_days(local_seconds.div_euclid(i64::from(DAY_SECONDS)))
            .ok_or_else(|| TimeError::OutOfRange(text.to_owned()))?;
        let second_of_day = local_seconds.rem_euclid(i64::from(DAY_SECONDS)) as u32;
        Ok(LocalDateTime { date: local_date, second_of_day })
    }

    /// The local calendar day.
    pub const fn date(self) -> Date {
        self.date
    }

    /// Seconds since local midnight (0-86 399).
    pub const fn second_of_day(self) -> u32 {
        self.second_of_day
    }

    /// Whole minutes since local midnight (0-1 439).
    pub const fn minute_of_day(self) -> u16 {
        (self.second_of_day / 60) as u16
    }

    /// The local time of day as `HH:MM:SS`.
    pub fn time_text(self) -> String {
        let s = self.second_of_day;
        format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset = UTC_OFFSET_MINUTES;
        write!(f, "{}T{}+{:02}:{:02}", self.date, self.time_text(), offset / 60, offset % 60)
    }
}

impl FromStr for LocalDateTime {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LocalDateTime::parse_rfc3339(s)
    }
}

impl Serialize for LocalDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        LocalDateTime::parse_rfc3339(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(text: &str) -> String {
        LocalDateTime::parse_rfc3339(text).unwrap().to_string()
    }

    #[test]
    fn converts_to_shanghai_time() {
        let cases = [
            ("2023-06-01T05:59:59+08:00", "2023-06-01T05:59:59+08:00"),
            ("2023-05-31T22:00:00Z", "2023-06-01T06:00:00+08:00"),
            ("2023-05-31T21:59:59Z", "2023-06-01T05:59:59+08:00"),
            ("2023-06-01T13:59:59Z", "2023-06-01T21:59:59+08:00"),
            ("2023-06-01T14:00:00Z", "2023-06-01T22:00:00+08:00"),
            ("2023-06-01T00:00:00-05:30", "2023-06-01T13:30:00+08:00"),
            ("2023-02-28T16:00:00Z", "2023-03-01T00:00:00+08:00"),
            ("2024-03-01T00:30:00+09:00", "2024-02-29T23:30:00+08:00"),
            ("2023-06-01t06:00:00z", "2023-06-01T14:00:00+08:00"),
            ("2023-06-01 06:00:00+08:00", "2023-06-01T06:00:00+08:00"),
            ("2023-06-01T21:59:59.999+08:00", "2023-06-01T21:59:59+08:00"),
            ("2023-06-01T05:59:59.999999999Z", "2023-06-01T13:59:59+08:00"),
            ("2016-12-31T23:59:60Z", "2017-01-01T07:59:59+08:00"),
            ("2023-06-01T06:00:00-00:00", "2023-06-01T14:00:00+08:00"),
        ];
        for (text, expected) in cases {
            assert_eq!(local(text), expected, "{text}");
        }
        let t = LocalDateTime::parse_rfc3339("2023-05-31T22:00:00Z").unwrap();
        assert_eq!((t.date(), t.second_of_day(), t.minute_of_day()), (Date::ymd(2023, 6, 1), 6 * 3600, 360));
        assert_eq!(t, LocalDateTime::new(Date::ymd(2023, 6, 1), 6, 0, 0).unwrap());
        assert_eq!("2023-05-31T22:00:00Z".parse::<LocalDateTime>().unwrap(), t);
    }

    #[test]
    fn rejects_malformed_instants() {
        for text in [
            "",
            "2023-06-01",
            "2023-06-01T06:00:00",
            "2023-06-01T06:00+08:00",
            "2023-06-01T6:00:00+08:00",
            "2023/06/01T06:00:00Z",
            "2023-06-01X06:00:00Z",
            "2023-06-01T06:00:00.Z",
            "2023-06-01T06:00:00+0800",
            "2023-06-01T06:00:00+08",
            "2023-06-01T06:00:00+24:00",
            "2023-06-01T06:00:00+08:60",
            "2023-06-01T06:00:00 Z",
            "2023-06-01T06:00:00Z ",
            "2023-06-01T06:00:00UTC",
            "２０２３-06-01T06:00:00Z",
            "2023-06-01T06:0a:00Z",
            "+2023-06-01T06:00:00Z",
        ] {
            assert!(matches!(LocalDateTime::parse_rfc3339(text), Err(TimeError::Format { .. })), "{text}");
        }
        for text in ["2023-06-01T24:00:00Z", "2023-06-01T23:60:00Z", "2023-06-01T23:59:61Z"] {
            assert!(matches!(LocalDateTime::parse_rfc3339(text), Err(TimeError::TimeOfDay { .. })), "{text}");
        }
        for text in ["2023-02-29T12:00:00+08:00", "2023-13-01T00:00:00Z", "0000-01-01T00:00:00Z"] {
            assert!(matches!(LocalDateTime::parse_rfc3339(text), Err(TimeError::Date(_))), "{text}");
        }
        assert!(matches!(LocalDateTime::parse_rfc3339("9999-12-31T20:00:00Z"), Err(TimeError::OutOfRange(_))));
        assert!(matches!(LocalDateTime::parse_rfc3339("0001-01-01T00:00:00+09:00"), Err(TimeError::OutOfRange(_))));
        assert!(LocalDateTime::new(Date::ymd(2023, 6, 1), 24, 0, 0).is_err());
    }

    #[test]
    fn error_messages_say_what_is_wrong() {
        assert_eq!(
            LocalDateTime::parse_rfc3339("2023-06-01T06:00:00").unwrap_err().to_string(),
            "\"2023-06-01T06:00:00\" is not an RFC 3339 date-time such as 2023-06-01T06:00:00+08:00 or \
             2023-05-31T22:00:00Z: a time zone offset (Z or ±HH:MM) is required"
        );
        assert_eq!(
            LocalDateTime::parse_rfc3339("2023-02-30T06:00:00Z").unwrap_err().to_string(),
            "2023-02-30 is not a calendar date"
        );
    }

    #[test]
    fn orders_and_serializes() {
        let a = LocalDateTime::parse_rfc3339("2023-06-01T21:59:59+08:00").unwrap();
        let b = LocalDateTime::parse_rfc3339("2023-06-01T14:00:00Z").unwrap();
        let c = LocalDateTime::parse_rfc3339("2023-06-02T00:00:00+08:00").unwrap();
        assert!(a < b && b < c);
        assert_eq!(serde_json::to_value(b).unwrap(), serde_json::json!("2023-06-01T22:00:00+08:00"));
        let back: LocalDateTime = serde_json::from_value(serde_json::json!("2023-06-01T14:00:00Z")).unwrap();
        assert_eq!(back, b);
        assert!(serde_json::from_value::<LocalDateTime>(serde_json::json!("2023-06-01")).is_err());
        assert_eq!(b.time_text(), "22:00:00");
    }
}
