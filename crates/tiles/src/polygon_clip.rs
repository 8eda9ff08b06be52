//! Clipping polygons (with holes) to an axis-aligned rectangle, with valid output.
//!
//! Two steps:
//!
//! 1. **Sutherland–Hodgman, per ring.** Each ring is clipped to the rectangle on its
//!    own. This is exact for the area (a ring clipped to a convex window keeps exactly
//!    the part of its area inside), is cheap, and brings every coordinate into the
//!    rectangle, so step 2 works at tile precision even when the polygon is a whole
//!    county seen at zoom 18. Its output can be invalid: where a ring leaves the
//!    window and comes back, the clipped ring runs along the window's edge and back,
//!    a zero-width "bridge".
//! 2. **Overlay.** The clipped rings go through geo's [`BooleanOps`] (i_overlay,
//!    even-odd fill) intersected with the rectangle, which removes the bridges and
//!    returns valid polygons (holes where they belong, pieces split where a bridge
//!    joined them).
//!
//! Polygons entirely inside the rectangle are returned as they are; polygons whose
//! bounding box misses it are dropped without any work.

use geo::{BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};

/// The part of `polygon` inside `rect`, as valid polygons (none when nothing is left).
pub(crate) fn clip_polygon_to_rect(polygon: &Polygon<f64>, rect: Rect<f64>) -> Vec<Polygon<f64>> {
    let Some(bbox) = polygon.exterior().bounding_rect() else { return Vec::new() };
    if !overlaps(bbox, rect) {
        return Vec::new();
    }
    if contains(rect, bbox) {
        return vec![polygon.clone()];
    }
    let exterior = clip_ring(polygon.exterior(), rect);
    if exterior.0.len() < 4 {
        return Vec::new();
    }
    let interiors: Vec<LineString<f64>> =
        polygon.interiors().iter().map(|ring| clip_ring(ring, rect)).filter(|ring| ring.0.len() >= 4).collect();
    let rough = Polygon::new(exterior, interiors);
    let window = rect.to_polygon();
    let MultiPolygon(pieces) = rough.intersection(&window);
    pieces
}

/// Whether two boxes share an area (touching along an edge is not enough).
fn overlaps(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x < b.max().x && b.min().x < a.max().x && a.min().y < b.max().y && b.min().y < a.max().y
}

/// Whether `inner` lies in `outer` (edges included).
fn contains(outer: Rect<f64>, inner: Rect<f64>) -> bool {
    outer.min().x <= inner.min().x
        && outer.min().y <= inner.min().y
        && inner.max().x <= outer.max().x
        && inner.max().y <= outer.max().y
}

/// Sutherland–Hodgman against the four edges of `rect`; returns a closed ring, or an
/// empty one when nothing is left.
fn clip_ring(ring: &LineString<f64>, rect: Rect<f64>) -> LineString<f64> {
    let (min, max) = (rect.min(), rect.max());
    // Work on the open ring (drop the closing repeat).
    let mut points: Vec<Coord<f64>> = ring.0.clone();
    if points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    let edges = [Edge::MinX(min.x), Edge::MaxX(max.x), Edge::MinY(min.y), Edge::MaxY(max.y)];
    for edge in edges {
        if points.is_empty() {
            break;
        }
        let mut out = Vec::with_capacity(points.len() + 4);
        let mut prev = points[points.len() - 1];
        for &p in &points {
            match (edge.inside(prev), edge.inside(p)) {
                (true, true) => out.push(p),
                (true, false) => out.push(edge.crossing(prev, p)),
                (false, true) => {
                    out.push(edge.crossing(prev, p));
                    out.push(p);
                }
                (false, false) => {}
            }
            prev = p;
        }
        points = out;
    }
    if points.len() < 3 {
        return LineString::new(Vec::new());
    }
    points.push(points[0]);
    LineString::new(points)
}

/// One edge of the clip window, as the half-plane it keeps.
#[derive(Debug, Clone, Copy)]
enum Edge {
    MinX(f64),
    MaxX(f64),
    MinY(f64),
    MaxY(f64),
}

impl Edge {
    fn inside(self, p: Coord<f64>) -> bool {
        match self {
            Edge::MinX(v) => p.x >= v,
            Edge::MaxX(v) => p.x <= v,
            Edge::MinY(v) => p.y >= v,
            Edge::MaxY(v) => p.y <= v,
        }
    }

