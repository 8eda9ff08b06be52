//! [`geodesic_area_m2`]: the area of a lon/lat multipolygon on the WGS84
//! ellipsoid, in square metres.
//!
//! **Edges are straight lines in lon/lat**, the same edges the rest of
//! landtrace uses: point-in-polygon tests, geo's `BooleanOps` and PostGIS
//! `geometry` all treat lon/lat as planar x/y. The area is the exact
//! ellipsoidal area of that region, so it is additive under the planar
//! overlays: splitting a parcel by zones and adding up the parts gives back
//! the parcel's area (a point inserted on an edge does not move the edge).
//!
//! An edge along a parallel counts as the parallel, so a lon/lat cell has
//! exactly the area of the ellipsoidal quadrangle. Geodesic edges
//! (geographiclib, PostGIS `geography`, geo's `GeodesicArea`) bow poleward of
//! the straight lon/lat line; at 35°N the two areas differ by about 5e-5
//! relative per degree of polygon extent: 5e-7 for a 1 km parcel, 3e-5 for a
//! 50 km county (see the tests).
//!
//! # Method
//!
//! On the ellipsoid the area element is `dA = f(φ) dλ dφ` with
//! `f(φ) = a²(1 − e²) cos φ / (1 − e² sin² φ)²` (the product of the two
//! principal radii of curvature and `cos φ`). By Green's theorem the area of
//! a ring is `∮ (λ − λ₀) f(φ) dφ`; along a straight lon/lat edge `λ` is linear
//! in `φ`, and the integral over each edge is taken with 5-point
//! Gauss–Legendre quadrature on pieces at most 0.05 rad (≈ 2.9°) of latitude
//! long, exact to rounding for every edge landtrace meets (the integrand is a
//! smooth function varying on the scale of a radian). Longitudes are taken
//! relative to the ring's first vertex, so no large terms cancel.
//!
//! Rings are assumed not to cross the antimeridian or enclose a pole (lon/lat
//! polygons as stored in landtrace cannot do either).

use geo::{Coord, LineString, MultiPolygon, Polygon};

/// WGS84 semi-major axis in metres.
pub const WGS84_A: f64 = 6_378_137.0;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// WGS84 first eccentricity squared, `f(2 − f)`.
const WGS84_E2: f64 = WGS84_F * (2.0 - WGS84_F);

/// Longest latitude span, in radians, integrated with one quadrature rule.
const MAX_PIECE_RAD: f64 = 0.05;

/// 5-point Gauss–Legendre rule on [0, 1]: (node, weight).
const GAUSS_LEGENDRE_5: [(f64, f64); 5] = [
    (0.046_910_077_030_668_004, 0.118_463_442_528_094_54),
    (0.230_765_344_947_158_45, 0.239_314_335_249_683_23),
    (0.5, 0.284_444_444_444_444_44),
    (0.769_234_655_052_841_6, 0.239_314_335_249_683_23),
    (0.953_089_922_969_332, 0.118_463_442_528_094_54),
];

/// The area in m² of `multi_polygon` (x = longitude, y = latitude, degrees,
/// WGS84) on the WGS84 ellipsoid, edges being straight lines in lon/lat (see
/// the module docs). Holes are subtracted; the result does not depend on the
/// orientation of the rings. An empty multipolygon has area 0.
///
/// Meant for valid polygons (see [`crate::validate_parcel`]); for overlapping
/// parts, overlaps count twice.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use landtrace_spatial::geodesic_area_m2;
///
/// // A 0.01° x 0.01° cell at 临猗县: about 1.01 km².
/// let cell = polygon![(x: 110.77, y: 35.14), (x: 110.78, y: 35.14), (x: 110.78, y: 35.15), (x: 110.77, y: 35.15)];
/// let area = geodesic_area_m2(&MultiPolygon(vec![cell]));
/// assert!((area - 1_010_990.6).abs() < 0.1, "{area}");
/// ```
pub fn geodesic_area_m2(multi_polygon: &MultiPolygon<f64>) -> f64 {
    multi_polygon.0.iter().map(polygon_area_m2).sum()
}

/// The area in m² of one polygon: its exterior minus its holes, each ring
/// taken unsigned.
pub(crate) fn polygon_area_m2(polygon: &Polygon<f64>) -> f64 {
    let holes: f64 = polygon.interiors().iter().map(|ring| ring_signed_area_m2(ring).abs()).sum();
    ring_signed_area_m2(polygon.exterior()).abs() - holes
}

/// The signed area in m² enclosed by `ring`: positive when counter-clockwise
/// in (lon, lat). The ring is treated as closed whether or not its last
/// coordinate repeats the first.
fn ring_signed_area_m2(ring: &LineString<f64>) -> f64 {
    let coords = &ring.0;
    let Some(&first) = coords.first() else {
        return 0.0;
    };
    let closing = (coords.last() != Some(&first)).then_some(first);
    let next = coords.iter().skip(1).copied().chain(closing);
    coords.iter().zip(next).map(|(&a, b)| edge_integral(a, b, first.x)).sum()
}

