//! CGCS2000 Gauss-Krüger projections (EPSG:4491–4554): the transverse Mercator on
//! the CGCS2000 ellipsoid with scale 1 on the central meridian, in 6° zones
//! (central meridians 75°E–135°E) and 3° zones (75°E–135°E), each with or without
//! the zone number in front of the false easting (`37 479 039.53` in EPSG:4525 is
//! `479 039.53` in EPSG:4546).
//!
//! Hand-written because this crate stays free of C libraries (PROJ comes in
//! through the `proj` crate where the platform reads any EPSG code, issue 13) and
//! because the series is short: Krüger's series to sixth order in the third
//! flattening n (Karney 2011, "Transverse Mercator with an accuracy of a few
//! nanometres", eqs. 7–11, 35–36), accurate to well under a millimetre within a
//! few degrees of the central meridian, with the inverse latitude found by
//! Newton's method (Karney's eq. 19–21).

use std::f64::consts::PI;

/// CGCS2000 semi-major axis, metres.
const A: f64 = 6_378_137.0;
/// CGCS2000 flattening.
const F: f64 = 1.0 / 298.257_222_101;

/// One Gauss-Krüger zone: where its central meridian lies and its false easting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaussKruger {
    /// Longitude of the central meridian, degrees east.
    pub central_meridian: f64,
    /// Added to every easting: 500 000 m, plus the zone number × 10⁶ in the
    /// "zone" variants.
    pub false_easting: f64,
}

/// The series' constants for the CGCS2000 ellipsoid.
struct Series {
    /// Rectifying radius A (k0 = 1).
    radius: f64,
    alpha: [f64; 6],
    beta: [f64; 6],
    /// First eccentricity.
    e: f64,
}

fn series() -> Series {
    let n = F / (2.0 - F);
    let (n2, n3, n4, n5, n6) = (n * n, n.powi(3), n.powi(4), n.powi(5), n.powi(6));
    Series {
        radius: A / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0),
        alpha: [
            n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0 + 7891.0 * n6 / 37800.0,
            13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0
                - 1_983_433.0 * n6 / 1_935_360.0,
            61.0 * n3 / 240.0 - 103.0 * n4 / 140.0 + 15061.0 * n5 / 26880.0 + 167_603.0 * n6 / 181_440.0,
            49561.0 * n4 / 161_280.0 - 179.0 * n5 / 168.0 + 6_601_661.0 * n6 / 7_257_600.0,
            34729.0 * n5 / 80640.0 - 3_418_889.0 * n6 / 1_995_840.0,
            212_378_941.0 * n6 / 319_334_400.0,
        ],
        beta: [
            n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0 - 81.0 * n5 / 512.0 + 96199.0 * n6 / 604_800.0,
            n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0 + 46.0 * n5 / 105.0 - 1_118_711.0 * n6 / 3_870_720.0,
            17.0 * n3 / 480.0 - 37.0 * n4 / 840.0 - 209.0 * n5 / 4480.0 + 5569.0 * n6 / 90720.0,
            4397.0 * n4 / 161_280.0 - 11.0 * n5 / 504.0 - 830_251.0 * n6 / 7_257_600.0,
            4583.0 * n5 / 161_280.0 - 108_847.0 * n6 / 3_991_680.0,
            20_648_693.0 * n6 / 638_668_800.0,
        ],
        e: (F * (2.0 - F)).sqrt(),
    }
}

/// tan of the conformal latitude from tan of the geodetic latitude (Karney eq. 7–9).
fn conformal_tan(tau: f64, e: f64) -> f64 {
    let sigma = (e * (e * tau / tau.hypot(1.0)).atanh()).sinh();
    tau * sigma.hypot(1.0) - sigma * tau.hypot(1.0)
}

/// What an EPSG code of the CGCS2000 Gauss-Krüger family says about its zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneCode {
    /// Zone width: 3 or 6 degrees.
    pub width: u32,
    /// Zone number (3° zones 25–45, 6° zones 13–23).
    pub zone: u32,
    /// Whether the zone number is written in front of the easting.
    pub numbered: bool,
}

