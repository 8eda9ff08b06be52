//! The fixed test points the demo-data generator guarantees (data/README.md,
//! "Fixed test points"), WGS84 longitude/latitude.

/// Inside urban grade 1 and the truck-ban zone, in no expropriation area.
pub const P1_GRADE1_TRUCK_BAN: (f64, f64) = (110.775, 35.14);
/// Inside grade 2 (ring part) and the truck-ban zone.
pub const P2_GRADE2: (f64, f64) = (110.7574272, 35.1381973);
/// Inside the hole of the grade-1 zone (the grade-2 island).
pub const P3_GRADE1_HOLE: (f64, f64) = (110.771143, 35.1437851);
/// Inside expropriation area 临政发〔2023〕10号.
pub const P4_EXPROPRIATION_10: (f64, f64) = (110.779276, 35.1419853);
/// Inside grade 3, outside the truck-ban zone.
pub const P5_GRADE3_OUTSIDE_BAN: (f64, f64) = (110.8068212, 35.14);
/// Outside the county and every neighbour in the bundled boundaries (Shaanxi,
/// across the Yellow River).
pub const P6_OUTSIDE_COUNTY: (f64, f64) = (109.9, 35.2);
/// In a neighbouring county (绛县), outside 临猗县.
pub const P8_NEIGHBOUR_COUNTY: (f64, f64) = (111.5, 35.5);
/// Inside the county, in no demo zone.
pub const P7_COUNTY_ONLY: (f64, f64) = (110.65, 35.115);
