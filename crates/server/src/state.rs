//! Shared server state: the store, the in-memory catalogue built from it, the
//! tile-set definitions and the tile cache.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use landtrace_domain::traceability::Divisions;
use landtrace_domain::{GeometryKind, LayerKind, UserLayerDef};
use landtrace_store::{Actor, ChangeEvent, ChangeFeed, IdempotencyKey, NewFeature, Outcome, Store, StoreError};
use landtrace_tiles::TileSets;
use tokio::sync::RwLock;

use crate::auth_failures::AuthFailures;
use crate::catalog::Catalog;
use crate::cpu::CpuPool;
use crate::public_address::PublicAddress;
use crate::tile_cache::TileCache;
use crate::upload::{UploadOptions, Uploads};
use landtrace_app::accounts::Accounts;
use landtrace_app::layer_import::new_layer;
use landtrace_app::layer_import::{ImportError, ImportedFeature};
use landtrace_app::rule_tables::Rules;
use landtrace_app::users::Users;
use landtrace_domain::input_limits::Door;

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
    /// Limits of request handling.
    pub limits: HttpLimits,
    /// The URL the server is reached at (`--public-url`), for links in answers;
    /// from the checked `Host` header when None.
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-*` headers are believed (addresses or
    /// CIDR networks).
    pub trusted_proxies: Vec<String>,
    /// Origins allowed to call the API from a browser (CORS); none by default.
    pub cors_origins: Vec<String>,
    /// Base maps drawn under the data (opened by [`crate::basemaps::Basemaps::open`]).
    pub basemaps: Arc<crate::basemaps::Basemaps>,
}

/// Limits of request handling; see `docs/deployment.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpLimits {
    /// Every request is answered within this time (503 after it).
    pub request_timeout: Duration,
    /// CPU-heavy jobs run at once ([`CpuPool`]).
    pub cpu_workers: usize,
    /// How request bodies are read.
    pub uploads: UploadOptions,
}

impl Default for HttpLimits {
    fn default() -> HttpLimits {
        HttpLimits {
            request_timeout: Duration::from_secs(120),
            cpu_workers: CpuPool::default_workers(),
            uploads: UploadOptions::default(),
        }
    }
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
    /// A setting is invalid.
    #[error("{0}")]
    Config(String),
}

/// What `/health` says of the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreHealth {
    /// It answers and takes writes.
    Ok,
    /// It answers (reads work), but its storage refuses writes: a full disk, a
    /// read-only file system or database, a failing disk.
    WritesRefused {
        /// `disk_full`, `read_only` or `disk_error`.
        cause: &'static str,
        /// For people, naming the cause.
        message: String,
    },
    /// It does not answer.
    Unavailable {
        /// `unavailable` (or another cause word).
        cause: &'static str,
        /// For people.
        message: String,
    },
}

/// What every request handler can reach. Cloning it (every extractor and
/// middleware does, per request) is one reference count: under load, copying
/// sixteen `Arc`s per clone took a tenth of the CPU of serving a cached tile.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of an [`AppState`].
#[derive(Debug)]
pub struct Shared {
    /// The store behind the API.
    pub store: Arc<dyn Store>,
    /// Features in memory: zone index and per-layer R-trees.
    pub catalog: Arc<RwLock<Catalog>>,
    /// Tile-set definitions of the file (`tiles/tilesets.toml` or `--tilesets`),
    /// without the user-defined layers.
    pub base_tilesets: Arc<TileSets>,
    /// Tile-set definitions served: the file's and one per public user-defined
    /// layer with a zoom range (see [`AppState::tilesets`]).
    tilesets: std::sync::RwLock<Arc<TileSets>>,
    /// The user-defined layers of this store, in the order they were created
    /// (see [`AppState::layers`]).
    user_layers: std::sync::RwLock<Vec<LayerKind>>,
    /// Encoded tiles, invalidated on writes.
    pub tile_cache: Arc<TileCache>,
    /// Bearer token that authorises writes.
    pub admin_token: Option<Arc<str>>,
    /// The built map client, served at `/`.
    pub web_dir: Option<Arc<PathBuf>>,
    /// Users with roles, besides the admin token (see [`crate::auth`]).
    pub users: Arc<Users>,
    /// The accounts administrators manage, kept in the store (see
    /// [`landtrace_app::accounts`]).
    pub accounts: Arc<Accounts>,
    /// Rule tables read as data.
    pub rules: Arc<Rules>,
    /// Township and village names, built on first use and dropped when either
    /// layer changes (see [`crate::origin_state::divisions`]).
    pub divisions: Arc<RwLock<Option<Arc<Divisions>>>>,
    /// Limits of request handling.
    pub limits: Arc<HttpLimits>,
    /// The pool CPU-heavy work runs in.
    pub cpu: CpuPool,
    /// Request bodies: spooling and the memory budget.
    pub uploads: Arc<Uploads>,
    /// Failed authentications per client.
    pub auth_failures: Arc<AuthFailures>,
    /// The public URL and the trusted proxies.
    pub public: Arc<PublicAddress>,
    /// Origins allowed to call the API from a browser (CORS).
    pub cors_origins: Arc<Vec<axum::http::HeaderValue>>,
    /// Base maps drawn under the data.
    pub basemaps: Arc<crate::basemaps::Basemaps>,
    /// Per layer: re-reads asked for and done.
    refreshes: std::sync::Mutex<HashMap<LayerKind, Arc<LayerRefresh>>>,
    /// The zone layers as they were, for the last few `/api/locate?as_of=`.
    pub as_of_zones: crate::routes::history::AsOfCache,
    /// The index of `/api/search`, stale after any layer changes.
    pub search: crate::routes::search::SearchCache,
}