impl ZoneCode {
    /// The zone of an EPSG code (4491–4554).
    pub fn of_epsg(code: u32) -> Option<ZoneCode> {
        let (width, zone, numbered) = match code {
            4491..=4501 => (6, code - 4491 + 13, true),
            4502..=4512 => (6, code - 4502 + 13, false),
            4513..=4533 => (3, code - 4513 + 25, true),
            4534..=4554 => (3, code - 4534 + 25, false),
            _ => return None,
        };
        Some(ZoneCode { width, zone, numbered })
    }

    /// The EPSG code of a zone, if it is one of the family's.
    pub fn epsg(self) -> Option<u32> {
        let code = match (self.width, self.numbered) {
            (6, true) if (13..=23).contains(&self.zone) => 4491 + self.zone - 13,
            (6, false) if (13..=23).contains(&self.zone) => 4502 + self.zone - 13,
            (3, true) if (25..=45).contains(&self.zone) => 4513 + self.zone - 25,
            (3, false) if (25..=45).contains(&self.zone) => 4534 + self.zone - 25,
            _ => return None,
        };
        Some(code)
    }

    /// The zone of a number written in front of an easting: 13–23 are 6°
    /// zones, 25–45 3° zones (the two ranges do not overlap over China).
    pub fn of_prefix(zone: u32) -> Option<ZoneCode> {
        match zone {
            13..=23 => Some(ZoneCode { width: 6, zone, numbered: true }),
            25..=45 => Some(ZoneCode { width: 3, zone, numbered: true }),
            _ => None,
        }
    }

    /// Longitude of the central meridian, degrees east.
    pub fn central_meridian(self) -> f64 {
        if self.width == 6 { f64::from(self.zone * 6) - 3.0 } else { f64::from(self.zone * 3) }
    }
}

/// Farthest a Gauss-Krüger easting may lie from its false easting before it is
/// refused as not in the zone: 1 000 km, about 11° of longitude at the county's
/// latitude, twice what a zone's own data ever spans.
const MAX_OFFSET_M: f64 = 1_000_000.0;

impl GaussKruger {
    /// EPSG's name of a code of the family, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 111E".
    pub fn title(code: u32) -> String {
        match ZoneCode::of_epsg(code) {
            Some(z) if z.numbered => format!("CGCS2000 / {}-degree Gauss-Kruger zone {}", z.width, z.zone),
            Some(z) => format!("CGCS2000 / {}-degree Gauss-Kruger CM {}E", z.width, z.central_meridian()),
            None => format!("EPSG:{code}"),
        }
    }

    /// Refuses an easting that does not belong to this zone's code: a missing
    /// or unexpected zone number, another zone's number, or too far off.
    pub fn check_easting(&self, easting: f64, code: u32) -> Result<(), crate::CoordError> {
        use crate::CoordError;
        let Some(z) = ZoneCode::of_epsg(code) else {
            return Err(CoordError::OutsideProjection { x: easting, y: 0.0, epsg: code });
        };
        let prefix = (easting / 1e6).floor();
        if z.numbered && easting < 1e7 {
            let plain = ZoneCode { numbered: false, ..z }.epsg().unwrap_or(code);
            return Err(CoordError::ZoneNumberMissing { easting, zone: z.zone, epsg: code, plain });
        }
        if !z.numbered
            && easting >= 1e7
            && let Some(numbered) = ZoneCode::of_prefix(prefix as u32).and_then(ZoneCode::epsg)
        {
            return Err(CoordError::ZoneNumberUnexpected { easting, epsg: code, zone: prefix as u32, numbered });
        }
        if z.numbered && prefix as u32 != z.zone && prefix < 100.0 {
            return Err(CoordError::WrongZone { easting, found: prefix as u32, zone: z.zone, epsg: code });
        }
        if (easting - self.false_easting).abs() > MAX_OFFSET_M {
            return Err(CoordError::OutsideProjection { x: easting, y: 0.0, epsg: code });
        }
        Ok(())
    }

