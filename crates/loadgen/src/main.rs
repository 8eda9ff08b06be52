//! `landtrace-load`: a bounded load generator for a landtrace server on this
//! machine.
//!
//! N well-behaved clients (keep-alive HTTP/1.1, one request at a time each) send a
//! fixed mix of tiles, point queries, truck-ban checks, item reads and 2 % writes;
//! with `--hostile`, one hostile client sends large polygons, slow bodies and
//! headers, oversized anonymous uploads and idle connections at the same time.
//! It reports per class the requests, failures and p50/p90/p99/max latency (a
//! table on stdout, JSON with `--out`), compares the p99 with a baseline run
//! (`--baseline`), and exits 1 when a well-behaved request failed or the p99
//! ratio is over `--max-p99-ratio`.
//!
//! Only loopback IP addresses are accepted, and duration, connections and the
//! hostile client's resources are capped. The admin token for the writes comes
//! from the environment (`LANDTRACE_ADMIN_TOKEN`), never the command line.

mod client;
mod hostile;
mod report;
mod stats;
mod target;
mod workload;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use tokio::time::Instant;

use crate::client::{ClientConfig, run_client};
use crate::report::{Comparison, RunReport, Verdict, WellBehavedReport, hostile_reports, load_average, mix, table};
use crate::target::LoopbackTarget;
use crate::workload::Workload;

/// Hard cap of the measured duration.
const MAX_SECONDS: u64 = 600;
/// Hard cap of the warm-up.
const MAX_WARMUP_SECONDS: u64 = 60;
/// Hard cap of well-behaved connections.
const MAX_CONNECTIONS: usize = 256;
/// Hard cap of the request timeout.
const MAX_REQUEST_TIMEOUT_S: u64 = 120;
/// The environment variable holding the admin token.
const TOKEN_ENV: &str = "LANDTRACE_ADMIN_TOKEN";

