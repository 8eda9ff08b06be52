//! Encoding cost of one tile: the real boundary of 临猗县 (653 vertices) and a
//! county-sized polygon of 20,000 vertices (deterministic noise on an ellipse), each
//! cut at zoom 9 (the whole county in the tile) and zoom 14 (a tile crossing the
//! boundary), with and without simplification; and 1,000 points.
//!
//! Run with `cargo bench -p landtrace-tiles --bench encode`.

#[path = "../tests/fixtures/boundaries.rs"]
mod boundaries;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Coord, Geometry, LineString, Point, Polygon};
use landtrace_tiles::{EncodeOptions, LayerEncoder, TileCoord, encode_tile};
use std::hint::black_box;

/// The county seat, 110.775°E 35.14°N.
const CENTER: Coord<f64> = Coord { x: 110.775, y: 35.14 };

/// xorshift64: the same data on every machine.
fn noise(state: &mut u64) -> f64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state % 10_000) as f64 / 10_000.0
}

/// An ellipse of about 0.25° × 0.18° with 0.05 % radial noise (about 0.7 px at zoom 9).
fn county(vertices: usize) -> Geometry<f64> {
    let mut state = 0x5eed;
    let mut coords: Vec<Coord<f64>> = (0..vertices)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / vertices as f64;
            let r = 1.0 + 0.0005 * noise(&mut state);
            Coord { x: CENTER.x + 0.25 * r * a.cos(), y: CENTER.y + 0.18 * r * a.sin() }
        })
        .collect();
    coords.push(coords[0]);
    Polygon::new(LineString::new(coords), vec![]).into()
}

fn encode_one(tile: TileCoord, geometry: &Geometry<f64>, simplify_px: f64) -> Vec<u8> {
    let mut layer = LayerEncoder::new("county", tile, EncodeOptions { simplify_px, ..Default::default() });
    layer.add_feature(1, geometry, &[("name", "临猗县".into())]);
    encode_tile(&[layer])
}

fn encode(c: &mut Criterion) {
    let polygon = county(20_000);
    let at = |lon: f64, lat: f64, z: u8| {
        landtrace_tiles::tiles_covering(geo::Rect::new((lon, lat), (lon, lat)), z).next().unwrap()
    };
    let z9 = at(CENTER.x, CENTER.y, 9);
    let z10 = at(CENTER.x, CENTER.y, 10);
    // A zoom-14 tile on the ellipse's western edge.
    let z14 = at(110.525, 35.14, 14);
    let linyi: Geometry<f64> = boundaries::linyi().geometry.into();
    // A zoom-14 tile on the real boundary: its westernmost vertex.
    let west =
        boundaries::linyi().geometry.0[0].exterior().0.iter().copied().min_by(|a, b| a.x.total_cmp(&b.x)).unwrap();
    let linyi_z14 = at(west.x, west.y, 14);
    for (group_name, geometry, edge_tile) in
        [("encode_linyi_boundary_653", &linyi, linyi_z14), ("encode_county_polygon_20k", &polygon, z14)]
    {
        let mut group = c.benchmark_group(group_name);
        group.sample_size(20);
        for (name, tile, simplify) in [
            ("z9_simplify_0", z9, 0.0),
            ("z9_simplify_1", z9, 1.0),
            ("z14_simplify_0", edge_tile, 0.0),
            ("z14_simplify_1", edge_tile, 1.0),
        ] {
            eprintln!("{group_name}/{name}: {} bytes", encode_one(tile, geometry, simplify).len());
            group.bench_function(name, |b| b.iter(|| encode_one(tile, black_box(geometry), simplify)));
        }
        group.finish();
    }

    let mut state = 7;
    let points: Vec<Geometry<f64>> = (0..1000)
        .map(|_| {
            Point::new(CENTER.x + 0.5 * (noise(&mut state) - 0.5), CENTER.y + 0.4 * (noise(&mut state) - 0.5)).into()
        })
        .collect();
    c.bench_function("encode_1000_points_z10", |b| {
        b.iter(|| {
            let mut layer = LayerEncoder::new("points", z10, EncodeOptions::default());
            for (i, p) in points.iter().enumerate() {
                layer.add_feature(i as u64, p, &[("product", "韭菜".into()), ("accuracy", "illustrative".into())]);
            }
            encode_tile(&[layer])
        })
    });
}

criterion_group!(benches, encode);
criterion_main!(benches);
