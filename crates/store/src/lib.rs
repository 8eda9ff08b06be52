//! The `Store` trait and its embedded GeoPackage backend.
//!
//! Every layer of [`landtrace_domain::LayerKind`] is one table. Writes are
//! validated ([`validate`]), happen in one transaction (all-or-nothing) and leave
//! one audit row per changed feature (who, when, before, after). Two backends:
//! the embedded GeoPackage ([`gpkg`]) and PostgreSQL + PostGIS ([`postgis`]),
//! checked by one shared test suite (`tests/store_behaviour.rs`).

pub mod accounts;
pub mod bundled;
pub mod error;
pub mod feature;
pub mod geojson_io;
pub mod gpkg;
mod gpkg_blob;
mod gpkg_functions;
pub mod history;
pub mod low_priority;
pub mod photos;
pub mod postgis;
mod rows;
mod rtree_bulk;
mod sqlite_state;
pub mod track_checks;
pub mod validate;
pub mod wkb;
mod write;
mod write_failures;

use async_trait::async_trait;
use landtrace_domain::{LayerKind, UserLayerDef};

pub use accounts::{
    AccountAuditRow, AccountChange, AccountsSnapshot, StoredAccount, StoredToken, TOKEN_API, TOKEN_SESSION,
};
pub use error::StoreError;
pub use feature::{Actor, AuditRecord, Feature, IdempotencyKey, NewFeature, Outcome};
pub use gpkg::GeoPackageStore;
pub use history::{HistoryQuery, MAX_HISTORY_ROWS};
pub use photos::{NewPhoto, PhotoMeta};
pub use postgis::{PostGisStore, RedactedUrl};
pub use track_checks::{StoredTrackCheck, TrackCheck};
pub use validate::{Checked, FeatureError, FeatureErrors, check_insert, check_insert_through, validate_features};

/// Something changed in the store, as told to subscribers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeEvent {
    /// Features of this layer were written (by any process using the database).
    Changed(LayerKind),
    /// The notification connection was lost and is back: changes may have been
    /// missed, so everything should be re-read.
    Reconnected,
}

/// A stream of [`ChangeEvent`]s; ends when the store is closed.
pub type ChangeFeed = tokio::sync::mpsc::Receiver<ChangeEvent>;

/// Features to write, per layer.
pub(crate) type Batches = Vec<(LayerKind, Vec<NewFeature>)>;

/// The shared first half of `load_exact`: refuses a store that is not empty,
/// splits the features into their ids and the new features, and validates them.
/// Backends then write both in one transaction.
pub(crate) async fn prepare_exact_copy(
    store: &(impl Store + ?Sized),
    batches: Vec<(LayerKind, Vec<Feature>)>,
) -> Result<(Vec<Vec<i64>>, Batches), StoreError> {
    if store.counts().await?.iter().any(|c| c.count > 0) || !store.audit(1).await?.is_empty() {
        return Err(StoreError::Refused(format!("{} is not empty; copy into an empty store", store.describe())));
    }
    let (ids, batches): (Vec<Vec<i64>>, Batches) = batches
        .into_iter()
        .map(|(kind, features)| {
            let ids = features.iter().map(|f| f.id).collect();
            let new =
                features.into_iter().map(|f| NewFeature { geometry: f.geometry, properties: f.properties }).collect();
            (ids, (kind, new))
        })
        .unzip();
    Ok((ids, validate::validate_stored(batches)?))
}

/// Writes with more vertices than this are validated on a thread of lower
/// priority (see [`low_priority`]); smaller ones take microseconds, in place.
const VALIDATE_IN_PLACE_VERTICES: usize = 20_000;

fn vertices(features: &[NewFeature]) -> usize {
    use geo::CoordsIter;
    features.iter().filter_map(|f| f.geometry.as_ref()).map(|g| g.coords_count()).sum()
}

/// Validates batches; a large write (a polygon of many vertices takes a while)
/// on a thread of lower priority, so that an async caller's worker threads stay
/// free and light requests keep the cores first.
pub(crate) async fn validate_batches_off_thread(batches: Batches) -> Result<Batches, StoreError> {
    if batches.iter().map(|(_, f)| vertices(f)).sum::<usize>() <= VALIDATE_IN_PLACE_VERTICES {
        return validate::validate_batches(batches);
    }
    low_priority::run(move || validate::validate_batches(batches))
        .await
        .map_err(|e| StoreError::Refused(format!("validation stopped: {e}")))?
}