/// The re-reads of one layer into the catalogue. A caller takes a ticket
/// (`asked` + 1) after its write committed; a re-read takes the lock, notes the
/// tickets handed out so far, reads the store and applies, then records them as
/// `covered`. A caller whose ticket is covered when it gets the lock returns at
/// once: a re-read that started after its write has already shown it. So many
/// writes to one layer cost about one re-read each time, not one each.
#[derive(Debug, Default)]
pub struct LayerRefresh {
    asked: AtomicU64,
    covered: tokio::sync::Mutex<u64>,
}

impl AppState {
    /// Builds the state and loads every layer with geometry into the catalogue.
    pub async fn new(store: Arc<dyn Store>, options: AppOptions) -> Result<AppState, StateError> {
        let toml = options.tilesets_toml.as_deref().unwrap_or(DEFAULT_TILESETS);
        let tilesets = TileSets::from_toml(toml).map_err(|e| StateError::TileSets(e.to_string()))?;
        let public =
            PublicAddress::new(options.public_url.as_deref(), &options.trusted_proxies).map_err(StateError::Config)?;
        let cors_origins = options
            .cors_origins
            .iter()
            .map(|o| check_origin(o).map_err(StateError::Config))
            .collect::<Result<Vec<_>, _>>()?;
        let accounts = Arc::new(Accounts::load(store.clone()).await?);
        let state = AppState(Arc::new(Shared {
            store,
            catalog: Arc::default(),
            base_tilesets: Arc::new(tilesets.clone()),
            tilesets: std::sync::RwLock::new(Arc::new(tilesets)),
            user_layers: std::sync::RwLock::default(),
            tile_cache: Arc::new(TileCache::new(DEFAULT_TILE_CACHE_ENTRIES)),
            admin_token: options.admin_token.map(Into::into),
            web_dir: options.web_dir.map(Arc::new),
            users: Arc::new(options.users),
            accounts,
            rules: Arc::new(options.rules),
            divisions: Arc::default(),
            cpu: CpuPool::new(options.limits.cpu_workers),
            uploads: Arc::new(Uploads::new(options.limits.uploads.clone())),
            limits: Arc::new(options.limits),
            auth_failures: Arc::default(),
            public: Arc::new(public),
            cors_origins: Arc::new(cors_origins),
            basemaps: options.basemaps,
            refreshes: std::sync::Mutex::default(),
            as_of_zones: Default::default(),
            search: Default::default(),
        }));
        // Subscribe before the first read, so no change between them is missed.
        let feed = state.store.subscribe().await?;
        state.refresh_all().await?;
        if let Some(feed) = feed {
            tokio::spawn(follow_changes(state.clone(), feed));
        }
        tokio::spawn(follow_accounts(Arc::downgrade(&state.0)));
        Ok(state)
    }