    /// Where segment `a → b`, which has one end on each side, crosses the edge.
    fn crossing(self, a: Coord<f64>, b: Coord<f64>) -> Coord<f64> {
        match self {
            Edge::MinX(v) | Edge::MaxX(v) => {
                let t = (v - a.x) / (b.x - a.x);
                Coord { x: v, y: a.y + (b.y - a.y) * t }
            }
            Edge::MinY(v) | Edge::MaxY(v) => {
                let t = (v - a.y) / (b.y - a.y);
                Coord { x: a.x + (b.x - a.x) * t, y: v }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Validation, polygon};

    fn window() -> Rect<f64> {
        Rect::new((0.0, 0.0), (10.0, 10.0))
    }

    fn area(pieces: &[Polygon<f64>]) -> f64 {
        pieces.iter().map(|p| p.unsigned_area()).sum()
    }

    #[test]
    fn inside_polygon_is_returned_as_is() {
        let p = polygon![(x: 1.0, y: 1.0), (x: 9.0, y: 1.0), (x: 5.0, y: 9.0)];
        assert_eq!(clip_polygon_to_rect(&p, window()), vec![p]);
    }

    #[test]
    fn outside_or_edge_touching_polygon_vanishes() {
        let p = polygon![(x: 10.0, y: 0.0), (x: 20.0, y: 0.0), (x: 20.0, y: 10.0), (x: 10.0, y: 10.0)];
        assert!(clip_polygon_to_rect(&p, window()).is_empty());
    }

    #[test]
    fn covering_polygon_becomes_the_window() {
        let p = polygon![(x: -100.0, y: -100.0), (x: 100.0, y: -100.0), (x: 100.0, y: 100.0), (x: -100.0, y: 100.0)];
        let pieces = clip_polygon_to_rect(&p, window());
        assert_eq!(pieces.len(), 1);
        assert_eq!(area(&pieces), 100.0);
        assert!(pieces[0].is_valid());
    }

    #[test]
    fn u_shape_leaving_and_returning_splits_into_two_valid_pieces() {
        // A "U" whose bottom lies below the window: Sutherland–Hodgman alone would
        // join the two arms with a bridge along y = 0.
        let p = polygon![
            (x: 1.0, y: 5.0), (x: 1.0, y: -5.0), (x: 9.0, y: -5.0), (x: 9.0, y: 5.0),
            (x: 7.0, y: 5.0), (x: 7.0, y: -3.0), (x: 3.0, y: -3.0), (x: 3.0, y: 5.0),
        ];
        let pieces = clip_polygon_to_rect(&p, window());
        assert_eq!(pieces.len(), 2);
        assert!(pieces.iter().all(|p| p.is_valid()));
        assert!((area(&pieces) - 20.0).abs() < 1e-9);
    }

    #[test]
    fn holes_are_kept_and_clipped() {
        let p = polygon!(
            exterior: [(x: -5.0, y: -5.0), (x: 15.0, y: -5.0), (x: 15.0, y: 15.0), (x: -5.0, y: 15.0)],
            interiors: [
                [(x: 2.0, y: 2.0), (x: 4.0, y: 2.0), (x: 4.0, y: 4.0), (x: 2.0, y: 4.0)],
                [(x: 8.0, y: 4.0), (x: 12.0, y: 4.0), (x: 12.0, y: 6.0), (x: 8.0, y: 6.0)],
            ],
        );
        let pieces = clip_polygon_to_rect(&p, window());
        assert!(pieces.iter().all(|p| p.is_valid()));
        // 100 − 4 (inner hole) − 4 (the half of the second hole inside the window).
        assert!((area(&pieces) - 92.0).abs() < 1e-9, "{}", area(&pieces));
    }

    #[test]
    fn far_away_coordinates_keep_tile_precision() {
        let far = 1.0e9;
        let p = polygon![(x: -far, y: -far), (x: 5.5, y: -far), (x: 5.5, y: far), (x: -far, y: far)];
        let pieces = clip_polygon_to_rect(&p, window());
        assert!((area(&pieces) - 55.0).abs() < 1e-6, "{}", area(&pieces));
    }
}
