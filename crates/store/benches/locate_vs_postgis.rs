//! Point-in-zone lookup, ours against PostGIS, on the same deterministic data:
//! `ZoneIndex::bulk_load` + `locate_batch` (single-threaded) against
//! `SELECT p.id, z.id FROM points p JOIN zones z ON ST_Intersects(p.geom, z.geom)`
//! (GiST indexes on both tables, every pair streamed to this process).
//!
//! A one-shot comparative measurement, not a criterion benchmark: it loads the
//! 5,000 synthetic parcels (and, as a second case, the parcels plus the county-
//! and township-like zones) and the 1,000,000 synthetic points of
//! `crates/spatial/benches/synthetic/` into the database with COPY (EWKB hex),
//! times a warm-up plus 3 runs of each side and reports the best, checks that
//! both give exactly the same set of (point, zone) pairs (exit status 1 if not),
//! and prints points/s and the ratio ours / PostGIS. The goal is at least 50x.
//!
//!     scripts/bench postgis     # private cluster, database landtrace_bench
//!
//! or, against any PostGIS database it may write tables `bench_*` into:
//!
//!     LANDTRACE_BENCH_DATABASE_URL=postgres://... \
//!       cargo bench --locked -p landtrace-store --bench locate_vs_postgis
//!
//! Without `LANDTRACE_BENCH_DATABASE_URL`, or when run as a test (no `--bench`
//! argument, e.g. `cargo test --all-targets`), it prints why and does nothing.

#[path = "../../spatial/benches/synthetic/mod.rs"]
mod synthetic;

use geo::{Coord, Geometry, MultiPolygon, Point};
use landtrace_spatial::ZoneIndex;
use sqlx::{AssertSqlSafe, Connection, PgConnection, Row};
use std::error::Error;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};
use synthetic::Layer;

type BoxError = Box<dyn Error + Send + Sync>;

const POINTS: usize = 1_000_000;
/// Timed runs of each side (after one warm-up run); the best is reported.
const RUNS: usize = 3;
/// The throughput ratio ours / PostGIS this benchmark checks for.
const GOAL_RATIO: f64 = 50.0;
const POINTS_TABLE: &str = "bench_points";
/// Bytes of COPY data sent per message.
const COPY_CHUNK: usize = 1 << 20;

/// A (point id, zone id) pair: the answer of both sides.
type Pair = (u32, u32);

struct Case {
    name: &'static str,
    table: &'static str,
    /// Zone id (the `id` column, the index key) and shape.
    zones: Vec<(u32, MultiPolygon<f64>)>,
}

struct Outcome {
    name: &'static str,
    zones: usize,
    pairs: usize,
    postgis_runs: Vec<Duration>,
    build_runs: Vec<Duration>,
    ours_runs: Vec<Duration>,
    identical: bool,
}

fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        eprintln!("locate_vs_postgis: not a test; run it with `cargo bench` (scripts/bench postgis)");
        return;
    }
    let Ok(url) = std::env::var("LANDTRACE_BENCH_DATABASE_URL") else {
        eprintln!(
            "locate_vs_postgis: skipped, LANDTRACE_BENCH_DATABASE_URL is not set \
             (scripts/bench postgis sets it up)"
        );
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(run(&url)) {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("locate_vs_postgis: FAILED: PostGIS and ZoneIndex disagree (see above)");
            std::process::exit(1);
        }
        Err(error) => {
            eprintln!("locate_vs_postgis: error: {error}");
            std::process::exit(2);
        }
    }
}

/// The two cases; zone ids are positions in the list (parcels keep their fid).
fn cases() -> Vec<Case> {
    let parcels: Vec<(u32, MultiPolygon<f64>)> = synthetic::parcels()
        .into_iter()
        .enumerate()
        .map(|(i, ((layer, fid), shape))| {
            assert!(layer == Layer::Parcel && fid as usize == i);
            (fid, shape)
        })
        .collect();
    let mut all = parcels.clone();
    let first_admin = all.len() as u32;
    all.extend(synthetic::admin_areas().into_iter().enumerate().map(|(i, ((layer, _), shape))| {
        assert!(layer != Layer::Parcel);
        (first_admin + i as u32, shape)
    }));
    vec![
        Case { name: "5,000 parcels", table: "bench_zones_parcels", zones: parcels },
        Case { name: "5,000 parcels + county + 16 townships", table: "bench_zones_all", zones: all },
    ]
}

