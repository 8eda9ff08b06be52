//! The quadratic validity check that `validate_parcel` used before the sweep
//! of [`crate::validity`], kept as a test oracle: every pair of edges whose
//! bounding boxes meet is compared, and holes and parts are checked with geo's
//! `Relate`. The property tests compare it with the sweep on many small,
//! deliberately degenerate inputs.

use crate::lonlat::LonLat;
use crate::parcel::{ParcelError, RingId, meets};
use crate::point_in_polygon::{Position, PreparedMultiPolygon};
use crate::validity::{distinct_points_up_to_3, open_ring_without_repeats, rings_of};
use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{BoundingRect, Coord, InteriorPoint, Line, LineString, MultiPolygon, Polygon, Rect, Relate};

pub(crate) fn validate_quadratic(parcel: &MultiPolygon<f64>) -> Result<(), ParcelError> {
    if parcel.0.is_empty() {
        return Err(ParcelError::Empty);
    }
    let mut rings = Vec::new();
    for (p, polygon) in parcel.0.iter().enumerate() {
        for (r, ring) in rings_of(polygon).enumerate() {
            let id = RingId { polygon: p + 1, ring: r + 1 };
            for (v, c) in ring.0.iter().enumerate() {
                LonLat::new(c.x, c.y).map_err(|reason| ParcelError::InvalidCoordinate {
                    ring: id,
                    vertex: v + 1,
                    reason,
                })?;
            }
            let points = open_ring_without_repeats(ring);
            let distinct_points = distinct_points_up_to_3(&points);
            if distinct_points < 3 {
                return Err(ParcelError::TooFewPoints { ring: id, distinct_points });
            }
            rings.push(CleanRing { id, points });
        }
    }
    check_crossings(&rings)?;
    for (p, polygon) in parcel.0.iter().enumerate() {
        check_holes(p + 1, polygon)?;
    }
    check_polygon_overlaps(parcel)
}

/// A ring without consecutive repeated points and without the closing
/// point: edge `i` runs from `points[i]` to `points[(i + 1) % len]`.
#[derive(Debug)]
struct CleanRing {
    id: RingId,
    points: Vec<Coord<f64>>,
}

/// An edge of a [`CleanRing`] with its bounding box.
#[derive(Debug, Clone, Copy)]
struct Edge {
    /// Index into the ring list.
    ring: usize,
    /// Edge number within the ring.
    index: usize,
    line: Line<f64>,
    min: Coord<f64>,
    max: Coord<f64>,
}

/// Finds crossings, self-touches, spikes and shared boundary stretches
/// between all edges of all rings, by a sweep over the edges' x-ranges.
fn check_crossings(rings: &[CleanRing]) -> Result<(), ParcelError> {
    let mut edges = Vec::new();
    for (r, ring) in rings.iter().enumerate() {
        let n = ring.points.len();
        for i in 0..n {
            let (a, b) = (ring.points[i], ring.points[(i + 1) % n]);
            edges.push(Edge {
                ring: r,
                index: i,
                line: Line::new(a, b),
                min: Coord { x: a.x.min(b.x), y: a.y.min(b.y) },
                max: Coord { x: a.x.max(b.x), y: a.y.max(b.y) },
            });
        }
    }
    edges.sort_by(|e, f| e.min.x.total_cmp(&f.min.x));
    for (n, e) in edges.iter().enumerate() {
        for f in &edges[n + 1..] {
            if f.min.x > e.max.x {
                break;
            }
            if f.min.y <= e.max.y && f.max.y >= e.min.y {
                check_edge_pair(rings, e, f)?;
            }
        }
    }
    Ok(())
}

fn check_edge_pair(rings: &[CleanRing], e: &Edge, f: &Edge) -> Result<(), ParcelError> {
    let Some(hit) = line_intersection(e.line, f.line) else {
        return Ok(());
    };
    let (ring_e, ring_f) = (&rings[e.ring], &rings[f.ring]);
    if e.ring == f.ring {
        let n = ring_e.points.len();
        let shared_vertex = if (e.index + 1) % n == f.index {
            Some(e.line.end)
        } else if (f.index + 1) % n == e.index {
            Some(f.line.end)
        } else {
            None
        };
        return match (shared_vertex, hit) {
            // Consecutive edges meet at their shared vertex: fine.
            (Some(_), LineIntersection::SinglePoint { .. }) => Ok(()),
            // Consecutive edges overlapping: the ring doubles back there.
            (Some(tip), LineIntersection::Collinear { .. }) => {
                Err(ParcelError::SelfIntersection { ring: ring_e.id, at: tip })
            }
            (None, hit) => Err(ParcelError::SelfIntersection { ring: ring_e.id, at: point_of(hit) }),
        };
    }
    let (id_e, id_f) = (ring_e.id, ring_f.id);
    if id_e.polygon == id_f.polygon {
        match hit {
            LineIntersection::SinglePoint { is_proper: false, .. } => Ok(()),
            hit => Err(ParcelError::RingsIntersect {
                polygon: id_e.polygon,
                first: id_e.ring.min(id_f.ring),
                second: id_e.ring.max(id_f.ring),
                at: point_of(hit),
            }),
        }
    } else {
        match hit {
            LineIntersection::SinglePoint { intersection, is_proper: true } => Err(ParcelError::PolygonsOverlap {
                first: id_e.polygon.min(id_f.polygon),
                second: id_e.polygon.max(id_f.polygon),
                at: Some(intersection),
            }),
            // Touching at a point or along an edge is allowed between parts.
            _ => Ok(()),
        }
    }
}

