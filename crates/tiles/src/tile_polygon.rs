//! From a clipped polygon in fractional tile pixels to polygons that are valid at the
//! tile's integer resolution.
//!
//! # The rule
//!
//! 1. **Quantise and clean.** Coordinates are rounded to the nearest integer pixel.
//!    In each ring, repeated points and vertices on a straight line through their
//!    neighbours are removed (this also removes spikes, where the ring runs out and
//!    back along one line). A ring left with fewer than three vertices or no area is
//!    dropped; when that is the exterior, the whole polygon goes. Exterior rings are
//!    wound to positive area by the spec's surveyor's formula (clockwise on screen,
//!    y down), interior rings to negative area.
//! 2. **Simplified first.** With a tolerance, the quantised polygon is simplified with
//!    geo's topology-preserving Visvalingam–Whyatt ([`SimplifyVwPreserve`], removing
//!    vertices whose triangle is smaller than `tolerance²` square pixels; it never
//!    removes a ring's last four points) and cleaned again. Simplifying after
//!    quantising is cheaper (cleaning has already merged the vertices that share a
//!    pixel: 20,000 input vertices are a few thousand at zoom 9) and keeps the result
//!    on the integer grid, since Visvalingam–Whyatt only removes vertices. The result is
//!    used when it is valid ([`is_valid_tile_polygon`](crate::polygon_validity)), kept
//!    every ring (simplification may not make a hole or the polygon vanish) and has no
//!    more vertices than the unsimplified polygon.
//! 3. **Else unsimplified.** Otherwise the quantised polygon of step 1 is used if it
//!    is valid.
//! 4. **Else repaired, by dropping.** If the exterior ring is valid on its own, the
//!    holes are added back one by one in order and each hole that would make the
//!    polygon invalid (crossing the exterior or another hole after rounding, touching
//!    it along a line …) is dropped. If the exterior itself is not valid (rounding made
//!    it cross or touch itself), the quantised polygon is passed through the overlay
//!    (geo [`BooleanOps`], even-odd), which splits it at the crossings; each piece is
//!    quantised again and kept if valid (after dropping holes as above). A piece that
//!    rounding made invalid again goes through the overlay again, up to four times in
//!    all, and is dropped if it is still invalid then.
//!
//! No invalid polygon is ever returned: at worst a polygon that has become a sliver
//! of pixels loses a hole or disappears.

use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon, SimplifyVwPreserve};

use crate::geometry_commands::TilePoint;
use crate::polygon_validity::{TilePolygon, is_valid_tile_polygon, ring_area2};

/// Polygons valid at integer resolution for one clipped polygon (see the module
/// documentation for the rule). `simplify_px` is the tolerance in tile pixels; `0`
/// means no simplification.
pub(crate) fn polygon_at_tile_resolution(clipped: &Polygon<f64>, simplify_px: f64) -> Vec<TilePolygon> {
    let unsimplified = quantize(clipped);
    let Some(polygon) = unsimplified.polygon else { return Vec::new() };
    if simplify_px > 0.0 {
        let simplified = quantize(&polygon.to_geo().simplify_vw_preserve(simplify_px * simplify_px));
        if let Some(simplified_polygon) = simplified.polygon
            && simplified.rings_kept >= unsimplified.rings_kept
            && vertex_count(&simplified_polygon) <= vertex_count(&polygon)
            && is_valid_tile_polygon(&simplified_polygon)
        {
            return vec![simplified_polygon];
        }
    }
    if is_valid_tile_polygon(&polygon) {
        return vec![polygon];
    }
    repair(polygon)
}

fn vertex_count(polygon: &TilePolygon) -> usize {
    polygon.exterior.len() + polygon.interiors.iter().map(Vec::len).sum::<usize>()
}

/// How often the overlay is applied to a piece that rounding made invalid again.
const OVERLAY_ATTEMPTS: usize = 4;

/// Step 4 of the rule.
fn repair(polygon: TilePolygon) -> Vec<TilePolygon> {
    let exterior_only = TilePolygon { exterior: polygon.exterior.clone(), interiors: Vec::new() };
    if is_valid_tile_polygon(&exterior_only) {
        return vec![with_valid_holes(exterior_only, polygon.interiors)];
    }
    resolve_with_overlay(&polygon, OVERLAY_ATTEMPTS)
}

/// Splits a polygon whose exterior crosses or touches itself into valid pieces: the
/// overlay resolves the crossings at full precision, quantisation may create new
/// ones in a piece, which then goes through the overlay again (a few times at most).
fn resolve_with_overlay(polygon: &TilePolygon, attempts: usize) -> Vec<TilePolygon> {
    let MultiPolygon(pieces) = polygon.to_geo().union(&MultiPolygon::<f64>::new(Vec::new()));
    let mut out = Vec::new();
    for piece in pieces.iter().filter_map(|piece| quantize(piece).polygon) {
        if is_valid_tile_polygon(&piece) {
            out.push(piece);
            continue;
        }
        let exterior_only = TilePolygon { exterior: piece.exterior.clone(), interiors: Vec::new() };
        if is_valid_tile_polygon(&exterior_only) {
            out.push(with_valid_holes(exterior_only, piece.interiors));
        } else if attempts > 1 {
            out.extend(resolve_with_overlay(&piece, attempts - 1));
        }
    }
    out
}

