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

/// The county's CGCS2000 Gauss-Krüger zone as its surveys write it without the
/// zone number: 3° zone 37, central meridian 111°E (EPSG:4546; with the number in
/// the easting EPSG:4525; the county also lies in 6° zone 19, EPSG:4497/4508).
/// Coordinates recognised as Gauss-Krüger by their ranges but carrying no zone
/// number are assumed to be in this zone, and the answer says so.
pub const GAUSS_KRUGER_EPSG: u32 = 4546;

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
