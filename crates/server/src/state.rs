//! Shared server state: the store, the in-memory catalogue built from it, the
//! tile-set definitions and the tile cache.

use std::path::PathBuf;
use std::sync::Arc;

use landtrace_domain::trace::Divisions;
use landtrace_domain::{GeometryKind, LayerKind};
use landtrace_store::{Actor, ChangeEvent, ChangeFeed, NewFeature, Store, StoreError};
use landtrace_tiles::TileSets;
use tokio::sync::RwLock;

use crate::auth::Users;
use crate::catalog::Catalog;
use crate::rules::Rules;
use crate::tile_cache::TileCache;

/// The tile-set definitions compiled into the binary (`tiles/tilesets.toml`).
pub const DEFAULT_TILESETS: &str = include_str!("../../../tiles/tilesets.toml");

/// How many encoded tiles the cache keeps.
pub const DEFAULT_TILE_CACHE_ENTRIES: usize = 50_000;

/// Server options that are not the store.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Bearer token that authorises writes; writes are refused when None.
    pub admin_token: Option<String>,
    /// Tile-set definitions (TOML); [`DEFAULT_TILESETS`] when None.
    pub tilesets_toml: Option<String>,
    /// Folder with the built map client (`web/dist`); None: no map client.
    pub web_dir: Option<PathBuf>,
    /// Users with roles (`--users FILE`), besides the admin token.
    pub users: Users,
    /// Rule tables read as data (update cycles, runoff coefficients, rainfall curve).
    pub rules: Rules,
}

/// Why the state could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The store failed while loading the catalogue.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The tile-set definitions are invalid.
    #[error("tile-set definitions: {0}")]
    TileSets(String),
}

/// What every request handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The store behind the API.
    pub store: Arc<dyn Store>,
    /// Features in memory: zone index and per-layer R-trees.
    pub catalog: Arc<RwLock<Catalog>>,
    /// Tile-set definitions.
    pub tilesets: Arc<TileSets>,
    /// Encoded tiles, invalidated on writes.
    pub tile_cache: Arc<TileCache>,
    /// Bearer token that authorises writes.
    pub admin_token: Option<Arc<str>>,
    /// The built map client, served at `/`.
    pub web_dir: Option<Arc<PathBuf>>,
    /// Users with roles, besides the admin token (see [`crate::auth`]).
    pub users: Arc<Users>,
    /// Rule tables read as data.
    pub rules: Arc<Rules>,
    /// Township and village names, built on first use and dropped when either
    /// layer changes (see [`crate::trace::divisions`]).
    pub divisions: Arc<RwLock<Option<Arc<Divisions>>>>,
}

impl AppState {
    /// Builds the state and loads every layer with geometry into the catalogue.
    pub async fn new(store: Arc<dyn Store>, options: AppOptions) -> Result<AppState, StateError> {
        let toml = options.tilesets_toml.as_deref().unwrap_or(DEFAULT_TILESETS);
        let tilesets = TileSets::from_toml(toml).map_err(|e| StateError::TileSets(e.to_string()))?;
        let state = AppState {
            store,
            catalog: Arc::default(),
            tilesets: Arc::new(tilesets),
            tile_cache: Arc::new(TileCache::new(DEFAULT_TILE_CACHE_ENTRIES)),
            admin_token: options.admin_token.map(Into::into),
            web_dir: options.web_dir.map(Arc::new),
            users: Arc::new(options.users),
            rules: Arc::new(options.rules),
            divisions: Arc::default(),
        };
        // Subscribe before the first read, so no change between them is missed.
        let feed = state.store.subscribe().await?;
        state.refresh_all().await?;
        if let Some(feed) = feed {
            tokio::spawn(follow_changes(state.clone(), feed));
        }
        Ok(state)
    }

    /// Re-reads every layer.
    pub async fn refresh_all(&self) -> Result<(), StoreError> {
        for kind in LayerKind::ALL {
            self.refresh_layer(kind).await?;
        }
        Ok(())
    }

    /// Re-reads one layer from the store into the catalogue and drops exactly
    /// the cached tiles that show a changed feature.
    pub async fn refresh_layer(&self, kind: LayerKind) -> Result<(), StoreError> {
        if matches!(kind, LayerKind::Townships | LayerKind::Villages) {
            *self.divisions.write().await = None;
        }
        if kind.geometry() == GeometryKind::None {
            return Ok(());
        }
        let features = self.store.features(kind).await?;
        let changed = self.catalog.write().await.replace_layer(kind, features);
        let sets: Vec<String> = self.tilesets.layers_of_kind(kind).into_iter().map(str::to_owned).collect();
        let buffer = self.tilesets.layer(kind).map_or(0.0, |c| f64::from(c.buffer_px()) / f64::from(c.extent()));
        let dropped = self.tile_cache.invalidate(&sets, &changed, buffer);
        if dropped > 0 {
            tracing::debug!(layer = kind.table_name(), dropped, "tiles invalidated");
        }
        Ok(())
    }

    /// Whether the store answers; `Err` carries a message for people.
    pub async fn store_health(&self) -> Result<(), String> {
        self.store.ping().await.map_err(|e| match e {
            StoreError::Database(_) => "the database is unavailable".to_owned(),
            other => other.to_string(),
        })
    }

    /// Writes features through the store (validated, all-or-nothing, audited)
    /// and brings the catalogue and tile cache up to date before returning.
    pub async fn insert(
        &self,
        kind: LayerKind,
        features: Vec<NewFeature>,
        actor: &Actor,
    ) -> Result<Vec<i64>, StoreError> {
        let ids = self.store.insert(kind, features, actor).await?;
        self.refresh_layer(kind).await?;
        Ok(ids)
    }

    /// Replaces feature `id` through the store (validated, audited;
    /// [`StoreError::NotFound`] for an unknown id) and brings the catalogue and
    /// tile cache up to date before returning.
    pub async fn update(&self, kind: LayerKind, id: i64, feature: NewFeature, actor: &Actor) -> Result<(), StoreError> {
        self.store.update(kind, id, feature, actor).await?;
        self.refresh_layer(kind).await
    }

    /// Deletes feature `id` through the store (audited; [`StoreError::NotFound`]
    /// for an unknown id) and brings the catalogue and tile cache up to date
    /// before returning.
    pub async fn delete(&self, kind: LayerKind, id: i64, actor: &Actor) -> Result<(), StoreError> {
        self.store.delete(kind, id, actor).await?;
        self.refresh_layer(kind).await
    }
}

/// Applies changes other processes make to the same database (PostGIS
/// LISTEN/NOTIFY): re-reads the changed layer, or everything after the
/// notification connection came back. A layer that cannot be read now (database
/// down) is retried with the next event; a reconnect re-reads all.
async fn follow_changes(state: AppState, mut feed: ChangeFeed) {
    while let Some(event) = feed.recv().await {
        let result = match event {
            ChangeEvent::Changed(kind) => state.refresh_layer(kind).await,
            ChangeEvent::Reconnected => {
                tracing::info!("change notifications reconnected; re-reading every layer");
                state.refresh_all().await
            }
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not apply a change notification");
        }
    }
    tracing::debug!("change feed closed");
}
