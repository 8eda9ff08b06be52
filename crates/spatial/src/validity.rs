//! Polygon validity in O(n log n) for every input: [`validate_multipolygon`]
//! is the one rule for polygons in landtrace (parcels and every stored zone).
//!
//! A multipolygon is valid when every coordinate is a finite lon/lat in range,
//! every ring has at least 3 distinct points, and
//!
//! - no ring crosses or touches itself, doubles back (a spike) or repeats a
//!   vertex; consecutive edges meet only at their shared vertex;
//! - the rings of one polygon may touch at single points, but neither cross
//!   nor share a stretch of boundary;
//! - every hole lies inside its exterior ring and no two holes overlap;
//! - parts may touch, also along an edge, but neither overlap nor cross.
//!
//! These are the OGC simple-feature rules, except that parts may share edges
//! (which changes no area). As in geo's `Validation`, a polygon whose holes cut
//! its interior in two is not rejected.
//!
//! # How
//!
//! One plane sweep over the distinct vertices in (x, y) order, in the manner of
//! Shamos and Hoey: the status is an ordered map of the edges the sweep line
//! crosses, and two edges are tested against each other only when they become
//! neighbours there, so the first bad crossing is found before the sweep passes
//! it. Every decision uses geo's exact `orient2d` predicate on the input
//! coordinates; only the position printed in a message is computed in floating
//! point. At each vertex `p`:
//!
//! - the edges of the status through `p` are found by two binary searches; an
//!   edge with `p` inside it is split there (a vertex touching an edge), two
//!   such edges cross at `p`;
//! - the rings passing `p` are checked locally: one passage per ring, no spike,
//!   and no two passages crossing (their edge pairs must nest in angular order,
//!   a parenthesis check);
//! - edges leaving `p` in the same direction share a stretch: they are kept as
//!   one status entry (a bundle), allowed only for two parts lying on opposite
//!   sides of it;
//! - a ring met for the first time gets its parent, the smallest ring enclosing
//!   it, from the status entry just below it. Containment rules are then local:
//!   a hole's parent must be its exterior, an exterior's parent nothing or a
//!   hole of another part.
//!
//! Each vertex costs O(log n) status operations plus a sort of the edges at it,
//! and the status holds O(n) entries, so the whole check is O(n log n) time and
//! O(n) memory whatever the input: n equal points, collinear runs, combs,
//! spirals, many rings. It stops at the first problem.
//!
//! The most common input, one ring of a few vertices (a parcel, a project), is
//! first tried edge pair by edge pair (`certainly_simple`, at most 16 edges): when
//! every two edges are certainly apart the ring is valid without the sweep; any
//! doubt (a straight run, a touch) goes to the sweep, which decides and names the
//! problem. Bulk imports of small polygons spent most of their check in the
//! sweep's ordered map.
//!
//! No crate offers this: geo's `Validation` compares every pair of edges
//! (quadratic), geo's `Intersections` sweep reports every pair of overlapping
//! bounding boxes (quadratic for a comb), and the robust sweep-line crates
//! compute full arrangements for boolean operations with tolerances rather
//! than an exact first-problem check with these touching rules.

use crate::lonlat::{CoordError, LonLat};
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Line, LineString, MultiPolygon, Polygon};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound::{Excluded, Unbounded};

/// A ring of a multipolygon: `ring` 1 is the exterior of polygon `polygon`,
/// ring `k + 1` its hole `k`. Both numbers start at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RingId {
    /// 1-based polygon number within the multipolygon.
    pub polygon: usize,
    /// 1-based ring number within the polygon; 1 is the exterior.
    pub ring: usize,
}

impl fmt::Display for RingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ring {} of polygon {}", self.ring, self.polygon)
    }
}

/// Why [`validate_multipolygon`] rejected a multipolygon. Every message names
/// the ring or polygon (numbered from 1, see [`RingId`]) and, where there is
/// one, the position as `(lon, lat)` with 6 decimals (about 0.1 m).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PolygonError {
    /// The multipolygon has no polygons.
    #[error("the parcel is empty: it has no polygons")]
    Empty,
    /// A coordinate is not a finite lon/lat in range; `vertex` counts from 1.
    #[error("vertex {vertex} of {ring}: {reason}")]
    InvalidCoordinate {
        /// The ring holding the vertex.
        ring: RingId,
        /// 1-based vertex number within the ring.
        vertex: usize,
        /// What is wrong with it.
        reason: CoordError,
    },
    /// A ring has fewer than 3 distinct points (an empty ring has 0).
    #[error("{ring} has {distinct_points} distinct points; a ring needs at least 3")]
    TooFewPoints {
        /// The ring.
        ring: RingId,
        /// How many distinct points it has (0, 1 or 2).
        distinct_points: usize,
    },
    /// A ring crosses or touches itself, or doubles back on itself (a
    /// spike).
    #[error("{ring} self-intersects at {}", Lonlat(*.at))]
    SelfIntersection {
        /// The ring.
        ring: RingId,
        /// Where (for a spike: its tip or its base).
        at: Coord<f64>,
    },
    /// Two rings of one polygon cross or share a stretch of boundary
    /// (touching at a single point is allowed).
    #[error("rings {first} and {second} of polygon {polygon} intersect at {}", Lonlat(*.at))]
    RingsIntersect {
        /// 1-based polygon number.
        polygon: usize,
        /// The lower 1-based ring number (1 is the exterior).
        first: usize,
        /// The higher 1-based ring number.
        second: usize,
        /// Where (for a shared stretch: its first point in (lon, lat) order).
        at: Coord<f64>,
    },
    /// A hole is not inside its polygon's exterior ring.
    #[error("hole {hole} of polygon {polygon} lies outside its exterior ring{}", at_suffix(*.at))]
    HoleOutsideExterior {
        /// 1-based polygon number.
        polygon: usize,
        /// 1-based hole number (ring `hole + 1`).
        hole: usize,
        /// A point of the hole outside the exterior ring, when one was found.
        at: Option<Coord<f64>>,
    },
    /// Two holes of one polygon overlap.
    #[error("holes {first} and {second} of polygon {polygon} overlap{}", at_suffix(*.at))]
    HolesOverlap {
        /// 1-based polygon number.
        polygon: usize,
        /// The lower 1-based hole number.
        first: usize,
        /// The higher 1-based hole number.
        second: usize,
        /// A point of one hole inside the other, when one was found.
        at: Option<Coord<f64>>,
    },
    /// Two polygons of the multipolygon overlap (they may touch, also along
    /// an edge).
    #[error("polygons {first} and {second} overlap{}", at_suffix(*.at))]
    PolygonsOverlap {
        /// The lower 1-based polygon number.
        first: usize,
        /// The higher 1-based polygon number.
        second: usize,
        /// A point of the overlap or of its boundary, when one was found.
        at: Option<Coord<f64>>,
    },
}

/// Displays a position as `(110.775012, 35.140003)`.
struct Lonlat(Coord<f64>);

impl fmt::Display for Lonlat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({:.6}, {:.6})", self.0.x, self.0.y)
    }
}

fn at_suffix(at: Option<Coord<f64>>) -> String {
    at.map(|c| format!(" at {}", Lonlat(c))).unwrap_or_default()
}

