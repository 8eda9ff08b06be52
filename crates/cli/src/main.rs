//! `landtrace`: the command-line entry point (serve, import, layers).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use landtrace_domain::LayerKind;
use landtrace_server::{AppOptions, AppState};
use landtrace_store::bundled::read_bundled;
use landtrace_store::geojson_io::parse_features;
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
    /// Folder with the bundled county data (used only when the store is created).
    #[arg(long, env = "LANDTRACE_DATA")]
    data: Option<PathBuf>,
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
            let options = AppOptions { admin_token, tilesets_toml, web_dir: Some(web_dir) };
            let state = AppState::new(Arc::new(store), options).await.context("loading the layers into memory")?;
            landtrace_server::serve(state, addr).await.with_context(|| format!("serving on {addr}"))
        }
        Command::Import { layer, file, actor, store } => {
            let Some(kind) = LayerKind::from_table_name(&layer) else {
                let known: Vec<&str> = LayerKind::ALL.iter().map(|k| k.table_name()).collect();
                bail!("no layer named {layer:?}; layers: {}", known.join(", "));
            };
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let features = parse_features(kind, &text)?;
            let store = open_or_create(&store).await?;
            let ids = store.insert(kind, features, &Actor(actor)).await;
            store.close().await;
            let ids = ids?;
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
            store.close().await;
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

/// Opens the store, or creates it from the bundled data. Creation writes a
/// temporary file and renames it into place, so a failed load leaves no store.
async fn open_or_create(args: &StoreArgs) -> anyhow::Result<GeoPackageStore> {
    let path = &args.store;
    if path.exists() {
        return GeoPackageStore::open(path).await.with_context(|| format!("opening the store {}", path.display()));
    }
    let data = data_dir(args);
    tracing::info!("creating {} from the bundled data in {}", path.display(), data.display());
    let batches = read_bundled(&data)?;
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
