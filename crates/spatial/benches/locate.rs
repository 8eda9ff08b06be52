//! Throughput of `ZoneIndex::locate_batch` over 1,000,000 points on the
//! deterministic synthetic data of `synthetic/mod.rs`.
//!
//! Run with `cargo bench -p landtrace-spatial --bench locate`.

mod synthetic;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use landtrace_spatial::ZoneIndex;
use std::hint::black_box;
use synthetic::Layer;

const POINTS: usize = 1_000_000;

fn locate_batch(c: &mut Criterion) {
    let points = synthetic::points(POINTS);
    let parcels = synthetic::parcels();
    let mut all_zones = parcels.clone();
    all_zones.extend(synthetic::admin_areas());

    let mut group = c.benchmark_group("locate_batch_1M_points");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(POINTS as u64));

    for (name, zones) in [("5000_parcels", parcels), ("5000_parcels_county_16_townships", all_zones)] {
        let index: ZoneIndex<(Layer, u32)> = ZoneIndex::bulk_load(zones);
        let hits = index.locate_batch(&points).len();
        eprintln!("{name}: {} zones, {hits} hits for {POINTS} points", index.len());
        group.bench_function(name, |b| b.iter(|| index.locate_batch(black_box(&points))));
    }
    group.finish();
}

criterion_group!(benches, locate_batch);
criterion_main!(benches);