/// Checks that `multipolygon` (x = longitude, y = latitude, degrees) is valid
/// by the rules of this module's documentation, in O(n log n) time and O(n)
/// memory for n vertices whatever their arrangement. The first problem found
/// is reported. The check is pure and synchronous: servers run it off their
/// async threads (e.g. on a blocking thread) for large inputs.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use landtrace_spatial::validate_multipolygon;
///
/// let square = polygon![(x: 110.0, y: 35.0), (x: 110.1, y: 35.0), (x: 110.1, y: 35.1), (x: 110.0, y: 35.1)];
/// let neighbour = polygon![(x: 110.1, y: 35.0), (x: 110.2, y: 35.0), (x: 110.2, y: 35.1), (x: 110.1, y: 35.1)];
/// assert!(validate_multipolygon(&MultiPolygon(vec![square.clone(), neighbour])).is_ok());
/// let err = validate_multipolygon(&MultiPolygon(vec![square.clone(), square])).unwrap_err();
/// assert_eq!(err.to_string(), "polygons 1 and 2 overlap at (110.000000, 35.000000)");
/// ```
pub fn validate_multipolygon(multipolygon: &MultiPolygon<f64>) -> Result<(), PolygonError> {
    if multipolygon.0.is_empty() {
        return Err(PolygonError::Empty);
    }
    let mut rings = Vec::new();
    for (p, polygon) in multipolygon.0.iter().enumerate() {
        for (r, ring) in rings_of(polygon).enumerate() {
            let id = RingId { polygon: p + 1, ring: r + 1 };
            for (v, c) in ring.0.iter().enumerate() {
                LonLat::new(c.x, c.y).map_err(|reason| PolygonError::InvalidCoordinate {
                    ring: id,
                    vertex: v + 1,
                    reason,
                })?;
            }
            let points = open_ring_without_repeats(ring);
            let distinct_points = distinct_points_up_to_3(&points);
            if distinct_points < 3 {
                return Err(PolygonError::TooFewPoints { ring: id, distinct_points });
            }
            // The common parcel: one ring of a few vertices.
            if multipolygon.0.len() == 1 && polygon.interiors().is_empty() && certainly_simple(&points) {
                return Ok(());
            }
            rings.push(SweepRing::new(id, points));
        }
    }
    Sweep::new(rings).run()
}

/// Rings of at most this many edges, alone in their multipolygon, are tried by
/// [`certainly_simple`] before the sweep: its pairs of edges cost less than the
/// sweep's ordered map up to about this size.
const SMALL_RING_EDGES: usize = 16;

/// Whether the ring `points` (as [`open_ring_without_repeats`] makes it) is
/// certainly simple, hence a valid polygon on its own: no two consecutive edges
/// are collinear and every two other edges lie apart, one strictly on one side of
/// the other's line (exact, with `orient2d`). Such a ring neither touches nor
/// crosses itself, has no spike and repeats no vertex. `false` says nothing (a
/// straight run of three vertices, a touch, a larger ring): the sweep decides, and
/// names the problem when there is one.
fn certainly_simple(points: &[Coord<f64>]) -> bool {
    let n = points.len();
    if !(3..=SMALL_RING_EDGES).contains(&n) {
        return false;
    }
    let edge = |i: usize| (points[i], points[(i + 1) % n]);
    if (0..n).any(|i| orient(points[i], points[(i + 1) % n], points[(i + 2) % n]) == 0) {
        return false;
    }
    let beside = |(a, b): (Coord<f64>, Coord<f64>), (c, d): (Coord<f64>, Coord<f64>)| {
        let side = orient(a, b, c);
        side != 0 && side == orient(a, b, d)
    };
    // Edges i and j > i + 1 (edges 0 and n - 1 meet at vertex 0).
    (0..n).all(|i| {
        (i + 2..n).filter(|&j| !(i == 0 && j == n - 1)).all(|j| {
            let (e, f) = (edge(i), edge(j));
            beside(e, f) || beside(f, e)
        })
    })
}

pub(crate) fn rings_of(polygon: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(polygon.exterior()).chain(polygon.interiors())
}

/// A ring without consecutive repeated points and without the closing point:
/// edge `i` runs from `points[i]` to `points[(i + 1) % len]`. `-0.0` becomes
/// `0.0`, so that equal points compare equal in the sweep order.
pub(crate) fn open_ring_without_repeats(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut points: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        let c = Coord { x: c.x + 0.0, y: c.y + 0.0 };
        if points.last() != Some(&c) {
            points.push(c);
        }
    }
    while points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    points
}

/// The number of distinct points, counted up to 3.
pub(crate) fn distinct_points_up_to_3(points: &[Coord<f64>]) -> usize {
    let mut seen: Vec<Coord<f64>> = Vec::with_capacity(3);
    for &c in points {
        if !seen.contains(&c) {
            seen.push(c);
            if seen.len() == 3 {
                break;
            }
        }
    }
    seen.len()
}

/// The sweep order: by x, then by y. Coordinates are finite and `-0.0` has
/// been replaced, so `total_cmp` is the numeric order.
fn lex(a: Coord<f64>, b: Coord<f64>) -> Ordering {
    a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y))
}

/// The exact side of `c` relative to the directed line `a → b`: 1 left, -1
/// right, 0 on it.
fn orient(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> i8 {
    #[cfg(test)]
    tests::ORIENT_CALLS.with(|calls| calls.set(calls.get() + 1));
    match RobustKernel::orient2d(a, b, c) {
        Orientation::CounterClockwise => 1,
        Orientation::Clockwise => -1,
        Orientation::Collinear => 0,
    }
}

/// A ring as the sweep sees it.
#[derive(Debug)]
struct SweepRing {
    id: RingId,
    points: Vec<Coord<f64>>,
    /// The smallest vertex in sweep order, where the ring is first met.
    first: Coord<f64>,
    /// Whether the ring runs counter-clockwise (its inside on the left of its
    /// edges). Judged at `first`, where a simple ring turns convexly; for a
    /// ring that is not simple it is meaningless, but such a ring is rejected
    /// at `first` at the latest.
    ccw: bool,
    /// The smallest ring enclosing this one (an index into the ring list),
    /// once the ring has been met: `Some(None)` for an outermost ring.
    parent: Option<Option<usize>>,
}

impl SweepRing {
    fn new(id: RingId, points: Vec<Coord<f64>>) -> SweepRing {
        let n = points.len();
        let m = (0..n).min_by(|&i, &j| lex(points[i], points[j])).unwrap_or(0);
        let (prev, first, next) = (points[(m + n - 1) % n], points[m], points[(m + 1) % n]);
        let ccw = orient(prev, first, next) > 0;
        SweepRing { id, points, first, ccw, parent: None }
    }

    fn is_hole(&self) -> bool {
        self.id.ring > 1
    }

    /// Edge `e` from its start to its end in ring order.
    fn edge(&self, e: usize) -> (Coord<f64>, Coord<f64>) {
        (self.points[e], self.points[(e + 1) % self.points.len()])
    }
}

/// An edge of a ring: `(ring index, edge number)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Member {
    ring: usize,
    edge: usize,
}

/// The edges of one status entry: one edge, or two that share the entry's
/// stretch (a third is always an error and never stored).
#[derive(Debug, Clone, Copy)]
struct Bundle {
    first: Member,
    second: Option<Member>,
}

impl Bundle {
    fn members(self) -> impl Iterator<Item = Member> {
        std::iter::once(self.first).chain(self.second)
    }
}

/// A key of the status map. Segments are ordered bottom to top as the sweep
/// line crosses them; a probe sits just below or just above every segment
/// through its point, so that the range between the two probes of `p` is
/// exactly the segments through `p`.
///
/// The order is consistent for the segments the map holds at any one time:
/// they all cross the sweep line, and no two cross each other left of it
/// (the sweep stops at the first crossing, which it finds before passing it),
/// nor share a stretch without being one bundle. Two segments are compared
/// where the later one starts, so the answer does not depend on where the
/// sweep line is.
#[derive(Debug, Clone, Copy)]
enum Key {
    /// A status entry from `l` to `r` (`l` before `r` in sweep order).
    Segment { l: Coord<f64>, r: Coord<f64>, id: usize },
    /// A search position at `p`.
    Probe { p: Coord<f64>, above: bool },
}

impl Key {
    fn segment(self) -> (Coord<f64>, Coord<f64>) {
        match self {
            Key::Segment { l, r, .. } => (l, r),
            Key::Probe { p, .. } => (p, p),
        }
    }
}

