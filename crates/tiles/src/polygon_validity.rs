//! Validity of a polygon in integer tile pixels, as MVT 2.1 §4.3.4.4 asks.
//!
//! A polygon is valid when
//!
//! - every ring has at least three vertices, no repeated consecutive vertex and a
//!   non-zero area;
//! - no ring crosses or touches itself ("no self-intersection or self-tangency"),
//!   and no ring doubles back on itself (a spike);
//! - two different rings meet at most at isolated points, never along a line or by
//!   crossing, and those contacts do not cut the interior in two (the graph of rings
//!   and contact points has no cycle);
//! - every interior ring lies inside the exterior ring and outside every other
//!   interior ring.
//!
//! This is OGC validity (what geo's [`Validation`](geo::Validation) checks) plus the
//! spec's ban on self-tangency, which geo lets through. The checks are exact integer
//! arithmetic over an R-tree of the segments, O(n log n) for the usual polygon. We do
//! not call geo's `Validation` on the encoding path because its ring check compares
//! every pair of segments — over 100 ms for one 5,000-vertex ring — but debug builds
//! assert that geo agrees with every polygon of up to 200 vertices accepted here,
//! and the property tests check every decoded polygon with geo's `Validation`.

use std::collections::{BTreeMap, BTreeSet};

use geo::{Coord, LineString, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::geometry_commands::TilePoint;

/// A polygon in integer tile pixels. Rings are open: the first vertex is not repeated
/// at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TilePolygon {
    pub(crate) exterior: Vec<TilePoint>,
    pub(crate) interiors: Vec<Vec<TilePoint>>,
}

impl TilePolygon {
    /// The same polygon as a geo polygon (closed rings, `f64` coordinates).
    pub(crate) fn to_geo(&self) -> Polygon<f64> {
        Polygon::new(closed_ring(&self.exterior), self.interiors.iter().map(|r| closed_ring(r)).collect())
    }

    fn rings(&self) -> impl Iterator<Item = &Vec<TilePoint>> {
        std::iter::once(&self.exterior).chain(self.interiors.iter())
    }
}

fn closed_ring(ring: &[TilePoint]) -> LineString<f64> {
    ring.iter().chain(ring.first()).map(|p| Coord { x: f64::from(p[0]), y: f64::from(p[1]) }).collect::<Vec<_>>().into()
}

/// Twice the signed area by the surveyor's formula, in tile coordinates (y down): the
/// spec's exterior rings are positive, interior rings negative.
pub(crate) fn ring_area2(ring: &[TilePoint]) -> i128 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            i128::from(a[0]) * i128::from(b[1]) - i128::from(b[0]) * i128::from(a[1])
        })
        .sum()
}

/// Whether `polygon` is valid at integer resolution (see the module documentation).
pub(crate) fn is_valid_tile_polygon(polygon: &TilePolygon) -> bool {
    let valid = polygon.rings().all(|ring| ring_is_well_formed(ring))
        && segments_meet_properly(polygon)
        && holes_are_inside_and_apart(polygon);
    // geo's check is quadratic: cross-check small polygons only.
    let small = polygon.rings().map(Vec::len).sum::<usize>() <= 200;
    debug_assert!(!valid || !small || geo::Validation::is_valid(&polygon.to_geo()), "geo disagrees: {polygon:?}");
    valid
}

fn ring_is_well_formed(ring: &[TilePoint]) -> bool {
    let n = ring.len();
    n >= 3 && (0..n).all(|i| ring[i] != ring[(i + 1) % n]) && ring_area2(ring) != 0
}

/// Sign of the turn `a → b → c`: positive, negative or zero (collinear).
fn orient(a: TilePoint, b: TilePoint, c: TilePoint) -> i128 {
    let (ax, ay) = (i128::from(a[0]), i128::from(a[1]));
    (i128::from(b[0]) - ax) * (i128::from(c[1]) - ay) - (i128::from(b[1]) - ay) * (i128::from(c[0]) - ax)
}

/// Dot product of `a → b` and `b → c`: negative when the path turns back.
fn dot(a: TilePoint, b: TilePoint, c: TilePoint) -> i128 {
    let d = |u: TilePoint, v: TilePoint, k: usize| i128::from(v[k]) - i128::from(u[k]);
    d(a, b, 0) * d(b, c, 0) + d(a, b, 1) * d(b, c, 1)
}

