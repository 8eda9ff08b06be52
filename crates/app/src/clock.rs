//! The clock, read in one place: the county's calendar day and the current
//! instant as text. The domain takes dates as arguments and never reads a clock;
//! the conversion to the county's day (Asia/Shanghai, a fixed UTC+8) is the
//! domain's ([`landtrace_domain::units::instant`]).

use landtrace_domain::Date;
use landtrace_domain::units::instant::Instant;

/// Now, to the whole second.
fn now() -> Instant {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Instant::from_unix_seconds(i64::try_from(seconds).unwrap_or(i64::MAX)).expect("the clock is in years 1-9999")
}

/// Today in the county (Asia/Shanghai, UTC+8, no daylight saving).
pub fn today_in_county() -> Date {
    now().county_date()
}

/// Now in unix milliseconds, for records that keep the instant as a number (the
/// track-check summaries).
pub fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Now as RFC 3339 UTC (whole seconds), for `created_at` / `updated_at` stamps.
pub fn now_rfc3339() -> String {
    now().to_rfc3339_utc()
}

/// The instant `seconds` from now as RFC 3339 UTC (whole seconds), e.g. when a
/// sign-in session ends.
pub fn rfc3339_after(seconds: i64) -> String {
    let at = (now().unix_ms() / 1000).saturating_add(seconds);
    Instant::from_unix_seconds(at).map_or_else(now_rfc3339, Instant::to_rfc3339_utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_rfc3339_utc_and_today_is_within_a_day_of_it() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T', "{now}");
        let utc_day = Date::parse(&now[..10]).unwrap();
        let today = today_in_county();
        // UTC+8: the county's day is the UTC day or the one after it.
        assert!(today == utc_day || today == Date::from_epoch_days(utc_day.epoch_days() + 1).unwrap(), "{today} {now}");
        // What is written is what the one parser reads back.
        let read = landtrace_domain::units::instant::parse_rfc3339(&now).unwrap();
        assert_eq!(read.to_rfc3339_utc(), now);
    }
}
