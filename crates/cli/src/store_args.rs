//! Which store a command works on (`--store` / `--database`), and opening it:
//! an empty store gets the bundled data through the one write path.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use landtrace_app::write_path;
use landtrace_store::bundled::read_bundled;
use landtrace_store::postgis::{PostGisStore, RedactedUrl};
use landtrace_store::{Actor, GeoPackageStore, Store};

#[derive(Debug, clap::Args)]
pub(crate) struct StoreArgs {
    /// GeoPackage file of the embedded store; created from the bundled data if missing.
    #[arg(long, env = "LANDTRACE_STORE", default_value = "landtrace.gpkg")]
    pub(crate) store: PathBuf,
    /// PostgreSQL + PostGIS connection string (postgres://…); replaces --store.
    /// An empty database gets the schema and the bundled data.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub(crate) database: Option<String>,
    /// Connections in the PostgreSQL pool (per server process).
    #[arg(long, env = "LANDTRACE_DB_POOL_SIZE", default_value_t = 8)]
    pub(crate) db_pool_size: u32,
    /// Folder with the bundled county data (used only when the store is created).
    #[arg(long, env = "LANDTRACE_DATA")]
    pub(crate) data: Option<PathBuf>,
}

/// The bundled data folder: `--data`, else `./data`, else the repository's.
pub(crate) fn data_dir(args: &StoreArgs) -> PathBuf {
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
pub(crate) async fn open_or_create(args: &StoreArgs) -> anyhow::Result<Arc<dyn Store>> {
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

pub(crate) async fn is_empty(store: &dyn Store) -> anyhow::Result<bool> {
    Ok(store.counts().await?.iter().all(|c| c.count == 0) && store.audit(1).await?.is_empty())
}

/// Opens the GeoPackage, or creates it from the bundled data. Creation writes a
/// temporary file and renames it into place, so a failed load leaves no store.
pub(crate) async fn open_or_create_gpkg(path: &Path, data: &Path) -> anyhow::Result<GeoPackageStore> {
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

pub(crate) fn is_database_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}
