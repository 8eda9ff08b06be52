//! Parcels: [`validate_parcel`] checks an input parcel (a lon/lat
//! multipolygon) and [`split_by_zones`] cuts it by the zones of one
//! benchmark-price grading system, with the ellipsoidal area of every piece.
//!
//! Geometry is planar in lon/lat (as in PostGIS `geometry`, geo's
//! `BooleanOps` and [`crate::point_in_polygon`]); areas are ellipsoidal, from
//! [`geodesic_area_m2`], whose straight lon/lat edges make the areas of the
//! pieces add up to the parcel's.
//!
//! Rings and polygons are numbered from 1 in messages, as people count:
//! ring 1 of a polygon is its exterior, ring `k + 1` its hole `k`.

use crate::geodesic_area::geodesic_area_m2;
use crate::point_in_polygon::{Position, PreparedMultiPolygon};
use crate::validity::validate_multipolygon;
pub use crate::validity::{PolygonError as ParcelError, RingId};
use geo::bool_ops::{FillRule, OpType};
use geo::orient::Direction;
use geo::{BooleanOps, BoundingRect, MultiPolygon, Orient, Polygon, Rect, Relate};

/// `Σ parts` may exceed the area they cover together by this fraction of the
/// parcel's area before the zones count as overlapping. Overlay rounding
/// (i_overlay snaps to a grid of about 1e-9 of the extent) stays far below.
const OVERLAP_TOLERANCE: f64 = 1e-6;

/// Checks that `parcel` (x = longitude, y = latitude, degrees) is a valid
/// parcel: a valid multipolygon by [`validate_multipolygon`], the one polygon
/// rule of landtrace. That is: at least one polygon; every coordinate finite,
/// lon in [-180, 180], lat in [-90, 90]; every ring with at least 3 distinct
/// points (rings are closed by geo-types); no ring crossing or touching itself
/// or doubling back; the rings of a polygon not crossing and sharing no
/// boundary stretch; every hole inside its exterior ring; no two holes of a
/// polygon overlapping; no two polygons overlapping (touching, also along an
/// edge, is allowed). These are the OGC simple-feature rules, except that
/// parts may share edges, which does not change any area. The first problem
/// found is reported, in O(n log n) time for n vertices whatever their shape.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use landtrace_spatial::validate_parcel;
///
/// let bow_tie = polygon![(x: 110.77, y: 35.14), (x: 110.78, y: 35.15), (x: 110.78, y: 35.14), (x: 110.77, y: 35.15)];
/// let err = validate_parcel(&MultiPolygon(vec![bow_tie])).unwrap_err();
/// assert_eq!(err.to_string(), "ring 1 of polygon 1 self-intersects at (110.775000, 35.145000)");
/// ```
pub fn validate_parcel(parcel: &MultiPolygon<f64>) -> Result<(), ParcelError> {
    validate_multipolygon(parcel)
}

pub(crate) fn meets(a: Option<Rect<f64>>, b: Option<Rect<f64>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a.min().x <= b.max().x && b.min().x <= a.max().x && a.min().y <= b.max().y && b.min().y <= a.max().y
        }
        _ => false,
    }
}

/// Whether `zone` covers all of `parcel` (boundaries may touch): a cheap
/// bounding-box and vertex test, then exactly with geo's `Relate`.
fn covers(
    zone: &MultiPolygon<f64>,
    zone_box: Option<Rect<f64>>,
    parcel: &MultiPolygon<f64>,
    parcel_box: Option<Rect<f64>>,
) -> bool {
    let (Some(z), Some(p)) = (zone_box, parcel_box) else {
        return false;
    };
    if p.min().x < z.min().x || p.min().y < z.min().y || p.max().x > z.max().x || p.max().y > z.max().y {
        return false;
    }
    let prepared = PreparedMultiPolygon::new(zone);
    if parcel.0.iter().flat_map(|polygon| &polygon.exterior().0).any(|&c| prepared.position(c) == Position::Outside) {
        return false;
    }
    zone.relate(parcel).is_covers()
}

