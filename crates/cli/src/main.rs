//! `landtrace`: the command-line entry point (serve, import, layers, user, …).

mod input_file;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use landtrace_app::catalog::Catalog;
use landtrace_app::land_valuation::{report_geojson, report_table, value_row};
use landtrace_app::rule_tables::Rules;
use landtrace_app::write_path;
use landtrace_domain::LayerKind;
use landtrace_domain::trace::IsoWeek;
use landtrace_domain::{Date, UseRequest};
use landtrace_formats::{CsvEncoding, ParcelInput, read_parcels};
use landtrace_server::auth::{Role, Users, hash_token, user_entry_toml};
use landtrace_server::upload::UploadOptions;
use landtrace_server::{AppOptions, AppState, HttpLimits, ServeOptions};
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

/// Limits and addresses of the HTTP server (see docs/deployment.md).
#[derive(Debug, clap::Args)]
struct HttpArgs {
    /// Connections served at once (also bounded by the open-file limit).
    #[arg(long, env = "LANDTRACE_MAX_CONNECTIONS", default_value_t = landtrace_server::serve::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// Seconds a client has to send a request's headers (also the keep-alive idle time).
    #[arg(long, env = "LANDTRACE_HEADER_TIMEOUT", default_value_t = 10)]
    header_timeout_s: u64,
    /// Seconds within which every request is answered (503 after it).
    #[arg(long, env = "LANDTRACE_REQUEST_TIMEOUT", default_value_t = 120)]
    request_timeout_s: u64,
    /// Seconds in-flight requests get to finish after SIGTERM.
    #[arg(long, env = "LANDTRACE_SHUTDOWN_GRACE", default_value_t = 10)]
    shutdown_grace_s: u64,
    /// CPU-heavy requests run at once (default: one fewer than the cores, at least 1).
    #[arg(long, env = "LANDTRACE_CPU_WORKERS")]
    cpu_workers: Option<usize>,
    /// Seconds a request body may pause; also the time it has before it must keep up
    /// 64 kB/s on average (408 otherwise).
    #[arg(long, env = "LANDTRACE_BODY_TIMEOUT", default_value_t = 10)]
    body_timeout_s: u64,
    /// MiB of request bodies held in memory at once across all requests.
    #[arg(long, env = "LANDTRACE_UPLOAD_MEMORY_MB", default_value_t = 256)]
    upload_memory_mb: u64,
    /// Folder where large request bodies are spooled while they arrive (default: the system's temporary folder).
    #[arg(long, env = "LANDTRACE_SPOOL_DIR")]
    spool_dir: Option<PathBuf>,
    /// The URL clients reach the server at (e.g. https://gis.example.gov.cn), for links in answers;
    /// default: from the checked Host header.
    #[arg(long, env = "LANDTRACE_PUBLIC_URL")]
    public_url: Option<String>,
    /// A reverse proxy (address or CIDR network) whose X-Forwarded-* headers are believed; repeatable.
    #[arg(long = "trusted-proxy", env = "LANDTRACE_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<String>,
    /// An origin allowed to call the API from a browser (CORS), e.g. https://portal.example.gov.cn; repeatable.
    /// None by default.
    #[arg(long = "cors-origin", env = "LANDTRACE_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<String>,
}

impl HttpArgs {
    fn limits(&self) -> HttpLimits {
        HttpLimits {
            request_timeout: Duration::from_secs(self.request_timeout_s.max(1)),
            cpu_workers: self.cpu_workers.unwrap_or_else(landtrace_server::cpu::CpuPool::default_workers),
            uploads: UploadOptions {
                memory_budget: self.upload_memory_mb.saturating_mul(1024 * 1024),
                spool_dir: self.spool_dir.clone(),
                idle: Duration::from_secs(self.body_timeout_s.max(1)),
                ..UploadOptions::default()
            },
        }
    }

