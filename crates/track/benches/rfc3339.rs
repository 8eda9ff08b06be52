//! Which time library parses fix times: the same 1,000,000 RFC 3339 timestamps
//! read to unix milliseconds by the hand-written parser of the track crate before
//! issue 12 (`rfc3339/hand_written.rs`), by `jiff` and by `time`, and by the parser
//! the project uses now (`landtrace_track::parse_time_ms`, which reads RFC 3339 with
//! `landtrace_domain::units::instant::parse_rfc3339`, built on `time`).
//!
//! Run with `cargo bench -p landtrace-track --bench rfc3339`; criterion reports
//! timestamps per second (elements/s). Before the timing, every parser's answer is
//! checked against the hand-written one on all 1,000,000 inputs.
//!
//! The inputs are 1 Hz from 2024-05-01T00:00:00Z in four forms, in turn:
//! `…T08:00:00Z`, `…T08:00:00.250Z`, `…T16:00:00+08:00` and `…T16:00:00.250+08:00`,
//! as GPS loggers and exports write them.

#[path = "rfc3339/hand_written.rs"]
mod hand_written;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::fmt::Write;
use std::hint::black_box;
use time::format_description::well_known::Rfc3339;

const N: usize = 1_000_000;

/// A parser under test: a timestamp to unix milliseconds, `None` if refused.
type Parser = fn(&str) -> Option<i64>;

/// The inputs: one text, and the range of each timestamp in it.
fn inputs() -> (String, Vec<std::ops::Range<usize>>) {
    let mut text = String::with_capacity(N * 30);
    let mut ranges = Vec::with_capacity(N);
    let start = 1_714_521_600i64; // 2024-05-01T00:00:00Z
    for i in 0..N {
        let from = text.len();
        let (offset_h, fraction) = match i % 4 {
            0 => (0, ""),
            1 => (0, ".250"),
            2 => (8, ""),
            _ => (8, ".250"),
        };
        let local = start + i as i64 + offset_h * 3600;
        let (days, s) = (local.div_euclid(86_400), local.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let _ = write!(text, "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{fraction}", s / 3600, s / 60 % 60, s % 60);
        text.push_str(if offset_h == 0 { "Z" } else { "+08:00" });
        ranges.push(from..text.len());
    }
    (text, ranges)
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

fn hand_written(text: &str) -> Option<i64> {
    hand_written::parse_time_ms(text).ok()
}

fn jiff(text: &str) -> Option<i64> {
    text.parse::<jiff::Timestamp>().ok().map(jiff::Timestamp::as_millisecond)
}

fn time(text: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(text, &Rfc3339).ok()?;
    Some(t.unix_timestamp() * 1000 + i64::from(t.millisecond()))
}

fn landtrace(text: &str) -> Option<i64> {
    landtrace_track::parse_time_ms(text).ok()
}

fn rfc3339(c: &mut Criterion) {
    let (text, ranges) = inputs();
    let parsers: [(&str, Parser); 4] =
        [("hand_written", hand_written), ("jiff", jiff), ("time", time), ("landtrace_parse_time_ms", landtrace)];
    let expected: Vec<i64> = ranges.iter().map(|r| hand_written(&text[r.clone()]).expect("valid input")).collect();
    for (name, parse) in parsers {
        for (r, &want) in ranges.iter().zip(&expected) {
            assert_eq!(parse(&text[r.clone()]), Some(want), "{name}: {}", &text[r.clone()]);
        }
    }

    let mut group = c.benchmark_group("rfc3339_1M_timestamps");
    group.sample_size(20);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(N as u64));
    for (name, parse) in parsers {
        group.bench_function(name, |b| {
            b.iter(|| {
                let text = black_box(text.as_str());
                ranges.iter().map(|r| parse(&text[r.clone()]).unwrap_or(0)).fold(0i64, i64::wrapping_add)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, rfc3339);
criterion_main!(benches);
