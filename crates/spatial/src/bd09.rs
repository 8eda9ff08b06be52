//! BD-09, Baidu Maps' coordinates: GCJ-02 further shifted by Baidu's public
//! formula (the `x_pi = π·3000/180` rotation and the 0.0065°/0.006° offset), as
//! in the widely used open implementations (coordtransform, eviltransform).
//!
//! [`bd09_to_gcj02`] inverts the formula exactly by fixed-point iteration, as
//! [`crate::gcj02::gcj02_to_wgs84`] does for GCJ-02; the one-step inverse most
//! libraries use is off by up to a metre.

use crate::gcj02::{gcj02_to_wgs84, wgs84_to_gcj02};
use crate::lonlat::LonLat;
use std::f64::consts::PI;

const X_PI: f64 = PI * 3000.0 / 180.0;
/// The inverse stops once the forward transform reproduces the input this well.
const INVERSE_TOLERANCE_DEG: f64 = 1e-10;
const INVERSE_MAX_ITERATIONS: usize = 20;

fn forward(lon: f64, lat: f64) -> (f64, f64) {
    let z = lon.hypot(lat) + 0.000_02 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000_003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// GCJ-02 → BD-09.
pub fn gcj02_to_bd09(p: LonLat) -> Result<LonLat, crate::CoordError> {
    let (lon, lat) = forward(p.lon(), p.lat());
    LonLat::new(lon, lat)
}

/// BD-09 → GCJ-02, the exact inverse of [`gcj02_to_bd09`] (to 1e-10°).
pub fn bd09_to_gcj02(p: LonLat) -> Result<LonLat, crate::CoordError> {
    let (target_lon, target_lat) = (p.lon(), p.lat());
    // Start from the one-step inverse, then correct by the forward error.
    let (x, y) = (target_lon - 0.0065, target_lat - 0.006);
    let z = x.hypot(y) - 0.000_02 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000_003 * (x * X_PI).cos();
    let (mut lon, mut lat) = (z * theta.cos(), z * theta.sin());
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (f_lon, f_lat) = forward(lon, lat);
        let (d_lon, d_lat) = (target_lon - f_lon, target_lat - f_lat);
        lon += d_lon;
        lat += d_lat;
        if d_lon.abs() < INVERSE_TOLERANCE_DEG && d_lat.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
    }
    let gcj = LonLat::new(lon, lat)?;
    // Within 0.006° of a pole the forward image of the answer can leave -90..90
    // by rounding; refuse such a position rather than answer one that does
    // not convert back.
    gcj02_to_bd09(gcj)?;
    Ok(gcj)
}

/// WGS84 → BD-09 (through GCJ-02).
pub fn wgs84_to_bd09(p: LonLat) -> Result<LonLat, crate::CoordError> {
    gcj02_to_bd09(wgs84_to_gcj02(p))
}

/// BD-09 → WGS84 (through GCJ-02).
pub fn bd09_to_wgs84(p: LonLat) -> Result<LonLat, crate::CoordError> {
    Ok(gcj02_to_wgs84(bd09_to_gcj02(p)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_at_the_pole_is_refused_not_answered_one_way() {
        // Found by the crs_parse fuzz target: "BD09 0 90" converted to WGS84
        // but the answer did not convert back.
        let pole = LonLat::new(0.0, 90.0).unwrap();
        assert!(matches!(bd09_to_wgs84(pole), Err(crate::CoordError::LatOutOfRange(_))));
    }

    #[test]
    fn a_published_pair() {
        // Tiananmen: GCJ-02 116.391 39.907 is BD-09 116.397 39.913 (rounded to
        // the metre) by the public formula.
        let bd = gcj02_to_bd09(LonLat::new(116.391_2, 39.907_3).unwrap()).unwrap();
        assert!((bd.lon() - 116.397_6).abs() < 1e-4 && (bd.lat() - 39.913_6).abs() < 1e-4, "{bd:?}");
    }

    #[test]
    fn the_inverse_is_exact_over_the_county() {
        for i in 0..=10 {
            for j in 0..=10 {
                let p = LonLat::new(110.4 + 0.08 * f64::from(i), 34.9 + 0.06 * f64::from(j)).unwrap();
                let back = bd09_to_wgs84(wgs84_to_bd09(p).unwrap()).unwrap();
                // 1e-8° is about a millimetre.
                assert!((back.lon() - p.lon()).abs() < 1e-8 && (back.lat() - p.lat()).abs() < 1e-8, "{p:?} {back:?}");
            }
        }
    }
}
