//! Exact point-in-polygon tests on a [`PreparedMultiPolygon`].
//!
//! Each ring is tested with a crossing-number (even-odd) ray cast to +x whose
//! side-of-edge decisions use geo's robust `orient2d` predicate, so results are
//! exact for the given `f64` coordinates: a point is [`Position::OnBoundary`]
//! exactly when it lies on an edge or vertex.
//!
//! Rings with at least [`BANDED_MIN_EDGES`] edges get an edge index: the ring's
//! y-range is cut into horizontal bands of equal height and each band lists the
//! edges whose y-range overlaps it. A query only visits the edges of the band
//! holding its y, about [`EDGES_PER_BAND`] of them for well-shaped rings,
//! instead of all edges. Smaller rings are scanned in full, which is faster for
//! them.
//!
//! Coordinates are treated as planar (edges are straight lines in lon/lat),
//! as PostGIS does for the `geometry` type.

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};

/// Rings with fewer edges than this are scanned without an edge index.
pub const BANDED_MIN_EDGES: usize = 32;
/// Target mean number of edges per band in an edge index.
pub const EDGES_PER_BAND: usize = 4;
/// Upper bound on bands per ring, bounding index memory for huge rings.
const MAX_BANDS: usize = 1 << 16;

/// Where a coordinate lies relative to a polygon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// In the interior.
    Inside,
    /// On an edge or vertex of an exterior ring or a hole.
    OnBoundary,
    /// In the exterior, including inside a hole.
    Outside,
}

/// A multipolygon prepared for fast, repeated point-in-polygon tests.
#[derive(Debug, Clone)]
pub struct PreparedMultiPolygon {
    polygons: Vec<PreparedPolygon>,
    bounds: Option<Rect<f64>>,
}

#[derive(Debug, Clone)]
struct PreparedPolygon {
    exterior: PreparedRing,
    holes: Vec<PreparedRing>,
}

#[derive(Debug, Clone)]
struct PreparedRing {
    /// Closed: the last coordinate equals the first. Edge `i` runs from
    /// `coords[i]` to `coords[i + 1]`.
    coords: Vec<Coord<f64>>,
    /// `None` for an empty ring.
    bounds: Option<Rect<f64>>,
    bands: Option<EdgeBands>,
}

/// Edges bucketed into horizontal bands, stored compactly (CSR layout).
#[derive(Debug, Clone)]
struct EdgeBands {
    min_y: f64,
    /// Bands per unit of y.
    scale: f64,
    /// Edges of band `b` are `edges[offsets[b]..offsets[b + 1]]`.
    offsets: Vec<u32>,
    /// Edge numbers (edge `i` starts at `coords[i]`).
    edges: Vec<u32>,
}

impl PreparedMultiPolygon {
    /// Prepares `multi_polygon`; rings that are not closed are closed.
    pub fn new(multi_polygon: &MultiPolygon<f64>) -> Self {
        let polygons: Vec<PreparedPolygon> = multi_polygon.0.iter().map(PreparedPolygon::new).collect();
        let bounds = polygons.iter().filter_map(|p| p.exterior.bounds).reduce(union);
        PreparedMultiPolygon { polygons, bounds }
    }

    /// The bounding box of the exterior rings, `None` if they are all empty.
    pub fn bounds(&self) -> Option<Rect<f64>> {
        self.bounds
    }

    /// Where `p` lies. If parts overlap (an invalid multipolygon), being
    /// inside any part wins over being on the boundary of another.
    pub fn position(&self, p: Coord<f64>) -> Position {
        if !self.bounds.is_some_and(|b| covers(b, p)) {
            return Position::Outside;
        }
        let mut result = Position::Outside;
        for polygon in &self.polygons {
            match polygon.position(p) {
                Position::Inside => return Position::Inside,
                Position::OnBoundary => result = Position::OnBoundary,
                Position::Outside => {}
            }
        }
        result
    }

    /// Whether `p` is inside or on the boundary (PostGIS `ST_Intersects`).
    pub fn intersects(&self, p: Coord<f64>) -> bool {
        if !self.bounds.is_some_and(|b| covers(b, p)) {
            return false;
        }
        self.polygons.iter().any(|polygon| polygon.position(p) != Position::Outside)
    }
}

impl From<&MultiPolygon<f64>> for PreparedMultiPolygon {
    fn from(multi_polygon: &MultiPolygon<f64>) -> Self {
        PreparedMultiPolygon::new(multi_polygon)
    }
}

impl From<&Polygon<f64>> for PreparedMultiPolygon {
    fn from(polygon: &Polygon<f64>) -> Self {
        let prepared = PreparedPolygon::new(polygon);
        let bounds = prepared.exterior.bounds;
        PreparedMultiPolygon { polygons: vec![prepared], bounds }
    }
}

impl PreparedPolygon {
    fn new(polygon: &Polygon<f64>) -> Self {
        PreparedPolygon {
            exterior: PreparedRing::new(polygon.exterior()),
            holes: polygon.interiors().iter().map(PreparedRing::new).collect(),
        }
    }

