//! `landtrace serve`: the HTTP server with its limits, users, rule tables and map client.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use landtrace_app::rule_tables::Rules;
use landtrace_server::auth::Users;
use landtrace_server::basemaps::{BasemapConfig, Basemaps};
use landtrace_server::upload::UploadOptions;
use landtrace_server::{AppOptions, AppState, HttpLimits, ServeOptions};

use crate::store_args::{StoreArgs, open_or_create};

/// The arguments of `landtrace serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LANDTRACE_ADDR", default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
    /// Not accepted: a token on the command line is visible to every user of
    /// the machine (`ps`). Give it as LANDTRACE_ADMIN_TOKEN or --admin-token-file.
    #[arg(long, hide = true)]
    pub(crate) admin_token: Option<String>,
    /// File holding the bearer token that authorises writes over HTTP as the
    /// admin (or the environment variable LANDTRACE_ADMIN_TOKEN; never on the
    /// command line). Writes are off without it or --users.
    #[arg(long, env = "LANDTRACE_ADMIN_TOKEN_FILE")]
    pub(crate) admin_token_file: Option<PathBuf>,
    /// Users with roles (TOML, made with `landtrace user add`); each role writes its own layers.
    #[arg(long, env = "LANDTRACE_USERS")]
    pub(crate) users: Option<PathBuf>,
    /// Crop-cycle lengths of planted products (CSV product,cycle_days,basis); the
    /// bundled data/trace/update-cycles.csv by default.
    #[arg(long, env = "LANDTRACE_UPDATE_CYCLES")]
    pub(crate) update_cycles: Option<PathBuf>,
    /// Runoff coefficients by surface (CSV like data/sponge/runoff-coefficients.csv).
    #[arg(long, env = "LANDTRACE_RUNOFF_COEFFICIENTS")]
    pub(crate) runoff_coefficients: Option<PathBuf>,
    /// Design rainfall depth against the volume capture ratio (CSV like
    /// data/sponge/design-rainfall.csv); the bundled curve is an assumption.
    #[arg(long, env = "LANDTRACE_DESIGN_RAINFALL")]
    pub(crate) design_rainfall: Option<PathBuf>,
    /// The land bureau's correction tables for parcel appraisal by the benchmark-price
    /// coefficient method (JSON like data/land/appraisal-corrections.illustrative.json);
    /// without them an appraisal is the benchmark price alone.
    #[arg(long, env = "LANDTRACE_LAND_CORRECTIONS")]
    pub(crate) land_corrections: Option<PathBuf>,
    /// Tile-set definitions (TOML); the built-in tiles/tilesets.toml by default.
    #[arg(long, env = "LANDTRACE_TILESETS")]
    pub(crate) tilesets: Option<PathBuf>,
    /// The built map client; ./web/dist, else the repository's web/dist.
    #[arg(long, env = "LANDTRACE_WEB_DIR")]
    pub(crate) web_dir: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) basemaps: BasemapArgs,
    #[command(flatten)]
    pub(crate) http: Box<HttpArgs>,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
}

/// Base maps drawn under the data (README "Base maps").
#[derive(Debug, clap::Args)]
pub(crate) struct BasemapArgs {
    /// A tile archive served as a base map: `[ID=]FILE.mbtiles|FILE.pmtiles`, raster
    /// (PNG, JPEG, WebP) or vector (MVT, drawn in a generic style); repeatable.
    #[arg(long = "basemap", env = "LANDTRACE_BASEMAPS", value_delimiter = ',')]
    pub(crate) archives: Vec<String>,
    /// A raster XYZ/WMTS tile URL template the browser fetches itself:
    /// `[ID=]https://…/{z}/{x}/{y}.png`; repeatable. GCJ-02 providers (Amap, Tencent,
    /// Baidu) are refused: they do not line up with the WGS84 data.
    #[arg(long = "basemap-url", env = "LANDTRACE_BASEMAP_URLS", value_delimiter = ' ')]
    pub(crate) templates: Vec<String>,
    /// A 天地图 (Tianditu) key (tk, from console.tianditu.gov.cn): offers the 天地图
    /// vector and imagery base maps. The key reaches every browser that draws them.
    #[arg(long, env = "LANDTRACE_TIANDITU_KEY")]
    pub(crate) tianditu_key: Option<String>,
}