    /// The zone of a CGCS2000 Gauss-Krüger EPSG code (4491–4554), `None` for others.
    pub fn from_epsg(code: u32) -> Option<GaussKruger> {
        let (central_meridian, zone) = match code {
            // 6° zones 13–23, zone number in the false easting.
            4491..=4501 => {
                let zone = f64::from(code - 4491 + 13);
                (zone * 6.0 - 3.0, Some(zone))
            }
            // 6° zones by central meridian 75°E–135°E.
            4502..=4512 => (75.0 + 6.0 * f64::from(code - 4502), None),
            // 3° zones 25–45, zone number in the false easting.
            4513..=4533 => {
                let zone = f64::from(code - 4513 + 25);
                (zone * 3.0, Some(zone))
            }
            // 3° zones by central meridian 75°E–135°E.
            4534..=4554 => (75.0 + 3.0 * f64::from(code - 4534), None),
            _ => return None,
        };
        Some(GaussKruger { central_meridian, false_easting: zone.map_or(0.0, |z| z * 1e6) + 500_000.0 })
    }

    /// Easting and northing (metres) of a CGCS2000 longitude/latitude (degrees).
    pub fn forward(&self, lon: f64, lat: f64) -> (f64, f64) {
        let s = series();
        let lambda = (lon - self.central_meridian).to_radians();
        let tau_prime = conformal_tan(lat.to_radians().tan(), s.e);
        let xi_prime = tau_prime.atan2(lambda.cos());
        let eta_prime = (lambda.sin() / tau_prime.hypot(lambda.cos())).asinh();
        let (mut xi, mut eta) = (xi_prime, eta_prime);
        for (j, alpha) in s.alpha.iter().enumerate() {
            let k = 2.0 * (j as f64 + 1.0);
            xi += alpha * (k * xi_prime).sin() * (k * eta_prime).cosh();
            eta += alpha * (k * xi_prime).cos() * (k * eta_prime).sinh();
        }
        (self.false_easting + s.radius * eta, s.radius * xi)
    }

    /// CGCS2000 longitude/latitude (degrees) of an easting and northing (metres).
    pub fn inverse(&self, easting: f64, northing: f64) -> (f64, f64) {
        let s = series();
        let xi = northing / s.radius;
        let eta = (easting - self.false_easting) / s.radius;
        let (mut xi_prime, mut eta_prime) = (xi, eta);
        for (j, beta) in s.beta.iter().enumerate() {
            let k = 2.0 * (j as f64 + 1.0);
            xi_prime -= beta * (k * xi).sin() * (k * eta).cosh();
            eta_prime -= beta * (k * xi).cos() * (k * eta).sinh();
        }
        let tau_prime = xi_prime.sin() / eta_prime.sinh().hypot(xi_prime.cos());
        let lambda = eta_prime.sinh().atan2(xi_prime.cos());
        // Newton's method for tan φ from tan of the conformal latitude.
        let e2 = s.e * s.e;
        let mut tau = tau_prime;
        for _ in 0..5 {
            let tau_i = conformal_tan(tau, s.e);
            let step =
                (tau_prime - tau_i) / tau_i.hypot(1.0) * (1.0 + (1.0 - e2) * tau * tau) / ((1.0 - e2) * tau.hypot(1.0));
            tau += step;
            if step.abs() < 1e-15 {
                break;
            }
        }
        (self.central_meridian + lambda * 180.0 / PI, tau.atan().to_degrees())
    }
}

/// Gauss-Krüger coordinates recognised by their ranges ([`detect`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// The EPSG code read or assumed.
    pub epsg: u32,
    /// Whether the first value is the northing (Chinese survey files' X).
    pub northing_first: bool,
    /// What was recognised and what was assumed, in words, for the answer.
    pub assumption: String,
}

