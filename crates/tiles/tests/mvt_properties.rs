//! Property-style tests of the MVT encoder over deterministic random input (a fixed
//! xorshift generator, no `rand`): whatever goes in, what comes out decodes, stays in
//! the buffered tile, is valid with the spec's winding, and is the same every time.

use geo::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon, Validation};
use landtrace_tiles::{
    DecodedGeometry, DecodedTile, EncodeOptions, LayerEncoder, TileCoord, TilePoint, decode, encode_tile,
};

/// xorshift64*: small, fast and the same on every machine.
struct XorShift(u64);

impl XorShift {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `[lo, hi)`.
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        lo + (hi - lo) * unit
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

const EXTENT: u32 = 4096;
const BUFFER: u32 = 64;

fn tile() -> TileCoord {
    // The tile of 临猗县's county seat at zoom 12.
    TileCoord::new(12, 3308, 1620).unwrap()
}

fn to_lonlat(c: Coord<f64>) -> Coord<f64> {
    let (x, y) = tile().tile_px_to_lonlat(c.x, c.y, EXTENT);
    Coord { x, y }
}

/// A star-shaped ring around `center`, radii in `[r/2, r]`, wound either way. The
/// angles are evenly spread and jittered by a fifth of a step, so no gap reaches π
/// (the ring is simple) and, from 8 vertices on, the ring keeps a clear disc of
/// radius 0.4 r around its center.
fn star(rng: &mut XorShift, center: Coord<f64>, r: f64, vertices: usize) -> LineString<f64> {
    let step = std::f64::consts::TAU / vertices as f64;
    let mut angles: Vec<f64> = (0..vertices).map(|i| step * (i as f64 + rng.range(-0.2, 0.2))).collect();
    if rng.below(2) == 0 {
        angles.reverse();
    }
    let mut coords: Vec<Coord<f64>> = angles
        .iter()
        .map(|a| {
            let radius = rng.range(r / 2.0, r);
            Coord { x: center.x + radius * a.cos(), y: center.y + radius * a.sin() }
        })
        .collect();
    coords.push(coords[0]);
    LineString::new(coords)
}

/// A random valid polygon in tile pixels with up to 5 holes, at a random scale from
/// sub-pixel to several tiles, placed anywhere around the tile.
fn random_polygon(rng: &mut XorShift) -> Polygon<f64> {
    let r = 10f64.powf(rng.range(-0.3, 3.8));
    let center = Coord { x: rng.range(-3000.0, 7000.0), y: rng.range(-3000.0, 7000.0) };
    let holes = rng.below(6);
    let vertices = if holes == 0 { 3 + rng.below(80) } else { 8 + rng.below(80) };
    let exterior = star(rng, center, r, vertices);
    let interiors = (0..holes)
        .map(|j| {
            // Hole j sits in its own sector at 0.25 r, small enough not to meet its
            // neighbours or leave the exterior's clear disc.
            let angle = std::f64::consts::TAU * j as f64 / holes as f64;
            let hole_center = Coord { x: center.x + 0.25 * r * angle.cos(), y: center.y + 0.25 * r * angle.sin() };
            let sector = if holes == 1 { 1.0 } else { (std::f64::consts::PI / holes as f64).sin() };
            let max_radius = (0.12 * r).min(0.25 * r * sector * 0.9);
            let hole_vertices = 3 + rng.below(20);
            let hole_radius = rng.range(max_radius / 4.0, max_radius);
            star(rng, hole_center, hole_radius, hole_vertices)
        })
        .collect();
    let polygon = Polygon::new(exterior, interiors);
    assert!(polygon.is_valid(), "generator made an invalid polygon: {:?}", polygon.validation_errors());
    polygon
}

fn lonlat_geometry(polygon: &Polygon<f64>) -> Geometry<f64> {
    use geo::MapCoords;
    polygon.map_coords(to_lonlat).into()
}

fn encode_one(geometry: &Geometry<f64>, simplify_px: f64) -> Vec<u8> {
    let mut layer =
        LayerEncoder::new("zones", tile(), EncodeOptions { extent: EXTENT, buffer_px: BUFFER, simplify_px });
    layer.add_feature(1, geometry, &[("grade", 1.into())]);
    encode_tile(&[layer])
}

fn decoded_geometry(bytes: &[u8]) -> Option<DecodedGeometry> {
    let tile: DecodedTile = decode(bytes).expect("encoder output must decode");
    tile.layers.into_iter().next().map(|mut l| l.features.remove(0).geometry)
}

fn in_buffer(p: &TilePoint) -> bool {
    let (lo, hi) = (-(BUFFER as i32), (EXTENT + BUFFER) as i32);
    (lo..=hi).contains(&p[0]) && (lo..=hi).contains(&p[1])
}

fn signed_area2(ring: &[TilePoint]) -> i64 {
    (0..ring.len())
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            i64::from(a[0]) * i64::from(b[1]) - i64::from(b[0]) * i64::from(a[1])
        })
        .sum()
}