/// Limits and addresses of the HTTP server (see docs/deployment.md).
#[derive(Debug, clap::Args)]
pub(crate) struct HttpArgs {
    /// Connections served at once (also bounded by the open-file limit).
    #[arg(long, env = "LANDTRACE_MAX_CONNECTIONS", default_value_t = landtrace_server::serve::DEFAULT_MAX_CONNECTIONS)]
    pub(crate) max_connections: usize,
    /// Seconds a client has to send a request's headers (also the keep-alive idle time).
    #[arg(long, env = "LANDTRACE_HEADER_TIMEOUT", default_value_t = 10)]
    pub(crate) header_timeout_s: u64,
    /// Seconds within which every request is answered (503 after it).
    #[arg(long, env = "LANDTRACE_REQUEST_TIMEOUT", default_value_t = 120)]
    pub(crate) request_timeout_s: u64,
    /// Seconds in-flight requests get to finish after SIGTERM.
    #[arg(long, env = "LANDTRACE_SHUTDOWN_GRACE", default_value_t = 10)]
    pub(crate) shutdown_grace_s: u64,
    /// CPU-heavy requests run at once (default: one fewer than the cores, at least 1).
    #[arg(long, env = "LANDTRACE_CPU_WORKERS")]
    pub(crate) cpu_workers: Option<usize>,
    /// Seconds a request body may pause; also the time it has before it must keep up
    /// 64 kB/s on average (408 otherwise).
    #[arg(long, env = "LANDTRACE_BODY_TIMEOUT", default_value_t = 10)]
    pub(crate) body_timeout_s: u64,
    /// MiB of request bodies held in memory at once across all requests.
    #[arg(long, env = "LANDTRACE_UPLOAD_MEMORY_MB", default_value_t = 256)]
    pub(crate) upload_memory_mb: u64,
    /// Folder where large request bodies are spooled while they arrive (default: the system's temporary folder).
    #[arg(long, env = "LANDTRACE_SPOOL_DIR")]
    pub(crate) spool_dir: Option<PathBuf>,
    /// The URL clients reach the server at (e.g. https://gis.example.gov.cn), for links in answers;
    /// default: from the checked Host header.
    #[arg(long, env = "LANDTRACE_PUBLIC_URL")]
    pub(crate) public_url: Option<String>,
    /// A reverse proxy (address or CIDR network) whose X-Forwarded-* headers are believed; repeatable.
    #[arg(long = "trusted-proxy", env = "LANDTRACE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub(crate) trusted_proxies: Vec<String>,
    /// An origin allowed to call the API from a browser (CORS), e.g. https://portal.example.gov.cn; repeatable.
    /// None by default.
    #[arg(long = "cors-origin", env = "LANDTRACE_CORS_ORIGINS", value_delimiter = ',')]
    pub(crate) cors_origins: Vec<String>,
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

/// `landtrace serve`.
pub(crate) async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let ServeArgs {
        addr,
        admin_token: admin_token_argument,
        admin_token_file,
        users,
        update_cycles,
        runoff_coefficients,
        design_rainfall,
        land_corrections,
        tilesets,
        web_dir,
        basemaps,
        http,
        store,
    } = args;
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
    let basemaps = Basemaps::open(&BasemapConfig {
        archives: basemaps.archives,
        templates: basemaps.templates,
        tianditu_key: basemaps.tianditu_key,
    })
    .await
    .map_err(anyhow::Error::msg)?;
    for map in &basemaps.list {
        tracing::info!("base map {}: {} ({})", map.id, map.title, map.kind.as_str());
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
    let rules = Rules::with_files(update_cycles.as_deref(), runoff_coefficients.as_deref(), design_rainfall.as_deref())
        .and_then(|r| r.with_land_corrections(land_corrections.as_deref()))
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
        basemaps: std::sync::Arc::new(basemaps),
    };
    let state = AppState::new(store, options).await.context("loading the layers into memory")?;
    landtrace_server::serve(state, addr, http.serve_options()).await.with_context(|| format!("serving on {addr}"))
}

/// The built map client: `./web/dist`, else the repository's.
fn default_web_dir() -> PathBuf {
    let local = PathBuf::from("web/dist");
    if local.join("index.html").is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/dist")
}