/// The order of two segments that both cross the sweep line and do not
/// cross each other before it.
fn segment_order(a: (Coord<f64>, Coord<f64>), b: (Coord<f64>, Coord<f64>)) -> Ordering {
    let side_to_order = |side: i8| match side {
        1 => Ordering::Greater,
        -1 => Ordering::Less,
        _ => Ordering::Equal,
    };
    if a.0 == b.0 {
        // Both start at one point: by direction.
        side_to_order(-orient(a.0, a.1, b.1))
    } else if lex(a.0, b.0) == Ordering::Greater {
        // `a` starts later: where is its start relative to `b`? On `b` only
        // at a vertex of `b` (where `b` would have been split), so then by
        // where `a` goes.
        match orient(b.0, b.1, a.0) {
            0 => side_to_order(orient(b.0, b.1, a.1)),
            side => side_to_order(side),
        }
    } else {
        segment_order(b, a).reverse()
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> Ordering {
        match (*self, *other) {
            (Key::Segment { l, r, id }, Key::Segment { l: l2, r: r2, id: id2 }) => {
                if id == id2 {
                    Ordering::Equal
                } else {
                    segment_order((l, r), (l2, r2)).then(id.cmp(&id2))
                }
            }
            (Key::Probe { p, above }, Key::Segment { l, r, .. }) => match orient(l, r, p) {
                1 => Ordering::Greater,
                -1 => Ordering::Less,
                _ if above => Ordering::Greater,
                _ => Ordering::Less,
            },
            (Key::Segment { .. }, Key::Probe { .. }) => other.cmp(self).reverse(),
            (Key::Probe { p, above }, Key::Probe { p: p2, above: above2 }) => lex(p, p2).then(above.cmp(&above2)),
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

/// One end of an edge at the current vertex `p`: the edge seen from `p`.
#[derive(Debug, Clone, Copy)]
struct HalfEdge {
    /// The edge's other end (or, for an edge through `p`, one of its ends).
    target: Coord<f64>,
    member: Member,
    /// Whether `p → target` runs the way the ring does.
    along: bool,
    /// Index of the ring passage at `p` this half-edge belongs to.
    passage: usize,
}

/// The plane sweep; see the module documentation.
struct Sweep {
    rings: Vec<SweepRing>,
    status: BTreeMap<Key, Bundle>,
    next_id: usize,
}

/// How specific a contact classification is: a ring's own problem is named
/// before a problem between rings, before one between polygons.
fn specificity(error: &PolygonError) -> u8 {
    match error {
        PolygonError::SelfIntersection { .. } => 0,
        PolygonError::RingsIntersect { .. } => 1,
        _ => 2,
    }
}

impl Sweep {
    fn new(rings: Vec<SweepRing>) -> Sweep {
        Sweep { rings, status: BTreeMap::new(), next_id: 0 }
    }

    fn run(mut self) -> Result<(), PolygonError> {
        let mut vertices: Vec<(Coord<f64>, usize, usize)> = Vec::new();
        for (r, ring) in self.rings.iter().enumerate() {
            vertices.extend(ring.points.iter().enumerate().map(|(i, &c)| (c, r, i)));
        }
        vertices.sort_unstable_by(|a, b| lex(a.0, b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut start = 0;
        while start < vertices.len() {
            let p = vertices[start].0;
            let end = start + vertices[start..].iter().take_while(|v| v.0 == p).count();
            let occurrences: Vec<(usize, usize)> = vertices[start..end].iter().map(|v| (v.1, v.2)).collect();
            self.event(p, &occurrences)?;
            start = end;
        }
        Ok(())
    }

    /// Processes the vertex `p`, where the rings `occurrences` (ring, vertex
    /// number) have a vertex.
    fn event(&mut self, p: Coord<f64>, occurrences: &[(usize, usize)]) -> Result<(), PolygonError> {
        // 1. The status entries through p: those ending here, and at most one
        // with p inside it (two would cross at p). Each ending entry holds an
        // edge ending at a vertex here, so there are at most 2 per occurrence.
        let low = Key::Probe { p, above: false };
        let high = Key::Probe { p, above: true };
        let mut ending: Vec<(Key, Bundle)> = Vec::new();
        let mut through: Option<(Key, Bundle)> = None;
        for (&key, &bundle) in self.status.range(low..high).take(2 * occurrences.len() + 2) {
            if key.segment().1 == p {
                ending.push((key, bundle));
            } else if let Some((_, other)) = through {
                return Err(self.contact(other, bundle, p));
            } else {
                through = Some((key, bundle));
            }
        }

        // 2. The rings passing p: at each vertex occurrence, and along each
        // edge that has p inside it.
        let mut half_edges: Vec<HalfEdge> = Vec::with_capacity(2 * occurrences.len() + 4);
        let mut passage_rings: Vec<usize> = Vec::with_capacity(occurrences.len() + 2);
        for &(ring, k) in occurrences {
            let points = &self.rings[ring].points;
            let n = points.len();
            let prev = (k + n - 1) % n;
            let passage = passage_rings.len();
            passage_rings.push(ring);
            half_edges.push(HalfEdge {
                target: points[prev],
                member: Member { ring, edge: prev },
                along: false,
                passage,
            });
            half_edges.push(HalfEdge {
                target: points[(k + 1) % n],
                member: Member { ring, edge: k },
                along: true,
                passage,
            });
        }
        let continuing = ending.iter().flat_map(|(_, bundle)| bundle.members()).filter(|m| {
            let (a, b) = self.rings[m.ring].edge(m.edge);
            a != p && b != p
        });
        for member in through.iter().flat_map(|(_, bundle)| bundle.members()).chain(continuing) {
            let (a, b) = self.rings[member.ring].edge(member.edge);
            let passage = passage_rings.len();
            passage_rings.push(member.ring);
            half_edges.push(HalfEdge { target: a, member, along: false, passage });
            half_edges.push(HalfEdge { target: b, member, along: true, passage });
        }
        self.check_passages(p, &passage_rings, &half_edges)?;

        // 3. The edges leaving p, bottom to top, grouped by direction.
        let mut leaving: Vec<HalfEdge> =
            half_edges.iter().copied().filter(|h| lex(h.target, p) == Ordering::Greater).collect();
        leaving.sort_by(|a, b| match orient(p, a.target, b.target) {
            1 => Ordering::Less,
            -1 => Ordering::Greater,
            _ => Ordering::Equal,
        });
        let mut groups: Vec<(Coord<f64>, Bundle)> = Vec::new();
        // For each leaving half-edge, the group it joined.
        let mut group_of: Vec<usize> = Vec::with_capacity(leaving.len());
        let mut i = 0;
        while i < leaving.len() {
            let j = i + leaving[i..].iter().take_while(|h| orient(p, leaving[i].target, h.target) == 0).count();
            let group = &leaving[i..j];
            if group.len() > 1 {
                self.check_shared_stretch(p, group)?;
            }
            let r = group.iter().map(|h| h.target).min_by(|a, b| lex(*a, *b)).unwrap_or(p);
            groups.push((r, Bundle { first: group[0].member, second: group.get(1).map(|h| h.member) }));
            group_of.extend(std::iter::repeat_n(groups.len() - 1, group.len()));
            i = j;
        }

        // 4. No two rings cross at p.
        if passage_rings.len() > 1 {
            self.check_nesting(p, &passage_rings, &half_edges)?;
        }

        // 5. Replace the entries through p by the ones leaving it.
        for (key, _) in ending.iter().chain(&through) {
            self.status.remove(key);
        }
        let mut new_keys = Vec::with_capacity(groups.len());
        for (r, bundle) in groups {
            let key = Key::Segment { l: p, r, id: self.next_id };
            self.next_id += 1;
            self.status.insert(key, bundle);
            new_keys.push(key);
        }

        // 6. Entries that became neighbours: the lowest and highest new entry
        // with the entries around them, or the two entries the removed ones
        // separated. Crossings are named before containment problems.
        match (new_keys.first(), new_keys.last()) {
            (Some(&lowest), Some(&highest)) => {
                self.check_neighbours(self.below(lowest), Some(lowest))?;
                self.check_neighbours(Some(highest), self.above(highest))?;
            }
            _ => self.check_neighbours(self.below(low), self.above(high))?,
        }

        // 7. Rings met for the first time: their parents, lowest first (a
        // ring's parent may be one opened here just before it).
        let mut opening: Vec<(usize, usize)> = Vec::new();
        let mut passage_seen = vec![false; passage_rings.len()];
        for (n, h) in leaving.iter().enumerate() {
            let ring = &self.rings[h.member.ring];
            // The lower of the ring's two leaving edges comes first.
            if ring.first == p && ring.parent.is_none() && h.passage < occurrences.len() && !passage_seen[h.passage] {
                passage_seen[h.passage] = true;
                opening.push((h.member.ring, group_of[n]));
            }
        }
        opening.sort_by_key(|&(ring, group)| (group, !self.rings[ring].is_hole()));
        let alone = passage_rings.len() == 1;
        for (ring, group) in opening {
            self.open_ring(ring, new_keys[group], p, alone)?;
        }
        Ok(())
    }

    fn below(&self, key: Key) -> Option<Key> {
        self.status.range(..key).next_back().map(|(k, _)| *k)
    }

    fn above(&self, key: Key) -> Option<Key> {
        self.status.range((Excluded(key), Unbounded)).next().map(|(k, _)| *k)
    }

    /// One passage per ring at p, and no passage doubling back.
    fn check_passages(
        &self,
        p: Coord<f64>,
        passage_rings: &[usize],
        half_edges: &[HalfEdge],
    ) -> Result<(), PolygonError> {
        let mut rings = passage_rings.to_vec();
        rings.sort_unstable();
        if let Some(pair) = rings.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(PolygonError::SelfIntersection { ring: self.rings[pair[0]].id, at: p });
        }
        for pair in half_edges.chunks_exact(2) {
            let (a, b) = (pair[0].target, pair[1].target);
            if orient(p, a, b) == 0 && lex(a, p) == lex(b, p) {
                return Err(PolygonError::SelfIntersection { ring: self.rings[pair[0].member.ring].id, at: p });
            }
        }
        Ok(())
    }

    /// Edges leaving p in one direction share a stretch: allowed for two
    /// edges of different polygons whose insides lie on opposite sides.
    fn check_shared_stretch(&self, p: Coord<f64>, group: &[HalfEdge]) -> Result<(), PolygonError> {
        // Among any three, two are of one ring or polygon, or on one side:
        // looking at three keeps this constant time.
        let group = &group[..group.len().min(3)];
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                let error = self.classify(a.member.ring, b.member.ring, p);
                if specificity(&error) < 2 {
                    return Err(error);
                }
            }
        }
        // Different polygons: two on one side overlap there.
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                if self.inside_left(a) == self.inside_left(b) {
                    return Err(self.classify(a.member.ring, b.member.ring, p));
                }
            }
        }
        Ok(())
    }

    /// Whether the ring's disc (the area it encloses) lies left of `p → target`.
    fn disc_left(&self, h: &HalfEdge) -> bool {
        self.rings[h.member.ring].ccw == h.along
    }

    /// Whether the polygon's inside lies left of `p → target`.
    fn inside_left(&self, h: &HalfEdge) -> bool {
        self.disc_left(h) != self.rings[h.member.ring].is_hole()
    }

    /// No two ring passages at p cross: around p, their pairs of half-edges
    /// must nest like parentheses. Half-edges in one direction (a shared
    /// stretch) are ordered as if each were moved a hair towards its ring's
    /// disc, an exterior further than a hole (an island filling a hole lies
    /// inside it), so that touching along a stretch never counts as crossing
    /// but crossing through one does, at one of its ends.
    fn check_nesting(
        &self,
        p: Coord<f64>,
        passage_rings: &[usize],
        half_edges: &[HalfEdge],
    ) -> Result<(), PolygonError> {
        let upper = |c: Coord<f64>| c.y > p.y || (c.y == p.y && c.x > p.x);
        let offset = |h: &HalfEdge| {
            let side = if self.disc_left(h) { 1 } else { -1 };
            if self.rings[h.member.ring].is_hole() { side } else { 2 * side }
        };
        let mut around: Vec<&HalfEdge> = half_edges.iter().collect();
        around.sort_by(|a, b| {
            upper(b.target)
                .cmp(&upper(a.target))
                .then_with(|| match orient(p, a.target, b.target) {
                    1 => Ordering::Less,
                    -1 => Ordering::Greater,
                    _ => Ordering::Equal,
                })
                .then_with(|| offset(a).cmp(&offset(b)))
        });
        let mut seen = vec![false; passage_rings.len()];
        let mut open: Vec<usize> = Vec::new();
        for h in around {
            if !seen[h.passage] {
                seen[h.passage] = true;
                open.push(h.passage);
            } else if open.last() == Some(&h.passage) {
                open.pop();
            } else {
                let inner = open.last().copied().unwrap_or(h.passage);
                return Err(self.classify(passage_rings[inner], passage_rings[h.passage], p));
            }
        }
        Ok(())
    }

    /// The error for two edges of rings `a` and `b` meeting where they must
    /// not, at `at`.
    fn classify(&self, a: usize, b: usize, at: Coord<f64>) -> PolygonError {
        let (ra, rb) = (self.rings[a].id, self.rings[b].id);
        if a == b {
            PolygonError::SelfIntersection { ring: ra, at }
        } else if ra.polygon == rb.polygon {
            PolygonError::RingsIntersect {
                polygon: ra.polygon,
                first: ra.ring.min(rb.ring),
                second: ra.ring.max(rb.ring),
                at,
            }
        } else {
            PolygonError::PolygonsOverlap {
                first: ra.polygon.min(rb.polygon),
                second: ra.polygon.max(rb.polygon),
                at: Some(at),
            }
        }
    }

    /// The most specific error for two entries crossing at `at`.
    fn contact(&self, a: Bundle, b: Bundle, at: Coord<f64>) -> PolygonError {
        let mut errors: Vec<PolygonError> = a
            .members()
            .flat_map(|ma| b.members().map(move |mb| (ma, mb)))
            .map(|(ma, mb)| self.classify(ma.ring, mb.ring, at))
            .collect();
        errors.sort_by_key(specificity);
        errors.swap_remove(0)
    }

    /// Tests two entries that just became neighbours: a proper crossing is
    /// an error now; a touch at a vertex is judged when the sweep gets there.
    fn check_neighbours(&self, below: Option<Key>, above: Option<Key>) -> Result<(), PolygonError> {
        let (Some(a), Some(b)) = (below, above) else {
            return Ok(());
        };
        let ((al, ar), (bl, br)) = (a.segment(), b.segment());
        let (o1, o2) = (orient(al, ar, bl), orient(al, ar, br));
        let (o3, o4) = (orient(bl, br, al), orient(bl, br, ar));
        let crossing = if o1 * o2 < 0 && o3 * o4 < 0 {
            match line_intersection(Line::new(al, ar), Line::new(bl, br)) {
                Some(LineIntersection::SinglePoint { intersection, .. }) => Some(intersection),
                _ => Some(al),
            }
        } else if o1 == 0 && o2 == 0 && lex(al.max_lex(bl), ar.min_lex(br)) == Ordering::Less {
            // Sharing a stretch without being one bundle cannot happen (the
            // later edge's start would have split the other); refuse anyway.
            Some(al.max_lex(bl))
        } else {
            None
        };
        match crossing {
            Some(at) => Err(self.contact(self.status[&a], self.status[&b], at)),
            None => Ok(()),
        }
    }

    /// The innermost ring around the area just above the entry `bundle`
    /// (`None`: outside every ring).
    fn label_above(&self, bundle: Bundle) -> Option<usize> {
        let disc_above = |m: Member| {
            let ring = &self.rings[m.ring];
            let (a, b) = ring.edge(m.edge);
            ring.ccw == (lex(a, b) == Ordering::Less)
        };
        let parent = |ring: usize| self.rings[ring].parent.flatten();
        let a = bundle.first;
        let Some(b) = bundle.second else {
            return if disc_above(a) { Some(a.ring) } else { parent(a.ring) };
        };
        // A valid shared stretch: two parts side by side, or an island in a
        // hole it touches (the island's ring counts as inside the hole's).
        let (hole, other) = if self.rings[a.ring].is_hole() { (a, b) } else { (b, a) };
        match (disc_above(a), disc_above(b)) {
            (true, false) => Some(a.ring),
            (false, true) => Some(b.ring),
            (true, true) => Some(other.ring),
            (false, false) => parent(hole.ring),
        }
    }

    /// Sets the parent of `ring`, met for the first time at p, whose lower
    /// leaving edge is in the entry `key`, and checks it: a hole's parent is
    /// its exterior, an exterior's parent nothing or a hole of another part.
    fn open_ring(&mut self, ring: usize, key: Key, p: Coord<f64>, alone: bool) -> Result<(), PolygonError> {
        let bundle = self.status[&key];
        let partner = bundle.members().find(|m| m.ring != ring);
        let is_hole = self.rings[ring].is_hole();
        let parent = match partner {
            Some(t) => {
                let (a, b) = self.rings[t.ring].edge(t.edge);
                let partner_disc_above = self.rings[t.ring].ccw == (lex(a, b) == Ordering::Less);
                if !partner_disc_above {
                    // Side by side: the partner's parent encloses both.
                    self.rings[t.ring].parent.flatten()
                } else if !is_hole && self.rings[t.ring].is_hole() {
                    // An island in the hole it touches.
                    Some(t.ring)
                } else {
                    self.below(key).and_then(|k| self.label_above(self.status[&k]))
                }
            }
            None => self.below(key).and_then(|k| self.label_above(self.status[&k])),
        };
        self.rings[ring].parent = Some(parent);
        let id = self.rings[ring].id;
        let at = alone.then_some(p);
        if !is_hole {
            return match parent {
                None => Ok(()),
                Some(x) => {
                    let xid = self.rings[x].id;
                    match (xid.ring > 1, xid.polygon == id.polygon) {
                        (true, false) => Ok(()),
                        (true, true) => {
                            Err(PolygonError::HoleOutsideExterior { polygon: id.polygon, hole: xid.ring - 1, at: None })
                        }
                        (false, _) => Err(PolygonError::PolygonsOverlap {
                            first: id.polygon.min(xid.polygon),
                            second: id.polygon.max(xid.polygon),
                            at: Some(p),
                        }),
                    }
                }
            };
        }
        // A hole: its parent must be its exterior. Otherwise, the first ring
        // of its own polygon around it tells what is wrong (this walk runs
        // once, on the way to an error).
        let mut child = ring;
        let mut around = parent;
        while let Some(x) = around {
            let xid = self.rings[x].id;
            if xid.polygon == id.polygon {
                return if xid.ring > 1 {
                    Err(PolygonError::HolesOverlap {
                        polygon: id.polygon,
                        first: (xid.ring - 1).min(id.ring - 1),
                        second: (xid.ring - 1).max(id.ring - 1),
                        at,
                    })
                } else if child == ring {
                    Ok(())
                } else {
                    let other = self.rings[child].id.polygon;
                    Err(PolygonError::PolygonsOverlap {
                        first: other.min(id.polygon),
                        second: other.max(id.polygon),
                        at: Some(self.rings[child].first),
                    })
                };
            }
            child = x;
            around = self.rings[x].parent.flatten();
        }
        Err(PolygonError::HoleOutsideExterior { polygon: id.polygon, hole: id.ring - 1, at })
    }
}

/// The larger and smaller of two points in sweep order.
trait LexMinMax {
    fn max_lex(self, other: Self) -> Self;
    fn min_lex(self, other: Self) -> Self;
}

impl LexMinMax for Coord<f64> {
    fn max_lex(self, other: Coord<f64>) -> Coord<f64> {
        if lex(self, other) == Ordering::Less { other } else { self }
    }

    fn min_lex(self, other: Coord<f64>) -> Coord<f64> {
        if lex(self, other) == Ordering::Less { self } else { other }
    }
}

#[cfg(test)]
#[path = "../benches/shapes/mod.rs"]
mod shapes;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_random::XorShift;
    use crate::validity_oracle::validate_quadratic;
    use geo::{Rect, coord};

    thread_local! {
        /// How many orientation tests this thread has made.
        pub(super) static ORIENT_CALLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// Orientation tests made by one validation of `multi`, per vertex and
    /// per log2 of the vertex count.
    fn orient_calls_per_n_log_n(multi: &MultiPolygon<f64>, valid: bool) -> f64 {
        let n = multi.0.iter().flat_map(rings_of).map(|r| r.0.len()).sum::<usize>() as f64;
        ORIENT_CALLS.with(|calls| calls.set(0));
        let result = validate_multipolygon(multi);
        assert_eq!(result.is_ok(), valid, "{result:?}");
        ORIENT_CALLS.with(|calls| calls.get()) as f64 / (n * n.log2())
    }

    /// The sweep's work grows as n log n on the shapes that make the old
    /// checks quadratic, valid or not: counted in orientation tests (every
    /// comparison of the status map makes one or two), so this does not
    /// depend on the machine.
    #[test]
    fn work_grows_as_n_log_n_on_hard_shapes() {
        // A tiny triangle crossing the ring at its last vertex in sweep
        // order: the sweep does all its work before it finds the crossing.
        let flawed = |polygon: Polygon<f64>| {
            let last = polygon.exterior().0.iter().copied().max_by(|a, b| lex(*a, *b)).unwrap();
            let e = 1e-9;
            let tip = [(last.x - e, last.y - e), (last.x + e, last.y), (last.x - e, last.y + e)];
            MultiPolygon(vec![polygon, poly(&tip, &[])])
        };
        let fan = |n: usize| {
            MultiPolygon(
                (0..n)
                    .map(|k| {
                        let t = |k: usize| (k % n) as f64 * std::f64::consts::TAU / n as f64;
                        poly(&[(0.0, 0.0), (t(k).cos(), t(k).sin()), (t(k + 1).cos(), t(k + 1).sin())], &[])
                    })
                    .collect(),
            )
        };
        // Rings nested n deep: each annulus in the hole of the next.
        let nested = |n: usize| {
            let square = |r: f64| rect(-r, -r, r, r);
            MultiPolygon(
                (1..=n).map(|k| poly(&square(k as f64 / 100.0), &[&square((k as f64 - 0.5) / 100.0)])).collect(),
            )
        };
        type Case = (&'static str, fn(usize) -> MultiPolygon<f64>);
        let cases: [Case; 4] = [
            ("circle", |n| MultiPolygon(vec![shapes::circle(n)])),
            ("comb", |n| MultiPolygon(vec![shapes::comb(n)])),
            ("slanted comb", |n| MultiPolygon(vec![shapes::slanted_comb(n)])),
            ("spiral", |n| MultiPolygon(vec![shapes::spiral(n)])),
        ];
        for (name, make) in cases {
            for n in [1_000, 8_000] {
                let valid = orient_calls_per_n_log_n(&make(n), true);
                let invalid = orient_calls_per_n_log_n(&flawed(make(n).0.remove(0)), false);
                assert!(valid < 12.0 && invalid < 12.0, "{name} {n}: {valid:.2} and {invalid:.2} per n log2 n");
            }
        }
        // Many parts meeting at one vertex; rings nested deep.
        for n in [500, 4_000] {
            let (fan, nested) = (orient_calls_per_n_log_n(&fan(n), true), orient_calls_per_n_log_n(&nested(n), true));
            assert!(fan < 12.0 && nested < 12.0, "{n}: fan {fan:.2}, nested {nested:.2} per n log2 n");
        }
    }

    fn ring(coords: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(coords.to_vec())
    }

    fn poly(exterior: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> Polygon<f64> {
        Polygon::new(ring(exterior), holes.iter().map(|h| ring(h)).collect())
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<(f64, f64)> {
        vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    }

    fn reversed(coords: &[(f64, f64)]) -> Vec<(f64, f64)> {
        coords.iter().rev().copied().collect()
    }

    /// `polygons` must be valid, and stay valid with every ring reversed
    /// and with the parts in reverse order.
    fn check_valid(polygons: Vec<Polygon<f64>>) {
        let multi = MultiPolygon(polygons);
        if let Err(err) = validate_multipolygon(&multi) {
            panic!("rejected: {err}\n{multi:?}");
        }
        let flipped = MultiPolygon(
            multi
                .0
                .iter()
                .rev()
                .map(|p| {
                    let rev = |r: &LineString<f64>| LineString(r.0.iter().rev().copied().collect());
                    Polygon::new(rev(p.exterior()), p.interiors().iter().map(rev).collect())
                })
                .collect(),
        );
        if let Err(err) = validate_multipolygon(&flipped) {
            panic!("rejected when flipped: {err}\n{flipped:?}");
        }
    }

    /// `polygons` must be rejected with exactly `expected` as the message.
    fn check_invalid(polygons: Vec<Polygon<f64>>, expected: &str) {
        match validate_multipolygon(&MultiPolygon(polygons)) {
            Ok(()) => panic!("accepted, expected: {expected}"),
            Err(err) => assert_eq!(err.to_string(), expected),
        }
    }

    #[test]
    fn simple_shapes_are_valid() {
        check_valid(vec![poly(&rect(0.0, 0.0, 4.0, 4.0), &[])]);
        // Repeated points, collinear runs, vertical edges.
        check_valid(vec![poly(
            &[(0.0, 0.0), (0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (3.0, 0.0), (3.0, 2.0), (3.0, 3.0), (0.0, 3.0)],
            &[],
        )]);
        // A non-convex ring whose lowest vertex is not its first.
        check_valid(vec![poly(&[(2.0, 2.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)], &[])]);
        // -0.0 and 0.0 are one point.
        check_valid(vec![poly(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (-0.0, 1.0), (-0.0, -0.0)], &[])]);
    }

    #[test]
    fn touching_rings_and_parts_are_valid() {
        // Holes touching the exterior (at a vertex, and a vertex on an edge)
        // and each other at a point.
        check_valid(vec![poly(
            &rect(0.0, 0.0, 10.0, 10.0),
            &[
                &[(0.0, 5.0), (2.0, 4.0), (2.0, 6.0)],
                &[(2.0, 6.0), (3.0, 6.0), (3.0, 7.0)],
                &[(10.0, 10.0), (8.0, 9.0), (9.0, 8.0)],
            ],
        )]);
        // Parts sharing a whole edge, part of an edge, a corner.
        check_valid(vec![
            poly(&rect(0.0, 0.0, 2.0, 2.0), &[]),
            poly(&rect(2.0, 0.0, 4.0, 2.0), &[]),
            poly(&rect(2.0, 2.0, 3.0, 3.0), &[]),
            poly(&rect(4.0, 1.0, 5.0, 1.5), &[]),
            poly(&rect(-1.0, -1.0, 0.0, 0.0), &[]),
        ]);
        // An island in a hole, touching it along part of an edge; another
        // filling a hole exactly; a third part in the island's own hole.
        check_valid(vec![
            poly(&rect(0.0, 0.0, 10.0, 10.0), &[&rect(1.0, 1.0, 5.0, 5.0), &rect(6.0, 6.0, 9.0, 9.0)]),
            poly(&rect(1.0, 2.0, 4.0, 4.0), &[&rect(2.0, 3.0, 3.0, 3.5)]),
            poly(&reversed(&rect(6.0, 6.0, 9.0, 9.0)), &[]),
            poly(&rect(2.2, 3.1, 2.8, 3.4), &[]),
        ]);
        // Many triangles meeting at one point.
        let fan: Vec<Polygon<f64>> = (0..12)
            .map(|k| {
                let t = |k: usize| (k % 12) as f64 * std::f64::consts::TAU / 12.0;
                poly(&[(0.0, 0.0), (t(k).cos(), t(k).sin()), (t(k + 1).cos(), t(k + 1).sin())], &[])
            })
            .collect();
        check_valid(fan);
    }

    #[test]
    fn rings_that_touch_or_cross_themselves() {
        check_invalid(
            vec![poly(&[(0.0, 0.0), (2.0, 2.0), (2.0, 0.0), (0.0, 2.0)], &[])],
            "ring 1 of polygon 1 self-intersects at (1.000000, 1.000000)",
        );
        // Passes (2, 1) twice; a vertex on one of its own edges.
        check_invalid(
            vec![poly(&[(0.0, 0.0), (2.0, 1.0), (4.0, 0.0), (4.0, 2.0), (2.0, 1.0), (0.0, 2.0)], &[])],
            "ring 1 of polygon 1 self-intersects at (2.000000, 1.000000)",
        );
        check_invalid(
            vec![poly(&[(0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (2.0, 0.0), (0.0, 2.0)], &[])],
            "ring 1 of polygon 1 self-intersects at (2.000000, 0.000000)",
        );
        // A spike out and back, and one along an edge.
        check_invalid(
            vec![poly(&[(0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (3.0, 1.0), (2.0, 1.0), (0.0, 1.0)], &[])],
            "ring 1 of polygon 1 self-intersects at (2.000000, 1.000000)",
        );
        check_invalid(
            vec![poly(&[(0.0, 0.0), (3.0, 0.0), (1.0, 0.0), (1.0, 1.0)], &[])],
            "ring 1 of polygon 1 self-intersects at (1.000000, 0.000000)",
        );
        // Flat.
        check_invalid(
            vec![poly(&[(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)], &[])],
            "ring 1 of polygon 1 self-intersects at (0.000000, 0.000000)",
        );
        // Two edges sharing a stretch, not consecutive.
        check_invalid(
            vec![poly(&[(0.0, 0.0), (4.0, 0.0), (4.0, 1.0), (3.0, 0.0), (1.0, 0.0), (0.0, 1.0)], &[])],
            "ring 1 of polygon 1 self-intersects at (1.000000, 0.000000)",
        );
        // A crossing far from any vertex in a long thin ring.
        check_invalid(
            vec![poly(&[(0.0, 0.0), (10.0, 1.0), (10.0, 0.0), (0.0, 1.0)], &[])],
            "ring 1 of polygon 1 self-intersects at (5.000000, 0.500000)",
        );
    }

    #[test]
    fn rings_of_one_polygon_must_not_cross_or_share_edges() {
        let outer = rect(0.0, 0.0, 10.0, 10.0);
        check_invalid(
            vec![poly(&outer, &[&rect(5.0, 2.0, 15.0, 3.0)])],
            "rings 1 and 2 of polygon 1 intersect at (10.000000, 2.000000)",
        );
        check_invalid(
            vec![poly(&outer, &[&rect(0.0, 2.0, 5.0, 3.0)])],
            "rings 1 and 2 of polygon 1 intersect at (0.000000, 2.000000)",
        );
        check_invalid(
            vec![poly(&outer, &[&rect(1.0, 1.0, 3.0, 3.0), &rect(3.0, 2.0, 5.0, 4.0)])],
            "rings 2 and 3 of polygon 1 intersect at (3.000000, 2.000000)",
        );
        // Two holes crossing at a shared vertex.
        check_invalid(
            vec![poly(
                &outer,
                &[&[(2.0, 2.0), (4.0, 4.0), (2.0, 6.0)], &[(4.0, 4.0), (5.0, 1.0), (3.0, 1.0), (3.0, 7.0), (5.0, 7.0)]],
            )],
            "rings 2 and 3 of polygon 1 intersect at (3.000000, 3.000000)",
        );
        // A hole crossing the exterior at one of the exterior's vertices.
        check_invalid(
            vec![poly(&outer, &[&[(9.0, 9.0), (11.0, 9.0), (11.0, 11.0), (9.0, 11.0)]])],
            "rings 1 and 2 of polygon 1 intersect at (9.000000, 10.000000)",
        );
    }

    #[test]
    fn holes_must_be_inside_and_apart() {
        let outer = rect(0.0, 0.0, 10.0, 10.0);
        check_invalid(
            vec![poly(&outer, &[&rect(1.0, 1.0, 2.0, 2.0), &rect(20.0, 0.0, 30.0, 10.0)])],
            "hole 2 of polygon 1 lies outside its exterior ring at (20.000000, 0.000000)",
        );
        // Touching the exterior from outside at a vertex.
        check_invalid(
            vec![poly(&outer, &[&rect(10.0, 10.0, 11.0, 11.0)])],
            "hole 1 of polygon 1 lies outside its exterior ring",
        );
        // Around the exterior.
        check_invalid(
            vec![poly(&rect(1.0, 1.0, 2.0, 2.0), &[&outer])],
            "hole 1 of polygon 1 lies outside its exterior ring at (0.000000, 0.000000)",
        );
        check_invalid(
            vec![poly(&outer, &[&rect(1.0, 1.0, 5.0, 5.0), &rect(2.0, 2.0, 3.0, 3.0)])],
            "holes 1 and 2 of polygon 1 overlap at (2.000000, 2.000000)",
        );
        check_invalid(
            vec![poly(&outer, &[&rect(2.0, 2.0, 3.0, 3.0), &rect(1.0, 1.0, 5.0, 5.0)])],
            "holes 1 and 2 of polygon 1 overlap at (2.000000, 2.000000)",
        );
        // A hole of polygon 1 inside polygon 2, away from polygon 1.
        check_invalid(
            vec![poly(&outer, &[&rect(21.0, 1.0, 22.0, 2.0)]), poly(&rect(20.0, 0.0, 30.0, 10.0), &[])],
            "hole 1 of polygon 1 lies outside its exterior ring at (21.000000, 1.000000)",
        );
        // A hole inside an island that sits in another hole.
        check_invalid(
            vec![
                poly(&outer, &[&rect(1.0, 1.0, 5.0, 5.0), &rect(2.0, 2.0, 3.0, 3.0)]),
                poly(&rect(1.5, 1.5, 4.0, 4.0), &[]),
            ],
            "holes 1 and 2 of polygon 1 overlap at (2.000000, 2.000000)",
        );
    }

    #[test]
    fn parts_must_not_overlap() {
        let a = rect(0.0, 0.0, 4.0, 4.0);
        check_invalid(
            vec![poly(&a, &[]), poly(&rect(2.0, 2.0, 6.0, 3.0), &[])],
            "polygons 1 and 2 overlap at (2.000000, 2.000000)",
        );
        check_invalid(
            vec![poly(&rect(1.0, 1.0, 2.0, 2.0), &[]), poly(&a, &[])],
            "polygons 1 and 2 overlap at (1.000000, 1.000000)",
        );
        check_invalid(vec![poly(&a, &[]), poly(&a, &[])], "polygons 1 and 2 overlap at (0.000000, 0.000000)");
        check_invalid(
            vec![poly(&a, &[]), poly(&reversed(&a), &[])],
            "polygons 1 and 2 overlap at (0.000000, 0.000000)",
        );
        // Crossing far from every vertex.
        check_invalid(
            vec![
                poly(&[(0.0, 0.0), (10.0, 1.0), (0.0, 2.0)], &[]),
                poly(&[(10.0, 0.0), (10.0, 2.0), (-1.0, 1.0)], &[]),
            ],
            "polygons 1 and 2 overlap at (0.000000, 0.909091)",
        );
        // Inside along a shared edge.
        check_invalid(
            vec![poly(&a, &[]), poly(&rect(0.0, 0.0, 1.0, 1.0), &[])],
            "polygons 1 and 2 overlap at (0.000000, 0.000000)",
        );
        // Crossing at a shared vertex.
        check_invalid(
            vec![
                poly(&[(0.0, 0.0), (2.0, 2.0), (0.0, 4.0)], &[]),
                poly(&[(2.0, 2.0), (4.0, 0.0), (1.0, 1.0), (1.0, 3.0), (4.0, 4.0)], &[]),
            ],
            "polygons 1 and 2 overlap at (1.000000, 1.000000)",
        );
        // Inside the other's corner, touching only at the corner.
        check_invalid(
            vec![poly(&a, &[]), poly(&[(0.0, 0.0), (2.0, 1.0), (1.0, 2.0)], &[])],
            "polygons 1 and 2 overlap at (0.000000, 0.000000)",
        );
        // Running along an edge of the other and then crossing it.
        check_invalid(
            vec![poly(&a, &[]), poly(&[(1.0, 4.0), (3.0, 4.0), (3.0, 3.0), (5.0, 3.0), (5.0, 6.0), (1.0, 6.0)], &[])],
            "polygons 1 and 2 overlap at (3.000000, 4.000000)",
        );
        // Three parts on one stretch.
        check_invalid(
            vec![poly(&a, &[]), poly(&rect(0.0, 4.0, 4.0, 5.0), &[]), poly(&rect(0.0, 4.0, 4.0, 6.0), &[])],
            "polygons 2 and 3 overlap at (0.000000, 4.000000)",
        );
        // A part inside another's hole but crossing its edge.
        check_invalid(
            vec![poly(&rect(0.0, 0.0, 10.0, 10.0), &[&rect(2.0, 2.0, 6.0, 6.0)]), poly(&rect(3.0, 3.0, 7.0, 5.0), &[])],
            "polygons 1 and 2 overlap at (6.000000, 3.000000)",
        );
        // A part that fills a hole and spills over it along a shared edge.
        check_invalid(
            vec![poly(&rect(0.0, 0.0, 10.0, 10.0), &[&rect(2.0, 2.0, 6.0, 6.0)]), poly(&rect(2.0, 2.0, 6.0, 7.0), &[])],
            "polygons 1 and 2 overlap at (2.000000, 6.000000)",
        );
    }

    #[test]
    fn coordinates_and_ring_sizes() {
        check_invalid(vec![], "the parcel is empty: it has no polygons");
        check_invalid(vec![poly(&[], &[])], "ring 1 of polygon 1 has 0 distinct points; a ring needs at least 3");
        check_invalid(
            vec![poly(&[(1.0, 1.0); 5], &[])],
            "ring 1 of polygon 1 has 1 distinct points; a ring needs at least 3",
        );
        check_invalid(
            vec![poly(&[(0.0, 0.0), (f64::INFINITY, 0.0), (0.0, 1.0)], &[])],
            "vertex 2 of ring 1 of polygon 1: lon inf is not a finite number",
        );
    }

    #[test]
    fn hard_shapes_are_valid_and_their_flaws_found() {
        for shape in [shapes::circle(2000), shapes::comb(2000), shapes::slanted_comb(2000), shapes::spiral(2000)] {
            assert!(shape.exterior().0.len() >= 1900, "{}", shape.exterior().0.len());
            check_valid(vec![shape.clone()]);
            assert_eq!(validate_quadratic(&MultiPolygon(vec![shape.clone()])), Ok(()));
            // Moving one vertex onto a far one makes the ring touch and cross
            // itself.
            let mut touching = shape.clone();
            let n = shape.exterior().0.len();
            touching.exterior_mut(|r| r.0[n / 3] = r.0[2 * n / 3]);
            let err = validate_multipolygon(&MultiPolygon(vec![touching])).unwrap_err();
            assert!(
                matches!(err, PolygonError::SelfIntersection { ring: RingId { polygon: 1, ring: 1 }, .. }),
                "{err}"
            );
            // The same shape twice overlaps itself.
            let err = validate_multipolygon(&MultiPolygon(vec![shape.clone(), shape])).unwrap_err();
            assert!(matches!(err, PolygonError::PolygonsOverlap { first: 1, second: 2, .. }), "{err}");
        }
    }

    /// A random ring on the grid of spacing `step` over `cells`: a rectangle
    /// (3 times in 4) or 3 to 6 arbitrary points, often invalid.
    fn random_ring(rng: &mut XorShift, cells: Rect<f64>, step: f64) -> LineString<f64> {
        let (w, h) = ((cells.width() / step) as usize + 1, (cells.height() / step) as usize + 1);
        let point = |rng: &mut XorShift| {
            coord! { x: cells.min().x + step * rng.below(w) as f64, y: cells.min().y + step * rng.below(h) as f64 }
        };
        match rng.below(4) {
            0..=2 => {
                let (a, b) = (point(rng), point(rng));
                let (x0, x1, y0, y1) = (a.x.min(b.x), a.x.max(b.x), a.y.min(b.y), a.y.max(b.y));
                let mut coords = vec![
                    coord! { x: x0, y: y0 },
                    coord! { x: x1, y: y0 },
                    coord! { x: x1, y: y1 },
                    coord! { x: x0, y: y1 },
                ];
                if rng.below(2) == 0 {
                    coords.reverse();
                }
                LineString(coords)
            }
            // Anything.
            _ => LineString((0..3 + rng.below(4)).map(|_| point(rng)).collect()),
        }
    }

    /// Up to 3 parts on overlapping 7 × 7 grids, each with up to 2 holes
    /// drawn within its exterior's bounding box.
    fn random_multipolygon(rng: &mut XorShift) -> MultiPolygon<f64> {
        let polygons = (0..1 + rng.below(3))
            .map(|k| {
                let x0 = (4 * k) as f64;
                let grid = Rect::new(coord! { x: x0, y: 0.0 }, coord! { x: x0 + 6.0, y: 6.0 });
                let exterior = random_ring(rng, grid, 1.0);
                let bounds = Rect::new(
                    exterior.0.iter().copied().reduce(|a, b| coord! { x: a.x.min(b.x), y: a.y.min(b.y) }).unwrap(),
                    exterior.0.iter().copied().reduce(|a, b| coord! { x: a.x.max(b.x), y: a.y.max(b.y) }).unwrap(),
                );
                let holes = (0..rng.below(3)).map(|_| random_ring(rng, bounds, 0.5)).collect();
                Polygon::new(exterior, holes)
            })
            .collect();
        MultiPolygon(polygons)
    }

    /// The sweep agrees with the quadratic check (pairs of edges, then geo's
    /// `Relate`) on small inputs full of shared vertices, collinear overlaps
    /// and touching rings.
    #[test]
    fn agrees_with_the_quadratic_check_on_random_degenerate_inputs() {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let (mut valid, mut invalid, mut multi_valid) = (0, 0, 0);
        for case in 0..20_000 {
            let multi = random_multipolygon(&mut rng);
            let new = validate_multipolygon(&multi);
            let old = validate_quadratic(&multi);
            assert_eq!(new.is_ok(), old.is_ok(), "case {case}: sweep {new:?}, quadratic {old:?}\n{multi:?}");
            if new.is_ok() {
                valid += 1;
                if multi.0.len() > 1 || multi.0.iter().any(|p| !p.interiors().is_empty()) {
                    multi_valid += 1;
                }
            } else {
                invalid += 1;
            }
        }
        // Both answers are common, also for inputs with holes or parts.
        assert!(
            valid > 2_000 && invalid > 2_000 && multi_valid > 500,
            "{valid} valid ({multi_valid} with holes or parts), {invalid} invalid"
        );
    }

    /// The small-ring shortcut only ever says "valid" when the sweep does, and
    /// says it for most valid small rings.
    #[test]
    fn a_small_ring_certainly_simple_is_valid_by_the_sweep() {
        let mut rng = XorShift(0x0DDB_1A5E_5BAD_5EED);
        let (mut shortcut, mut valid, mut invalid) = (0, 0, 0);
        for case in 0..30_000 {
            // 3 to 12 points on a 5 × 5 grid: shared vertices, collinear runs,
            // touches and crossings are common; sometimes a rectangle or a
            // jittered star, which are valid.
            let points: Vec<Coord<f64>> = match rng.below(3) {
                0 => {
                    (0..3 + rng.below(10)).map(|_| coord! { x: rng.below(5) as f64, y: rng.below(5) as f64 }).collect()
                }
                1 => random_ring(&mut rng, Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 4.0, y: 4.0 }), 1.0).0,
                _ => {
                    let n = 3 + rng.below(14);
                    (0..n)
                        .map(|k| {
                            let angle = std::f64::consts::TAU * k as f64 / n as f64;
                            let r = rng.range(0.5, 1.0);
                            coord! { x: 110.0 + r * angle.cos(), y: 35.0 + r * angle.sin() }
                        })
                        .collect()
                }
            };
            let ring = LineString::from(points);
            let open = open_ring_without_repeats(&ring);
            let sure = certainly_simple(&open);
            let multi = MultiPolygon(vec![Polygon::new(ring, vec![])]);
            let rings = vec![SweepRing::new(RingId { polygon: 1, ring: 1 }, open.clone())];
            let swept =
                if distinct_points_up_to_3(&open) < 3 { Err(()) } else { Sweep::new(rings).run().map_err(|_| ()) };
            if sure {
                assert_eq!(swept, Ok(()), "case {case}: {multi:?}");
                assert_eq!(validate_quadratic(&multi), Ok(()), "case {case}: {multi:?}");
                shortcut += 1;
            }
            assert_eq!(validate_multipolygon(&multi).is_ok(), swept.is_ok(), "case {case}: {multi:?}");
            if swept.is_ok() { valid += 1 } else { invalid += 1 }
        }
        assert!(
            shortcut > 8_000 && valid > 10_000 && invalid > 5_000,
            "{shortcut} shortcut, {valid} valid, {invalid} invalid"
        );
    }

    /// A jittered `n × n` grid of quadrilateral cells as the parts of one
    /// multipolygon (neighbours share edges and vertices exactly), some cells
    /// left out, some with a hole.
    fn jittered_cells(rng: &mut XorShift, n: usize) -> MultiPolygon<f64> {
        let mut vertices = vec![vec![coord! { x: 0.0, y: 0.0 }; n + 1]; n + 1];
        for (i, column) in vertices.iter_mut().enumerate() {
            for (j, v) in column.iter_mut().enumerate() {
                *v = coord! { x: i as f64 + rng.range(-0.3, 0.3), y: j as f64 + rng.range(-0.3, 0.3) };
            }
        }
        let mut parts = Vec::new();
        for i in 0..n {
            for j in 0..n {
                if rng.below(8) == 0 {
                    continue;
                }
                let cell = vec![vertices[i][j], vertices[i + 1][j], vertices[i + 1][j + 1], vertices[i][j + 1]];
                let holes = if rng.below(4) == 0 {
                    let c = coord! { x: i as f64 + 0.5, y: j as f64 + 0.5 };
                    vec![LineString(vec![
                        c + coord! { x: -0.1, y: -0.1 },
                        c + coord! { x: 0.1, y: -0.1 },
                        c + coord! { x: 0.0, y: 0.1 },
                    ])]
                } else {
                    vec![]
                };
                parts.push(Polygon::new(LineString(cell), holes));
            }
        }
        MultiPolygon(parts)
    }

    /// Larger inputs: tilings whose parts share every edge, valid as made and
    /// usually invalid after one vertex is moved onto another vertex.
    #[test]
    fn agrees_with_the_quadratic_check_on_tilings() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let mut invalid = 0;
        for round in 0..150 {
            let mut multi = jittered_cells(&mut rng, 2 + round % 7);
            assert_eq!(validate_multipolygon(&multi), Ok(()), "round {round}");
            let p = rng.below(multi.0.len());
            let q = rng.below(multi.0.len());
            let target = multi.0[q].exterior().0[rng.below(4)];
            let k = rng.below(4);
            multi.0[p].exterior_mut(|r| {
                r.0[k] = target;
                if k == 0 {
                    r.0[4] = target;
                }
            });
            let new = validate_multipolygon(&multi);
            let old = validate_quadratic(&multi);
            assert_eq!(new.is_ok(), old.is_ok(), "round {round}: sweep {new:?}, quadratic {old:?}\n{multi:?}");
            invalid += usize::from(new.is_err());
        }
        assert!(invalid > 75, "{invalid} of 150 moved tilings invalid");
    }
}
