//! Polygon validity: `landtrace_spatial::validate_multipolygon` (an exact
//! O(n log n) sweep) against geo's `Validation` (the peer, which compares
//! every pair of edges) on the deterministic shapes of `shapes/mod.rs` at
//! 10k, 50k, 150k and 1M vertices.
//!
//! geo is only run at 10k vertices: it needs about 0.7 s there, 16 s at 50k
//! and over 2 minutes at 150k per call (issue 11), and criterion takes at
//! least 10 samples.
//!
//! Run with `cargo bench -p landtrace-spatial --bench validity -- --warm-up-time 1 --measurement-time 3`.

mod shapes;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use geo::{MultiPolygon, Polygon, Validation};
use landtrace_spatial::validate_multipolygon;
use std::hint::black_box;

const SIZES: [usize; 4] = [10_000, 50_000, 150_000, 1_000_000];
/// The largest size at which geo's quadratic check is run.
const PEER_MAX: usize = 10_000;

/// A named shape generator.
type Shape = (&'static str, fn(usize) -> Polygon<f64>);

fn validity(c: &mut Criterion) {
    let shapes: [Shape; 4] = [
        ("circle", shapes::circle),
        ("comb", shapes::comb),
        ("slanted_comb", shapes::slanted_comb),
        ("spiral", shapes::spiral),
    ];
    for (name, make) in shapes {
        let mut group = c.benchmark_group(format!("validity_{name}"));
        group.sample_size(10);
        group.sampling_mode(SamplingMode::Flat);
        for n in SIZES {
            let polygon = MultiPolygon(vec![make(n)]);
            let vertices = polygon.0[0].exterior().0.len();
            assert_eq!(validate_multipolygon(&polygon), Ok(()), "{name} {n} is not valid");
            group.throughput(Throughput::Elements(vertices as u64));
            group.bench_with_input(BenchmarkId::new("sweep", n), &polygon, |b, p| {
                b.iter(|| validate_multipolygon(black_box(p)))
            });
            if n <= PEER_MAX {
                assert!(polygon.is_valid(), "geo rejects {name} {n}");
                group.bench_with_input(BenchmarkId::new("geo_validation", n), &polygon, |b, p| {
                    b.iter(|| black_box(p).is_valid())
                });
            }
        }
        group.finish();
    }
}

criterion_group!(benches, validity);
criterion_main!(benches);