/// Validates one feature for `kind` as [`validate_batches_off_thread`] does.
pub(crate) async fn validate_one_off_thread(kind: LayerKind, feature: NewFeature) -> Result<NewFeature, StoreError> {
    if vertices(std::slice::from_ref(&feature)) <= VALIDATE_IN_PLACE_VERTICES {
        return validate::validate_one(kind, feature);
    }
    low_priority::run(move || validate::validate_one(kind, feature))
        .await
        .map_err(|e| StoreError::Refused(format!("validation stopped: {e}")))?
}

/// Registers the user-defined layers a store holds (when it opens).
pub(crate) fn register_user_layers(defs: &[UserLayerDef], store: &str) -> Result<(), StoreError> {
    for def in defs {
        landtrace_domain::schema::user_layers::register(def).map_err(|e| StoreError::NotAStore {
            path: store.to_owned(),
            reason: format!("user-defined layer {}: {e}", def.name),
        })?;
    }
    Ok(())
}

/// The layers `store` holds: every built-in one, then its user-defined ones in
/// the order they were created (each registered, so this is right also in a
/// process that opened several stores).
pub(crate) async fn store_layers(store: &dyn Store) -> Result<Vec<LayerKind>, StoreError> {
    let mut kinds = LayerKind::ALL.to_vec();
    for def in store.layer_definitions().await? {
        let kind = landtrace_domain::schema::user_layers::register(&def).map_err(|e| StoreError::Corrupt {
            layer: def.name.clone(),
            fid: 0,
            reason: format!("its definition is refused: {e}"),
        })?;
        kinds.push(kind);
    }
    Ok(kinds)
}

/// Reads a stored definition.
pub(crate) fn parse_definition(name: &str, json: &str) -> Result<UserLayerDef, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        layer: name.to_owned(),
        fid: 0,
        reason: format!("its definition in landtrace_layers does not read: {e}"),
    })
}

/// Registers (unlisted) a definition about to be created; with its JSON, as
/// `landtrace_layers` keeps it.
pub(crate) fn prepare_user_layer(def: &UserLayerDef) -> Result<(LayerKind, String), StoreError> {
    let kind = landtrace_domain::schema::user_layers::prepare(def).map_err(|e| StoreError::Refused(e.to_string()))?;
    let json = serde_json::to_string(def).map_err(|e| StoreError::Refused(e.to_string()))?;
    Ok((kind, json))
}

/// Lists a layer whose creation was committed.
pub(crate) fn created_user_layer(kind: LayerKind, actor: &Actor) -> LayerKind {
    landtrace_domain::schema::user_layers::publish(kind);
    tracing::info!(layer = %kind.table_name(), actor = %actor.0, "created a user-defined layer");
    kind
}

/// The refusal of a layer title already taken: a layer's Chinese title names it in
/// the map, in GIS clients (the GeoPackage `gpkg_contents.identifier`, unique) and in
/// the search box, so no two layers share one, on either store.
pub(crate) fn layer_title_taken(title: &str) -> StoreError {
    StoreError::Refused(format!("a layer titled {title} exists already; choose another title"))
}

/// A built-in layer's title (user-defined ones are checked by each store).
pub(crate) fn builtin_title_taken(def: &UserLayerDef) -> Result<(), StoreError> {
    let title = def.title_zh.trim();
    if LayerKind::ALL.iter().any(|k| k.title_zh() == title) {
        return Err(layer_title_taken(title));
    }
    Ok(())
}

/// The refusal of a layer name already taken.
pub(crate) fn layer_exists(name: &str) -> StoreError {
    StoreError::Refused(format!("a layer or table called {name} exists already; choose another name"))
}

/// Number of features in one layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerCount {
    /// The layer.
    pub kind: LayerKind,
    /// Its feature (or row) count.
    pub count: u64,
}

