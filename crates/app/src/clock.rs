//! The clock, read in one place: the county's calendar day and the current
//! instant as text. The domain takes dates as arguments and never reads a clock.

use landtrace_domain::Date;

/// The county's offset from UTC: Asia/Shanghai, UTC+8, no daylight saving.
const COUNTY_UTC_OFFSET_S: u64 = 8 * 3600;

fn unix_seconds() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Today in the county (Asia/Shanghai, UTC+8, no daylight saving).
pub fn today_in_county() -> Date {
    let days = i64::try_from((unix_seconds() + COUNTY_UTC_OFFSET_S) / 86_400).unwrap_or(0);
    Date::from_epoch_days(days).expect("the current date is representable")
}

/// Now as RFC 3339 UTC (whole seconds), for `created_at` / `updated_at` stamps.
pub fn now_rfc3339() -> String {
    let secs = i64::try_from(unix_seconds()).unwrap_or(0);
    let day = Date::from_epoch_days(secs.div_euclid(86_400)).unwrap_or(Date::ymd(1970, 1, 1));
    let s = secs.rem_euclid(86_400);
    format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s % 3600 / 60, s % 60)
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
    }
}