/// Whether `p`, collinear with segment `a b`, lies on it (ends included).
fn on_segment(a: TilePoint, b: TilePoint, p: TilePoint) -> bool {
    a[0].min(b[0]) <= p[0] && p[0] <= a[0].max(b[0]) && a[1].min(b[1]) <= p[1] && p[1] <= a[1].max(b[1])
}

/// How two closed segments meet.
#[derive(Debug, PartialEq, Eq)]
enum Contact {
    None,
    /// In exactly one point.
    Point(TilePoint),
    /// Crossing, or overlapping along a line.
    Overlap,
}

fn contact(a: TilePoint, b: TilePoint, c: TilePoint, d: TilePoint) -> Contact {
    let (o1, o2, o3, o4) = (orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b));
    if o1 == 0 && o2 == 0 {
        // Collinear: compare positions along the segment's major axis.
        let axis = usize::from((b[0] - a[0]).abs() < (b[1] - a[1]).abs());
        let (lo1, hi1) = (a[axis].min(b[axis]), a[axis].max(b[axis]));
        let (lo2, hi2) = (c[axis].min(d[axis]), c[axis].max(d[axis]));
        let (lo, hi) = (lo1.max(lo2), hi1.min(hi2));
        return match lo.cmp(&hi) {
            std::cmp::Ordering::Greater => Contact::None,
            std::cmp::Ordering::Less => Contact::Overlap,
            std::cmp::Ordering::Equal => {
                let p = [a, b, c, d].into_iter().find(|p| p[axis] == lo).unwrap_or(a);
                Contact::Point(p)
            }
        };
    }
    if o1.signum() * o2.signum() > 0 || o3.signum() * o4.signum() > 0 {
        return Contact::None;
    }
    if o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 {
        return Contact::Overlap;
    }
    let touching = [(o1, a, b, c), (o2, a, b, d), (o3, c, d, a), (o4, c, d, b)]
        .into_iter()
        .find(|(o, s, e, p)| *o == 0 && on_segment(*s, *e, *p));
    match touching {
        Some((_, _, _, p)) => Contact::Point(p),
        None => Contact::None,
    }
}

/// One segment in the index: ring number and index of its first vertex.
type IndexedSegment = GeomWithData<Rectangle<[i64; 2]>, (usize, usize)>;

fn segments_meet_properly(polygon: &TilePolygon) -> bool {
    let rings: Vec<&Vec<TilePoint>> = polygon.rings().collect();
    let segment = |(r, i): (usize, usize)| {
        let ring = rings[r];
        (ring[i], ring[(i + 1) % ring.len()])
    };
    let envelope = |(a, b): (TilePoint, TilePoint)| {
        Rectangle::from_corners([i64::from(a[0]), i64::from(a[1])], [i64::from(b[0]), i64::from(b[1])])
    };
    let items: Vec<IndexedSegment> = rings
        .iter()
        .enumerate()
        .flat_map(|(r, ring)| (0..ring.len()).map(move |i| (r, i)))
        .map(|id| GeomWithData::new(envelope(segment(id)), id))
        .collect();
    let tree = RTree::bulk_load(items);

    // Contacts between different rings: ring → set of contact points.
    let mut contacts: BTreeMap<(usize, usize), BTreeSet<TilePoint>> = BTreeMap::new();
    for item in tree.iter() {
        let id @ (r1, i1) = item.data;
        let (a, b) = segment(id);
        let ring_len = rings[r1].len();
        let query = AABB::from_corners(item.geom().lower(), item.geom().upper());
        for other in tree.locate_in_envelope_intersecting(&query) {
            let other_id @ (r2, i2) = other.data;
            if other_id <= id {
                continue;
            }
            let (c, d) = segment(other_id);
            if r1 == r2 {
                let adjacent = i2 == i1 + 1 || (i1 == 0 && i2 == ring_len - 1);
                if adjacent {
                    // They share one vertex; they must not fold back over each other.
                    let (p, q, s) = if i2 == i1 + 1 { (a, b, d) } else { (c, d, b) };
                    let reversal = orient(p, q, s) == 0 && dot(p, q, s) < 0;
                    if reversal {
                        return false;
                    }
                } else if contact(a, b, c, d) != Contact::None {
                    return false;
                }
            } else {
                match contact(a, b, c, d) {
                    Contact::None => {}
                    Contact::Overlap => return false,
                    Contact::Point(p) => {
                        contacts.entry((r1, r2)).or_default().insert(p);
                    }
                }
            }
        }
    }
    contacts_leave_interior_connected(rings.len(), &contacts)
}