async fn run(url: &str) -> Result<bool, BoxError> {
    let mut conn = PgConnection::connect(url).await?;
    sqlx::raw_sql("CREATE EXTENSION IF NOT EXISTS postgis").execute(&mut conn).await?;
    print_settings(&mut conn).await?;

    let load_before = load_average();
    let points = synthetic::points(POINTS);
    let cases = cases();

    println!("\n==> loading into PostGIS (COPY, EWKB hex), GiST indexes, ANALYZE");
    let started = Instant::now();
    load_table(&mut conn, POINTS_TABLE, "Point", points.iter().enumerate().map(|(i, &c)| (i as u32, Point(c).into())))
        .await?;
    println!("    {POINTS_TABLE}: {POINTS} points in {:.1} s", started.elapsed().as_secs_f64());
    for case in &cases {
        let started = Instant::now();
        load_table(&mut conn, case.table, "MultiPolygon", case.zones.iter().map(|(id, z)| (*id, z.clone().into())))
            .await?;
        println!("    {}: {} zones in {:.1} s", case.table, case.zones.len(), started.elapsed().as_secs_f64());
    }

    let mut outcomes = Vec::new();
    for case in cases {
        outcomes.push(run_case(&mut conn, case, &points).await?);
    }
    print_results(&outcomes);
    println!("load average before / after: {load_before} / {}", load_average());
    conn.close().await?;
    Ok(outcomes.iter().all(|o| o.identical))
}

