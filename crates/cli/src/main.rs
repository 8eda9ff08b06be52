//! `landtrace`: the command-line entry point (serve, import, layers).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use landtrace_domain::LayerKind;
use landtrace_domain::{Date, UseRequest};
use landtrace_formats::{ParcelInput, read_parcels};
use landtrace_server::catalog::Catalog;
use landtrace_server::land::{report_geojson, report_table, value_row};
use landtrace_server::{AppOptions, AppState};
use landtrace_spatial::Crs;
use landtrace_store::bundled::read_bundled;
use landtrace_store::geojson_io::parse_features;
use landtrace_store::postgis::{PostGisStore, RedactedUrl};
use landtrace_store::{Actor, GeoPackageStore, Store};

/// landtrace: the county's land, traffic and traceability layers, served.
#[derive(Debug, Parser)]
#[command(name = "landtrace", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Args)]
struct StoreArgs {
    /// GeoPackage file of the embedded store; created from the bundled data if missing.
    #[arg(long, env = "LANDTRACE_STORE", default_value = "landtrace.gpkg")]
    store: PathBuf,
    /// PostgreSQL + PostGIS connection string (postgres://…); replaces --store.
    /// An empty database gets the schema and the bundled data.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database: Option<String>,
    /// Connections in the PostgreSQL pool (per server process).
    #[arg(long, env = "LANDTRACE_DB_POOL_SIZE", default_value_t = 8)]
    db_pool_size: u32,
    /// Folder with the bundled county data (used only when the store is created).
    #[arg(long, env = "LANDTRACE_DATA")]
    data: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum CheckCommand {
    /// Where and when a GPS track (CSV time,lon,lat / GPX / GeoJSON) was inside the
    /// truck-ban zone during ban hours. CSV and GPX are streamed; nothing is stored.
    Track {
        /// The track file.
        file: PathBuf,
        /// csv, gpx or geojson (default: from the file extension).
        #[arg(long)]
        format: Option<String>,
        /// CRS of the coordinates (EPSG:4326, gcj02, …); phone apps in China often record GCJ-02.
        #[arg(long, default_value = "EPSG:4326")]
        crs: String,
        /// A pause between fixes longer than this is reported as a gap, not bridged.
        #[arg(long, default_value_t = 120)]
        max_gap_s: u64,
        /// Write the full report as JSON here (default: summary only).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Benchmark-price valuation of every parcel in a file (GeoJSON, or CSV with a
    /// WKT column). Bad parcels are reported in their rows; the batch goes on.
    Valuation {
        /// The parcels (.geojson/.json, or .csv with columns id,wkt).
        file: PathBuf,
        /// Land use: 商服, 住宅, 公共管理与公共服务, 工业 (urban); 商服, 宅基地, 工业 (collective).
        #[arg(long = "use")]
        land_use: String,
        /// Use for the collective-land parts when it differs (商服, 宅基地, 工业).
        #[arg(long)]
        collective_use: Option<String>,
        /// Date the valuation is for (YYYY-MM-DD).
        #[arg(long)]
        as_of: Option<String>,
        /// CRS of the parcels' coordinates (EPSG:4326, CGCS2000, gcj02, …).
        #[arg(long, default_value = "EPSG:4326")]
        crs: String,
        /// Report file: .csv or .geojson (default: CSV on standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "LANDTRACE_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Bearer token that authorises writes over HTTP (writes are off without it).
        #[arg(long, env = "LANDTRACE_ADMIN_TOKEN", hide_env_values = true)]
        admin_token: Option<String>,
        /// Tile-set definitions (TOML); the built-in tiles/tilesets.toml by default.
        #[arg(long, env = "LANDTRACE_TILESETS")]
        tilesets: Option<PathBuf>,
        /// The built map client; ./web/dist, else the repository's web/dist.
        #[arg(long, env = "LANDTRACE_WEB_DIR")]
        web_dir: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Import a GeoJSON file into a layer, all or nothing.
    Import {
        /// Layer (table) name, e.g. urban_grade_zones; `landtrace layers` lists them.
        layer: String,
        /// GeoJSON FeatureCollection (EPSG:4326).
        file: PathBuf,
        /// Who is importing (recorded in the audit table).
        #[arg(long, env = "USER", default_value = "cli")]
        actor: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the layers with their feature counts.
    Layers {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Answer land-bureau questions for a file of parcels.
    Check {
        #[command(subcommand)]
        what: CheckCommand,
    },
    /// Copy every layer and its history from one store to another, empty one,
    /// then check counts and geometries. Stores are GeoPackage paths or
    /// postgres:// URLs.
    Migrate {
        /// Source store (a .gpkg path or a postgres:// URL).
        #[arg(long)]
        from: String,
        /// Target store; a .gpkg path must not exist yet, a database must be empty.
        #[arg(long)]
        to: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { addr, admin_token, tilesets, web_dir, store } => {
            let tilesets_toml = match &tilesets {
                Some(p) => Some(std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?),
                None => None,
            };
            let web_dir = web_dir.unwrap_or_else(default_web_dir);
            if !web_dir.join("index.html").is_file() {
                tracing::warn!(
                    "no map client in {}: build it with `npm --prefix web ci && npm --prefix web run build`",
                    web_dir.display()
                );
            }
            let store = open_or_create(&store).await?;
            tracing::info!("store: {}", store.describe());
            let options = AppOptions { admin_token, tilesets_toml, web_dir: Some(web_dir) };
            let state = AppState::new(store, options).await.context("loading the layers into memory")?;
            landtrace_server::serve(state, addr).await.with_context(|| format!("serving on {addr}"))
        }
        Command::Migrate { from, to } => migrate(&from, &to).await,
        Command::Check { what: CheckCommand::Track { file, format, crs, max_gap_s, out, store } } => {
            check_track(&file, format.as_deref(), &crs, max_gap_s, out.as_deref(), &store).await
        }
        Command::Check { what: CheckCommand::Valuation { file, land_use, collective_use, as_of, crs, out, store } } => {
            check_valuation(&file, &land_use, collective_use.as_deref(), as_of.as_deref(), &crs, out.as_deref(), &store)
                .await
        }
        Command::Import { layer, file, actor, store } => {
            let Some(kind) = LayerKind::from_table_name(&layer) else {
                let known: Vec<&str> = LayerKind::ALL.iter().map(|k| k.table_name()).collect();
                bail!("no layer named {layer:?}; layers: {}", known.join(", "));
            };
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let features = parse_features(kind, &text)?;
            let store = open_or_create(&store).await?;
            let ids = store.insert(kind, features, &Actor(actor)).await?;
            println!(
                "imported {} features into {} (ids {}..={})",
                ids.len(),
                layer,
                ids.first().unwrap_or(&0),
                ids.last().unwrap_or(&0)
            );
            Ok(())
        }
        Command::Layers { store } => {
            let store = open_or_create(&store).await?;
            let counts = store.counts().await;
            println!("{:<24} {:>8}  {:<13} title", "layer", "features", "geometry");
            for c in counts? {
                let geom = c.kind.geometry().ogc_name().unwrap_or("-");
                println!(
                    "{:<24} {:>8}  {:<13} {} / {}",
                    c.kind.table_name(),
                    c.count,
                    geom,
                    c.kind.title_zh(),
                    c.kind.title_en()
                );
            }
            Ok(())
        }
    }
}

/// The built map client: `./web/dist`, else the repository's.
fn default_web_dir() -> PathBuf {
    let local = PathBuf::from("web/dist");
    if local.join("index.html").is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist")
}

/// The bundled data folder: `--data`, else `./data`, else the repository's.
fn data_dir(args: &StoreArgs) -> PathBuf {
    if let Some(d) = &args.data {
        return d.clone();
    }
    let local = PathBuf::from("data");
    if local.join("demo").is_dir() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// Opens the store named by the arguments: PostGIS when a database URL is given
/// (an empty database gets the bundled data), else the GeoPackage file (created
/// from the bundled data when missing).
async fn open_or_create(args: &StoreArgs) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(url) = &args.database {
        let store = PostGisStore::connect_with_pool_size(url, args.db_pool_size)
            .await
            .with_context(|| format!("connecting to {}", RedactedUrl::new(url.as_str())))?;
        if is_empty(&store).await? {
            let data = data_dir(args);
            tracing::info!("{} is empty: loading the bundled data from {}", store.describe(), data.display());
            let batches = read_bundled(&data)?;
            store.insert_many(batches, &Actor::bundled_data()).await.context("loading the bundled data")?;
        }
        return Ok(Arc::new(store));
    }
    Ok(Arc::new(open_or_create_gpkg(&args.store, &data_dir(args)).await?))
}

async fn is_empty(store: &dyn Store) -> anyhow::Result<bool> {
    Ok(store.counts().await?.iter().all(|c| c.count == 0) && store.audit(1).await?.is_empty())
}

/// Opens the GeoPackage, or creates it from the bundled data. Creation writes a
/// temporary file and renames it into place, so a failed load leaves no store.
async fn open_or_create_gpkg(path: &Path, data: &Path) -> anyhow::Result<GeoPackageStore> {
    if path.exists() {
        return GeoPackageStore::open(path).await.with_context(|| format!("opening the store {}", path.display()));
    }
    tracing::info!("creating {} from the bundled data in {}", path.display(), data.display());
    let batches = read_bundled(data)?;
    let partial = path.with_extension("gpkg.partial");
    if partial.exists() {
        std::fs::remove_file(&partial).with_context(|| format!("removing the stale {}", partial.display()))?;
    }
    let store = GeoPackageStore::create(&partial).await?;
    let total: usize = batches.iter().map(|(_, f)| f.len()).sum();
    let loaded = store.insert_many(batches, &Actor::bundled_data()).await;
    store.close().await;
    if let Err(e) = loaded {
        let _ = std::fs::remove_file(&partial);
        return Err(e).context("loading the bundled data");
    }
    std::fs::rename(&partial, path).with_context(|| format!("moving the new store to {}", path.display()))?;
    tracing::info!("created {} with {total} features", path.display());
    Ok(GeoPackageStore::open(path).await?)
}

/// `landtrace check track`.
async fn check_track(
    file: &Path,
    format: Option<&str>,
    crs: &str,
    max_gap_s: u64,
    out: Option<&Path>,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    use landtrace_track::TrackFormat;
    let crs = Crs::parse(crs)?;
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let format = match format {
        Some(f) => {
            TrackFormat::from_extension(f).with_context(|| format!("--format {f:?} is not csv, gpx or geojson"))?
        }
        None => TrackFormat::from_extension(ext)
            .with_context(|| format!("cannot tell the format of {}; give --format csv|gpx|geojson", file.display()))?,
    };
    let store = open_or_create(store_args).await?;
    let mut catalog = Catalog::default();
    catalog.replace_layer(LayerKind::TruckBanZone, store.features(LayerKind::TruckBanZone).await?);
    let (zone, illustrative) = landtrace_server::routes::track::ban_zone_geometry(&catalog);
    if zone.0.is_empty() {
        bail!("the store holds no truck-ban zone");
    }
    let options =
        landtrace_track::CheckOptions { max_gap: std::time::Duration::from_secs(max_gap_s), ..Default::default() };
    let opened = std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?;
    let report = if format == TrackFormat::GeoJson {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        landtrace_server::routes::track::check_track(&zone, format, std::io::empty(), Some(&text), crs, options)
    } else {
        landtrace_server::routes::track::check_track(&zone, format, std::io::BufReader::new(opened), None, crs, options)
    };
    println!(
        "{:<4} {:<25} {:<25} {:>10} {:>10}",
        "#", "entry (unix time, s)", "exit (unix time, s)", "metres", "seconds"
    );
    for (i, v) in report.intervals.iter().enumerate() {
        let when = |ms: i64| format!("{}", ms / 1000);
        println!(
            "{:<4} {:<25} {:<25} {:>10.1} {:>10.1}",
            i + 1,
            when(v.entry.t_ms),
            when(v.exit.t_ms),
            v.distance_m,
            v.duration_ms as f64 / 1000.0
        );
    }
    eprintln!(
        "{} fixes; {} violation intervals, {:.0} m and {:.0} s inside the zone during ban hours; {} gaps; {} problems{}",
        report.fixes,
        report.intervals.len(),
        report.total_violation_m,
        report.total_violation_s(),
        report.gaps.len(),
        report.problems.len() + report.problems_omitted,
        if illustrative { " (the zone is illustrative demo data)" } else { "" }
    );
    for p in report.problems.iter().take(20) {
        eprintln!("  {}", serde_json::to_value(p).map(|v| v.to_string()).unwrap_or_default());
    }
    if let Some(path) = out {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// `landtrace check valuation`.
async fn check_valuation(
    file: &Path,
    land_use: &str,
    collective_use: Option<&str>,
    as_of: Option<&str>,
    crs: &str,
    out: Option<&Path>,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    let uses = UseRequest::parse(land_use, collective_use)?;
    let as_of = as_of.map(Date::parse).transpose().context("--as-of")?;
    let crs = Crs::parse(crs)?;
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let format = ParcelInput::detect(&file.to_string_lossy(), &text);
    let rows = read_parcels(format, &text).with_context(|| format!("reading parcels from {}", file.display()))?;
    if rows.is_empty() {
        bail!("{} holds no parcels", file.display());
    }
    let store = open_or_create(store_args).await?;
    let mut catalog = Catalog::default();
    for kind in [LayerKind::CountyBoundaries, LayerKind::UrbanGradeZones, LayerKind::CollectiveGradeZones] {
        catalog.replace_layer(kind, store.features(kind).await?);
    }
    let bar = indicatif::ProgressBar::new(rows.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} parcels, {per_sec}, eta {eta}")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.set_message("valuing");
    let results: Vec<_> = rows
        .into_iter()
        .map(|row| {
            let r = value_row(&catalog, row, crs, &uses, as_of);
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    let failed = results.iter().filter(|r| r.result.is_err()).count();
    match out {
        Some(path) if path.extension().is_some_and(|e| e == "geojson" || e == "json") => {
            std::fs::write(path, serde_json::to_string_pretty(&report_geojson(&results))?)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        Some(path) => std::fs::write(path, report_table(&results).to_csv())
            .with_context(|| format!("writing {}", path.display()))?,
        None => print!("{}", report_table(&results).to_csv()),
    }
    eprintln!(
        "valued {} of {} parcels; {failed} could not be valued (see their rows){}",
        results.len() - failed,
        results.len(),
        out.map(|p| format!("; report: {}", p.display())).unwrap_or_default()
    );
    Ok(())
}

fn is_database_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// `landtrace migrate`: copy, then verify.
async fn migrate(from: &str, to: &str) -> anyhow::Result<()> {
    let source: Arc<dyn Store> = if is_database_url(from) {
        Arc::new(
            PostGisStore::connect(from).await.with_context(|| format!("connecting to {}", RedactedUrl::new(from)))?,
        )
    } else {
        Arc::new(GeoPackageStore::open(Path::new(from)).await?)
    };
    let target: Arc<dyn Store> = if is_database_url(to) {
        Arc::new(PostGisStore::connect(to).await.with_context(|| format!("connecting to {}", RedactedUrl::new(to)))?)
    } else {
        Arc::new(GeoPackageStore::create(Path::new(to)).await?)
    };
    if !is_empty(target.as_ref()).await? {
        bail!("{} is not empty; migrate copies into an empty store only", target.describe());
    }
    eprintln!("copying {} -> {}", source.describe(), target.describe());
    let mut batches = Vec::with_capacity(LayerKind::ALL.len());
    for kind in LayerKind::ALL {
        batches.push((kind, source.features(kind).await?));
    }
    let history = source.audit_all().await?;
    target.load_exact(batches.clone(), history.clone()).await.context("copying")?;

    // Verify: same ids, geometries and attributes in every layer, same history length.
    println!("{:<24} {:>8} {:>8}  check", "layer", "source", "target");
    let mut ok = true;
    for (kind, features) in &batches {
        let copied = target.features(*kind).await?;
        let same = &copied == features;
        ok &= same;
        println!(
            "{:<24} {:>8} {:>8}  {}",
            kind.table_name(),
            features.len(),
            copied.len(),
            if same { "identical" } else { "DIFFERENT" }
        );
    }
    let copied_history = target.audit_all().await?.len();
    println!(
        "{:<24} {:>8} {:>8}  {}",
        "audit history",
        history.len(),
        copied_history,
        if copied_history == history.len() { "identical" } else { "DIFFERENT" }
    );
    ok &= copied_history == history.len();
    if !ok {
        bail!("the copy differs from the source (see the table above)");
    }
    println!(
        "migrated {} features and {} history rows",
        batches.iter().map(|(_, f)| f.len()).sum::<usize>(),
        history.len()
    );
    Ok(())
}