/// The rings and their contact points form a bipartite graph; a cycle in it means the
/// contacts enclose part of the interior, cutting it off.
fn contacts_leave_interior_connected(
    ring_count: usize,
    contacts: &BTreeMap<(usize, usize), BTreeSet<TilePoint>>,
) -> bool {
    let mut point_ids: BTreeMap<TilePoint, usize> = BTreeMap::new();
    let mut edges: BTreeSet<(usize, usize)> = BTreeSet::new();
    for ((r1, r2), points) in contacts {
        for p in points {
            let next = ring_count + point_ids.len();
            let node = *point_ids.entry(*p).or_insert(next);
            edges.insert((*r1, node));
            edges.insert((*r2, node));
        }
    }
    let mut parent: Vec<usize> = (0..ring_count + point_ids.len()).collect();
    fn root(parent: &mut [usize], mut n: usize) -> usize {
        while parent[n] != n {
            parent[n] = parent[parent[n]];
            n = parent[n];
        }
        n
    }
    for (a, b) in edges {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra == rb {
            return false;
        }
        parent[ra] = rb;
    }
    true
}

/// Where a point lies relative to a ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Inside,
    Outside,
    OnBoundary,
}

/// Exact crossing-number test with boundary detection.
fn locate(p: TilePoint, ring: &[TilePoint]) -> Position {
    let mut inside = false;
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
        let o = orient(a, b, p);
        if o == 0 && on_segment(a, b, p) {
            return Position::OnBoundary;
        }
        if (a[1] > p[1]) != (b[1] > p[1]) && (o > 0) == (b[1] > a[1]) {
            inside = !inside;
        }
    }
    if inside { Position::Inside } else { Position::Outside }
}

/// Where `inner` lies relative to `outer`, for two rings that do not cross (checked
/// before): decided by the first vertex of `inner` not on `outer`.
fn ring_position(inner: &[TilePoint], outer: &[TilePoint]) -> Position {
    inner.iter().map(|p| locate(*p, outer)).find(|pos| *pos != Position::OnBoundary).unwrap_or(Position::OnBoundary)
}

fn bbox(ring: &[TilePoint]) -> [i32; 4] {
    ring.iter().fold([i32::MAX, i32::MAX, i32::MIN, i32::MIN], |b, p| {
        [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]
    })
}

