//! Instants for the truck ban: RFC 3339 text in, local time of Asia/Shanghai out.
//!
//! The ban hours of 临政发〔2023〕5号 are wall-clock hours in 临猗县, which keeps
//! UTC+8 all year (no daylight saving). [`LocalDateTime::parse_rfc3339`] reads the
//! text with the project's one RFC 3339 parser, [`crate::units::instant::parse_rfc3339`]
//! (its documentation lists the accepted forms: `Z`/`z`, `±HH:MM`, `±HHMM` or `±HH`,
//! `T`/`t`/space, a second `60` read as the next minute's first), and converts it to
//! that local time, so
//! `2023-05-31T22:00:00Z` and `2023-06-01T06:00:00+08:00` are the same
//! [`LocalDateTime`]. No clock is read: the instant is always an argument.
//!
//! A fraction of a second is **truncated** (21:59:59.999 counts as 21:59:59, so the
//! half-open ban hours stay exact); a leap second 23:59:60 UTC is 08:00:00 here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::truck_ban::UTC_OFFSET_MINUTES;
use crate::units::date::Date;
pub use crate::units::instant::TimeError;
use crate::units::instant::{Instant, parse_rfc3339};

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

impl LocalDateTime {
    /// The local time `hour:minute:second` on `date` (hour 0-23, minute and second 0-59).
    pub fn new(date: Date, hour: u8, minute: u8, second: u8) -> Result<LocalDateTime, TimeError> {
        if hour > 23 || minute > 59 || second > 59 {
            return Err(TimeError::TimeOfDay { hour, minute, second });
        }
        let second_of_day = u32::from(hour) * 3600 + u32::from(minute) * 60 + u32::from(second);
        Ok(LocalDateTime { date, second_of_day })
    }

    /// Parses an RFC 3339 date-time with `Z` or an offset ([`crate::units::instant::parse_rfc3339`])
    /// and converts it to Asia/Shanghai.
    pub fn parse_rfc3339(text: &str) -> Result<LocalDateTime, TimeError> {
        parse_rfc3339(text).map(LocalDateTime::at)
    }

    /// The local time of `instant` (its fraction of a second truncated).
    pub fn at(instant: Instant) -> LocalDateTime {
        let (date, second_of_day) = instant.county_date_and_second();
        LocalDateTime { date, second_of_day }
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
        LocalDateTime::parse_rfc3339(&text).map_err(|e| {
            let shown: String = text.chars().take(64).collect();
            serde::de::Error::custom(format!("{shown:?}: {e}"))
        })
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
            ("2016-12-31T23:59:60Z", "2017-01-01T08:00:00+08:00"),
            ("2017-01-01T07:59:60+08:00", "2017-01-01T08:00:00+08:00"),
            ("2023-06-01T05:59:59+0800", "2023-06-01T05:59:59+08:00"),
            ("2023-06-01T05:59:59+08", "2023-06-01T05:59:59+08:00"),
            (" 2023-06-01T06:00:00Z\n", "2023-06-01T14:00:00+08:00"),
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
        assert_eq!(LocalDateTime::parse_rfc3339(""), Err(TimeError::Empty));
        for text in [
            "2023-06-01",
            "2023-06-01T06:00:00",
            "2023-06-01T06:00+08:00",
            "2023-06-01T6:00:00+08:00",
            "2023/06/01T06:00:00Z",
            "2023-06-01X06:00:00Z",
            "2023-06-01T06:00:00.Z",
            "2023-06-01T06:00:00+080",
            "2023-06-01T06:00:00+8:00",
            "2023-06-01T06:00:00+24:00",
            "2023-06-01T06:00:00+08:60",
            "2023-06-01T06:00:00 Z",
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
        for text in ["2023-02-29T12:00:00+08:00", "2023-13-01T00:00:00Z", "2023-00-01T00:00:00Z"] {
            assert!(matches!(LocalDateTime::parse_rfc3339(text), Err(TimeError::Date(_))), "{text}");
        }
        for text in ["9999-12-31T20:00:00Z", "0001-01-01T00:00:00+09:00", "0000-01-01T00:00:00Z"] {
            assert_eq!(LocalDateTime::parse_rfc3339(text), Err(TimeError::OutOfRange), "{text}");
        }
        assert!(matches!(LocalDateTime::parse_rfc3339("2023-06-01T12:00:61Z"), Err(TimeError::TimeOfDay { .. })));
        assert!(LocalDateTime::new(Date::ymd(2023, 6, 1), 24, 0, 0).is_err());
    }

    #[test]
    fn error_messages_say_what_is_wrong() {
        assert_eq!(
            LocalDateTime::parse_rfc3339("2023-06-01T06:00:00").unwrap_err().to_string(),
            "not an RFC 3339 date-time such as 2023-06-01T06:00:00+08:00 or 2023-05-31T22:00:00Z: \
             a time zone offset (Z or ±HH:MM) is required"
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
        let e = serde_json::from_value::<LocalDateTime>(serde_json::json!("2023-06-01")).unwrap_err();
        assert!(e.to_string().starts_with("\"2023-06-01\": not an RFC 3339 date-time"), "{e}");
        assert_eq!(b.time_text(), "22:00:00");
    }
}
