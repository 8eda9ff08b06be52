//! The report of one run: JSON for machines (`--out`), a table for people, and
//! the verdict (no failed well-behaved request; p99 within the allowed ratio of
//! the baseline run).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use serde_json::Value;

use crate::stats::{ClassReport, ClassStats, HostileReport, HostileStats};
use crate::workload::{Class, MIX};

/// Everything one run measured.
#[derive(Debug, Serialize)]
pub struct RunReport {
    /// `landtrace-load` and its version.
    pub tool: String,
    /// What the run is called (e.g. `gpkg-baseline`).
    pub label: String,
    /// The server.
    pub addr: String,
    /// Whether the hostile client ran.
    pub hostile_client: bool,
    /// Measured seconds (after the warm-up).
    pub seconds: u64,
    /// Unrecorded warm-up seconds.
    pub warmup_seconds: u64,
    /// Well-behaved connections.
    pub connections: usize,
    /// Request timeout of the well-behaved clients.
    pub request_timeout_s: u64,
    /// Seed of the request choice.
    pub seed: u64,
    /// `/proc/loadavg` (1, 5, 15 min) before the warm-up.
    pub load_average_before: Option<[f64; 3]>,
    /// `/proc/loadavg` after the run.
    pub load_average_after: Option<[f64; 3]>,
    /// The request mix in percent.
    pub mix_percent: BTreeMap<String, u32>,
    /// The well-behaved clients.
    pub well_behaved: WellBehavedReport,
    /// The hostile client's classes, when it ran.
    pub hostile: Option<BTreeMap<String, HostileReport>>,
    /// The comparison with the baseline run, when one was given.
    pub comparison: Option<Comparison>,
    /// Whether the run passed, and why not.
    pub verdict: Verdict,
}

/// The well-behaved clients together and per class.
#[derive(Debug, Serialize)]
pub struct WellBehavedReport {
    /// Requests per second over the measured seconds.
    pub throughput_rps: f64,
    /// Every class together.
    pub all: ClassReport,
    /// Per class.
    pub classes: BTreeMap<String, ClassReport>,
}

impl WellBehavedReport {
    /// Merges the clients' stats.
    pub fn new(per_client: &[BTreeMap<Class, ClassStats>], seconds: u64) -> WellBehavedReport {
        let mut classes: BTreeMap<Class, ClassStats> = BTreeMap::new();
        let mut all = ClassStats::default();
        for client in per_client {
            for (class, stats) in client {
                classes.entry(*class).or_default().merge(stats);
                all.merge(stats);
            }
        }
        let all = all.report();
        WellBehavedReport {
            throughput_rps: all.requests as f64 / seconds.max(1) as f64,
            all,
            classes: classes.iter().map(|(c, s)| (c.name().to_owned(), s.report())).collect(),
        }
    }
}

/// The hostile classes' reports.
pub fn hostile_reports(stats: &BTreeMap<&'static str, HostileStats>) -> BTreeMap<String, HostileReport> {
    stats.iter().map(|(c, s)| ((*c).to_owned(), s.report())).collect()
}

/// This run's well-behaved p99 against the baseline run's.
#[derive(Debug, Serialize)]
pub struct Comparison {
    /// The baseline report.
    pub baseline_file: PathBuf,
    /// Its well-behaved p99 (ms).
    pub baseline_p99_ms: f64,
    /// This run's well-behaved p99 (ms).
    pub p99_ms: f64,
    /// `p99_ms / baseline_p99_ms`.
    pub ratio: f64,
    /// The largest ratio that passes.
    pub max_ratio: f64,
    /// Per class, this run's p99 over the baseline's (for insight; the verdict
    /// uses the overall ratio).
    pub class_ratios: BTreeMap<String, f64>,
}