/// Adds `holes` to a valid `polygon` one by one, dropping each that breaks validity.
fn with_valid_holes(mut polygon: TilePolygon, holes: Vec<Vec<TilePoint>>) -> TilePolygon {
    for hole in holes {
        polygon.interiors.push(hole);
        if !is_valid_tile_polygon(&polygon) {
            polygon.interiors.pop();
        }
    }
    polygon
}

/// A quantised polygon and how many of its rings survived.
#[derive(Debug)]
struct Quantized {
    polygon: Option<TilePolygon>,
    rings_kept: usize,
}

/// Step 1 of the rule.
fn quantize(polygon: &Polygon<f64>) -> Quantized {
    let Some(mut exterior) = quantize_ring(polygon.exterior()) else {
        return Quantized { polygon: None, rings_kept: 0 };
    };
    if ring_area2(&exterior) < 0 {
        exterior.reverse();
    }
    let interiors: Vec<Vec<TilePoint>> = polygon
        .interiors()
        .iter()
        .filter_map(quantize_ring)
        .map(|mut ring| {
            if ring_area2(&ring) > 0 {
                ring.reverse();
            }
            ring
        })
        .collect();
    let rings_kept = 1 + interiors.len();
    Quantized { polygon: Some(TilePolygon { exterior, interiors }), rings_kept }
}

/// Rounds a closed ring to integer pixels and cleans it; `None` when it collapses.
pub(crate) fn quantize_ring(ring: &LineString<f64>) -> Option<Vec<TilePoint>> {
    let rounded = ring.coords().map(round_coord);
    let cleaned = clean_ring(rounded);
    (cleaned.len() >= 3 && ring_area2(&cleaned) != 0).then_some(cleaned)
}

/// Rounds half away from zero; the coordinates are inside the buffered tile, so they
/// fit an `i32`.
pub(crate) fn round_coord(c: &Coord<f64>) -> TilePoint {
    [c.x.round() as i32, c.y.round() as i32]
}

fn collinear(a: TilePoint, b: TilePoint, c: TilePoint) -> bool {
    let (ax, ay) = (i128::from(a[0]), i128::from(a[1]));
    (i128::from(b[0]) - ax) * (i128::from(c[1]) - ay) == (i128::from(b[1]) - ay) * (i128::from(c[0]) - ax)
}

/// Removes repeated points and collinear vertices (straight-through points and
/// spikes) from a ring, cyclically; the result is open (first point not repeated).
fn clean_ring(points: impl Iterator<Item = TilePoint>) -> Vec<TilePoint> {
    let mut out: Vec<TilePoint> = Vec::new();
    for p in points {
        push_cleaned(&mut out, p);
    }
    // The ring is cyclic: the closing point (equal to the first) was pushed already
    // or collapsed into it; now clean the seam where the end meets the start.
    loop {
        let n = out.len();
        if n < 3 {
            return out;
        }
        if out[n - 1] == out[0] || collinear(out[n - 2], out[n - 1], out[0]) {
            out.pop();
        } else if collinear(out[n - 1], out[0], out[1]) {
            out.remove(0);
        } else {
            return out;
        }
    }
}