/// `∫ (λ − λ₀) f(φ) dφ` along the straight lon/lat edge `a` → `b`, with
/// `λ₀ = lon0`; angles in degrees, result in m².
fn edge_integral(a: Coord<f64>, b: Coord<f64>, lon0: f64) -> f64 {
    let phi_a = a.y.to_radians();
    let d_phi = (b.y - a.y).to_radians();
    if d_phi == 0.0 {
        return 0.0;
    }
    let lam_a = (a.x - lon0).to_radians();
    let d_lam = (b.x - a.x).to_radians();
    let pieces = (d_phi.abs() / MAX_PIECE_RAD).ceil().max(1.0);
    let piece_count = pieces as usize;
    let mut sum = 0.0;
    for piece in 0..piece_count {
        let start = piece as f64 / pieces;
        let mut piece_sum = 0.0;
        for (node, weight) in GAUSS_LEGENDRE_5 {
            let s = start + node / pieces;
            piece_sum += weight * (lam_a + d_lam * s) * area_density(phi_a + d_phi * s);
        }
        sum += piece_sum;
    }
    sum * d_phi / pieces
}

/// `f(φ) = a²(1 − e²) cos φ / (1 − e² sin² φ)²`: m² per radian² of lon × lat.
fn area_density(phi: f64) -> f64 {
    let (sin, cos) = phi.sin_cos();
    let w = 1.0 - WGS84_E2 * sin * sin;
    WGS84_A * WGS84_A * (1.0 - WGS84_E2) * cos / (w * w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{GeodesicArea, coord, polygon};

    /// Independent oracle: the closed-form area of the ellipsoidal quadrangle
    /// `lon0..lon1 × lat0..lat1` (Snyder, *Map Projections: A Working
    /// Manual*, eq. 3-12): `a²/2 · Δλ · (q(φ₁) − q(φ₀))` with
    /// `q(φ) = (1 − e²)[sin φ / (1 − e² sin² φ) − 1/(2e) · ln((1 − e sin φ)/(1 + e sin φ))]`.
    fn quadrangle_area_m2(lon0: f64, lon1: f64, lat0: f64, lat1: f64) -> f64 {
        let e = WGS84_E2.sqrt();
        let q = |lat: f64| {
            let s = lat.to_radians().sin();
            (1.0 - WGS84_E2) * (s / (1.0 - WGS84_E2 * s * s) - ((1.0 - e * s) / (1.0 + e * s)).ln() / (2.0 * e))
        };
        WGS84_A * WGS84_A / 2.0 * (lon1 - lon0).to_radians() * (q(lat1) - q(lat0))
    }

    fn rect(lon0: f64, lon1: f64, lat0: f64, lat1: f64) -> Polygon<f64> {
        polygon![(x: lon0, y: lat0), (x: lon1, y: lat0), (x: lon1, y: lat1), (x: lon0, y: lat1)]
    }

    fn reversed(polygon: &Polygon<f64>) -> Polygon<f64> {
        let flip = |ring: &LineString<f64>| LineString(ring.0.iter().rev().copied().collect());
        Polygon::new(flip(polygon.exterior()), polygon.interiors().iter().map(flip).collect())
    }

    fn assert_rel(actual: f64, expected: f64, tolerance: f64) {
        let rel = (actual - expected).abs() / expected.abs();
        assert!(rel <= tolerance, "actual {actual}, expected {expected}, relative error {rel:e}");
    }

    #[test]
    fn cell_matches_the_quadrangle_formula() {
        let cell = rect(110.77, 110.78, 35.14, 35.15);
        let expected = quadrangle_area_m2(110.77, 110.78, 35.14, 35.15);
        assert_rel(geodesic_area_m2(&MultiPolygon(vec![cell.clone()])), expected, 1e-12);
        // Orientation and an explicit closing coordinate do not matter.
        assert_rel(geodesic_area_m2(&MultiPolygon(vec![reversed(&cell)])), expected, 1e-12);
        // Sanity: a 0.01° cell at 35°N is about 1.11 km × 0.91 km.
        assert!((1.0e6..1.03e6).contains(&expected), "{expected}");
    }

    #[test]
    fn cells_across_latitudes_and_hemispheres() {
        for (lat0, dlat, dlon) in
            [(0.0, 1.0, 1.0), (-60.0, 0.5, 2.0), (35.0, 0.001, 0.001), (80.0, 5.0, 10.0), (-10.0, 20.0, 30.0)]
        {
            let cell = rect(100.0, 100.0 + dlon, lat0, lat0 + dlat);
            let expected = quadrangle_area_m2(100.0, 100.0 + dlon, lat0, lat0 + dlat);
            // The oracle's q(φ₁) − q(φ₀) loses digits for thin cells.
            assert_rel(geodesic_area_m2(&MultiPolygon(vec![cell])), expected, 1e-10);
        }
    }

    #[test]
    fn hole_is_subtracted_whatever_the_orientations() {
        let exterior = rect(110.70, 110.80, 35.10, 35.20);
        let hole = rect(110.72, 110.75, 35.12, 35.16);
        let expected =
            quadrangle_area_m2(110.70, 110.80, 35.10, 35.20) - quadrangle_area_m2(110.72, 110.75, 35.12, 35.16);
        let with_hole = Polygon::new(exterior.exterior().clone(), vec![hole.exterior().clone()]);
        assert_rel(geodesic_area_m2(&MultiPolygon(vec![with_hole.clone()])), expected, 1e-12);
        let flipped_hole = Polygon::new(exterior.exterior().clone(), vec![reversed(&hole).exterior().clone()]);
        assert_rel(geodesic_area_m2(&MultiPolygon(vec![flipped_hole])), expected, 1e-12);
        assert_rel(geodesic_area_m2(&MultiPolygon(vec![reversed(&with_hole)])), expected, 1e-12);
    }

    #[test]
    fn parts_of_a_multipolygon_add_up() {
        let a = rect(110.0, 110.1, 35.0, 35.1);
        let b = rect(111.0, 111.2, 34.0, 34.05);
        let expected = quadrangle_area_m2(110.0, 110.1, 35.0, 35.1) + quadrangle_area_m2(111.0, 111.2, 34.0, 34.05);
        assert_rel(geodesic_area_m2(&MultiPolygon(vec![a, b])), expected, 1e-12);
        assert_eq!(geodesic_area_m2(&MultiPolygon(vec![])), 0.0);
    }

    /// A county-sized (≈ 45 km × 55 km) staircase ring of meridian and
    /// parallel edges against the sum of its column quadrangles.
    #[test]
    fn county_sized_staircase_matches_the_quadrangle_sum() {
        let (lon0, lat0, width) = (110.4, 34.9, 0.05);
        let heights = [0.30, 0.45, 0.50, 0.35, 0.40, 0.50, 0.25, 0.20, 0.45, 0.30];
        let mut ring = vec![coord! { x: lon0, y: lat0 }];
        let right = lon0 + width * heights.len() as f64;
        ring.push(coord! { x: right, y: lat0 });
        for (i, h) in heights.iter().enumerate().rev() {
            let x1 = lon0 + width * (i + 1) as f64;
            let x0 = lon0 + width * i as f64;
            ring.push(coord! { x: x1, y: lat0 + h });
            ring.push(coord! { x: x0, y: lat0 + h });
        }
        let staircase = Polygon::new(LineString(ring), vec![]);
        let expected: f64 = heights
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let x0 = lon0 + width * i as f64;
                quadrangle_area_m2(x0, x0 + width, lat0, lat0 + h)
            })
            .sum();
        assert!(expected > 1.0e9, "{expected}");
        assert_rel(geodesic_area_m2(&MultiPolygon(vec![staircase])), expected, 1e-12);
    }

    /// Cross-check against geographiclib (Karney; geodesic edges) on
    /// slanted edges: the edge models differ by about 5e-5 per degree of
    /// extent at 35°N (module docs), so within 1e-6 for a 1 km parcel and
    /// 1e-4 for a county.
    #[test]
    fn slanted_polygons_agree_with_geographiclib() {
        for (size_deg, tolerance) in [(0.001, 1e-7), (0.01, 1e-6), (0.1, 1e-5), (0.5, 1e-4)] {
            let (x, y, s) = (110.7, 35.1, size_deg);
            let pentagon = polygon![
                (x: x, y: y),
                (x: x + 0.7 * s, y: y + 0.1 * s),
                (x: x + s, y: y + 0.8 * s),
                (x: x + 0.3 * s, y: y + s),
                (x: x - 0.2 * s, y: y + 0.5 * s),
            ];
            let ours = geodesic_area_m2(&MultiPolygon(vec![pentagon.clone()]));
            assert_rel(ours, pentagon.geodesic_area_unsigned(), tolerance);
        }
    }

    /// Splitting an edge at a point on it (as an overlay does) leaves the
    /// area unchanged: the property that makes split areas add up.
    #[test]
    fn inserting_a_point_on_an_edge_keeps_the_area() {
        let triangle = polygon![(x: 110.0, y: 35.0), (x: 110.9, y: 35.7), (x: 110.1, y: 35.6)];
        let split = polygon![(x: 110.0, y: 35.0), (x: 110.45, y: 35.35), (x: 110.9, y: 35.7), (x: 110.1, y: 35.6)];
        let a = geodesic_area_m2(&MultiPolygon(vec![triangle]));
        let b = geodesic_area_m2(&MultiPolygon(vec![split]));
        assert_rel(a, b, 1e-13);
    }
}