    fn serve_options(&self) -> ServeOptions {
        ServeOptions {
            max_connections: landtrace_server::serve::connection_limit(self.max_connections.max(1)),
            header_timeout: Duration::from_secs(self.header_timeout_s.max(1)),
            shutdown_grace: Duration::from_secs(self.shutdown_grace_s),
        }
    }
}

/// The admin token: from a file, or from LANDTRACE_ADMIN_TOKEN; never from the
/// command line.
fn admin_token(on_command_line: Option<&str>, file: Option<&Path>) -> anyhow::Result<Option<String>> {
    if on_command_line.is_some() {
        bail!(
            "--admin-token is not accepted: a token on the command line is visible to every user of this machine. \
             Put it in the environment (LANDTRACE_ADMIN_TOKEN) or in a file only the service can read \
             (--admin-token-file / LANDTRACE_ADMIN_TOKEN_FILE)"
        );
    }
    let token = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the admin token file {}", path.display()))?;
            Some(text.trim().to_owned())
        }
        None => std::env::var("LANDTRACE_ADMIN_TOKEN").ok().map(|t| t.trim().to_owned()),
    };
    match token {
        Some(t) if t.is_empty() => bail!("the admin token is empty"),
        Some(t) if t.len() < 16 => bail!("the admin token is shorter than 16 characters; use a long random token"),
        other => Ok(other),
    }
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
enum ReportCommand {
    /// The weekly dispatch ledger (每周调度台账, 附件3 of 临政办发〔2023〕19号): per
    /// township the number of subjects per key product and the change since last week.
    Ledger {
        /// ISO week, e.g. 2023-W24 (Monday to Sunday).
        #[arg(long)]
        week: String,
        /// json, csv (UTF-8 with BOM, Chinese headers) or html (a printable page);
        /// default: from the --out extension, else json.
        #[arg(long)]
        format: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
enum TraceCommand {
    /// Import the collection form (附件1 重点农产品产地溯源信息采集表) saved as CSV,
    /// UTF-8 or GBK: every row is checked; if any row fails nothing is stored and
    /// every failing row is listed.
    Import {
        /// The CSV file, with the form's Chinese column headers.
        file: PathBuf,
        /// auto (UTF-8 if valid, else GBK), utf-8 or gbk.
        #[arg(long, default_value = "auto")]
        encoding: String,
        /// Check every row and report, but store nothing.
        #[arg(long)]
        dry_run: bool,
        /// CRS of the 经度/纬度 columns (EPSG:4326, gcj02, …); phone apps in China often record GCJ-02.
        #[arg(long, default_value = "EPSG:4326")]
        crs: String,
        /// Who is importing (recorded in the audit table and created_by).
        #[arg(long, env = "USER", default_value = "cli")]
        actor: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user with a new random token; the token is printed once and only its
    /// SHA-256 is stored. Restart the server to let the user in.
    Add {
        /// User name (letters, digits, '.', '_', '-'), e.g. zhang.san.
        #[arg(long)]
        name: String,
        /// admin, agriculture, housing, land or traffic.
        #[arg(long)]
        role: String,
        /// The users file; created (mode 0600) if missing.
        #[arg(long, env = "LANDTRACE_USERS", default_value = "users.toml")]
        users: PathBuf,
    },
    /// List the users and their roles.
    List {
        /// The users file.
        #[arg(long, env = "LANDTRACE_USERS", default_value = "users.toml")]
        users: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "LANDTRACE_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Not accepted: a token on the command line is visible to every user of
        /// the machine (`ps`). Give it as LANDTRACE_ADMIN_TOKEN or --admin-token-file.
        #[arg(long, hide = true)]
        admin_token: Option<String>,
        /// File holding the bearer token that authorises writes over HTTP as the
        /// admin (or the environment variable LANDTRACE_ADMIN_TOKEN; never on the
        /// command line). Writes are off without it or --users.
        #[arg(long, env = "LANDTRACE_ADMIN_TOKEN_FILE")]
        admin_token_file: Option<PathBuf>,
        /// Users with roles (TOML, made with `landtrace user add`); each role writes its own layers.
        #[arg(long, env = "LANDTRACE_USERS")]
        users: Option<PathBuf>,
        /// Crop-cycle lengths of planted products (CSV product,cycle_days,basis); the
        /// bundled data/trace/update-cycles.csv by default.
        #[arg(long, env = "LANDTRACE_UPDATE_CYCLES")]
        update_cycles: Option<PathBuf>,
        /// Runoff coefficients by surface (CSV like data/sponge/runoff-coefficients.csv).
        #[arg(long, env = "LANDTRACE_RUNOFF_COEFFICIENTS")]
        runoff_coefficients: Option<PathBuf>,
        /// Design rainfall depth against the volume capture ratio (CSV like
        /// data/sponge/design-rainfall.csv); the bundled curve is an assumption.
        #[arg(long, env = "LANDTRACE_DESIGN_RAINFALL")]
        design_rainfall: Option<PathBuf>,
        /// Tile-set definitions (TOML); the built-in tiles/tilesets.toml by default.
        #[arg(long, env = "LANDTRACE_TILESETS")]
        tilesets: Option<PathBuf>,
        /// The built map client; ./web/dist, else the repository's web/dist.
        #[arg(long, env = "LANDTRACE_WEB_DIR")]
        web_dir: Option<PathBuf>,
        #[command(flatten)]
        http: Box<HttpArgs>,
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
    /// Reports from the stored records.
    Report {
        #[command(subcommand)]
        what: ReportCommand,
    },
    /// Origin-point traceability records (重点农产品产地溯源).
    Trace {
        #[command(subcommand)]
        what: TraceCommand,
    },
    /// Manage the users file: who may write which layers over HTTP.
    User {
        #[command(subcommand)]
        what: UserCommand,
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

/// The allocator: mimalloc, not glibc's. Measured on this server (release build,
/// `perf record` under wrk): glibc's malloc and free took about 30 % of the CPU
/// of answering `/api/locate`, and after forty concurrent 30 MB uploads glibc kept
/// 400 MB it had freed (it raises its `mmap` threshold as large blocks are freed,
/// and each thread's heap keeps its own). mimalloc is faster for the many small
/// allocations of a request and returns freed memory to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let result = runtime.block_on(run(cli));
    // Work still running on blocking threads (a long job whose request is gone)
    // must not hold the process after the server has shut down.
    runtime.shutdown_timeout(Duration::from_secs(2));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            addr,
            admin_token: admin_token_argument,
            admin_token_file,
            users,
            update_cycles,
            runoff_coefficients,
            design_rainfall,
            tilesets,
            web_dir,
            http,
            store,
        } => {
            let admin_token = admin_token(admin_token_argument.as_deref(), admin_token_file.as_deref())?;
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
            let users = match &users {
                Some(path) => {
                    let users = Users::load(path)?;
                    tracing::info!("{} users from {}", users.len(), path.display());
                    users
                }
                None => Users::default(),
            };
            if admin_token.is_none() && users.is_empty() {
                tracing::warn!("no admin token (LANDTRACE_ADMIN_TOKEN) and no --users: writes over HTTP are disabled");
            }
            let rules =
                Rules::with_files(update_cycles.as_deref(), runoff_coefficients.as_deref(), design_rainfall.as_deref())
                    .map_err(anyhow::Error::msg)?;
            let options = AppOptions {
                admin_token,
                users,
                rules,
                tilesets_toml,
                web_dir: Some(web_dir),
                limits: http.limits(),
                public_url: http.public_url.clone(),
                trusted_proxies: http.trusted_proxies.clone(),
                cors_origins: http.cors_origins.clone(),
            };
            let state = AppState::new(store, options).await.context("loading the layers into memory")?;
            landtrace_server::serve(state, addr, http.serve_options())
                .await
                .with_context(|| format!("serving on {addr}"))
        }
        Command::Migrate { from, to } => migrate(&from, &to).await,
        Command::User { what: UserCommand::Add { name, role, users } } => add_user(&users, &name, &role),
        Command::Report { what: ReportCommand::Ledger { week, format, out, store } } => {
            report_ledger(&week, format.as_deref(), out.as_deref(), &store).await
        }
        Command::Trace { what: TraceCommand::Import { file, encoding, dry_run, crs, actor, store } } => {
            trace_import(&file, &encoding, dry_run, &crs, actor, &store).await
        }
        Command::User { what: UserCommand::List { users } } => {
            let list = Users::load(&users)?;
            for user in list.users() {
                println!("{:<24} {}", user.name, user.role);
            }
            eprintln!("{} users in {}", list.len(), users.display());
            Ok(())
        }
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
            let text = input_file::read_text(&file)?;
            let features = parse_features(kind, &text).with_context(|| format!("reading {}", file.display()))?;
            let store = open_or_create(&store).await?;
            // The one write path: the layer's rules, then the store's checks and insert.
            let ids = write_path::insert_checked(store.as_ref(), kind, features, &Actor(actor)).await?;
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
            write_path::insert_as_stored(&store, batches, &Actor::bundled_data())
                .await
                .context("loading the bundled data")?;
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
    let loaded = write_path::insert_as_stored(&store, batches, &Actor::bundled_data()).await;
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
    let (zone, illustrative) = landtrace_app::gps_track::ban_zone_geometry(&catalog);
    if zone.0.is_empty() {
        bail!("the store holds no truck-ban zone");
    }
    let options =
        landtrace_track::CheckOptions::with_max_gap_secs(max_gap_s).map_err(|e| anyhow::anyhow!("--max-gap-s: {e}"))?;
    let report = if format == TrackFormat::GeoJson {
        let text = input_file::read_text(file)?;
        landtrace_app::gps_track::check_track(&zone, format, std::io::empty(), Some(&text), crs, options)
    } else {
        let opened = input_file::open(file)?;
        landtrace_app::gps_track::check_track(&zone, format, std::io::BufReader::new(opened), None, crs, options)
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
    let text = input_file::read_text(file)?;
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

/// `landtrace report ledger`.
async fn report_ledger(
    week: &str,
    format: Option<&str>,
    out: Option<&Path>,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    let week = IsoWeek::parse(week).map_err(|e| anyhow::anyhow!("--week {week:?}: {e}"))?;
    let format = match format {
        Some(f) => f.to_ascii_lowercase(),
        None => out
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(|e| match e.to_ascii_lowercase().as_str() {
                "htm" => "html".to_owned(),
                other => other.to_owned(),
            })
            .filter(|e| ["json", "csv", "html"].contains(&e.as_str()))
            .unwrap_or_else(|| "json".to_owned()),
    };
    if !["json", "csv", "html"].contains(&format.as_str()) {
        bail!("--format {format:?}: expected json, csv or html");
    }
    let store = open_or_create(store_args).await?;
    let rules = write_path::Rulebooks::load(store.as_ref()).await?;
    let records = store.features(LayerKind::OriginPoints).await?;
    let ledger = landtrace_app::origin_form::ledger_of(&records, rules.divisions(), week);
    let text = match format.as_str() {
        "csv" => ledger.to_csv(),
        "html" => ledger.to_html(),
        _ => format!("{}\n", serde_json::to_string_pretty(&ledger.to_json())?),
    };
    match out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("ledger {week} ({} to {}) written to {}", ledger.from, ledger.to, path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// `landtrace trace import`.
async fn trace_import(
    file: &Path,
    encoding: &str,
    dry_run: bool,
    crs: &str,
    actor: String,
    store_args: &StoreArgs,
) -> anyhow::Result<()> {
    use landtrace_app::origin_form::{FormRefused, check_form};
    let encoding: CsvEncoding = encoding.parse().map_err(|e| anyhow::anyhow!("--encoding: {e}"))?;
    let crs = Crs::parse(crs)?;
    let bytes = input_file::read_bytes(file)?;
    let store = open_or_create(store_args).await?;
    let rules = write_path::Rulebooks::load(store.as_ref()).await?;
    let actor = Actor(actor);
    // The one write path: every row through the layer's rules, then one insert.
    let checked = match check_form(&bytes, encoding, crs, &rules, &actor) {
        Ok(form) if dry_run => Ok(form.report(&[], true, false)),
        Ok(form) => {
            let ids = store.insert(LayerKind::OriginPoints, form.features(), &actor).await?;
            Ok(form.report(&ids, false, false))
        }
        Err(refused) => Err(refused),
    };
    match checked {
        Ok(report) => {
            for row in &report.rows {
                let id = row.id.map(|id| format!("id {id}")).unwrap_or_else(|| "-".to_owned());
                let flag = if row.threshold.mandatory { "" } else { "  [not mandatory]" };
                println!("line {:<5} {:<10} {}  {}{flag}", row.line, id, row.subject_name, row.threshold.rule);
                for note in &row.notes {
                    println!("           note: {note}");
                }
            }
            eprintln!(
                "{} {} of {} rows from {} (read as {}); {} below the collection threshold{}",
                if report.dry_run { "checked" } else { "imported" },
                if report.dry_run { report.checked } else { report.imported },
                report.checked,
                file.display(),
                report.encoding,
                report.not_mandatory,
                if report.dry_run { "; nothing was written (dry run)" } else { "" }
            );
            Ok(())
        }
        Err(FormRefused::File(message)) => bail!("{}: {message}", file.display()),
        Err(FormRefused::Rows { encoding, checked, rows }) => {
            for row in &rows {
                for p in &row.problems {
                    eprintln!("line {}: {}: {}", row.line, p.field, p.message);
                }
            }
            bail!(
                "nothing was imported: {} of {checked} rows in {} (read as {encoding}) have problems (listed above)",
                rows.len(),
                file.display()
            )
        }
    }
}

/// `landtrace user add`: a random 32-byte token, its SHA-256 appended to the
/// users file (created with mode 0600), the token printed once.
fn add_user(path: &Path, name: &str, role: &str) -> anyhow::Result<()> {
    let role: Role = role.parse().map_err(anyhow::Error::msg)?;
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => {
            let users = Users::parse(&text).with_context(|| format!("{} is not a valid users file", path.display()))?;
            if users.contains(name) {
                bail!("{} already has a user named {name:?}; choose another name", path.display());
            }
            Some(text)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no randomness from the operating system: {e}"))?;
    let token: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let entry = user_entry_toml(name, role, &hash_token(&token)).map_err(anyhow::Error::msg)?;
    let separator = match &existing {
        Some(text) if text.is_empty() => "",
        Some(text) if text.ends_with("\n\n") => "",
        Some(text) if text.ends_with('\n') => "\n",
        Some(_) => "\n\n",
        None => "# landtrace users: `landtrace user add` appends; tokens are stored as SHA-256 only.\n\n",
    };
    append_private(path, &format!("{separator}{entry}")).with_context(|| format!("writing {}", path.display()))?;
    println!("{token}");
    eprintln!(
        "added {name} ({role}) to {}.\nThe token above is shown only now and is not stored: give it to {name} \
         (HTTP header `Authorization: Bearer <token>`). Restart `landtrace serve --users {}` to let the user in.",
        path.display(),
        path.display()
    );
    Ok(())
}

/// Appends to a file that only its owner may read (created with mode 0600).
fn append_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
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
    // The one write path: a copy is checked by the same rules as every write.
    write_path::check_copy(&batches).context("checking the copy")?;
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
