//! GCJ-02 ("Mars coordinates"), the obfuscated datum used by Chinese web maps
//! (Amap/Gaode, Tencent, Google China).
//!
//! [`wgs84_to_gcj02`] is the standard public formula (Krasovsky ellipsoid
//! constants `a = 6378245.0`, `ee = 0.00669342162296594323`), identical to the
//! widely used open implementations (eviltransform, coordtransform). Outside
//! China's rough bounding box the transform is the identity, as in those
//! implementations.
//!
//! [`gcj02_to_wgs84`] is an exact inverse found by fixed-point iteration: the
//! obfuscation shift changes by well under 1 % per degree, so each step gains
//! about two to three significant digits and 1e-9° is reached in 3–4 steps.
//! The one-step inverse found in many libraries is off by up to a few
//! decimetres.

use crate::lonlat::LonLat;
use std::f64::consts::PI;

/// Semi-major axis of the Krasovsky 1940 ellipsoid used by the formula, metres.
const A: f64 = 6_378_245.0;
/// First eccentricity squared used by the formula: the published
/// 0.00669342162296594323, written with the digits an `f64` keeps.
const EE: f64 = 0.006_693_421_622_965_943;
/// The inverse stops once the forward transform reproduces the input this well.
const INVERSE_TOLERANCE_DEG: f64 = 1e-9;
/// Upper bound on inverse iterations (3–4 are needed in practice).
const INVERSE_MAX_ITERATIONS: usize = 20;