fn push_cleaned(out: &mut Vec<TilePoint>, p: TilePoint) {
    if out.last() == Some(&p) {
        return;
    }
    while out.len() >= 2 && collinear(out[out.len() - 2], out[out.len() - 1], p) {
        out.pop();
        if out.last() == Some(&p) {
            return;
        }
    }
    out.push(p);
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Validation, polygon};

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        let mut coords: Vec<Coord<f64>> = points.iter().map(|&(x, y)| Coord { x, y }).collect();
        coords.push(coords[0]);
        LineString::new(coords)
    }

    #[test]
    fn cleaning_removes_repeats_collinear_points_and_spikes() {
        let check = |input: &[(f64, f64)], expected: Option<&[TilePoint]>| {
            assert_eq!(quantize_ring(&ring(input)).as_deref(), expected, "{input:?}");
        };
        check(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)], Some(&[[0, 0], [10, 0], [10, 10]]));
        check(&[(0.2, 0.0), (0.0, 0.4), (5.0, 0.0), (10.0, 0.0), (10.0, 10.0)], Some(&[[0, 0], [10, 0], [10, 10]]));
        // A spike out to (20, 0) and back.
        check(&[(0.0, 0.0), (10.0, 0.0), (20.0, 0.0), (15.0, 0.0), (10.0, 10.0)], Some(&[[0, 0], [15, 0], [10, 10]]));
        // Collinear points across the seam.
        check(&[(5.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 0.0)], Some(&[[10, 0], [10, 10], [0, 0]]));
        // Collapses.
        check(&[(0.0, 0.0), (0.3, 0.2), (0.1, 0.4)], None);
        check(&[(0.0, 0.0), (5.0, 5.0), (10.0, 10.0)], None);
    }

    #[test]
    fn winding_follows_the_spec() {
        // Given counter-clockwise on screen (negative spec area) with a clockwise hole.
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 0.0, y: 10.0), (x: 10.0, y: 10.0), (x: 10.0, y: 0.0)],
            interiors: [[(x: 2.0, y: 2.0), (x: 4.0, y: 2.0), (x: 4.0, y: 4.0), (x: 2.0, y: 4.0)]],
        );
        let out = polygon_at_tile_resolution(&p, 0.0);
        assert_eq!(out.len(), 1);
        assert!(ring_area2(&out[0].exterior) > 0);
        assert!(ring_area2(&out[0].interiors[0]) < 0);
    }

    #[test]
    fn sub_pixel_hole_is_dropped_and_tiny_polygon_vanishes() {
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [[(x: 5.1, y: 5.1), (x: 5.3, y: 5.1), (x: 5.2, y: 5.3)]],
        );
        let out = polygon_at_tile_resolution(&p, 0.0);
        assert_eq!(out.len(), 1);
        assert!(out[0].interiors.is_empty());
        let tiny = polygon![(x: 0.1, y: 0.1), (x: 0.4, y: 0.1), (x: 0.2, y: 0.3)];
        assert!(polygon_at_tile_resolution(&tiny, 0.0).is_empty());
    }

    #[test]
    fn hole_that_rounds_onto_the_exterior_is_dropped() {
        // The hole is 0.3 px from the exterior edge; rounded, it shares a line with it.
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [
                [(x: 0.3, y: 2.0), (x: 0.3, y: 6.0), (x: 4.0, y: 6.0), (x: 4.0, y: 2.0)],
                [(x: 6.0, y: 6.0), (x: 6.0, y: 8.0), (x: 8.0, y: 8.0), (x: 8.0, y: 6.0)],
            ],
        );
        let out = polygon_at_tile_resolution(&p, 0.0);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].interiors, vec![vec![[6, 6], [6, 8], [8, 8], [8, 6]]]);
        assert!(is_valid_tile_polygon(&out[0]));
    }

    #[test]
    fn slit_that_rounds_shut_is_cleaned_away() {
        // A "C" whose two arms come within 0.4 px: rounded, the slit runs out and back
        // along one line, and cleaning removes it.
        let p = polygon![
            (x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 4.8), (x: 2.0, y: 4.8),
            (x: 2.0, y: 5.2), (x: 10.0, y: 5.2), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0),
        ];
        let out = polygon_at_tile_resolution(&p, 0.0);
        assert_eq!(out, vec![TilePolygon { exterior: vec![[0, 0], [10, 0], [10, 10], [0, 10]], interiors: vec![] }]);
    }

    #[test]
    fn exterior_that_rounds_into_touching_itself_is_split() {
        // Two teeth whose tips, 0.8 px apart, both round to (5, 5).
        let p = polygon![
            (x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 4.0), (x: 4.6, y: 4.8), (x: 10.0, y: 6.0),
            (x: 10.0, y: 10.0), (x: 0.0, y: 10.0), (x: 0.0, y: 6.0), (x: 5.4, y: 5.2), (x: 0.0, y: 4.0),
        ];
        assert!(p.is_valid());
        let out = polygon_at_tile_resolution(&p, 0.0);
        assert_eq!(out.len(), 2, "{out:?}");
        for piece in &out {
            assert!(is_valid_tile_polygon(piece), "{piece:?}");
            assert!(ring_area2(&piece.exterior) > 0);
        }
        let area: i128 = out.iter().map(|p| ring_area2(&p.exterior)).sum();
        assert_eq!(area, 2 * 100 - 2 * 5 - 2 * 5);
    }

    #[test]
    fn simplification_reduces_a_wiggly_edge_but_keeps_validity() {
        // One-pixel teeth every pixel: they survive rounding, triangles of 0.8 px² do not
        // survive a tolerance of 1 px.
        let mut coords: Vec<(f64, f64)> =
            (0..=100).map(|i| (f64::from(i), if i % 2 == 0 { 0.0 } else { 0.8 })).collect();
        coords.extend([(100.0, 50.0), (0.0, 50.0)]);
        let p = Polygon::new(ring(&coords), vec![]);
        let plain = polygon_at_tile_resolution(&p, 0.0);
        let simplified = polygon_at_tile_resolution(&p, 1.0);
        assert!(simplified[0].exterior.len() < plain[0].exterior.len());
        assert!(is_valid_tile_polygon(&simplified[0]));
    }

    #[test]
    fn simplification_may_not_drop_a_hole() {
        // A 2×2 px hole: VW with tolerance 3 (area 9) keeps its four points, but
        // any simplification making it vanish would be refused.
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)],
            interiors: [[(x: 50.0, y: 50.0), (x: 52.0, y: 50.0), (x: 52.0, y: 52.0), (x: 50.0, y: 52.0)]],
        );
        let out = polygon_at_tile_resolution(&p, 3.0);
        assert_eq!(out[0].interiors.len(), 1);
    }
}