async fn print_settings(conn: &mut PgConnection) -> Result<(), BoxError> {
    let version: String = sqlx::query_scalar("SELECT version()").fetch_one(&mut *conn).await?;
    let postgis: String = sqlx::query_scalar("SELECT postgis_full_version()").fetch_one(&mut *conn).await?;
    println!("==> PostgreSQL: {version}");
    println!("    PostGIS: {postgis}");
    let mut line = String::from("    settings:");
    for setting in [
        "max_parallel_workers_per_gather",
        "max_parallel_workers",
        "max_worker_processes",
        "parallel_setup_cost",
        "shared_buffers",
        "work_mem",
        "effective_cache_size",
        "random_page_cost",
        "jit",
        "fsync",
    ] {
        let row = sqlx::query("SELECT current_setting($1)").bind(setting).fetch_one(&mut *conn).await?;
        let value: String = row.try_get(0)?;
        write!(line, " {setting}={value}")?;
    }
    println!("{line}");
    println!(
        "    machine: {} CPUs ({}), the server and this process share them",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    Ok(())
}

/// The 1, 5 and 15 minute load averages: other work on this machine skews both sides.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

/// (Re)creates `table (id integer, geom geometry(KIND, 4326))`, fills it with
/// COPY, builds a GiST index on `geom` and analyzes it.
async fn load_table(
    conn: &mut PgConnection,
    table: &str,
    kind: &str,
    rows: impl Iterator<Item = (u32, Geometry<f64>)>,
) -> Result<(), BoxError> {
    let ddl = format!(
        "DROP TABLE IF EXISTS {table}; \
         CREATE TABLE {table} (id integer NOT NULL, geom geometry({kind}, 4326) NOT NULL)"
    );
    sqlx::raw_sql(AssertSqlSafe(ddl)).execute(&mut *conn).await?;
    let mut copy = conn.copy_in_raw(&format!("COPY {table} (id, geom) FROM STDIN")).await?;
    let mut buffer = String::with_capacity(COPY_CHUNK + 64 * 1024);
    let mut wkb = Vec::new();
    for (id, geometry) in rows {
        write!(buffer, "{id}\t")?;
        ewkb_hex(&geometry, &mut wkb, &mut buffer);
        buffer.push('\n');
        if buffer.len() >= COPY_CHUNK {
            copy.send(buffer.as_bytes()).await?;
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await?;
    }
    copy.finish().await?;
    let index = format!("CREATE INDEX {table}_geom ON {table} USING gist (geom); ANALYZE {table}");
    sqlx::raw_sql(AssertSqlSafe(index)).execute(&mut *conn).await?;
    Ok(())
}

/// Appends the geometry as hex EWKB with SRID 4326 (PostGIS's text input for
/// geometry): the crate's little-endian WKB with the SRID flag and SRID added to
/// the outer header. Exact: no decimal conversion of coordinates.
fn ewkb_hex(geometry: &Geometry<f64>, wkb: &mut Vec<u8>, out: &mut String) {
    const SRID_FLAG: u32 = 0x2000_0000;
    wkb.clear();
    landtrace_store::wkb::encode(geometry, wkb);
    assert_eq!(wkb[0], 1, "the WKB encoder writes little-endian");
    let kind = u32::from_le_bytes([wkb[1], wkb[2], wkb[3], wkb[4]]) | SRID_FLAG;
    let header = [&[1u8][..], &kind.to_le_bytes(), &4326u32.to_le_bytes()];
    for byte in header.into_iter().flatten().chain(&wkb[5..]) {
        write!(out, "{byte:02X}").expect("writing to a String");
    }
}

fn join_sql(table: &str) -> String {
    format!("SELECT p.id, z.id FROM {POINTS_TABLE} p JOIN {table} z ON ST_Intersects(p.geom, z.geom)")
}

/// Every (point, zone) pair of the PostGIS join, streamed row by row.
async fn postgis_pairs(conn: &mut PgConnection, sql: &str) -> Result<Vec<Pair>, BoxError> {
    let mut rows = sqlx::query_as::<_, (i32, i32)>(AssertSqlSafe(sql.to_owned())).fetch(&mut *conn);
    let mut pairs = Vec::new();
    // `rows` is a boxed `dyn Stream`: poll it directly (no futures crate needed).
    while let Some(row) = std::future::poll_fn(|cx| rows.as_mut().poll_next(cx)).await {
        let (point, zone) = row?;
        pairs.push((point as u32, zone as u32));
    }
    Ok(pairs)
}

fn ours_pairs(index: &ZoneIndex<u32>, points: &[Coord<f64>]) -> Vec<Pair> {
    index.locate_batch(points).into_iter().map(|(i, zone)| (i as u32, zone)).collect()
}

async fn run_case(conn: &mut PgConnection, case: Case, points: &[Coord<f64>]) -> Result<Outcome, BoxError> {
    println!("\n==> {}: {} zones x {POINTS} points", case.name, case.zones.len());
    let sql = join_sql(case.table);
    println!("    {sql}");
    let plan: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!("EXPLAIN {sql}"))).fetch_all(&mut *conn).await?;
    for line in &plan {
        println!("    | {line}");
    }

    // PostGIS: warm-up, then RUNS timed runs.
    let mut postgis_runs = Vec::new();
    let mut postgis = Vec::new();
    for run in 0..=RUNS {
        let started = Instant::now();
        postgis = postgis_pairs(conn, &sql).await?;
        let elapsed = started.elapsed();
        println!(
            "    PostGIS {}: {:.3} s, {} pairs",
            if run == 0 { "warm-up".to_owned() } else { format!("run {run}") },
            elapsed.as_secs_f64(),
            postgis.len()
        );
        if run > 0 {
            postgis_runs.push(elapsed);
        }
    }

    // Once more, untimed, to see what the executor did (workers launched, JIT).
    let analyzed: Vec<String> =
        sqlx::query_scalar(AssertSqlSafe(format!("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}")))
            .fetch_all(&mut *conn)
            .await?;
    for line in &analyzed {
        println!("    | {line}");
    }

    // Ours: index build timed separately, then a warm-up and RUNS timed runs.
    let mut build_runs = Vec::new();
    let mut index = None;
    for _ in 0..RUNS {
        let zones = case.zones.clone();
        let started = Instant::now();
        let built = ZoneIndex::bulk_load(black_box(zones));
        build_runs.push(started.elapsed());
        index = Some(built);
    }
    let index = index.expect("RUNS > 0");
    let mut ours_runs = Vec::new();
    let mut ours = Vec::new();
    for run in 0..=RUNS {
        let started = Instant::now();
        ours = black_box(ours_pairs(&index, black_box(points)));
        let elapsed = started.elapsed();
        if run > 0 {
            ours_runs.push(elapsed);
        }
    }
    println!(
        "    ours: index build {} ms (best of {RUNS}); locate_batch runs {} ms",
        ms(best(&build_runs)),
        ours_runs.iter().map(|d| ms(*d)).collect::<Vec<_>>().join(", ")
    );

    postgis.sort_unstable();
    ours.sort_unstable();
    let identical = postgis == ours;
    if identical {
        println!("    same answer: {} identical (point, zone) pairs", ours.len());
    } else {
        report_differences(conn, case.table, points, &index, &postgis, &ours).await?;
    }
    Ok(Outcome {
        name: case.name,
        zones: case.zones.len(),
        pairs: ours.len(),
        postgis_runs,
        build_runs,
        ours_runs,
        identical,
    })
}