/// The part of a parcel in one zone, from [`split_by_zones`].
#[derive(Debug, Clone, PartialEq)]
pub struct ZonePart<K> {
    /// The zone's key.
    pub key: K,
    /// The parcel ∩ the zone, lon/lat.
    pub geometry: MultiPolygon<f64>,
    /// Its ellipsoidal area in m² ([`geodesic_area_m2`]).
    pub area_m2: f64,
}

/// A parcel cut by the zones of one grading system, from
/// [`split_by_zones`]. Areas are ellipsoidal, in m².
#[derive(Debug, Clone, PartialEq)]
pub struct ParcelSplit<K> {
    /// One part per zone whose intersection with the parcel is not empty,
    /// in the order the zones were given.
    pub parts: Vec<ZonePart<K>>,
    /// Area of the whole parcel.
    pub total_area_m2: f64,
    /// The parcel minus the union of the zones (empty when the zones cover
    /// it).
    pub outside: MultiPolygon<f64>,
    /// Area of [`outside`](Self::outside).
    pub outside_area_m2: f64,
    /// `|Σ part areas + outside area − total area| / total area` (0 for a
    /// parcel of area 0): about 1e-9 from overlay rounding for
    /// non-overlapping zones, large when zones overlap (their common parts
    /// count twice).
    pub closure_error: f64,
    /// Whether some zones overlap inside the parcel: the part areas add up
    /// to more than the area they cover together (by more than 1e-6 of the
    /// parcel's area). Zones of one grading system should not overlap.
    pub overlapping: bool,
}

impl<K> ParcelSplit<K> {
    /// `Σ` of the parts' areas, m².
    pub fn parts_area_m2(&self) -> f64 {
        self.parts.iter().map(|part| part.area_m2).sum()
    }
}

/// Cuts `parcel` by `zones` (`(key, zone)` pairs, lon/lat, one grading
/// system): the exact planar intersection (geo `BooleanOps`, i.e. i_overlay)
/// of the parcel with each zone, the part outside all zones, and their
/// ellipsoidal areas, with a closure check (see [`ParcelSplit`]).
///
/// Check the parcel with [`validate_parcel`] first; zones must be valid
/// polygons too. Zones whose bounding box misses the parcel's are skipped
/// cheaply, but pre-filter large zone sets with
/// [`ZoneIndex::candidates`](crate::ZoneIndex::candidates) and
/// [`ZoneIndex::geometry`](crate::ZoneIndex::geometry).
///
/// Intersections that are empty (zones only touching the parcel) are left
/// out. A zone covering the whole parcel (checked exactly with geo's
/// `Relate`) gets the parcel itself as its part, so a parcel inside one zone
/// has exactly its own area there. Other pieces come from the overlay, which
/// snaps vertices to a grid of about 1e-9 of the extent of the parcel and
/// the zone together; a part's area is then good to about 1e-9 times the
/// ratio of that extent to the part's, e.g. 5e-7 for a 100 m parcel cut by
/// 50 km zones.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use landtrace_spatial::split_by_zones;
///
/// let west = MultiPolygon(vec![polygon![(x: 110.0, y: 35.0), (x: 110.5, y: 35.0), (x: 110.5, y: 35.5), (x: 110.0, y: 35.5)]]);
/// let east = MultiPolygon(vec![polygon![(x: 110.5, y: 35.0), (x: 111.0, y: 35.0), (x: 111.0, y: 35.5), (x: 110.5, y: 35.5)]]);
/// let parcel = MultiPolygon(vec![polygon![(x: 110.49, y: 35.2), (x: 110.51, y: 35.2), (x: 110.51, y: 35.21), (x: 110.49, y: 35.21)]]);
/// let split = split_by_zones(&parcel, &[("I", &west), ("II", &east)]);
/// assert_eq!(split.parts.len(), 2);
/// assert!((split.parts[0].area_m2 / split.total_area_m2 - 0.5).abs() < 1e-6);
/// assert!(split.outside.0.is_empty() && !split.overlapping && split.closure_error < 1e-8);
/// ```
pub fn split_by_zones<K: Clone>(parcel: &MultiPolygon<f64>, zones: &[(K, &MultiPolygon<f64>)]) -> ParcelSplit<K> {
    let total_area_m2 = geodesic_area_m2(parcel);
    let parcel_box = parcel.bounding_rect();
    let mut parts = Vec::new();
    let mut covered_by_one_zone = false;
    let mut zones_with_parts = Vec::new();
    for (key, zone) in zones {
        let zone_box = zone.bounding_rect();
        if !meets(parcel_box, zone_box) {
            continue;
        }
        if covers(zone, zone_box, parcel, parcel_box) {
            covered_by_one_zone = true;
            parts.push(ZonePart { key: key.clone(), geometry: parcel.clone(), area_m2: total_area_m2 });
            continue;
        }
        let geometry = parcel.intersection(*zone);
        if geometry.0.is_empty() {
            continue;
        }
        let area_m2 = geodesic_area_m2(&geometry);
        zones_with_parts.push(*zone);
        parts.push(ZonePart { key: key.clone(), geometry, area_m2 });
    }
    let outside = if covered_by_one_zone {
        MultiPolygon(vec![])
    } else if parts.is_empty() {
        parcel.clone()
    } else {
        outside_of_zones(parcel, &zones_with_parts)
    };
    let outside_area_m2 = geodesic_area_m2(&outside);
    let parts_area: f64 = parts.iter().map(|part| part.area_m2).sum();
    // Σ parts − (total − outside) = Σ parts − area of their union.
    let excess = parts_area + outside_area_m2 - total_area_m2;
    let (closure_error, overlapping) = if total_area_m2 > 0.0 {
        (excess.abs() / total_area_m2, excess > OVERLAP_TOLERANCE * total_area_m2)
    } else {
        (0.0, false)
    };
    ParcelSplit { parts, total_area_m2, outside, outside_area_m2, closure_error, overlapping }
}

