//! The county the platform serves.

/// 临猗县's administrative division code (GB/T 2260), as the `adcode` of the
/// county boundary layer and the prefix of its township and village codes.
pub const COUNTY_ADCODE: &str = "140821";

/// The county's time zone: its calendar days and clock hours (ban hours, due dates,
/// "today") are those of Asia/Shanghai.
pub const TIME_ZONE: &str = "Asia/Shanghai";

/// Offset of [`TIME_ZONE`] from UTC in minutes. China has kept UTC+8 all year, without
/// daylight saving, since 1991, so this fixed offset stands for the zone and no
/// time-zone database is needed ([`crate::units::instant`]).
pub const UTC_OFFSET_MINUTES: i32 = 8 * 60;

#[cfg(test)]
mod tests {
    #[test]
    fn township_codes_start_with_the_county_code() {
        let csv = include_str!("../../../data/divisions/linyi-townships-villages.csv");
        let codes: Vec<&str> = csv.lines().skip(1).filter_map(|l| l.split(',').next()).collect();
        assert!(codes.len() > 10);
        assert!(codes.iter().all(|c| c.starts_with(super::COUNTY_ADCODE)), "{codes:?}");
    }
}