/// Lists the pairs only one side found, with the point's exact coordinates and
/// what PostGIS and the index say about that single point and zone.
async fn report_differences(
    conn: &mut PgConnection,
    table: &str,
    points: &[Coord<f64>],
    index: &ZoneIndex<u32>,
    postgis: &[Pair],
    ours: &[Pair],
) -> Result<(), BoxError> {
    let only_postgis: Vec<Pair> = postgis.iter().filter(|p| ours.binary_search(p).is_err()).copied().collect();
    let only_ours: Vec<Pair> = ours.iter().filter(|p| postgis.binary_search(p).is_err()).copied().collect();
    println!(
        "    DIFFERENT ANSWERS: PostGIS {} pairs, ours {}; {} only in PostGIS, {} only in ours",
        postgis.len(),
        ours.len(),
        only_postgis.len(),
        only_ours.len()
    );
    let check = format!(
        "SELECT ST_Intersects(p.geom, z.geom), ST_Distance(p.geom, ST_Boundary(z.geom)), ST_AsText(p.geom, 17) \
         FROM {POINTS_TABLE} p, {table} z WHERE p.id = $1 AND z.id = $2"
    );
    for (side, list) in [("only PostGIS", &only_postgis), ("only ours", &only_ours)] {
        for &(point, zone) in list.iter().take(20) {
            let row = sqlx::query(AssertSqlSafe(check.clone()))
                .bind(point as i32)
                .bind(zone as i32)
                .fetch_one(&mut *conn)
                .await?;
            let (intersects, distance, text): (bool, f64, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            let c = points[point as usize];
            println!(
                "    {side}: point {point} ({:?}, {:?}) zone {zone}: PostGIS alone says {intersects}, \
                 distance to boundary {distance:e}, stored {text}; index.locate says {:?}",
                c.x,
                c.y,
                index.locate(c)
            );
        }
    }
    Ok(())
}

fn best(runs: &[Duration]) -> Duration {
    runs.iter().copied().min().expect("at least one run")
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn points_per_s(d: Duration) -> f64 {
    POINTS as f64 / d.as_secs_f64()
}

fn print_results(outcomes: &[Outcome]) {
    println!("\n==> results: {POINTS} points, best of {RUNS} runs after a warm-up, same machine, same run");
    println!(
        "{:40} {:>6} {:>10} {:>11} {:>13} {:>10} {:>13} {:>10} {:>9} {:>5}",
        "zones", "count", "pairs", "PostGIS s", "PostGIS pt/s", "ours ms", "ours pt/s", "build ms", "ratio", "same"
    );
    for o in outcomes {
        let (postgis, ours) = (best(&o.postgis_runs), best(&o.ours_runs));
        let ratio = points_per_s(ours) / points_per_s(postgis);
        println!(
            "{:40} {:>6} {:>10} {:>11.3} {:>13.0} {:>10} {:>13.0} {:>10} {:>8.1}x {:>5}",
            o.name,
            o.zones,
            o.pairs,
            postgis.as_secs_f64(),
            points_per_s(postgis),
            ms(ours),
            points_per_s(ours),
            ms(best(&o.build_runs)),
            ratio,
            if o.identical { "yes" } else { "NO" }
        );
    }
    println!();
    for o in outcomes {
        let ratio = points_per_s(best(&o.ours_runs)) / points_per_s(best(&o.postgis_runs));
        println!(
            "goal >= {GOAL_RATIO}x, {}: {ratio:.1}x, {}",
            o.name,
            if ratio >= GOAL_RATIO { "met" } else { "NOT met" }
        );
    }
}