impl Comparison {
    /// Reads the baseline report and compares `well`'s p99 (overall and per class).
    pub fn new(baseline_file: &Path, well: &WellBehavedReport, max_ratio: f64) -> anyhow::Result<Comparison> {
        let p99_ms = well.all.latency.p99_ms;
        let text = std::fs::read_to_string(baseline_file)
            .with_context(|| format!("reading the baseline report {}", baseline_file.display()))?;
        let value: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a landtrace-load report", baseline_file.display()))?;
        let baseline_p99_ms = value["well_behaved"]["all"]["latency"]["p99_ms"]
            .as_f64()
            .filter(|p| *p > 0.0)
            .with_context(|| format!("{} has no well-behaved p99", baseline_file.display()))?;
        let class_ratios = well
            .classes
            .iter()
            .filter_map(|(name, r)| {
                let base = value["well_behaved"]["classes"][name]["latency"]["p99_ms"].as_f64().filter(|p| *p > 0.0)?;
                Some((name.clone(), r.latency.p99_ms / base))
            })
            .collect();
        Ok(Comparison {
            baseline_file: baseline_file.to_owned(),
            baseline_p99_ms,
            p99_ms,
            ratio: p99_ms / baseline_p99_ms,
            max_ratio,
            class_ratios,
        })
    }
}

/// Whether the run passed.
#[derive(Debug, Serialize)]
pub struct Verdict {
    /// No failed well-behaved request, and the p99 ratio (if any) within bounds.
    pub passed: bool,
    /// What failed, for people.
    pub problems: Vec<String>,
}

impl Verdict {
    /// Judges the well-behaved results and the comparison.
    pub fn judge(well: &WellBehavedReport, comparison: Option<&Comparison>) -> Verdict {
        let mut problems = Vec::new();
        let a = &well.all;
        if a.requests == 0 {
            problems.push("no well-behaved request completed".to_owned());
        }
        if a.failed > 0 {
            problems.push(format!(
                "{} of {} well-behaved requests failed: {} answered 5xx, {} answered 4xx, {} connection errors, {} timeouts",
                a.failed, a.requests, a.status_5xx, a.status_4xx, a.connection_errors, a.timeouts
            ));
        }
        if let Some(c) = comparison
            && c.ratio > c.max_ratio
        {
            problems.push(format!(
                "well-behaved p99 {:.1} ms is {:.2}x the baseline's {:.1} ms (allowed: {}x)",
                c.p99_ms, c.ratio, c.baseline_p99_ms, c.max_ratio
            ));
        }
        Verdict { passed: problems.is_empty(), problems }
    }
}

/// The request mix as a map for the report.
pub fn mix() -> BTreeMap<String, u32> {
    MIX.iter().map(|(c, p)| (c.name().to_owned(), *p)).collect()
}

/// `/proc/loadavg`: the 1, 5 and 15 minute load averages (Linux only).
pub fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut it = text.split_whitespace().map(|s| s.parse::<f64>().ok());
    Some([it.next()??, it.next()??, it.next()??])
}

fn row(out: &mut String, name: &str, r: &ClassReport) {
    let _ = writeln!(
        out,
        "{name:<24} {:>9} {:>7} {:>5} {:>5} {:>5} {:>5} {:>9.2} {:>9.2} {:>9.2} {:>9.1}",
        r.requests,
        r.failed,
        r.status_5xx,
        r.status_4xx,
        r.connection_errors,
        r.timeouts,
        r.latency.p50_ms,
        r.latency.p90_ms,
        r.latency.p99_ms,
        r.latency.max_ms
    );
}