/// Interior rings inside the exterior and not nested in each other. Assumes the rings
/// do not cross (checked by [`segments_meet_properly`]).
fn holes_are_inside_and_apart(polygon: &TilePolygon) -> bool {
    if polygon.interiors.iter().any(|hole| ring_position(hole, &polygon.exterior) != Position::Inside) {
        return false;
    }
    let boxes: Vec<[i32; 4]> = polygon.interiors.iter().map(|h| bbox(h)).collect();
    for (i, a) in polygon.interiors.iter().enumerate() {
        for (j, b) in polygon.interiors.iter().enumerate().skip(i + 1) {
            let (ba, bb) = (boxes[i], boxes[j]);
            let boxes_overlap = ba[0] <= bb[2] && bb[0] <= ba[2] && ba[1] <= bb[3] && bb[1] <= ba[3];
            if boxes_overlap && (ring_position(a, b) != Position::Outside || ring_position(b, a) != Position::Outside) {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poly(exterior: &[TilePoint], interiors: &[&[TilePoint]]) -> TilePolygon {
        TilePolygon { exterior: exterior.to_vec(), interiors: interiors.iter().map(|r| r.to_vec()).collect() }
    }

    const SQUARE: &[TilePoint] = &[[0, 0], [10, 0], [10, 10], [0, 10]];
    const HOLE: &[TilePoint] = &[[2, 2], [2, 4], [4, 4], [4, 2]];

    fn check(p: TilePolygon, valid: bool) {
        assert_eq!(is_valid_tile_polygon(&p), valid, "{p:?}");
    }

    #[test]
    fn area_sign_follows_the_spec() {
        // Spec §4.3.5.6: the exterior (0,0) (10,0) (10,10) (0,10) has positive area.
        assert_eq!(ring_area2(SQUARE), 200);
        assert_eq!(ring_area2(HOLE), -8);
    }

    #[test]
    fn simple_polygons_are_valid() {
        check(poly(SQUARE, &[]), true);
        check(poly(SQUARE, &[HOLE]), true);
        check(poly(&[[0, 0], [4, 0], [2, 3]], &[]), true);
    }

    #[test]
    fn degenerate_rings_are_invalid() {
        check(poly(&[[0, 0], [10, 0]], &[]), false);
        check(poly(&[[0, 0], [10, 0], [20, 0]], &[]), false);
        check(poly(&[[0, 0], [10, 0], [10, 0], [10, 10]], &[]), false);
    }

    #[test]
    fn bowtie_is_invalid() {
        check(poly(&[[0, 0], [10, 10], [10, 0], [0, 10]], &[]), false);
    }

    #[test]
    fn ring_touching_itself_at_a_vertex_is_invalid() {
        // Two squares joined at (5, 5): geo accepts it, the spec forbids self-tangency.
        check(poly(&[[0, 0], [5, 0], [5, 5], [10, 5], [10, 10], [5, 10], [5, 5], [0, 5]], &[]), false);
    }

    #[test]
    fn spike_is_invalid() {
        check(poly(&[[0, 0], [10, 0], [15, 0], [12, 0], [10, 10], [0, 10]], &[]), false);
        check(poly(&[[0, 0], [10, 0], [10, 10], [20, 20], [10, 10], [0, 10]], &[]), false);
    }

    #[test]
    fn hole_rules() {
        // Touching the exterior at one point is allowed.
        check(poly(SQUARE, &[&[[0, 5], [3, 7], [3, 3]]]), true);
        // Along a line, crossing it, or outside it is not.
        check(poly(SQUARE, &[&[[0, 2], [0, 4], [3, 4], [3, 2]]]), false);
        check(poly(SQUARE, &[&[[8, 2], [8, 4], [12, 4], [12, 2]]]), false);
        check(poly(SQUARE, &[&[[20, 2], [20, 4], [24, 4], [24, 2]]]), false);
        // Overlapping or nested holes are invalid.
        check(poly(SQUARE, &[HOLE, &[[3, 3], [3, 5], [5, 5], [5, 3]]]), false);
        check(poly(SQUARE, &[&[[1, 1], [1, 9], [9, 9], [9, 1]], HOLE]), false);
        // Touching the exterior at two points cuts the polygon in two.
        check(poly(SQUARE, &[&[[0, 5], [5, 10], [5, 5]]]), false);
        // So does a chain exterior – hole – hole – exterior.
        check(poly(SQUARE, &[&[[0, 5], [5, 7], [5, 3]], &[[5, 3], [10, 5], [8, 2]]]), false);
        // A hole touching another hole at one point is fine.
        check(poly(SQUARE, &[&[[1, 5], [5, 7], [5, 3]], &[[5, 3], [9, 5], [8, 2]]]), true);
    }

    #[test]
    fn point_location() {
        assert_eq!(locate([5, 5], SQUARE), Position::Inside);
        assert_eq!(locate([10, 5], SQUARE), Position::OnBoundary);
        assert_eq!(locate([0, 0], SQUARE), Position::OnBoundary);
        assert_eq!(locate([11, 5], SQUARE), Position::Outside);
        assert_eq!(locate([5, 0], SQUARE), Position::OnBoundary);
        assert_eq!(locate([-1, 0], SQUARE), Position::Outside);
        assert_eq!(locate([-1, 10], SQUARE), Position::Outside);
        let arrow: &[TilePoint] = &[[0, 0], [10, 5], [0, 10], [5, 5]];
        assert_eq!(locate([2, 5], arrow), Position::Outside);
        assert_eq!(locate([7, 5], arrow), Position::Inside);
    }

    #[test]
    fn segment_contacts() {
        assert_eq!(contact([0, 0], [10, 0], [5, -5], [5, 5]), Contact::Overlap);
        assert_eq!(contact([0, 0], [10, 0], [5, 0], [5, 5]), Contact::Point([5, 0]));
        assert_eq!(contact([0, 0], [10, 0], [10, 0], [20, 0]), Contact::Point([10, 0]));
        assert_eq!(contact([0, 0], [10, 0], [5, 0], [20, 0]), Contact::Overlap);
        assert_eq!(contact([0, 0], [10, 0], [11, 0], [20, 0]), Contact::None);
        assert_eq!(contact([0, 0], [10, 0], [5, 1], [5, 5]), Contact::None);
        assert_eq!(contact([0, 0], [0, 10], [0, 10], [0, 20]), Contact::Point([0, 10]));
    }
}
