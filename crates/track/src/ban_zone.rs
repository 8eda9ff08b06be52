//! The zone a track is checked against: [`ZoneLike`] (contains a point;
//! where a segment crosses the boundary) and its implementation for a
//! multipolygon, [`BanZone`].
//!
//! Edges are straight in lon/lat (planar), as in the zone index of
//! `landtrace-spatial` and PostGIS `geometry`; a point on the boundary counts
//! as inside.

use geo::{Coord, LineString, MultiPolygon, Rect};
use landtrace_spatial::PreparedMultiPolygon;

/// Mean number of edges per band of [`BanZone`]'s edge index.
const EDGES_PER_BAND: usize = 4;
/// Upper bound on bands, bounding index memory for huge rings.
const MAX_BANDS: usize = 1 << 16;
/// Slack on the edge parameter when intersecting: a segment passing within
/// rounding of a vertex gets a split there. Extra splits are harmless (each
/// piece is classified on its own), missing ones are not.
const EDGE_SLACK: f64 = 1e-9;

/// A zone as the track checker needs it.
pub trait ZoneLike {
    /// Whether `p` (x = lon, y = lat) is inside the zone or on its boundary.
    fn contains(&self, p: Coord<f64>) -> bool;

    /// Appends to `out` every fraction `f` in `(0, 1)` at which the segment
    /// `a + f (b - a)` meets the zone boundary, in any order, duplicates
    /// allowed. A segment can cross a concave zone several times, hence a
    /// list. Extra fractions are harmless; a missing one would merge an
    /// inside piece with an outside one.
    fn crossings(&self, a: Coord<f64>, b: Coord<f64>, out: &mut Vec<f64>);
}

/// A (multi)polygon zone prepared for [`ZoneLike`]: exact point-in-polygon
/// from `landtrace-spatial`, and segment–boundary intersections through an
/// index of all ring edges (exteriors and holes) in horizontal bands, so a
/// short segment meets only a few edges.
#[derive(Debug, Clone)]
pub struct BanZone {
    shape: PreparedMultiPolygon,
    edges: Vec<[Coord<f64>; 2]>,
    bands: Option<Bands>,
}

/// Edge numbers bucketed by y (CSR layout).
#[derive(Debug, Clone)]
struct Bands {
    bounds: Rect<f64>,
    /// Bands per unit of y.
    scale: f64,
    offsets: Vec<u32>,
    edges: Vec<u32>,
}

impl BanZone {
    /// Prepares `zone`; rings that are not closed are closed.
    pub fn new(zone: &MultiPolygon<f64>) -> BanZone {
        let mut edges = Vec::new();
        let rings = zone.0.iter().flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()));
        for ring in rings {
            push_ring_edges(ring, &mut edges);
        }
        let shape = PreparedMultiPolygon::new(zone);
        let bands = shape.bounds().filter(|_| !edges.is_empty()).map(|bounds| Bands::new(&edges, bounds));
        BanZone { shape, edges, bands }
    }

    /// The bounding box of the zone, `None` if it is empty.
    pub fn bounds(&self) -> Option<Rect<f64>> {
        self.shape.bounds()
    }
}

impl From<&MultiPolygon<f64>> for BanZone {
    fn from(zone: &MultiPolygon<f64>) -> Self {
        BanZone::new(zone)
    }
}

fn push_ring_edges(ring: &LineString<f64>, edges: &mut Vec<[Coord<f64>; 2]>) {
    let coords = &ring.0;
    let (Some(&first), Some(&last)) = (coords.first(), coords.last()) else {
        return;
    };
    let closing = (first != last).then_some([last, first]);
    edges.extend(coords.windows(2).map(|w| [w[0], w[1]]).chain(closing).filter(|[a, b]| a != b));
}

impl Bands {
    fn new(edges: &[[Coord<f64>; 2]], bounds: Rect<f64>) -> Bands {
        let band_count = (edges.len() / EDGES_PER_BAND).clamp(1, MAX_BANDS);
        let height = bounds.height();
        let scale = if height > 0.0 { band_count as f64 / height } else { 0.0 };
        let mut bands = Bands { bounds, scale, offsets: vec![0; band_count + 1], edges: Vec::new() };
        for edge in edges {
            for band in bands.band_range(edge[0].y, edge[1].y) {
                bands.offsets[band + 1] += 1;
            }
        }
        for band in 0..band_count {
            bands.offsets[band + 1] += bands.offsets[band];
        }
        let mut next: Vec<u32> = bands.offsets[..band_count].to_vec();
        bands.edges = vec![0; bands.offsets[band_count] as usize];
        for (i, edge) in edges.iter().enumerate() {
            for band in bands.band_range(edge[0].y, edge[1].y) {
                bands.edges[next[band] as usize] = i as u32;
                next[band] += 1;
            }
        }
        bands
    }