/// The human table.
pub fn table(report: &RunReport) -> String {
    let mut out = String::new();
    let load = |l: Option<[f64; 3]>| l.map_or("unknown".to_owned(), |[a, b, c]| format!("{a:.2} {b:.2} {c:.2}"));
    let _ = writeln!(
        out,
        "== {}: {} connections, {} s (+{} s warm-up) against {}, hostile client: {}",
        report.label,
        report.connections,
        report.seconds,
        report.warmup_seconds,
        report.addr,
        if report.hostile_client { "on" } else { "off" }
    );
    let _ = writeln!(
        out,
        "load average before: {}; after: {}",
        load(report.load_average_before),
        load(report.load_average_after)
    );
    let _ = writeln!(
        out,
        "{:<24} {:>9} {:>7} {:>5} {:>5} {:>5} {:>5} {:>9} {:>9} {:>9} {:>9}",
        "well-behaved", "requests", "failed", "5xx", "4xx", "conn", "tmout", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    for (name, r) in &report.well_behaved.classes {
        row(&mut out, name, r);
    }
    row(&mut out, "ALL", &report.well_behaved.all);
    let _ = writeln!(out, "throughput: {:.0} requests/s", report.well_behaved.throughput_rps);
    if let Some(hostile) = &report.hostile {
        let _ = writeln!(out, "{:<34} {:>8} {:>10} {:>10}  outcomes", "hostile", "attempts", "p50 ms", "max ms");
        for (name, r) in hostile {
            let outcomes: Vec<String> = r.outcomes.iter().map(|(o, n)| format!("{o}: {n}")).collect();
            let _ = writeln!(
                out,
                "{name:<34} {:>8} {:>10.1} {:>10.1}  {}",
                r.attempts,
                r.latency.p50_ms,
                r.latency.max_ms,
                outcomes.join(", ")
            );
        }
    }
    if let Some(c) = &report.comparison {
        let _ = writeln!(
            out,
            "p99 {:.2} ms vs baseline {:.2} ms: ratio {:.2} (allowed {})",
            c.p99_ms, c.baseline_p99_ms, c.ratio, c.max_ratio
        );
        let per_class: Vec<String> = c.class_ratios.iter().map(|(n, r)| format!("{n} {r:.2}")).collect();
        let _ = writeln!(out, "p99 ratio per class: {}", per_class.join(", "));
    }
    if report.verdict.passed {
        let _ = writeln!(out, "PASSED");
    } else {
        for p in &report.verdict.problems {
            let _ = writeln!(out, "FAILED: {p}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::{Comparison, Verdict, WellBehavedReport};
    use crate::stats::{ClassStats, Outcome};
    use crate::workload::Class;

    fn well(outcomes: &[(Outcome, u64)]) -> WellBehavedReport {
        let mut s = ClassStats::default();
        for (o, ms) in outcomes {
            s.record(*o, Duration::from_millis(*ms));
        }
        WellBehavedReport::new(&[BTreeMap::from([(Class::Locate, s)])], 1)
    }

    fn comparison(ratio: f64) -> Comparison {
        Comparison {
            baseline_file: "b.json".into(),
            baseline_p99_ms: 10.0,
            p99_ms: 10.0 * ratio,
            ratio,
            max_ratio: 2.0,
            class_ratios: BTreeMap::new(),
        }
    }

    #[test]
    fn a_clean_run_within_the_ratio_passes() {
        let v = Verdict::judge(&well(&[(Outcome::Ok(200), 3)]), Some(&comparison(1.9)));
        assert!(v.passed, "{v:?}");
    }

    #[test]
    fn one_failed_request_or_a_slow_p99_fails_the_run() {
        let v = Verdict::judge(&well(&[(Outcome::Ok(200), 3), (Outcome::ServerError(503), 3)]), None);
        assert!(!v.passed);
        assert!(v.problems[0].contains("1 of 2"), "{v:?}");
        let v = Verdict::judge(&well(&[(Outcome::Ok(200), 3)]), Some(&comparison(2.1)));
        assert!(!v.passed);
        assert!(v.problems[0].contains("2.10x"), "{v:?}");
        let v = Verdict::judge(&well(&[]), None);
        assert!(!v.passed);
    }

    #[test]
    fn the_comparison_reads_the_baseline_p99() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("baseline.json");
        std::fs::write(
            &file,
            r#"{"well_behaved":{"all":{"latency":{"p99_ms":4.0}},"classes":{"locate":{"latency":{"p99_ms":2.0}}}}}"#,
        )
        .unwrap();
        let run = well(&[(Outcome::Ok(200), 10)]);
        let c = Comparison::new(&file, &run, 2.0).unwrap();
        assert!((c.ratio - 2.5).abs() < 0.01, "{c:?}");
        assert!((c.class_ratios["locate"] - 5.0).abs() < 0.01, "{c:?}");
        std::fs::write(&file, "{}").unwrap();
        assert!(Comparison::new(&file, &run, 2.0).is_err());
    }
}