/// The storage interface every backend implements.
///
/// Invariants every implementation keeps (and the shared test suite checks):
/// writes are all-or-nothing, a rejected write changes nothing, and every
/// changed feature gets an audit row in the same transaction.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// A description safe to print (no passwords).
    fn describe(&self) -> String;

    /// Feature counts of every layer the store holds: the built-in ones in
    /// [`LayerKind::ALL`] order, then its user-defined ones in the order they were created.
    async fn counts(&self) -> Result<Vec<LayerCount>, StoreError>;

    /// Every feature of a layer, ordered by id.
    async fn features(&self, kind: LayerKind) -> Result<Vec<Feature>, StoreError>;

    /// Whether a write by `actor` already recorded idempotency `key` (a repeat of
    /// that request is then answered from it and writes nothing); `false` without a
    /// key. A key recorded for another request is [`StoreError::IdempotencyKeyReused`].
    /// Lets a caller skip checks that the first write already passed (the duplicate
    /// check of origin records). A backend without idempotency keys answers `false`.
    async fn is_replay(&self, actor: &Actor, key: Option<&IdempotencyKey>) -> Result<bool, StoreError> {
        let _ = (actor, key);
        Ok(false)
    }

    /// Validates and inserts features into several layers in one transaction;
    /// returns the new ids per batch. Nothing is written if anything is invalid.
    /// With an idempotency `key`, the key is recorded in the same transaction and
    /// a repeat of the request answers with the first write's ids (replayed).
    async fn insert_many_keyed(
        &self,
        batches: Vec<(LayerKind, Vec<NewFeature>)>,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
    ) -> Result<Outcome<Vec<Vec<i64>>>, StoreError>;

    /// [`Store::insert_many_keyed`] without a key.
    async fn insert_many(
        &self,
        batches: Vec<(LayerKind, Vec<NewFeature>)>,
        actor: &Actor,
    ) -> Result<Vec<Vec<i64>>, StoreError> {
        Ok(self.insert_many_keyed(batches, actor, None).await?.value)
    }

    /// Validates and inserts features into one layer, all or nothing.
    async fn insert(&self, kind: LayerKind, features: Vec<NewFeature>, actor: &Actor) -> Result<Vec<i64>, StoreError> {
        let mut ids = self.insert_many(vec![(kind, features)], actor).await?;
        Ok(ids.pop().unwrap_or_default())
    }

    /// Inserts features that passed [`check_insert`] into their layer, all or
    /// nothing, as [`Store::insert`] does. A backend may skip the checks they
    /// passed; the default runs them again.
    async fn insert_valid(&self, checked: Checked, actor: &Actor) -> Result<Vec<i64>, StoreError> {
        self.insert(checked.kind(), checked.into_features(), actor).await
    }

    /// Validates `feature` and replaces feature `id` of `kind` with it (geometry and
    /// every field: absent fields become null), writing one `update` audit row with
    /// the feature before and after. A rejected feature changes nothing;
    /// [`StoreError::NotFound`] when the layer has no feature `id`. With an
    /// idempotency `key`, as [`Store::insert_many_keyed`]. With `if_match` (a
    /// [`Feature::version`]), the write happens only when the feature stored
    /// now is that version, checked in the write's transaction;
    /// [`StoreError::VersionMismatch`] otherwise, and nothing is written.
    async fn update_keyed(
        &self,
        kind: LayerKind,
        id: i64,
        feature: NewFeature,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
        if_match: Option<&str>,
    ) -> Result<Outcome<()>, StoreError>;

    /// [`Store::update_keyed`] without a key.
    async fn update(&self, kind: LayerKind, id: i64, feature: NewFeature, actor: &Actor) -> Result<(), StoreError> {
        self.update_keyed(kind, id, feature, actor, None, None).await.map(|_| ())
    }

    /// Deletes feature `id` of `kind`, writing one `delete` audit row with the
    /// feature as it was. [`StoreError::NotFound`] when the layer has no feature
    /// `id`. With an idempotency `key`, as [`Store::insert_many_keyed`]; with
    /// `if_match`, as [`Store::update_keyed`].
    async fn delete_keyed(
        &self,
        kind: LayerKind,
        id: i64,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
        if_match: Option<&str>,
    ) -> Result<Outcome<()>, StoreError>;

    /// [`Store::delete_keyed`] without a key.
    async fn delete(&self, kind: LayerKind, id: i64, actor: &Actor) -> Result<(), StoreError> {
        self.delete_keyed(kind, id, actor, None, None).await.map(|_| ())
    }

    /// The newest audit rows, newest first.
    async fn audit(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError>;

    /// Every audit row, oldest first (for copying a store's history).
    async fn audit_all(&self) -> Result<Vec<AuditRecord>, StoreError>;

    /// The audit rows `query` selects, oldest first (by id): the history of the
    /// store, a layer or one feature, in a time window, a page at a time.
    async fn history(&self, query: &HistoryQuery) -> Result<Vec<AuditRecord>, StoreError>;

    /// Copies features and history into an EMPTY store keeping their ids and
    /// the audit rows as they are (used by `landtrace migrate`). Validated, one
    /// transaction; refuses a store that already holds features.
    async fn load_exact(
        &self,
        batches: Vec<(LayerKind, Vec<Feature>)>,
        audit: Vec<AuditRecord>,
    ) -> Result<(), StoreError>;

    /// The definitions of the user-defined layers, in the order they were created.
    async fn layer_definitions(&self) -> Result<Vec<UserLayerDef>, StoreError>;

    /// Creates a user-defined layer: records its definition (who, when) and
    /// creates its table in one transaction, then registers it so that it is a
    /// [`LayerKind`] like the built-in ones. Refused ([`StoreError::Refused`]) for
    /// a bad definition or a name already taken; nothing is written then.
    async fn create_layer(&self, def: &UserLayerDef, actor: &Actor) -> Result<LayerKind, StoreError>;

    /// Every account of people who sign in and every token not revoked, as of
    /// one version (see [`accounts`]).
    async fn accounts(&self) -> Result<AccountsSnapshot, StoreError>;

    /// The accounts' version alone (one cheap query): it changes whenever an
    /// account or token changes, by any process.
    async fn accounts_version(&self) -> Result<i64, StoreError>;

    /// Applies one change of the accounts in one transaction with its audit row
    /// (by `actor`); answers a new token's id, else 0. Refused
    /// ([`StoreError::Refused`]) for a name taken or an unknown account or token;
    /// nothing is written then.
    async fn change_account(&self, change: &AccountChange, actor: &Actor) -> Result<i64, StoreError>;

    /// The newest rows of the accounts' audit trail, newest first.
    async fn account_audit(&self, limit: u32) -> Result<Vec<AccountAuditRow>, StoreError>;

    /// Stores a photo of an origin-point record (its bytes, media type, size and
    /// SHA-256; who and when) with one audit row (its metadata, never the bytes),
    /// in one transaction. [`StoreError::NotFound`] (layer `origin_points`) when
    /// the record does not exist. With an idempotency `key`, as
    /// [`Store::insert_many_keyed`]: a repeat answers with the first photo.
    async fn add_photo_keyed(
        &self,
        photo: NewPhoto,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
    ) -> Result<Outcome<PhotoMeta>, StoreError>;

    /// The photos of origin-point record `record_id`, oldest first (none for an
    /// unknown record).
    async fn photos(&self, record_id: i64) -> Result<Vec<PhotoMeta>, StoreError>;

    /// Photo `id` with its bytes, if stored.
    async fn photo(&self, id: i64) -> Result<Option<(PhotoMeta, Vec<u8>)>, StoreError>;

    /// Deletes photo `id` with one audit row (its metadata before), returning it;
    /// [`StoreError::NotFound`] when there is no such photo. With an idempotency
    /// `key`, as [`Store::insert_many_keyed`].
    async fn delete_photo_keyed(
        &self,
        id: i64,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
    ) -> Result<Outcome<PhotoMeta>, StoreError>;

    /// Records the summary of a checked GPS track ([`TrackCheck`]: no positions, no
    /// personal data); answers its id. Refused ([`StoreError::Refused`]) when the
    /// summary does not validate. Written by `app::gps_track::record_check` only.
    async fn record_track_check(&self, check: &TrackCheck) -> Result<i64, StoreError>;

    /// The recorded track checks (all, or those checked at or after `since_ms`, unix
    /// milliseconds), in the order they were recorded.
    async fn track_checks(&self, since_ms: Option<i64>) -> Result<Vec<StoredTrackCheck>, StoreError>;

    /// A cheap query proving the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Whether the store answers and can take writes now, as far as the backend
    /// can tell without writing: [`StoreError::DiskFull`], [`StoreError::ReadOnly`]
    /// or [`StoreError::DiskError`] when the storage refuses (or the last write was
    /// refused for such a reason and nothing shows the cause gone), another error
    /// when the database does not answer. The default is [`Store::ping`].
    async fn health(&self) -> Result<(), StoreError> {
        self.ping().await
    }

    /// Changes made through the database by any process, when the backend can
    /// tell (PostGIS LISTEN/NOTIFY). `None`: only this process writes (GeoPackage).
    async fn subscribe(&self) -> Result<Option<ChangeFeed>, StoreError> {
        Ok(None)
    }
}