fn point_of(hit: LineIntersection<f64>) -> Coord<f64> {
    match hit {
        LineIntersection::SinglePoint { intersection, .. } => intersection,
        LineIntersection::Collinear { intersection } => intersection.start,
    }
}

/// Vertices and edge midpoints of `ring`. Midpoints are only safe to test
/// against rings that share no boundary stretch with `ring` (rounding may
/// put the midpoint of a shared edge a hair inside).
fn vertices_and_midpoints(ring: &LineString<f64>) -> impl Iterator<Item = Coord<f64>> + '_ {
    ring.lines().flat_map(|line| [line.start, (line.start + line.end) / 2.0])
}

fn interior_point(ring: &LineString<f64>) -> Option<Coord<f64>> {
    Polygon::new(ring.clone(), vec![]).interior_point().map(|p| p.0)
}

/// Holes inside the exterior ring and not overlapping each other. Runs after
/// [`check_crossings`], so the rings of the polygon neither cross nor share
/// boundary stretches.
fn check_holes(polygon_number: usize, polygon: &Polygon<f64>) -> Result<(), ParcelError> {
    if polygon.interiors().is_empty() {
        return Ok(());
    }
    let exterior = Polygon::new(polygon.exterior().clone(), vec![]);
    let prepared_exterior = PreparedMultiPolygon::from(&exterior);
    let holes: Vec<Polygon<f64>> = polygon.interiors().iter().map(|ring| Polygon::new(ring.clone(), vec![])).collect();
    for (h, hole) in holes.iter().enumerate() {
        let outside =
            vertices_and_midpoints(hole.exterior()).find(|&c| prepared_exterior.position(c) == Position::Outside);
        if outside.is_some() || !exterior.relate(hole).is_contains() {
            return Err(ParcelError::HoleOutsideExterior { polygon: polygon_number, hole: h + 1, at: outside });
        }
    }
    let prepared_holes: Vec<PreparedMultiPolygon> = holes.iter().map(PreparedMultiPolygon::from).collect();
    let boxes: Vec<Option<Rect<f64>>> = holes.iter().map(BoundingRect::bounding_rect).collect();
    for i in 0..holes.len() {
        for j in i + 1..holes.len() {
            if !meets(boxes[i], boxes[j]) {
                continue;
            }
            let inside_other = |from: usize, to: usize| {
                let ring = holes[from].exterior();
                vertices_and_midpoints(ring)
                    .chain(interior_point(ring))
                    .find(|&c| prepared_holes[to].position(c) == Position::Inside)
            };
            let at = inside_other(j, i).or_else(|| inside_other(i, j));
            if at.is_some() || interiors_overlap(&holes[i], &holes[j]) {
                return Err(ParcelError::HolesOverlap { polygon: polygon_number, first: i + 1, second: j + 1, at });
            }
        }
    }
    Ok(())
}

/// No two polygons overlapping. Runs after [`check_crossings`], so their
/// boundaries do not cross, though they may share edges.
fn check_polygon_overlaps(parcel: &MultiPolygon<f64>) -> Result<(), ParcelError> {
    let polygons = &parcel.0;
    if polygons.len() < 2 {
        return Ok(());
    }
    let prepared: Vec<PreparedMultiPolygon> = polygons.iter().map(PreparedMultiPolygon::from).collect();
    let boxes: Vec<Option<Rect<f64>>> = polygons.iter().map(BoundingRect::bounding_rect).collect();
    for i in 0..polygons.len() {
        for j in i + 1..polygons.len() {
            if !meets(boxes[i], boxes[j]) {
                continue;
            }
            // Vertices and an interior point only: midpoints of shared edges
            // may round to inside the other polygon.
            let inside_other = |from: usize, to: usize| {
                let polygon = &polygons[from];
                polygon
                    .exterior()
                    .0
                    .iter()
                    .copied()
                    .chain(polygon.interior_point().map(|p| p.0))
                    .find(|&c| prepared[to].position(c) == Position::Inside)
            };
            let at = inside_other(j, i).or_else(|| inside_other(i, j));
            if at.is_some() || interiors_overlap(&polygons[i], &polygons[j]) {
                return Err(ParcelError::PolygonsOverlap { first: i + 1, second: j + 1, at });
            }
        }
    }
    Ok(())
}

/// Whether the interiors of `a` and `b` share an area (exact, geo `Relate`).
fn interiors_overlap(a: &Polygon<f64>, b: &Polygon<f64>) -> bool {
    a.relate(b).get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional
}