    fn position(&self, p: Coord<f64>) -> Position {
        match self.exterior.position(p) {
            Position::Inside => {}
            other => return other,
        }
        for hole in &self.holes {
            match hole.position(p) {
                Position::Inside => return Position::Outside,
                Position::OnBoundary => return Position::OnBoundary,
                Position::Outside => {}
            }
        }
        Position::Inside
    }
}

impl PreparedRing {
    fn new(ring: &LineString<f64>) -> Self {
        let mut coords = ring.0.clone();
        if let (Some(&first), Some(&last)) = (coords.first(), coords.last())
            && first != last
        {
            coords.push(first);
        }
        let bounds = coords.iter().map(|&c| Rect::new(c, c)).reduce(union);
        let edge_count = coords.len().saturating_sub(1);
        let bands = match bounds {
            Some(b) if edge_count >= BANDED_MIN_EDGES => Some(EdgeBands::new(&coords, b)),
            _ => None,
        };
        PreparedRing { coords, bounds, bands }
    }

    fn position(&self, p: Coord<f64>) -> Position {
        if !self.bounds.is_some_and(|b| covers(b, p)) {
            return Position::Outside;
        }
        let mut inside = false;
        match &self.bands {
            Some(bands) => {
                for &edge in bands.edges_near(p.y) {
                    let i = edge as usize;
                    if edge_step(p, self.coords[i], self.coords[i + 1], &mut inside) {
                        return Position::OnBoundary;
                    }
                }
            }
            None => {
                for edge in self.coords.windows(2) {
                    if edge_step(p, edge[0], edge[1], &mut inside) {
                        return Position::OnBoundary;
                    }
                }
            }
        }
        if inside { Position::Inside } else { Position::Outside }
    }
}

impl EdgeBands {
    fn new(coords: &[Coord<f64>], bounds: Rect<f64>) -> Self {
        let edge_count = coords.len() - 1;
        let band_count = (edge_count / EDGES_PER_BAND).clamp(1, MAX_BANDS);
        let min_y = bounds.min().y;
        let height = bounds.max().y - min_y;
        let scale = if height > 0.0 { band_count as f64 / height } else { 0.0 };
        let mut bands = EdgeBands { min_y, scale, offsets: vec![0; band_count + 1], edges: Vec::new() };
        let band_range = |bands: &EdgeBands, a: Coord<f64>, b: Coord<f64>| {
            let (lo, hi) = if a.y <= b.y { (a.y, b.y) } else { (b.y, a.y) };
            bands.band_of(lo)..=bands.band_of(hi)
        };
        // Count, prefix-sum, then fill: one allocation for all edge lists.
        for edge in coords.windows(2) {
            for band in band_range(&bands, edge[0], edge[1]) {
                bands.offsets[band + 1] += 1;
            }
        }
        for band in 0..band_count {
            bands.offsets[band + 1] += bands.offsets[band];
        }
        let mut next: Vec<u32> = bands.offsets[..band_count].to_vec();
        bands.edges = vec![0; bands.offsets[band_count] as usize];
        for (i, edge) in coords.windows(2).enumerate() {
            for band in band_range(&bands, edge[0], edge[1]) {
                bands.edges[next[band] as usize] = i as u32;
                next[band] += 1;
            }
        }
        bands
    }

    /// The band holding `y`. Monotonic in `y` (float subtraction and
    /// multiplication by a positive constant preserve order), so an edge whose
    /// y-range contains `y` is always listed in this band.
    fn band_of(&self, y: f64) -> usize {
        let band_count = self.offsets.len() - 1;
        // `as usize` saturates: negative and NaN become 0.
        (((y - self.min_y) * self.scale) as usize).min(band_count - 1)
    }

    fn edges_near(&self, y: f64) -> &[u32] {
        let band = self.band_of(y);
        &self.edges[self.offsets[band] as usize..self.offsets[band + 1] as usize]
    }
}

/// Processes edge `a`→`b` for the ray cast from `p` towards +x: flips
/// `inside` if the ray crosses the edge, and returns true if `p` lies on the
/// edge. Crossings use the half-open rule (an edge counts when exactly one
/// endpoint is strictly above `p`), so a ray through a vertex counts once.
#[inline]
fn edge_step(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>, inside: &mut bool) -> bool {
    let (y_lo, y_hi) = if a.y <= b.y { (a.y, b.y) } else { (b.y, a.y) };
    if p.y < y_lo || p.y > y_hi {
        return false;
    }
    let (x_lo, x_hi) = if a.x <= b.x { (a.x, b.x) } else { (b.x, a.x) };
    if p.x > x_hi {
        // The edge is entirely left of p: neither touched nor crossed.
        return false;
    }
    let straddles = (a.y > p.y) != (b.y > p.y);
    if p.x < x_lo {
        // Entirely right of p: crossed if it straddles p.y, never touched.
        if straddles {
            *inside = !*inside;
        }
        return false;
    }
    match RobustKernel::orient2d(a, b, p) {
        // On the edge's line, within its bounding box: on the edge.
        Orientation::Collinear => true,
        orientation => {
            // Upward edge: crossed when p is to its left (counter-clockwise);
            // downward edge: when p is to its right.
            let upward = b.y > a.y;
            if straddles && upward == (orientation == Orientation::CounterClockwise) {
                *inside = !*inside;
            }
            false
        }
    }
}