/// Whether the formula leaves `(lon, lat)` untouched: it only applies inside
/// the bounding box 72.004–137.8347 E, 0.8293–55.8271 N.
fn outside_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn shift_lat(x: f64, y: f64) -> f64 {
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn shift_lon(x: f64, y: f64) -> f64 {
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

/// The forward transform on raw degrees: returns the GCJ-02 `(lon, lat)`.
fn forward(lon: f64, lat: f64) -> (f64, f64) {
    if outside_china(lon, lat) {
        return (lon, lat);
    }
    let x = lon - 105.0;
    let y = lat - 35.0;
    let rad_lat = lat / 180.0 * PI;
    let sin_lat = rad_lat.sin();
    let magic = 1.0 - EE * sin_lat * sin_lat;
    let sqrt_magic = magic.sqrt();
    let d_lat = shift_lat(x, y) * 180.0 / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let d_lon = shift_lon(x, y) * 180.0 / (A / sqrt_magic * rad_lat.cos() * PI);
    (lon + d_lon, lat + d_lat)
}

/// Obfuscates a WGS84 position into GCJ-02 (about 100–700 m shift inside
/// China, identity outside China's bounding box).
pub fn wgs84_to_gcj02(p: LonLat) -> LonLat {
    let (lon, lat) = forward(p.lon(), p.lat());
    // Inside the box the shift is below 0.01°, so the result stays in range.
    LonLat::from_valid(lon, lat)
}

/// Recovers the WGS84 position whose GCJ-02 image is `p`.
///
/// Iterates `w ← w − (forward(w) − p)` until `forward(w)` reproduces `p`
/// within 1e-9° on both axes (at most 20 steps). Identity outside China's
/// bounding box, matching [`wgs84_to_gcj02`].
pub fn gcj02_to_wgs84(p: LonLat) -> LonLat {
    let (g_lon, g_lat) = (p.lon(), p.lat());
    if outside_china(g_lon, g_lat) {
        return p;
    }
    let (mut lon, mut lat) = (g_lon, g_lat);
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (f_lon, f_lat) = forward(lon, lat);
        let (d_lon, d_lat) = (f_lon - g_lon, f_lat - g_lat);
        if d_lon.abs() <= INVERSE_TOLERANCE_DEG && d_lat.abs() <= INVERSE_TOLERANCE_DEG {
            break;
        }
        lon -= d_lon;
        lat -= d_lat;
    }
    LonLat::from_valid(lon, lat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Haversine, Point};

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    fn assert_close(actual: LonLat, lon: f64, lat: f64, tol: f64) {
        assert!(
            (actual.lon() - lon).abs() <= tol && (actual.lat() - lat).abs() <= tol,
            "got ({}, {}), expected ({lon}, {lat}) within {tol}",
            actual.lon(),
            actual.lat()
        );
    }

    fn metres_between(a: LonLat, b: LonLat) -> f64 {
        Haversine.distance(Point::from(a), Point::from(b))
    }

    /// `(wgs lon, wgs lat, gcj lon, gcj lat)` pairs published with open
    /// implementations of the same formula.
    const REFERENCE_PAIRS: [(f64, f64, f64, f64); 4] = [
        // Beijing, Tiananmen area: wandergis/coordtransform, test/app.js
        // (`wgs84togcj02(116.404, 39.915)`).
        (116.404, 39.915, 116.41024449916938, 39.91640428150164),
        // Shanghai, Shenzhen, Beijing: googollee/eviltransform, python/test.py
        // (stored there as lat, lng).
        (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
        (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
        (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    ];

    #[test]
    fn forward_matches_published_reference_points() {
        for (w_lon, w_lat, g_lon, g_lat) in REFERENCE_PAIRS {
            assert_close(wgs84_to_gcj02(ll(w_lon, w_lat)), g_lon, g_lat, 1e-11);
        }
    }

    #[test]
    fn inverse_recovers_published_reference_points() {
        for (w_lon, w_lat, g_lon, g_lat) in REFERENCE_PAIRS {
            assert_close(gcj02_to_wgs84(ll(g_lon, g_lat)), w_lon, w_lat, 2e-9);
        }
    }

    #[test]
    fn exact_inverse_is_close_to_but_better_than_the_one_step_inverse() {
        // wandergis/coordtransform, test/app.js: the one-step
        // `gcj02towgs84(116.404, 39.915)`.
        let (one_step_lon, one_step_lat) = (116.39775550083061, 39.91359571849836);
        let gcj = ll(116.404, 39.915);
        let exact = gcj02_to_wgs84(gcj);
        assert_close(exact, one_step_lon, one_step_lat, 1e-6);
        assert_close(wgs84_to_gcj02(exact), gcj.lon(), gcj.lat(), 1e-9);
        let one_step_image = wgs84_to_gcj02(ll(one_step_lon, one_step_lat));
        assert!((one_step_image.lat() - gcj.lat()).abs() > 1e-7);
    }

    #[test]
    fn identity_outside_china() {
        for (lon, lat) in [(2.3522, 48.8566), (-74.006, 40.7128), (151.2, -33.9), (0.0, 0.0)] {
            let p = ll(lon, lat);
            assert_eq!(wgs84_to_gcj02(p), p);
            assert_eq!(gcj02_to_wgs84(p), p);
        }
    }

    #[test]
    fn shift_near_linyi_county_is_about_510_m() {
        let p = ll(110.77, 35.14);
        let shift = metres_between(p, wgs84_to_gcj02(p));
        assert!((450.0..=570.0).contains(&shift), "shift {shift} m");
    }

    /// A 61 x 51 grid over Linyi County (110.45–111.05 E, 34.90–35.40 N).
    fn county_grid() -> impl Iterator<Item = LonLat> {
        (0..=60).flat_map(|i| (0..=50).map(move |j| ll(110.45 + f64::from(i) * 0.01, 34.90 + f64::from(j) * 0.01)))
    }

    #[test]
    fn inverse_of_forward_is_identity_over_the_county() {
        for p in county_grid() {
            assert_close(gcj02_to_wgs84(wgs84_to_gcj02(p)), p.lon(), p.lat(), 1e-7);
        }
    }

    #[test]
    fn forward_of_inverse_reproduces_gcj_input_over_the_county() {
        for g in county_grid() {
            assert_close(wgs84_to_gcj02(gcj02_to_wgs84(g)), g.lon(), g.lat(), 1e-9);
            let shift = metres_between(g, gcj02_to_wgs84(g));
            assert!((450.0..=600.0).contains(&shift), "shift {shift} m");
        }
    }
}