    /// The tile sets served now: the file's, and one per public user-defined
    /// layer with a zoom range.
    pub fn tilesets(&self) -> Arc<TileSets> {
        self.tilesets.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Every layer of this store: the built-in ones in [`LayerKind::ALL`] order,
    /// then its user-defined ones in the order they were created.
    pub fn layers(&self) -> Vec<LayerKind> {
        let mut all = LayerKind::ALL.to_vec();
        all.extend(self.user_layers.read().unwrap_or_else(std::sync::PoisonError::into_inner).iter().copied());
        all
    }

    /// Takes a user-defined layer into this state (once): listed by
    /// [`AppState::layers`], and tiled when it is public with a zoom range.
    /// Built-in layers need nothing.
    fn adopt_layer(&self, kind: LayerKind) {
        if kind.user_def().is_none() {
            return;
        }
        let kinds = {
            let mut user = self.user_layers.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            if user.contains(&kind) {
                return;
            }
            user.push(kind);
            user.clone()
        };
        let (sets, skipped) = self.base_tilesets.with_user_layers(&kinds);
        for reason in skipped {
            tracing::warn!("{reason}");
        }
        *self.tilesets.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(sets);
        tracing::info!(layer = kind.table_name(), "user-defined layer taken in");
    }

    /// Re-reads every layer, the user-defined ones the store holds now included.
    pub async fn refresh_all(&self) -> Result<(), StoreError> {
        for def in self.store.layer_definitions().await? {
            match landtrace_domain::schema::user_layers::register(&def) {
                Ok(kind) => self.adopt_layer(kind),
                Err(e) => tracing::warn!(layer = %def.name, error = %e, "a stored user-defined layer is refused"),
            }
        }
        for kind in self.layers() {
            self.refresh_layer(kind).await?;
        }
        Ok(())
    }

    /// Creates a user-defined layer in the store (its definition and table in one
    /// transaction, audited by the store as `actor`) and takes it in at once:
    /// listed, in the catalogue, tiled when public with a zoom range. Runs to
    /// completion on its own task, as writes do.
    pub async fn create_layer(&self, def: UserLayerDef, actor: &Actor) -> Result<LayerKind, StoreError> {
        let (state, actor) = (self.clone(), actor.clone());
        let task = tokio::spawn(async move {
            let kind = state.store.create_layer(&def, &actor).await?;
            state.after_write(kind).await;
            Ok(kind)
        });
        task.await.map_err(|e| StoreError::Refused(format!("creating the layer failed: {e}")))?
    }

    /// Checks `features` for the new user-defined layer `def` and, unless
    /// `dry_run`, creates the layer and stores them through the one write path
    /// ([`new_layer::create_and_import`], as `landtrace import --new-layer`: every
    /// feature is checked before the layer is created, so a refused file creates
    /// nothing), then takes the layer in as [`AppState::create_layer`] does. The
    /// caller runs it to completion (the server's import runs it on a worker
    /// thread, which a dropped request does not stop).
    pub async fn create_layer_and_import(
        &self,
        def: &UserLayerDef,
        features: Vec<ImportedFeature>,
        actor: &Actor,
        dry_run: bool,
    ) -> Result<(LayerKind, Vec<i64>), ImportError> {
        let (kind, ids) =
            new_layer::create_and_import(self.store.as_ref(), def, features, actor, Door::Request, dry_run).await?;
        if !dry_run {
            self.after_write(kind).await;
        }
        Ok((kind, ids))
    }

    fn refresh_of(&self, kind: LayerKind) -> Arc<LayerRefresh> {
        let mut all = self.refreshes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        all.entry(kind).or_default().clone()
    }

    /// Re-reads one layer from the store into the catalogue and drops exactly
    /// the cached tiles that show a changed feature.
    pub async fn refresh_layer(&self, kind: LayerKind) -> Result<(), StoreError> {
        // A user-defined layer first seen here (created through this server, or
        // by another one on the same database: the change feed names it).
        self.adopt_layer(kind);
        self.search.invalidate();
        if matches!(kind, LayerKind::Townships | LayerKind::Villages) {
            *self.divisions.write().await = None;
        }
        if kind.geometry() == GeometryKind::None {
            return Ok(());
        }
        // Callers waiting on the same layer share one re-read: a re-read that
        // started after this call covers it (see `LayerRefresh`). Re-reads of
        // one layer run one at a time, each planning against what the previous
        // one applied.
        let refresh = self.refresh_of(kind);
        let ticket = refresh.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let mut covered = refresh.covered.lock().await;
        if *covered >= ticket {
            return Ok(());
        }
        let covers = refresh.asked.load(Ordering::SeqCst);
        let features = self.store.features(kind).await?;
        // The costly part under a read lock on a blocking thread (locate and
        // tiles go on), then a short write lock to swap the layer in.
        let catalog = self.catalog.clone().read_owned().await;
        let change = tokio::task::spawn_blocking(move || catalog.plan_replacement(kind, features))
            .await
            .map_err(|e| StoreError::Refused(format!("re-reading {} stopped: {e}", kind.table_name())))?;
        let changed = change.changed.clone();
        self.catalog.write().await.apply(change);
        self.search.invalidate(); // again: a search between the first and the swap read the old layer
        let tilesets = self.tilesets();
        let sets: Vec<String> = tilesets.layers_of_kind(kind).into_iter().map(str::to_owned).collect();
        let buffer = tilesets.layer(kind).map_or(0.0, |c| f64::from(c.buffer_px()) / f64::from(c.extent()));
        let dropped = self.tile_cache.invalidate(&sets, &changed, buffer);
        if dropped > 0 {
            tracing::debug!(layer = kind.table_name(), dropped, "tiles invalidated");
        }
        *covered = covers;
        Ok(())
    }

    /// Whether the store answers and takes writes (see [`StoreHealth`]).
    pub async fn store_health(&self) -> StoreHealth {
        match self.store.health().await {
            Ok(()) => StoreHealth::Ok,
            Err(e) => {
                let cause = match &e {
                    StoreError::DiskFull { .. } => "disk_full",
                    StoreError::ReadOnly { .. } => "read_only",
                    StoreError::DiskError { .. } => "disk_error",
                    _ => "unavailable",
                };
                if e.is_storage_problem() {
                    StoreHealth::WritesRefused { cause, message: e.to_string() }
                } else {
                    let message = match e {
                        StoreError::Database(_) => "the database is unavailable".to_owned(),
                        other => other.to_string(),
                    };
                    StoreHealth::Unavailable { cause, message }
                }
            }
        }
    }

    /// Writes features through the store (validated, all-or-nothing, audited)
    /// and brings the catalogue and tile cache up to date before returning.
    pub async fn insert(
        &self,
        kind: LayerKind,
        features: Vec<NewFeature>,
        actor: &Actor,
    ) -> Result<Vec<i64>, StoreError> {
        Ok(self.insert_keyed(kind, features, actor, None).await?.value)
    }

    /// [`AppState::insert`] with an idempotency key: a repeat of the request
    /// answers with the first write's ids and writes nothing. The write runs to
    /// completion on its own task even when the request is dropped (the client
    /// left, the deadline passed): a write is never cut in half, and a committed
    /// one always reaches the catalogue.
    pub async fn insert_keyed(
        &self,
        kind: LayerKind,
        features: Vec<NewFeature>,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
    ) -> Result<Outcome<Vec<i64>>, StoreError> {
        self.write_keyed(kind, actor, key, move |store, actor, key| async move {
            let mut out = store.insert_many_keyed(vec![(kind, features)], &actor, key.as_ref()).await?;
            Ok(Outcome { value: out.value.pop().unwrap_or_default(), replayed: out.replayed })
        })
        .await
    }

    /// Replaces feature `id` through the store (validated, audited;
    /// [`StoreError::NotFound`] for an unknown id) and brings the catalogue and
    /// tile cache up to date before returning.
    pub async fn update(&self, kind: LayerKind, id: i64, feature: NewFeature, actor: &Actor) -> Result<(), StoreError> {
        self.update_keyed(kind, id, feature, actor, None, None).await.map(|_| ())
    }

    /// [`AppState::update`] with an idempotency key, run to completion as
    /// [`AppState::insert_keyed`].
    pub async fn update_keyed(
        &self,
        kind: LayerKind,
        id: i64,
        feature: NewFeature,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
        if_match: Option<&str>,
    ) -> Result<Outcome<()>, StoreError> {
        let if_match = if_match.map(str::to_owned);
        self.write_keyed(kind, actor, key, move |store, actor, key| async move {
            store.update_keyed(kind, id, feature, &actor, key.as_ref(), if_match.as_deref()).await
        })
        .await
    }

    /// Deletes feature `id` through the store (audited; [`StoreError::NotFound`]
    /// for an unknown id) and brings the catalogue and tile cache up to date
    /// before returning.
    pub async fn delete(&self, kind: LayerKind, id: i64, actor: &Actor) -> Result<(), StoreError> {
        self.delete_keyed(kind, id, actor, None, None).await.map(|_| ())
    }

    /// [`AppState::delete`] with an idempotency key, run to completion as
    /// [`AppState::insert_keyed`].
    pub async fn delete_keyed(
        &self,
        kind: LayerKind,
        id: i64,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
        if_match: Option<&str>,
    ) -> Result<Outcome<()>, StoreError> {
        let if_match = if_match.map(str::to_owned);
        self.write_keyed(kind, actor, key, move |store, actor, key| async move {
            store.delete_keyed(kind, id, &actor, key.as_ref(), if_match.as_deref()).await
        })
        .await
    }

    /// Runs `write` (given the store, the actor and the key) on its own task and
    /// waits for it: when the awaiting request is dropped (the client left, the
    /// deadline passed), the write still finishes — committed and applied to the
    /// catalogue, or rolled back — never half done. A replayed write changed
    /// nothing, so the catalogue is left as it is.
    async fn write_keyed<T, F, Fut>(
        &self,
        kind: LayerKind,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
        write: F,
    ) -> Result<Outcome<T>, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Arc<dyn Store>, Actor, Option<IdempotencyKey>) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<Outcome<T>, StoreError>> + Send,
    {
        let (state, actor, key) = (self.clone(), actor.clone(), key.cloned());
        Self::detached(async move {
            let out = write(state.store.clone(), actor, key).await?;
            if !out.replayed {
                state.after_write(kind).await;
            }
            Ok(out)
        })
        .await
    }