    /// The band holding `y`; monotonic in `y`, clamped to the bands.
    fn band_of(&self, y: f64) -> usize {
        // `as usize` saturates: negative and NaN become 0.
        (((y - self.bounds.min().y) * self.scale) as usize).min(self.offsets.len() - 2)
    }

    fn band_range(&self, y0: f64, y1: f64) -> std::ops::RangeInclusive<usize> {
        let (lo, hi) = if y0 <= y1 { (y0, y1) } else { (y1, y0) };
        self.band_of(lo)..=self.band_of(hi)
    }
}

impl ZoneLike for BanZone {
    fn contains(&self, p: Coord<f64>) -> bool {
        self.shape.intersects(p)
    }

    fn crossings(&self, a: Coord<f64>, b: Coord<f64>, out: &mut Vec<f64>) {
        let Some(bands) = &self.bands else {
            return;
        };
        let (min_x, max_x) = if a.x <= b.x { (a.x, b.x) } else { (b.x, a.x) };
        let (min_y, max_y) = if a.y <= b.y { (a.y, b.y) } else { (b.y, a.y) };
        let (zone_min, zone_max) = (bands.bounds.min(), bands.bounds.max());
        if max_x < zone_min.x || min_x > zone_max.x || max_y < zone_min.y || min_y > zone_max.y {
            return;
        }
        let range = bands.band_range(min_y, max_y);
        let several_bands = range.start() != range.end();
        let first_new = out.len();
        let listed = &bands.edges[bands.offsets[*range.start()] as usize..bands.offsets[range.end() + 1] as usize];
        for &edge in listed {
            let [c, d] = self.edges[edge as usize];
            if c.x.max(d.x) < min_x || c.x.min(d.x) > max_x || c.y.max(d.y) < min_y || c.y.min(d.y) > max_y {
                continue;
            }
            segment_meets_edge(a, b, c, d, out);
        }
        if several_bands {
            // An edge spanning several bands is listed in each of them.
            out[first_new..].sort_unstable_by(f64::total_cmp);
            let mut kept = first_new;
            for i in first_new..out.len() {
                if kept == first_new || out[i] != out[kept - 1] {
                    out[kept] = out[i];
                    kept += 1;
                }
            }
            out.truncate(kept);
        }
    }
}

/// Appends the fractions of `a→b` in `(0, 1)` where it meets edge `c→d`: the
/// crossing point, or for a collinear overlap the edge's endpoints.
fn segment_meets_edge(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>, d: Coord<f64>, out: &mut Vec<f64>) {
    let r = b - a;
    let s = d - c;
    let ac = c - a;
    let denominator = cross(r, s);
    let inside = |f: f64| f > 0.0 && f < 1.0;
    if denominator == 0.0 {
        if cross(ac, r) == 0.0 {
            let rr = dot(r, r);
            if rr > 0.0 {
                out.extend([dot(ac, r) / rr, dot(d - a, r) / rr].into_iter().filter(|&f| inside(f)));
            }
        }
        return;
    }
    let f = cross(ac, s) / denominator;
    let u = cross(ac, r) / denominator;
    if inside(f) && (-EDGE_SLACK..=1.0 + EDGE_SLACK).contains(&u) {
        out.push(f);
    }
}

fn cross(p: Coord<f64>, q: Coord<f64>) -> f64 {
    p.x * q.y - p.y * q.x
}