fn covers(rect: Rect<f64>, p: Coord<f64>) -> bool {
    let (min, max) = (rect.min(), rect.max());
    p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y
}

fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
        Coord { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coordinate_position::CoordPos;
    use geo::{CoordinatePosition, coord, polygon};

    fn check(prepared: &PreparedMultiPolygon, p: (f64, f64), expected: Position) {
        let c = coord! { x: p.0, y: p.1 };
        assert_eq!(prepared.position(c), expected, "{p:?}");
        assert_eq!(prepared.intersects(c), expected != Position::Outside, "{p:?}");
    }

    /// A regular polygon with `n` vertices around `(cx, cy)`.
    fn regular(n: usize, cx: f64, cy: f64, r: f64) -> Vec<Coord<f64>> {
        (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                coord! { x: cx + r * t.cos(), y: cy + r * t.sin() }
            })
            .collect()
    }

    #[test]
    fn square_with_hole() {
        let square = polygon![
            exterior: [(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.)],
            interiors: [[(x: 4., y: 4.), (x: 6., y: 4.), (x: 6., y: 6.), (x: 4., y: 6.)]],
        ];
        let prepared = PreparedMultiPolygon::from(&square);
        check(&prepared, (1.0, 1.0), Position::Inside);
        check(&prepared, (5.0, 5.0), Position::Outside);
        check(&prepared, (11.0, 5.0), Position::Outside);
        check(&prepared, (5.0, 0.0), Position::OnBoundary);
        check(&prepared, (0.0, 0.0), Position::OnBoundary);
        check(&prepared, (4.0, 5.0), Position::OnBoundary);
        check(&prepared, (6.0, 6.0), Position::OnBoundary);
        // Ray through vertices (y = 4 and y = 10 hit vertices on both sides).
        check(&prepared, (2.0, 4.0), Position::Inside);
        check(&prepared, (-1.0, 10.0), Position::Outside);
        check(&prepared, (-1.0, 0.0), Position::Outside);
    }

    #[test]
    fn banded_ring_agrees_with_geo_on_a_many_vertex_polygon() {
        let mut ring = regular(700, 0.0, 0.0, 1.0);
        // Make it non-convex: pull every third vertex inwards.
        for (i, c) in ring.iter_mut().enumerate() {
            if i % 3 == 0 {
                *c = coord! { x: c.x * 0.8, y: c.y * 0.8 };
            }
        }
        let polygon = Polygon::new(LineString(ring.clone()), vec![]);
        let prepared = PreparedMultiPolygon::from(&polygon);
        assert!(prepared.polygons[0].exterior.bands.is_some());
        for c in &ring {
            check(&prepared, (c.x, c.y), Position::OnBoundary);
        }
        for i in -120..=120 {
            for j in -120..=120 {
                let c = coord! { x: f64::from(i) / 100.0, y: f64::from(j) / 100.0 };
                let expected = match polygon.coordinate_position(&c) {
                    CoordPos::Inside => Position::Inside,
                    CoordPos::OnBoundary => Position::OnBoundary,
                    CoordPos::Outside => Position::Outside,
                };
                assert_eq!(prepared.position(c), expected, "{c:?}");
            }
        }
    }

    #[test]
    fn horizontal_ring_and_flat_rings_do_not_panic() {
        let flat = Polygon::new(LineString::from((0..40).map(|i| (f64::from(i), 0.0)).collect::<Vec<_>>()), vec![]);
        let prepared = PreparedMultiPolygon::from(&flat);
        check(&prepared, (3.5, 0.0), Position::OnBoundary);
        check(&prepared, (3.5, 1.0), Position::Outside);
        let empty = PreparedMultiPolygon::new(&MultiPolygon(vec![]));
        assert_eq!(empty.bounds(), None);
        check(&empty, (0.0, 0.0), Position::Outside);
    }

    #[test]
    fn unclosed_ring_is_closed() {
        let ring = PreparedRing::new(&LineString(vec![
            coord! { x: 0., y: 0. },
            coord! { x: 2., y: 0. },
            coord! { x: 0., y: 2. },
        ]));
        assert_eq!(ring.coords.len(), 4);
        assert_eq!(ring.position(coord! { x: 0.5, y: 0.5 }), Position::Inside);
        assert_eq!(ring.position(coord! { x: 0.0, y: 1.0 }), Position::OnBoundary);
    }

    #[test]
    fn nan_point_is_outside() {
        let prepared = PreparedMultiPolygon::from(&polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 0., y: 1.)]);
        check(&prepared, (f64::NAN, 0.5), Position::Outside);
    }
}