/// Northings of China's territory, metres (about 16°N to 54°N).
const NORTHINGS_OF_CHINA: std::ops::Range<f64> = 1_700_000.0..6_000_000.0;
/// Eastings without a zone number: 500 km ± about 4.5° of longitude.
const PLAIN_EASTINGS: std::ops::Range<f64> = 100_000.0..900_000.0;

/// Recognises a CGCS2000 Gauss-Krüger coordinate pair by its ranges, in either
/// axis order: an easting above 10⁷ carries its zone number (13–23: a 6° zone,
/// 25–45: a 3° zone); a plain easting (100–900 km) with a northing of China has
/// no zone, and `fallback_epsg` (the county's zone) is assumed. `None` if the
/// pair is not Gauss-Krüger-shaped (lon/lat degrees, say).
///
/// ```
/// use landtrace_spatial::gauss_kruger::detect;
/// let d = detect(3_890_148.98, 37_479_039.53, 4546).unwrap();
/// assert_eq!((d.epsg, d.northing_first), (4525, true));
/// assert_eq!(detect(479_039.53, 3_890_148.98, 4546).unwrap().epsg, 4546);
/// assert!(detect(110.77, 35.14, 4546).is_none());
/// ```
pub fn detect(first: f64, second: f64, fallback_epsg: u32) -> Option<Detected> {
    let numbered = |easting: f64| {
        (1e7..1e8)
            .contains(&easting)
            .then(|| ZoneCode::of_prefix((easting / 1e6).floor() as u32))
            .flatten()
            .filter(|z| (easting - (f64::from(z.zone) * 1e6 + 500_000.0)).abs() < 500_000.0)
    };
    let is_northing = |v: f64| NORTHINGS_OF_CHINA.contains(&v);
    let (easting, northing_first) =
        if is_northing(second) && (numbered(first).is_some() || PLAIN_EASTINGS.contains(&first)) {
            (first, false)
        } else if is_northing(first) && (numbered(second).is_some() || PLAIN_EASTINGS.contains(&second)) {
            (second, true)
        } else {
            return None;
        };
    let order = if northing_first { "; northing first (X = northing, as Chinese survey files write it)" } else { "" };
    if let Some(zone) = numbered(easting) {
        let epsg = zone.epsg()?;
        let assumption = format!(
            "Gauss-Krüger coordinates recognised by their ranges: the easting {easting} carries zone number {} ({}° zone), read as EPSG:{epsg} ({}), CGCS2000 datum assumed{order}",
            zone.zone,
            zone.width,
            GaussKruger::title(epsg)
        );
        return Some(Detected { epsg, northing_first, assumption });
    }
    let assumption = format!(
        "Gauss-Krüger coordinates recognised by their ranges, with no zone number in the eastings: assumed the county's zone EPSG:{fallback_epsg} ({}), CGCS2000 datum{order}",
        GaussKruger::title(fallback_epsg)
    );
    Some(Detected { epsg: fallback_epsg, northing_first, assumption })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 110.77°E 35.14°N, as issue 13 gives it (PROJ's answer).
    const LON: f64 = 110.77;
    const LAT: f64 = 35.14;

    #[test]
    fn the_issue_s_point_in_the_3_and_6_degree_zones() {
        let (e, n) = GaussKruger::from_epsg(4546).unwrap().forward(LON, LAT);
        assert!((e - 479_039.53).abs() < 0.005 && (n - 3_890_148.98).abs() < 0.005, "{e} {n}");
        let (e, _) = GaussKruger::from_epsg(4525).unwrap().forward(LON, LAT);
        assert!((e - 37_479_039.53).abs() < 0.005, "{e}");
        // 6° zone 19 (EPSG:4497) has the same central meridian, 111°E.
        let (e, n) = GaussKruger::from_epsg(4497).unwrap().forward(LON, LAT);
        assert!((e - 19_479_039.53).abs() < 0.005 && (n - 3_890_148.98).abs() < 0.005, "{e} {n}");
        assert_eq!(GaussKruger::from_epsg(4508).unwrap(), GaussKruger::from_epsg(4546).unwrap());
    }

    #[test]
    fn codes_and_central_meridians() {
        let cm = |code| GaussKruger::from_epsg(code).map(|g| (g.central_meridian, g.false_easting));
        assert_eq!(cm(4491), Some((75.0, 13_500_000.0)));
        assert_eq!(cm(4501), Some((135.0, 23_500_000.0)));
        assert_eq!(cm(4502), Some((75.0, 500_000.0)));
        assert_eq!(cm(4513), Some((75.0, 25_500_000.0)));
        assert_eq!(cm(4533), Some((135.0, 45_500_000.0)));
        assert_eq!(cm(4534), Some((75.0, 500_000.0)));
        assert_eq!(cm(4554), Some((135.0, 500_000.0)));
        assert_eq!(cm(4490), None);
        assert_eq!(cm(4555), None);
    }

    #[test]
    fn round_trips_over_the_county_within_a_tenth_of_a_millimetre() {
        let zone = GaussKruger::from_epsg(4546).unwrap();
        for i in 0..=20 {
            for j in 0..=20 {
                let (lon, lat) = (110.4 + 0.04 * f64::from(i), 34.9 + 0.03 * f64::from(j));
                let (e, n) = zone.forward(lon, lat);
                let (lon2, lat2) = zone.inverse(e, n);
                // 1e-9° is about 0.1 mm.
                assert!((lon - lon2).abs() < 1e-9 && (lat - lat2).abs() < 1e-9, "{lon},{lat} -> {lon2},{lat2}");
            }
        }
    }

    #[test]
    fn the_central_meridian_maps_to_the_false_easting_and_the_meridian_arc() {
        let zone = GaussKruger::from_epsg(4546).unwrap();
        let (e, n) = zone.forward(111.0, 0.0);
        assert!((e - 500_000.0).abs() < 1e-6 && n.abs() < 1e-6, "{e} {n}");
        // The quarter meridian of CGCS2000 (= GRS80 to 0.1 mm): 10 001 965.729 m.
        let (_, n) = zone.forward(111.0, 90.0);
        assert!((n - 10_001_965.729).abs() < 0.001, "{n}");
    }

    #[test]
    fn detection_by_ranges() {
        let d = detect(37_479_039.53, 3_890_148.98, 4546).unwrap();
        assert_eq!((d.epsg, d.northing_first), (4525, false));
        assert!(d.assumption.contains("zone number 37 (3° zone)"), "{}", d.assumption);
        let d = detect(3_890_148.98, 19_479_039.53, 4546).unwrap();
        assert_eq!((d.epsg, d.northing_first), (4497, true));
        assert!(d.assumption.contains("northing first"));
        let d = detect(3_890_148.98, 479_039.53, 4546).unwrap();
        assert_eq!((d.epsg, d.northing_first), (4546, true));
        assert!(d.assumption.contains("assumed the county's zone EPSG:4546"), "{}", d.assumption);
        // Degrees, Web Mercator metres and an unknown zone prefix are not Gauss-Krüger.
        assert_eq!(detect(110.77, 35.14, 4546), None);
        assert_eq!(detect(12_331_000.0, 4_181_000.0, 4546), None);
        assert_eq!(detect(24_479_039.0, 3_890_148.0, 4546), None);
    }

    #[test]
    fn zone_codes_round_trip() {
        for code in 4491..=4554 {
            let z = ZoneCode::of_epsg(code).unwrap();
            assert_eq!(z.epsg(), Some(code));
            let g = GaussKruger::from_epsg(code).unwrap();
            assert_eq!(g.central_meridian, z.central_meridian(), "{code}");
        }
        assert_eq!(GaussKruger::title(4497), "CGCS2000 / 6-degree Gauss-Kruger zone 19");
        assert_eq!(GaussKruger::title(4508), "CGCS2000 / 6-degree Gauss-Kruger CM 111E");
    }
}