fn dot(p: Coord<f64>, q: Coord<f64>) -> f64 {
    p.x * q.x + p.y * q.y
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Polygon, coord, polygon};

    fn zone(polygons: Vec<Polygon<f64>>) -> BanZone {
        BanZone::new(&MultiPolygon(polygons))
    }

    fn fractions(zone: &BanZone, a: (f64, f64), b: (f64, f64)) -> Vec<f64> {
        let mut out = Vec::new();
        zone.crossings(coord! { x: a.0, y: a.1 }, coord! { x: b.0, y: b.1 }, &mut out);
        out.sort_unstable_by(f64::total_cmp);
        out.dedup();
        out
    }

    fn unit_square() -> Polygon<f64> {
        polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)]
    }

    #[test]
    fn crossings_of_a_square() {
        let z = zone(vec![unit_square()]);
        assert_eq!(fractions(&z, (-1.0, 0.5), (3.0, 0.5)), [0.25, 0.5]);
        assert_eq!(fractions(&z, (0.5, 0.5), (0.75, 0.5)), Vec::<f64>::new());
        assert_eq!(fractions(&z, (5.0, 5.0), (6.0, 6.0)), Vec::<f64>::new());
        // Through a vertex: both edges meeting there report it.
        assert_eq!(fractions(&z, (-1.0, -1.0), (2.0, 2.0)), [1.0 / 3.0, 2.0 / 3.0]);
        // Along an edge: its endpoints.
        assert_eq!(fractions(&z, (-1.0, 0.0), (3.0, 0.0)), [0.25, 0.5]);
        assert!(z.contains(coord! { x: 1.0, y: 0.5 }));
        assert!(!z.contains(coord! { x: 1.5, y: 0.5 }));
    }

    #[test]
    fn crossings_of_a_concave_zone_with_a_hole() {
        // A U shape (0..3 x 0..2 without 1..2 x 1..2), plus a separate square with a hole.
        let u = polygon![(x: 0., y: 0.), (x: 3., y: 0.), (x: 3., y: 2.), (x: 2., y: 2.), (x: 2., y: 1.),
                         (x: 1., y: 1.), (x: 1., y: 2.), (x: 0., y: 2.)];
        let with_hole = Polygon::new(
            LineString::from(vec![(10.0, 0.0), (14.0, 0.0), (14.0, 4.0), (10.0, 4.0)]),
            vec![LineString::from(vec![(11.0, 1.0), (13.0, 1.0), (13.0, 3.0), (11.0, 3.0)])],
        );
        let z = zone(vec![u, with_hole]);
        assert_eq!(fractions(&z, (-1.0, 1.5), (4.0, 1.5)), [0.2, 0.4, 0.6, 0.8]);
        assert_eq!(fractions(&z, (9.0, 2.0), (15.0, 2.0)), [1.0 / 6.0, 2.0 / 6.0, 4.0 / 6.0, 5.0 / 6.0]);
        assert!(!z.contains(coord! { x: 12.0, y: 2.0 }));
        assert!(!z.contains(coord! { x: 1.5, y: 1.5 }));
    }

    #[test]
    fn banded_index_finds_the_same_crossings_as_a_full_scan() {
        // A 64-vertex star: the index has 16 bands.
        let star: Vec<(f64, f64)> = (0..64)
            .map(|i| {
                let angle = f64::from(i) * std::f64::consts::TAU / 64.0;
                let radius = if i % 2 == 0 { 1.0 } else { 0.6 };
                (radius * angle.cos(), radius * angle.sin())
            })
            .collect();
        let z = zone(vec![Polygon::new(LineString::from(star), vec![])]);
        for k in 0..200 {
            let k = f64::from(k);
            let a = coord! { x: (k * 0.37).sin() * 1.3, y: (k * 0.91).cos() * 1.3 };
            let b = coord! { x: (k * 0.53).cos() * 1.3, y: (k * 0.29).sin() * 1.3 };
            let mut indexed = Vec::new();
            z.crossings(a, b, &mut indexed);
            indexed.sort_unstable_by(f64::total_cmp);
            indexed.dedup();
            let mut scanned = Vec::new();
            for &[c, d] in &z.edges {
                segment_meets_edge(a, b, c, d, &mut scanned);
            }
            scanned.sort_unstable_by(f64::total_cmp);
            scanned.dedup();
            assert_eq!(indexed, scanned, "segment {k}");
        }
    }

    #[test]
    fn empty_zone_contains_nothing() {
        let z = zone(vec![]);
        assert!(!z.contains(coord! { x: 0.0, y: 0.0 }));
        assert_eq!(fractions(&z, (-1.0, 0.5), (3.0, 0.5)), Vec::<f64>::new());
        assert_eq!(z.bounds(), None);
    }
}