    /// Runs a store write on its own task and waits for it, so that a dropped
    /// request never cuts it in half (the one way every write route runs its
    /// write; [`AppState::write_keyed`] adds the catalogue update of layer writes).
    pub async fn detached<T, Fut>(write: Fut) -> Result<T, StoreError>
    where
        T: Send + 'static,
        Fut: std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        tokio::spawn(write).await.map_err(|e| StoreError::Refused(format!("the write task failed: {e}")))?
    }

    /// After a committed write: re-reads the layer. The write is stored and is
    /// acknowledged whatever happens here; when the store cannot be read now,
    /// the re-read is retried in the background until it succeeds.
    async fn after_write(&self, kind: LayerKind) {
        let Err(e) = self.refresh_layer(kind).await else { return };
        tracing::warn!(layer = kind.table_name(), error = %e, "a write is stored but the layer could not be re-read; retrying");
        let state = self.clone();
        tokio::spawn(async move {
            let mut wait = Duration::from_millis(250);
            loop {
                tokio::time::sleep(wait).await;
                match state.refresh_layer(kind).await {
                    Ok(()) => {
                        tracing::info!(layer = kind.table_name(), "the layer is re-read after an earlier failure");
                        return;
                    }
                    Err(e) => {
                        tracing::debug!(layer = kind.table_name(), error = %e, "re-reading the layer failed again")
                    }
                }
                wait = (wait * 2).min(Duration::from_secs(10));
            }
        });
    }
}