fn check_polygons(geometry: &DecodedGeometry, context: &str) {
    let DecodedGeometry::Polygons(polygons) = geometry else { panic!("{context}: not polygons: {geometry:?}") };
    for polygon in polygons {
        assert!(signed_area2(&polygon.exterior) > 0, "{context}: exterior not clockwise");
        for hole in &polygon.interiors {
            assert!(signed_area2(hole) < 0, "{context}: hole not counter-clockwise");
        }
        let geo_polygon = polygon.to_geo();
        assert!(geo_polygon.is_valid(), "{context}: invalid {:?}: {:?}", geo_polygon, geo_polygon.validation_errors());
    }
}

#[test]
fn random_polygons_stay_in_the_buffer_valid_and_wound() {
    let mut rng = XorShift(0x1a2b_3c4d_5e6f_7788);
    let (mut kept, mut with_holes) = (0, 0);
    for case in 0..400 {
        let polygon = random_polygon(&mut rng);
        let simplify_px = [0.0, 0.5, 1.0, 4.0][case % 4];
        let bytes = encode_one(&lonlat_geometry(&polygon), simplify_px);
        let Some(geometry) = decoded_geometry(&bytes) else { continue };
        kept += 1;
        let context = format!("case {case} (simplify {simplify_px})");
        assert!(geometry.vertices().iter().all(in_buffer), "{context}: vertex outside the buffered tile");
        check_polygons(&geometry, &context);
        if let DecodedGeometry::Polygons(p) = &geometry
            && p.iter().any(|p| !p.interiors.is_empty())
        {
            with_holes += 1;
        }
    }
    // The generator must actually exercise the encoder.
    assert!(kept > 100, "only {kept} polygons reached the tile");
    assert!(with_holes > 30, "only {with_holes} polygons kept holes");
}

#[test]
fn crowded_tiny_polygons_are_repaired_not_emitted_invalid() {
    // Many vertices within a few pixels: rounding makes rings cross and touch.
    let mut rng = XorShift(42);
    for case in 0..300 {
        let center = Coord { x: rng.range(0.0, 4096.0), y: rng.range(0.0, 4096.0) };
        let r = rng.range(1.0, 8.0);
        let vertices = 10 + rng.below(60);
        let exterior = star(&mut rng, center, r, vertices);
        let hole_vertices = 3 + rng.below(10);
        let hole = star(&mut rng, center, r * 0.3, hole_vertices);
        let polygon = Polygon::new(exterior, vec![hole]);
        for simplify_px in [0.0, 1.0] {
            let bytes = encode_one(&lonlat_geometry(&polygon), simplify_px);
            if let Some(geometry) = decoded_geometry(&bytes) {
                check_polygons(&geometry, &format!("tiny case {case}"));
            }
        }
    }
}