/// Bounded load (and a hostile client) against a landtrace server on this machine.
#[derive(Debug, Parser)]
#[command(name = "landtrace-load", version, about, long_about = None)]
struct Args {
    /// The server: a loopback IP address and port (127.0.0.1:8080, [::1]:8080).
    #[arg(long)]
    addr: LoopbackTarget,
    /// Measured seconds (at most 600).
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Seconds of the same load before measuring, not recorded (at most 60).
    #[arg(long, default_value_t = 5)]
    warmup_seconds: u64,
    /// Well-behaved keep-alive connections (at most 256).
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Run the hostile client during the measured seconds.
    #[arg(long)]
    hostile: bool,
    /// Idle connections the hostile client holds open (at most 500).
    #[arg(long, default_value_t = 200)]
    idle_connections: usize,
    /// A well-behaved request without a complete answer after this many seconds
    /// is a timeout (at most 120).
    #[arg(long, default_value_t = 10)]
    request_timeout_s: u64,
    /// An earlier report (the run without the hostile client) to compare the p99 with.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// The largest p99 / baseline p99 that passes.
    #[arg(long, default_value_t = 2.0)]
    max_p99_ratio: f64,
    /// Name of the run in the report (e.g. gpkg-hostile).
    #[arg(long, default_value = "run")]
    label: String,
    /// Write the JSON report here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Seed of the request choice (same seed, same requests per client).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads of the load generator.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

impl Args {
    fn check(&self) -> anyhow::Result<()> {
        if !(1..=MAX_SECONDS).contains(&self.seconds) {
            bail!("--seconds {} is not between 1 and {MAX_SECONDS}", self.seconds);
        }
        if self.warmup_seconds > MAX_WARMUP_SECONDS {
            bail!("--warmup-seconds {} is over {MAX_WARMUP_SECONDS}", self.warmup_seconds);
        }
        if !(1..=MAX_CONNECTIONS).contains(&self.connections) {
            bail!("--connections {} is not between 1 and {MAX_CONNECTIONS}", self.connections);
        }
        if self.idle_connections > hostile::MAX_IDLE_CONNECTIONS {
            bail!("--idle-connections {} is over {}", self.idle_connections, hostile::MAX_IDLE_CONNECTIONS);
        }
        if !(1..=MAX_REQUEST_TIMEOUT_S).contains(&self.request_timeout_s) {
            bail!("--request-timeout-s {} is not between 1 and {MAX_REQUEST_TIMEOUT_S}", self.request_timeout_s);
        }
        if !(self.max_p99_ratio.is_finite() && self.max_p99_ratio >= 1.0) {
            bail!("--max-p99-ratio {} must be a number ≥ 1", self.max_p99_ratio);
        }
        if !(1..=16).contains(&self.threads) {
            bail!("--threads {} is not between 1 and 16", self.threads);
        }
        Ok(())
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(e) = args.check() {
        eprintln!("error: {e:#}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(args.threads).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs the load; `Ok(passed)`.
async fn run(args: Args) -> anyhow::Result<bool> {
    let token = std::env::var(TOKEN_ENV).ok().filter(|t| !t.trim().is_empty());
    if token.is_none() {
        bail!("{TOKEN_ENV} is not set: the writes (and the hostile client's) need the server's admin token");
    }
    let target = args.addr;
    let setup_timeout = Duration::from_secs(30);
    let (status, _) = client::get(target, "/health", setup_timeout).await.context("checking /health")?;
    if !status.is_success() {
        bail!("{target}/health answered {status}: the server is not ready");
    }
    let (status, body) = client::get(target, "/api/trace/records", setup_timeout).await?;
    if !status.is_success() {
        bail!("{target}/api/trace/records answered {status}");
    }
    let records = serde_json::from_slice(&body).context("/api/trace/records is not JSON")?;
    let workload = Arc::new(Workload::from_records(&records)?);
    eprintln!(
        "workload: {} tiles at z10-15 over the county, {} origin-point records",
        workload.tile_count(),
        workload.record_count()
    );
    let payloads = if args.hostile {
        eprintln!("building the hostile payloads (polygons of 150k and 1M vertices, 60 MB uploads)");
        Some(tokio::task::spawn_blocking(hostile::Payloads::build).await?)
    } else {
        None
    };

    let load_average_before = load_average();
    if let Some([a, b, c]) = load_average_before {
        eprintln!("load average before the run: {a:.2} {b:.2} {c:.2}");
    }
    let config = Arc::new(ClientConfig {
        target,
        token: token.clone(),
        request_timeout: Duration::from_secs(args.request_timeout_s),
    });
    let record_from = Instant::now() + Duration::from_secs(args.warmup_seconds);
    let deadline = record_from + Duration::from_secs(args.seconds);
    let clients: Vec<_> = (0..args.connections)
        .map(|i| {
            let seed = args.seed.wrapping_mul(10_007).wrapping_add(i as u64);
            tokio::spawn(run_client(workload.clone(), config.clone(), seed, record_from, deadline))
        })
        .collect();
    let hostile = payloads.map(|payloads| {
        let token: Arc<str> = Arc::from(token.clone().unwrap_or_default());
        let idle = args.idle_connections;
        tokio::spawn(async move {
            tokio::time::sleep_until(record_from).await;
            hostile::run_hostile(target, token, payloads, idle, deadline).await
        })
    });
    let mut per_client = Vec::with_capacity(clients.len());
    for c in clients {
        per_client.push(c.await.context("a client task failed")?);
    }
    let hostile = match hostile {
        Some(h) => Some(hostile_reports(&h.await.context("the hostile client failed")?)),
        None => None,
    };

    let well_behaved = WellBehavedReport::new(&per_client, args.seconds);
    let comparison = match &args.baseline {
        Some(file) => Some(Comparison::new(file, &well_behaved, args.max_p99_ratio)?),
        None => None,
    };
    let verdict = Verdict::judge(&well_behaved, comparison.as_ref());
    let report = RunReport {
        tool: format!("landtrace-load {}", env!("CARGO_PKG_VERSION")),
        label: args.label.clone(),
        addr: target.to_string(),
        hostile_client: args.hostile,
        seconds: args.seconds,
        warmup_seconds: args.warmup_seconds,
        connections: args.connections,
        request_timeout_s: args.request_timeout_s,
        seed: args.seed,
        load_average_before,
        load_average_after: load_average(),
        mix_percent: mix(),
        well_behaved,
        hostile,
        comparison,
        verdict,
    };
    print!("{}", table(&report));
    if let Some(out) = &args.out {
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let json = serde_json::to_string_pretty(&report)?;
        std::fs::write(out, json + "\n").with_context(|| format!("writing {}", out.display()))?;
        eprintln!("report: {}", out.display());
    }
    Ok(report.verdict.passed)
}
