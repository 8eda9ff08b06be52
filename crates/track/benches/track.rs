//! Throughput of reading a CSV track and checking it: 1,000,000 synthetic
//! fixes (deterministic, 1 Hz, RFC 3339 times) parsed from CSV text and run
//! through a `TrackChecker` against a 50-vertex zone.
//!
//! Run with `cargo bench -p landtrace-track --bench track`; criterion
//! reports the throughput in fixes per second (elements/s).

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use geo::{LineString, MultiPolygon, Polygon};
use landtrace_spatial::Crs;
use landtrace_track::{BanZone, CheckOptions, FixReader, TrackChecker};
use std::f64::consts::TAU;
use std::fmt::Write;
use std::hint::black_box;

const FIXES: usize = 1_000_000;
const CENTRE: (f64, f64) = (110.77, 35.14);

/// A 50-vertex star-ish zone of radius 0.015–0.02° around the centre.
fn zone() -> BanZone {
    let ring: Vec<(f64, f64)> = (0..50)
        .map(|i| {
            let angle = i as f64 * TAU / 50.0;
            let radius = if i % 2 == 0 { 0.02 } else { 0.015 };
            (CENTRE.0 + radius * 1.2 * angle.cos(), CENTRE.1 + radius * angle.sin())
        })
        .collect();
    BanZone::new(&MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]))
}

/// A truck wandering in and out of the zone at about 10 m/s, one fix a
/// second from 2024-05-01T00:00:00Z (so ban hours start and end ~23 times),
/// with a deterministic metre-scale jitter.
fn csv_text() -> String {
    let mut text = String::with_capacity(FIXES * 48);
    text.push_str("time,lon,lat\n");
    let mut seed: u64 = 0x2023_0301;
    let start_days = 19_844; // 2024-05-01
    for i in 0..FIXES {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let jitter = ((seed >> 40) as f64 / (1u64 << 24) as f64 - 0.5) * 2e-5;
        let s = i as f64;
        let lon = CENTRE.0 + 0.03 * (TAU * s / 1_900.0).sin() + jitter;
        let lat = CENTRE.1 + 0.025 * (TAU * s / 1_300.0 + 0.5).sin() - jitter;
        let secs = i as u64;
        let (day, sec_of_day) = (start_days + secs / 86_400, secs % 86_400);
        let (year, month, dom) = civil_from_days(day as i64);
        let _ = writeln!(
            text,
            "{year:04}-{month:02}-{dom:02}T{:02}:{:02}:{:02}Z,{lon:.7},{lat:.7}",
            sec_of_day / 3600,
            sec_of_day / 60 % 60,
            sec_of_day % 60
        );
    }
    text
}

/// H. Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn parse_and_check(c: &mut Criterion) {
    let text = csv_text();
    let zone = zone();
    let check = |text: &str| {
        TrackChecker::new(&zone, CheckOptions::default()).check_all(FixReader::csv(text.as_bytes(), Crs::Wgs84))
    };
    let report = check(&text);
    eprintln!(
        "{} fixes, {} intervals, {} problems, {} gaps, {:.0} km driven, {:.0} km / {:.1} h in violation",
        report.fixes,
        report.intervals.len(),
        report.problems.len(),
        report.gaps.len(),
        report.total_distance_m / 1000.0,
        report.total_violation_m / 1000.0,
        report.total_violation_s() / 3600.0
    );
    assert_eq!(report.fixes, FIXES);
    assert!(report.problems.is_empty());

    let mut group = c.benchmark_group("track_1M_fixes");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(FIXES as u64));
    group.bench_function("csv_parse_and_check_50_vertex_zone", |b| b.iter(|| check(black_box(&text))));
    group.bench_function("csv_parse_only", |b| {
        b.iter(|| FixReader::csv(black_box(text.as_bytes()), Crs::Wgs84).filter(Result::is_ok).count())
    });
    group.finish();
}

criterion_group!(benches, parse_and_check);
criterion_main!(benches);