#[test]
fn polygon_covering_the_tile_yields_the_buffered_square() {
    let b = tile().bounds_lonlat();
    let (w, s, e, n) = (b.min().x - 1.0, b.min().y - 1.0, b.max().x + 1.0, b.max().y + 1.0);
    let covering: Geometry<f64> =
        Polygon::new(LineString::from(vec![(w, s), (e, s), (e, n), (w, n), (w, s)]), vec![]).into();
    let geometry = decoded_geometry(&encode_one(&covering, 1.0)).unwrap();
    let DecodedGeometry::Polygons(polygons) = &geometry else { panic!("{geometry:?}") };
    assert_eq!(polygons.len(), 1);
    let mut corners = polygons[0].exterior.clone();
    corners.sort();
    assert_eq!(corners, [[-64, -64], [-64, 4160], [4160, -64], [4160, 4160]]);
    assert!(signed_area2(&polygons[0].exterior) > 0);
}

#[test]
fn points_outside_the_buffered_tile_are_dropped() {
    let check = |px: f64, py: f64, kept: bool| {
        let mut layer = LayerEncoder::new("p", tile(), EncodeOptions::default());
        let (lon, lat) = tile().tile_px_to_lonlat(px, py, EXTENT);
        assert_eq!(layer.add_feature(1, &Point::new(lon, lat).into(), &[]), kept, "({px}, {py})");
        assert_eq!(layer.is_empty(), !kept);
    };
    check(2048.0, 2048.0, true);
    check(-63.5, 4159.5, true);
    check(-70.0, 100.0, false);
    check(100.0, 4200.0, false);
    check(-1.0e6, -1.0e6, false);
}

#[test]
fn simplification_never_adds_vertices() {
    let mut rng = XorShift(7);
    for case in 0..300 {
        let polygon = random_polygon(&mut rng);
        let geometry = lonlat_geometry(&polygon);
        let plain = decoded_geometry(&encode_one(&geometry, 0.0));
        for tolerance in [0.5, 1.0, 2.0, 8.0] {
            let simplified = decoded_geometry(&encode_one(&geometry, tolerance));
            let count = |g: &Option<DecodedGeometry>| g.as_ref().map_or(0, |g| g.vertices().len());
            assert!(count(&simplified) <= count(&plain), "case {case}, tolerance {tolerance}");
        }
    }
}

#[test]
fn random_lines_stay_in_the_buffer() {
    let mut rng = XorShift(99);
    for case in 0..300 {
        let n = 2 + rng.below(30);
        let line: LineString<f64> = (0..n)
            .map(|_| to_lonlat(Coord { x: rng.range(-4000.0, 8000.0), y: rng.range(-4000.0, 8000.0) }))
            .collect::<Vec<_>>()
            .into();
        let bytes = encode_one(&line.into(), [0.0, 1.0][case % 2]);
        if let Some(geometry) = decoded_geometry(&bytes) {
            let DecodedGeometry::Lines(lines) = &geometry else { panic!("{geometry:?}") };
            assert!(lines.iter().all(|l| l.len() >= 2 && l.windows(2).all(|w| w[0] != w[1])));
            assert!(geometry.vertices().iter().all(in_buffer), "case {case}");
        }
    }
}

#[test]
fn encoding_is_deterministic() {
    let mut rng = XorShift(2024);
    let polygons: Vec<Polygon<f64>> = (0..50).map(|_| random_polygon(&mut rng)).collect();
    let encode_all = || {
        let mut layer = LayerEncoder::new("zones", tile(), EncodeOptions { simplify_px: 1.0, ..Default::default() });
        let mut points = LayerEncoder::new("points", tile(), EncodeOptions::default());
        for (i, p) in polygons.iter().enumerate() {
            let props = [("grade", ((i % 3) as i64).into()), ("name", format!("zone {}", i % 7).into())];
            layer.add_feature(i as u64, &lonlat_geometry(p), &props);
            let c = p.exterior().0[0];
            points.add_feature(i as u64, &Point(to_lonlat(c)).into(), &props);
        }
        let multi: Geometry<f64> = MultiPolygon::new(polygons[..5].to_vec()).into();
        layer.add_feature(1000, &multi, &[]);
        encode_tile(&[layer, points])
    };
    let first = encode_all();
    assert!(!first.is_empty());
    assert_eq!(first, encode_all());
    assert_eq!(landtrace_tiles::dump(&first), landtrace_tiles::dump(&encode_all()));
}
