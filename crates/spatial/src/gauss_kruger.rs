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

impl GaussKruger {
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
}