/// `parcel` minus the union of `zones`, in one overlay: computing it from
/// the parts instead would leave slivers where their snapped boundaries miss
/// the parcel's. Rings are oriented first, so that the non-zero fill rule
/// takes the union of overlapping zones and holes stay holes.
fn outside_of_zones(parcel: &MultiPolygon<f64>, zones: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    let covering: Vec<Polygon<f64>> =
        zones.iter().flat_map(|zone| &zone.0).map(|polygon| polygon.orient(Direction::Default)).collect();
    parcel.orient(Direction::Default).boolean_op_with_fill_rule(
        &MultiPolygon(covering),
        OpType::Difference,
        FillRule::NonZero,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_random::{XorShift, star};
    use geo::{Coord, InteriorPoint, LineString, coord, polygon};

    fn rect(lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> Polygon<f64> {
        polygon![(x: lon0, y: lat0), (x: lon1, y: lat0), (x: lon1, y: lat1), (x: lon0, y: lat1)]
    }

    fn multi(polygons: Vec<Polygon<f64>>) -> MultiPolygon<f64> {
        MultiPolygon(polygons)
    }

    fn with_holes(exterior: Polygon<f64>, holes: Vec<Polygon<f64>>) -> Polygon<f64> {
        Polygon::new(exterior.exterior().clone(), holes.into_iter().map(|h| h.exterior().clone()).collect())
    }

    fn ring(coords: &[(f64, f64)]) -> Polygon<f64> {
        Polygon::new(LineString::from(coords.to_vec()), vec![])
    }

    fn assert_rel(actual: f64, expected: f64, tolerance: f64) {
        let rel = (actual - expected).abs() / expected.abs();
        assert!(rel <= tolerance, "actual {actual}, expected {expected}, relative error {rel:e}");
    }

    /// Validation must fail with exactly `expected` as its message.
    fn check_invalid(parcel: Vec<Polygon<f64>>, expected: &str) {
        match validate_parcel(&multi(parcel)) {
            Ok(()) => panic!("accepted, expected: {expected}"),
            Err(err) => assert_eq!(err.to_string(), expected),
        }
    }

    fn check_valid(parcel: Vec<Polygon<f64>>) {
        if let Err(err) = validate_parcel(&multi(parcel)) {
            panic!("rejected: {err}");
        }
    }

    #[test]
    fn bow_tie_names_the_crossing_point() {
        let bow_tie = ring(&[(110.77, 35.14), (110.78, 35.15), (110.78, 35.14), (110.77, 35.15)]);
        let err = validate_parcel(&multi(vec![bow_tie])).unwrap_err();
        let ParcelError::SelfIntersection { ring: RingId { polygon: 1, ring: 1 }, at } = err else {
            panic!("{err:?}");
        };
        assert!((at.x - 110.775).abs() < 1e-12 && (at.y - 35.145).abs() < 1e-12, "{at:?}");
        assert_eq!(err.to_string(), "ring 1 of polygon 1 self-intersects at (110.775000, 35.145000)");
    }

    #[test]
    fn empty_and_degenerate_parcels() {
        check_invalid(vec![], "the parcel is empty: it has no polygons");
        check_invalid(vec![ring(&[])], "ring 1 of polygon 1 has 0 distinct points; a ring needs at least 3");
        check_invalid(
            vec![rect(110.0, 35.0, 110.1, 35.1), ring(&[(110.2, 35.0), (110.3, 35.0), (110.2, 35.0)])],
            "ring 1 of polygon 2 has 2 distinct points; a ring needs at least 3",
        );
        check_invalid(
            vec![with_holes(rect(110.0, 35.0, 110.1, 35.1), vec![ring(&[(110.05, 35.05); 4])])],
            "ring 2 of polygon 1 has 1 distinct points; a ring needs at least 3",
        );
    }

    #[test]
    fn bad_coordinates_are_named_by_vertex() {
        check_invalid(
            vec![ring(&[(110.0, 35.0), (f64::NAN, 35.0), (110.0, 35.1)])],
            "vertex 2 of ring 1 of polygon 1: lon NaN is not a finite number",
        );
        check_invalid(
            vec![with_holes(
                rect(110.0, 35.0, 110.1, 35.1),
                vec![ring(&[(110.02, 35.02), (110.03, 95.0), (110.02, 35.03)])],
            )],
            "vertex 2 of ring 2 of polygon 1: lat 95 is outside -90..90",
        );
        check_invalid(
            vec![ring(&[(110.0, 35.0), (190.0, 35.0), (110.0, 35.1)])],
            "vertex 2 of ring 1 of polygon 1: lon 190 is outside -180..180",
        );
    }

    #[test]
    fn self_touching_and_spiked_rings_are_rejected() {
        // The ring passes through (110.1, 35.05) twice.
        check_invalid(
            vec![ring(&[(110.0, 35.0), (110.1, 35.05), (110.2, 35.0), (110.2, 35.1), (110.1, 35.05), (110.0, 35.1)])],
            "ring 1 of polygon 1 self-intersects at (110.100000, 35.050000)",
        );
        // A vertex on a non-adjacent edge.
        check_invalid(
            vec![ring(&[(110.0, 35.0), (110.2, 35.0), (110.2, 35.1), (110.1, 35.0), (110.0, 35.1)])],
            "ring 1 of polygon 1 self-intersects at (110.100000, 35.000000)",
        );
        // A spike out to (110.3, 35.1) and back.
        let spiked = ring(&[(110.0, 35.0), (110.2, 35.0), (110.2, 35.1), (110.3, 35.1), (110.2, 35.1), (110.0, 35.1)]);
        let err = validate_parcel(&multi(vec![spiked])).unwrap_err();
        assert!(
            matches!(err, ParcelError::SelfIntersection { ring: RingId { polygon: 1, ring: 1 }, at }
                if at == coord! { x: 110.3, y: 35.1 } || at == coord! { x: 110.2, y: 35.1 }),
            "{err:?}"
        );
        // Flat: all points on one line.
        let flat = ring(&[(110.0, 35.0), (110.1, 35.0), (110.2, 35.0)]);
        assert!(matches!(validate_parcel(&multi(vec![flat])), Err(ParcelError::SelfIntersection { .. })));
    }

    #[test]
    fn holes_must_be_inside_and_apart() {
        let outer = rect(110.0, 35.0, 110.1, 35.1);
        check_invalid(
            vec![with_holes(outer.clone(), vec![rect(110.01, 35.01, 110.02, 35.02), rect(110.2, 35.0, 110.3, 35.1)])],
            "hole 2 of polygon 1 lies outside its exterior ring at (110.200000, 35.000000)",
        );
        check_invalid(
            vec![with_holes(outer.clone(), vec![rect(110.05, 35.02, 110.15, 35.03)])],
            "rings 1 and 2 of polygon 1 intersect at (110.100000, 35.020000)",
        );
        // A hole edge along the exterior: named at the start of the shared stretch.
        check_invalid(
            vec![with_holes(outer.clone(), vec![rect(110.0, 35.02, 110.05, 35.03)])],
            "rings 1 and 2 of polygon 1 intersect at (110.000000, 35.020000)",
        );
        check_invalid(
            vec![with_holes(
                outer.clone(),
                vec![rect(110.01, 35.01, 110.02, 35.02), rect(110.015, 35.015, 110.03, 35.03)],
            )],
            "rings 2 and 3 of polygon 1 intersect at (110.015000, 35.020000)",
        );
        check_invalid(
            vec![with_holes(
                outer.clone(),
                vec![rect(110.01, 35.01, 110.05, 35.05), rect(110.02, 35.02, 110.03, 35.03)],
            )],
            "holes 1 and 2 of polygon 1 overlap at (110.020000, 35.020000)",
        );
        // Touching the exterior or another hole at a single point is fine.
        check_valid(vec![with_holes(
            outer,
            vec![
                ring(&[(110.0, 35.05), (110.02, 35.04), (110.02, 35.06)]),
                ring(&[(110.02, 35.06), (110.03, 35.06), (110.03, 35.07)]),
            ],
        )]);
    }

    #[test]
    fn polygons_may_touch_but_not_overlap() {
        let a = rect(110.0, 35.0, 110.1, 35.1);
        // Named at the first point of polygon 2 found inside polygon 1.
        check_invalid(
            vec![a.clone(), rect(110.05, 35.05, 110.2, 35.08)],
            "polygons 1 and 2 overlap at (110.050000, 35.050000)",
        );
        check_invalid(
            vec![a.clone(), rect(110.02, 35.02, 110.03, 35.03)],
            "polygons 1 and 2 overlap at (110.020000, 35.020000)",
        );
        check_invalid(
            vec![rect(110.02, 35.02, 110.03, 35.03), a.clone()],
            "polygons 1 and 2 overlap at (110.020000, 35.020000)",
        );
        // Identical parts: only the interior point lies inside the other.
        let err = validate_parcel(&multi(vec![a.clone(), a.clone()])).unwrap_err();
        assert!(matches!(err, ParcelError::PolygonsOverlap { first: 1, second: 2, at: Some(_) }), "{err:?}");
        // Sharing an edge (even partly, with a vertex on the other's edge) or a corner is fine.
        check_valid(vec![a.clone(), rect(110.1, 35.05, 110.2, 35.2), rect(110.1, 35.0, 110.2, 35.05)]);
        check_valid(vec![a.clone(), rect(110.1, 35.1, 110.2, 35.2)]);
        // An island in a hole of another part is fine.
        check_valid(vec![with_holes(a, vec![rect(110.02, 35.02, 110.08, 35.08)]), rect(110.03, 35.03, 110.07, 35.07)]);
        // Repeated points and either orientation are fine.
        check_valid(vec![ring(&[(110.0, 35.0), (110.0, 35.0), (110.0, 35.1), (110.1, 35.1), (110.1, 35.0)])]);
    }

    /// A parcel with a slanted top edge, and zones on both sides of
    /// lon 110.73 (60 % of its width west of the line).
    fn slanted_parcel() -> MultiPolygon<f64> {
        multi(vec![ring(&[(110.70, 35.10), (110.75, 35.10), (110.75, 35.13), (110.70, 35.12)])])
    }

    #[test]
    fn parcel_wholly_in_one_zone() {
        let inside = multi(vec![rect(110.6, 35.0, 110.8, 35.2)]);
        let elsewhere = multi(vec![rect(110.8, 35.0, 111.0, 35.2)]);
        let far = multi(vec![rect(112.0, 36.0, 112.1, 36.1)]);
        let parcel = slanted_parcel();
        let split = split_by_zones(&parcel, &[(1, &inside), (2, &elsewhere), (3, &far)]);
        assert_eq!(split.parts.len(), 1);
        assert_eq!(split.parts[0].key, 1);
        assert_rel(split.parts[0].area_m2, split.total_area_m2, 1e-9);
        assert_eq!(split.parts[0].geometry, parcel);
        assert_rel(split.total_area_m2, geodesic_area_m2(&parcel), 0.0);
        assert!(split.outside.0.is_empty());
        assert_eq!(split.outside_area_m2, 0.0);
        assert!(split.closure_error < 1e-9 && !split.overlapping, "{split:?}");

        // Sharing boundary with the zone still counts as inside it.
        let snug = multi(vec![rect(110.70, 35.10, 110.75, 35.13)]);
        let split = split_by_zones(&parcel, &[(1, &snug)]);
        assert_eq!(split.parts[0].geometry, parcel);
        assert!(split.outside.0.is_empty() && split.closure_error == 0.0);
    }

    #[test]
    fn parcel_split_60_40_by_two_adjacent_zones() {
        let west = multi(vec![rect(110.6, 35.0, 110.73, 35.2)]);
        let east = multi(vec![rect(110.73, 35.0, 110.9, 35.2)]);
        let split = split_by_zones(&slanted_parcel(), &[("west", &west), ("east", &east)]);
        // The top edge crosses lon 110.73 at lat 35.126.
        let west_half = multi(vec![ring(&[(110.70, 35.10), (110.73, 35.10), (110.73, 35.126), (110.70, 35.12)])]);
        let east_half = multi(vec![ring(&[(110.73, 35.10), (110.75, 35.10), (110.75, 35.13), (110.73, 35.126)])]);
        let keys: Vec<&str> = split.parts.iter().map(|part| part.key).collect();
        assert_eq!(keys, ["west", "east"]);
        assert_rel(split.parts[0].area_m2, geodesic_area_m2(&west_half), 1e-6);
        assert_rel(split.parts[1].area_m2, geodesic_area_m2(&east_half), 1e-6);
        assert_rel(split.parts_area_m2(), split.total_area_m2, 1e-8);
        assert!(split.outside.0.is_empty() && !split.overlapping && split.closure_error < 1e-8, "{split:?}");
    }

    #[test]
    fn parcel_partly_outside_the_zones() {
        // Areas of lon/lat rectangles are proportional to their width.
        let parcel = multi(vec![rect(110.70, 35.10, 110.75, 35.12)]);
        let zone = multi(vec![rect(110.6, 35.0, 110.72, 35.2)]);
        let split = split_by_zones(&parcel, &[(7, &zone)]);
        assert_eq!(split.parts.len(), 1);
        assert_rel(split.parts[0].area_m2 / split.total_area_m2, 0.4, 1e-8);
        assert_rel(split.outside_area_m2 / split.total_area_m2, 0.6, 1e-8);
        assert_rel(split.outside_area_m2, geodesic_area_m2(&multi(vec![rect(110.72, 35.10, 110.75, 35.12)])), 1e-8);
        assert!(split.closure_error < 1e-8 && !split.overlapping);

        let none = split_by_zones::<u8>(&parcel, &[]);
        assert!(none.parts.is_empty());
        assert_eq!(none.outside, parcel);
        assert_eq!(none.outside_area_m2, none.total_area_m2);
        assert_eq!(none.closure_error, 0.0);
    }

    #[test]
    fn overlapping_zones_are_flagged() {
        let parcel = multi(vec![rect(110.70, 35.10, 110.75, 35.12)]);
        let a = multi(vec![rect(110.6, 35.0, 110.73, 35.2)]);
        let b = multi(vec![rect(110.72, 35.0, 110.9, 35.2)]);
        let split = split_by_zones(&parcel, &[(1, &a), (2, &b)]);
        assert!(split.overlapping);
        // The 0.01° strip in both zones counts twice: 20 % of the parcel.
        assert_rel(split.closure_error, 0.2, 1e-7);
        assert!(split.outside.0.is_empty());
    }

    #[test]
    fn empty_parcel_splits_into_nothing() {
        let zone = multi(vec![rect(110.6, 35.0, 110.73, 35.2)]);
        let split = split_by_zones(&multi(vec![]), &[(1, &zone)]);
        assert!(split.parts.is_empty() && split.outside.0.is_empty());
        assert_eq!((split.total_area_m2, split.closure_error), (0.0, 0.0));
    }

    /// Zones of a jittered `n × n` grid over `origin + [0, size]²`: the
    /// inner grid vertices are moved at random, so the quadrilateral cells
    /// still tile without overlapping. About one cell in eight is left out,
    /// leaving gaps.
    fn jittered_grid(rng: &mut XorShift, origin: Coord<f64>, size: f64, n: usize) -> Vec<(usize, MultiPolygon<f64>)> {
        let step = size / n as f64;
        let mut vertices = vec![vec![Coord::zero(); n + 1]; n + 1];
        for (i, column) in vertices.iter_mut().enumerate() {
            for (j, v) in column.iter_mut().enumerate() {
                let jitter =
                    |rng: &mut XorShift, k: usize| if k == 0 || k == n { 0.0 } else { rng.range(-0.3, 0.3) * step };
                *v = coord! { x: origin.x + i as f64 * step + jitter(rng, i), y: origin.y + j as f64 * step + jitter(rng, j) };
            }
        }
        let mut zones = Vec::new();
        for i in 0..n {
            for j in 0..n {
                if rng.next_f64() < 0.125 {
                    continue;
                }
                let cell = Polygon::new(
                    LineString(vec![vertices[i][j], vertices[i + 1][j], vertices[i + 1][j + 1], vertices[i][j + 1]]),
                    vec![],
                );
                zones.push((i * n + j, multi(vec![cell])));
            }
        }
        zones
    }

    #[test]
    fn split_areas_close_on_random_parcels_over_random_zone_grids() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut worst: f64 = 0.0;
        for round in 0..40 {
            let origin = coord! { x: rng.range(110.3, 110.8), y: rng.range(34.9, 35.3) };
            let size = rng.range(0.005, 0.2);
            let zones = jittered_grid(&mut rng, origin, size, 3 + round % 8);
            let center = coord! { x: origin.x + rng.range(0.2, 0.8) * size, y: origin.y + rng.range(0.2, 0.8) * size };
            let r_max = rng.range(0.05, 0.6) * size;
            let exterior = star(&mut rng, center, 0.4 * r_max, r_max, 5 + round * 7);
            let holes =
                if round % 3 == 0 { vec![star(&mut rng, center, 0.05 * r_max, 0.3 * r_max, 7)] } else { vec![] };
            let parcel = multi(vec![Polygon::new(exterior, holes)]);
            validate_parcel(&parcel).unwrap();
            let zone_refs: Vec<(usize, &MultiPolygon<f64>)> = zones.iter().map(|(k, z)| (*k, z)).collect();
            let split = split_by_zones(&parcel, &zone_refs);
            assert!(!split.overlapping, "round {round}");
            assert!(split.closure_error < 1e-4, "round {round}: {}", split.closure_error);
            assert!(split.parts.iter().all(|part| part.area_m2 > 0.0));
            // No slivers from overlay rounding: every outside piece is in a
            // real gap between the zones.
            let prepared: Vec<PreparedMultiPolygon> = zones.iter().map(|(_, z)| PreparedMultiPolygon::new(z)).collect();
            for piece in &split.outside.0 {
                let inner = piece.interior_point().unwrap().0;
                assert!(prepared.iter().all(|z| z.position(inner) != Position::Inside), "round {round}: {piece:?}");
            }
            worst = worst.max(split.closure_error);
        }
        // Far better than the required 1e-4 in practice.
        assert!(worst < 1e-7, "{worst:e}");
    }
}