/// A CORS origin: `scheme://host[:port]`, nothing more.
fn check_origin(origin: &str) -> Result<axum::http::HeaderValue, String> {
    let o = origin.trim().trim_end_matches('/');
    let uri: axum::http::Uri = o.parse().map_err(|_| format!("CORS origin {origin:?} is not a URL"))?;
    let plain = matches!(uri.scheme_str(), Some("http" | "https"))
        && uri.authority().is_some()
        && uri.path_and_query().is_none_or(|p| p.as_str() == "/" || p.as_str().is_empty());
    if !plain {
        return Err(format!("CORS origin {origin:?} must be scheme://host[:port], e.g. https://portal.example.gov.cn"));
    }
    axum::http::HeaderValue::from_str(o).map_err(|_| format!("CORS origin {origin:?} is not a valid header value"))
}

/// How often a server asks the store whether the accounts changed (another
/// server, or `landtrace user add --store`): a disabled account or a revoked
/// token is refused by every server within this time. A token this server does
/// not know is checked against the store at once (see `auth::refuse_bad_token`).
pub const ACCOUNTS_POLL: Duration = Duration::from_secs(5);

/// Re-reads the accounts when the store's version moved, every [`ACCOUNTS_POLL`],
/// while the state lives.
async fn follow_accounts(state: std::sync::Weak<Shared>) {
    loop {
        tokio::time::sleep(ACCOUNTS_POLL).await;
        let Some(shared) = state.upgrade() else { return };
        if let Err(e) = shared.accounts.reload_if_changed().await {
            tracing::debug!(error = %e, "could not check the accounts for changes");
        }
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
