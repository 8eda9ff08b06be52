//! The server store: PostgreSQL with PostGIS (sqlx, `PgPool`).
//!
//! Same tables and columns as the GeoPackage (one table per [`LayerKind`], `fid`
//! primary keys, `landtrace_audit`, `landtrace_meta`), created by the numbered SQL
//! migrations in `migrations/postgis/`. Geometry crosses the wire as WKB
//! ([`crate::wkb`]) and is stored as `geometry(…, 4326)` with GiST indexes.
//! Every write notifies `landtrace_changes` (LISTEN/NOTIFY) in its transaction, so
//! other processes on the same database hear about it through [`Store::subscribe`].

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use landtrace_domain::{FieldType, GeometryKind, LayerKind, UserLayerDef};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Transaction};
use tokio::sync::mpsc;

use crate::feature::{Actor, AuditRecord, Feature, IdempotencyKey, NewFeature, Outcome};
use crate::history::{HistoryBind, HistoryQuery, history_sql};
use crate::photos::{NewPhoto, PhotoMeta, PhotoSql};
use crate::rows::{
    GEOMETRY_COLUMN, InsertSql, Params, bind_fields, feature_insert, feature_update, quote, read_audit, read_feature,
    schema_sql,
};
use crate::track_checks::{StoredTrackCheck, TrackCheck};
use crate::write::{AuditEntry, IdempotencySql, audit_insert, claim, insert_features, keyed, read_before, write_audit};
use crate::write_failures::WriteFailures;
use crate::{ChangeEvent, ChangeFeed, LayerCount, Store, StoreError, wkb};

/// EPSG:4326, the only SRS features are stored in.
pub const SRID: i32 = 4326;
/// Connections in the pool when none is asked for.
pub const DEFAULT_POOL_SIZE: u32 = 8;
/// How long a query waits for a connection before failing with
/// [`StoreError::Database`] (also bounds connecting to a server that is down).
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// The LISTEN/NOTIFY channel; the payload is the layer's table name.
pub const CHANGES_CHANNEL: &str = "landtrace_changes";
/// How often a lost change feed tries to listen again.
const RELISTEN_EVERY: Duration = Duration::from_millis(250);
/// Capacity of a [`ChangeFeed`] before the listener waits for the consumer.
const FEED_CAPACITY: usize = 256;
/// Key of the advisory lock the migrator holds (per database), "landtrac".
const MIGRATION_LOCK: i64 = 0x6c61_6e64_7472_6163;
const MIGRATIONS_TABLE_SQL: &str = "CREATE TABLE IF NOT EXISTS landtrace_migrations (\
     version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";
/// `at` as RFC 3339 UTC with milliseconds, as the GeoPackage writes it.
const AUDIT_COLUMNS: &str = "id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS at, \
     actor, layer, fid, action, before::text AS before, after::text AS after";

/// One numbered schema migration, applied once in its own transaction.
#[derive(Debug, Clone, Copy)]
struct Migration {
    version: i32,
    name: &'static str,
    sql: &'static str,
}

/// Every migration, in order. Append only: never edit an applied one.
const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "0001_layers", sql: include_str!("../migrations/postgis/0001_layers.sql") },
    Migration {
        version: 2,
        name: "0002_truck_passes",
        sql: include_str!("../migrations/postgis/0002_truck_passes.sql"),
    },
    Migration { version: 3, name: "0003_issue7", sql: include_str!("../migrations/postgis/0003_issue7.sql") },
    Migration { version: 4, name: "0004_idempotency", sql: include_str!("../migrations/postgis/0004_idempotency.sql") },
    Migration { version: 5, name: "0005_user_layers", sql: include_str!("../migrations/postgis/0005_user_layers.sql") },
    Migration {
        version: 6,
        name: "0006_audit_history",
        sql: include_str!("../migrations/postgis/0006_audit_history.sql"),
    },
    Migration { version: 7, name: "0007_producers", sql: include_str!("../migrations/postgis/0007_producers.sql") },
    Migration {
        version: 8,
        name: "0008_truck_ban_roads",
        sql: include_str!("../migrations/postgis/0008_truck_ban_roads.sql"),
    },
    Migration {
        version: 9,
        name: "0009_expropriation_households",
        sql: include_str!("../migrations/postgis/0009_expropriation_households.sql"),
    },
    Migration {
        version: 10,
        name: "0010_consolidation_approved_on",
        sql: include_str!("../migrations/postgis/0010_consolidation_approved_on.sql"),
    },
    Migration {
        version: 11,
        name: "0011_record_photos",
        sql: include_str!("../migrations/postgis/0011_record_photos.sql"),
    },
    Migration { version: 12, name: "0012_accounts", sql: include_str!("../migrations/postgis/0012_accounts.sql") },
    Migration {
        version: 13,
        name: "0013_track_checks",
        sql: include_str!("../migrations/postgis/0013_track_checks.sql"),
    },
];

/// `created_at` as RFC 3339 text in UTC, as the GeoPackage writes it.
macro_rules! photo_columns {
    () => {
        "id, record_id, media_type, bytes, sha256, \
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS created_at, created_by"
    };
}
const PHOTOS: PhotoSql = PhotoSql {
    // FOR KEY SHARE: a concurrent delete of the record waits for this transaction.
    record_exists: "SELECT 1 FROM origin_points WHERE fid = $1 FOR KEY SHARE",
    insert: concat!(
        "INSERT INTO landtrace_record_photos (record_id, media_type, bytes, sha256, data, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
        photo_columns!()
    ),
    list: concat!("SELECT ", photo_columns!(), " FROM landtrace_record_photos WHERE record_id = $1 ORDER BY id"),
    one: concat!("SELECT ", photo_columns!(), ", data FROM landtrace_record_photos WHERE id = $1"),
    one_for_delete: concat!("SELECT ", photo_columns!(), " FROM landtrace_record_photos WHERE id = $1 FOR UPDATE"),
    delete: "DELETE FROM landtrace_record_photos WHERE id = $1",
};

const IDEMPOTENCY: IdempotencySql = IdempotencySql {
    lookup: "SELECT request_sha256, outcome FROM landtrace_idempotency WHERE actor = $1 AND key = $2 \
             AND created_at >= now() - interval '1 day'",
    claim: "INSERT INTO landtrace_idempotency (actor, key, request_sha256, outcome) VALUES ($1, $2, $3, $4)",
    purge: "DELETE FROM landtrace_idempotency WHERE created_at < now() - interval '1 day'",
};

/// A database URL that hides its password when printed (`Display` and `Debug`
/// show `postgres://user:***@host/db`). The real URL is only handed to the
/// driver, through [`RedactedUrl::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct RedactedUrl(String);

impl RedactedUrl {
    /// Wraps a URL (nothing is checked here; connecting parses it).
    pub fn new(url: impl Into<String>) -> RedactedUrl {
        RedactedUrl(url.into())
    }

    /// The URL with its password, for the driver only. Never print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

impl fmt::Debug for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedactedUrl({:?})", redact(&self.0))
    }
}

/// Replaces the password of `scheme://user:password@host/…` and any
/// `password=` parameter (URL query or `key=value` connection string) by `***`.
fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        // A libpq `key=value` string.
        return url.split(' ').map(redact_param).collect::<Vec<_>>().join(" ");
    };
    let rest = &url[scheme_end..];
    let query_start = rest.find(['?', '#']).unwrap_or(rest.len());
    let mut out = url[..scheme_end].to_owned();
    // The last '@' before the query ends the user info, even when an unescaped
    // password holds '/' or '@'.
    let after_userinfo = match rest[..query_start].rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            match userinfo.find(':') {
                Some(colon) => {
                    out.push_str(&userinfo[..colon]);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            at
        }
        None => 0,
    };
    out.push_str(&rest[after_userinfo..query_start]);
    let tail = &rest[query_start..];
    if let Some(query) = tail.strip_prefix('?') {
        let (query, fragment) = query.split_at(query.find('#').unwrap_or(query.len()));
        out.push('?');
        out.push_str(&query.split('&').map(redact_param).collect::<Vec<_>>().join("&"));
        out.push_str(fragment);
    } else {
        out.push_str(tail);
    }
    out
}

fn redact_param(param: &str) -> String {
    match param.split_once('=') {
        Some((key, _)) if key.trim().eq_ignore_ascii_case("password") => format!("{key}=***"),
        _ => param.to_owned(),
    }
}

/// The PostGIS store. Cloning shares the pool.
#[derive(Clone)]
pub struct PostGisStore {
    pool: PgPool,
    options: PgConnectOptions,
    url: RedactedUrl,
    /// The last write refused by the database's storage, for [`Store::health`].
    failures: std::sync::Arc<WriteFailures>,
}

impl fmt::Debug for PostGisStore {
    // Not derived: `PgConnectOptions`'s own Debug shows the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostGisStore").field("url", &self.url).field("pool_size", &self.pool.size()).finish()
    }
}

impl PostGisStore {
    /// Connects with [`DEFAULT_POOL_SIZE`] connections and brings the schema up
    /// to date (see [`PostGisStore::connect_with_pool_size`]).
    pub async fn connect(url: &str) -> Result<PostGisStore, StoreError> {
        PostGisStore::connect_with_pool_size(url, DEFAULT_POOL_SIZE).await
    }

    /// Connects with at most `max_connections` connections (at least 1), waits
    /// at most [`ACQUIRE_TIMEOUT`] for the server, and applies the pending
    /// migrations. A server that cannot be reached is a [`StoreError::Database`];
    /// no error message contains the password.
    pub async fn connect_with_pool_size(url: &str, max_connections: u32) -> Result<PostGisStore, StoreError> {
        let url = RedactedUrl::new(url);
        let options = PgConnectOptions::from_str(url.expose())?.application_name("landtrace");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await?;
        migrate(&pool).await?;
        tracing::debug!(url = %url, "connected to PostGIS");
        let store = PostGisStore { pool, options, url, failures: std::sync::Arc::default() };
        let defs = store.layer_definitions().await?;
        crate::register_user_layers(&defs, &store.describe())?;
        Ok(store)
    }

    /// The database URL (prints without its password).
    pub fn url(&self) -> &RedactedUrl {
        &self.url
    }

    /// Closes every connection; change feeds of this store end.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Runs a write that records `key` (when given) in its transaction (see
    /// [`keyed`]), noting storage failures for `health`.
    async fn keyed<T, F>(&self, actor: &Actor, key: Option<&IdempotencyKey>, write: F) -> Result<Outcome<T>, StoreError>
    where
        T: serde::de::DeserializeOwned,
        F: std::future::Future<Output = Result<T, StoreError>>,
    {
        let note = |result: Result<T, StoreError>| {
            self.failures.note(&result, || None);
            result
        };
        keyed(&self.pool, &IDEMPOTENCY, actor, key, write, note).await
    }

    /// After a write was refused for a storage reason: whether the database
    /// takes a (tiny) write again, by updating a probe row of `landtrace_meta`.
    async fn probe_write(&self) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO landtrace_meta (key, value) VALUES ('health_probe', now()::text) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Applies every migration not yet recorded in `landtrace_migrations`, each in
/// its own transaction under a transaction-level advisory lock, so servers
/// starting together apply each migration exactly once.
async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    for m in MIGRATIONS {
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(MIGRATION_LOCK).execute(&mut *tx).await?;
        sqlx::raw_sql(MIGRATIONS_TABLE_SQL).execute(&mut *tx).await?;
        let newest: Option<i32> =
            sqlx::query_scalar("SELECT max(version) FROM landtrace_migrations").fetch_one(&mut *tx).await?;
        if let Some(newest) = newest.filter(|&v| v > known) {
            return Err(StoreError::Refused(format!(
                "the database schema is at version {newest}, newer than this landtrace knows ({known}); \
                 upgrade landtrace"
            )));
        }
        let applied: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM landtrace_migrations WHERE version = $1)")
            .bind(m.version)
            .fetch_one(&mut *tx)
            .await?;
        if !applied {
            tracing::info!(migration = m.name, "applying PostGIS schema migration");
            sqlx::raw_sql(m.sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO landtrace_migrations (version, name, applied_at) VALUES ($1, $2, now())")
                .bind(m.version)
                .bind(m.name)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// The PostgreSQL column type of a field type.
fn pg_type(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::Integer => "bigint",
        FieldType::Real => "double precision",
        FieldType::Date => "date",
    }
}

/// `CREATE TABLE` and the spatial index of a user-defined layer, as the
/// migrations write them for the built-in ones.
fn create_layer_sql(kind: LayerKind) -> Vec<String> {
    let t = kind.table_name();
    let mut cols = vec!["fid bigserial PRIMARY KEY".to_owned()];
    let geometry = match kind.geometry() {
        GeometryKind::Point => Some("Point"),
        GeometryKind::MultiPolygon => Some("MultiPolygon"),
        GeometryKind::Any => Some("Geometry"),
        GeometryKind::None => None,
    };
    if let Some(g) = geometry {
        cols.push(format!("{GEOMETRY_COLUMN} geometry({g}, {SRID}) NOT NULL"));
    }
    for f in kind.fields() {
        let not_null = if f.required { " NOT NULL" } else { "" };
        cols.push(format!("{} {}{not_null}", quote(f.name), pg_type(f.ty)));
    }
    let mut sql = vec![format!("CREATE TABLE {} ({})", quote(t), cols.join(", "))];
    if geometry.is_some() {
        sql.push(format!(
            "CREATE INDEX {} ON {} USING gist ({GEOMETRY_COLUMN})",
            quote(&format!("{t}_geom_idx")),
            quote(t)
        ));
    }
    sql
}

/// The select list of a layer: `fid`, the geometry as WKB, dates as `YYYY-MM-DD`.
fn select_list(kind: LayerKind) -> String {
    let mut cols = vec!["fid".to_owned()];
    if kind.geometry() != GeometryKind::None {
        cols.push(format!("ST_AsBinary({GEOMETRY_COLUMN}) AS {GEOMETRY_COLUMN}"));
    }
    for f in kind.fields() {
        let c = quote(f.name);
        cols.push(match f.ty {
            FieldType::Date => format!("to_char({c}, 'YYYY-MM-DD') AS {c}"),
            FieldType::Text | FieldType::Integer | FieldType::Real => c,
        });
    }
    cols.join(", ")
}

fn read_row(kind: LayerKind, row: &PgRow) -> Result<Feature, StoreError> {
    read_feature(kind, row, |b| wkb::decode(b).map_err(|e| e.to_string()))
}

/// The SQL of a geometry bound as WKB, in [`SRID`] (a literal: it is
/// spliced into statements as it is).
const GEOMETRY_FROM_WKB: &str = "ST_SetSRID(ST_GeomFromWKB({}), 4326)";

/// The insert of features of `kind`, with their ids (see [`insert_rows`]):
/// geometry from WKB, dates from text.
fn insert_sql(kind: LayerKind) -> InsertSql {
    feature_insert(kind, true, Params::Numbered, GEOMETRY_FROM_WKB, "{}::date")
}

/// The insert of audit rows, [copied](AuditEntry::copied) or not.
fn audit_sql(copied: bool) -> InsertSql {
    audit_insert(copied, Params::Numbered, "{}::timestamptz", "{}::jsonb")
}

/// Inserts rows into one layer. With `ids`, the given feature ids are kept
/// (copying a store); with `audit`, one audit row per feature is written.
///
/// New features get their ids from the layer's sequence first, in increasing
/// order, and are then inserted with them: the ids of a multi-row insert are
/// known without relying on the order of its rows or of `RETURNING`.
async fn insert_rows(
    tx: &mut Transaction<'_, Postgres>,
    kind: LayerKind,
    features: &[NewFeature],
    ids: Option<&[i64]>,
    audit: Option<&Actor>,
) -> Result<Vec<i64>, StoreError> {
    if features.is_empty() {
        return Ok(Vec::new());
    }
    let allocated;
    let ids = match ids {
        Some(ids) => ids,
        None => {
            let n = i64::try_from(features.len()).unwrap_or(i64::MAX);
            let mut new: Vec<i64> =
                sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence($1, 'fid')) FROM generate_series(1, $2)")
                    .bind(quote(kind.table_name()))
                    .bind(n)
                    .fetch_all(&mut **tx)
                    .await?;
            new.sort_unstable();
            allocated = new;
            &allocated
        }
    };
    let out = insert_features(tx, kind, &insert_sql(kind), features, Some(ids), wkb_bytes).await?;
    if let Some(actor) = audit {
        let entries: Vec<AuditEntry> =
            features.iter().zip(&out).map(|(f, &id)| AuditEntry::insert(actor, kind, id, f)).collect();
        write_audit(tx, &audit_sql(false), entries).await?;
    }
    Ok(out)
}

fn wkb_bytes(g: &geo::Geometry<f64>) -> Vec<u8> {
    let mut bytes = Vec::new();
    wkb::encode(g, &mut bytes);
    bytes
}

/// `UPDATE … WHERE fid = $n` of every column of a layer (the fid is the last
/// parameter).
fn update_sql(kind: LayerKind) -> String {
    feature_update(kind, Params::Numbered, GEOMETRY_FROM_WKB, "{}::date")
}

/// Begins the write of an update or delete of feature `id` of `kind` and
/// reads the feature as stored now (see [`read_before`]).
async fn begin_change(
    pool: &PgPool,
    kind: LayerKind,
    id: i64,
    if_match: Option<&str>,
) -> Result<(Transaction<'static, Postgres>, Feature), StoreError> {
    let tx = pool.begin().await?;
    // Locked (`FOR UPDATE`), so a concurrent update or delete of it waits for this one.
    let sql = format!("SELECT {} FROM {} WHERE fid = $1 FOR UPDATE", select_list(kind), quote(kind.table_name()));
    read_before(tx, kind, id, if_match, sql, read_row).await
}

/// Tells listeners (delivered when the transaction commits) which layers changed.
async fn notify(
    tx: &mut Transaction<'_, Postgres>,
    kinds: impl IntoIterator<Item = LayerKind>,
) -> Result<(), StoreError> {
    let mut kinds: Vec<LayerKind> = kinds.into_iter().collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANGES_CHANNEL)
            .bind(kind.table_name())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A listener on [`CHANGES_CHANNEL`] with a connection of its own (a pool of
/// one), so a feed never takes a connection from the store's query pool.
async fn listen(options: &PgConnectOptions) -> Result<PgListener, sqlx::Error> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .max_lifetime(None)
        .idle_timeout(None)
        .connect_with(options.clone().application_name("landtrace-listener"))
        .await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    // A lost connection is reported at once (`Ok(None)`); `run_feed` listens again.
    listener.eager_reconnect(false);
    listener.listen(CHANGES_CHANNEL).await?;
    Ok(listener)
}

/// The user-defined layer `name` as another server created it, registered here
/// (`None` when there is no such layer or its definition does not read).
async fn user_layer_from(pool: &PgPool, name: &str) -> Option<LayerKind> {
    let json: Option<String> = sqlx::query_scalar("SELECT definition::text FROM landtrace_layers WHERE name = $1")
        .bind(name)
        .fetch_optional(pool)
        .await
        .ok()
        .flatten();
    let def = crate::parse_definition(name, &json?).ok()?;
    match landtrace_domain::schema::user_layers::register(&def) {
        Ok(kind) => {
            tracing::info!(layer = name, "another server created a user-defined layer; registered it");
            Some(kind)
        }
        Err(e) => {
            tracing::warn!(layer = name, error = %e, "a user-defined layer's definition is refused");
            None
        }
    }
}

/// Forwards notifications to `tx` until the receiver is dropped or the store is
/// closed. A lost connection is replaced by a fresh LISTEN, retried every
/// [`RELISTEN_EVERY`]; only once it listens again is `Reconnected` sent, so a
/// consumer that re-reads everything then misses nothing.
async fn run_feed(
    pool: PgPool,
    mut listener: PgListener,
    options: PgConnectOptions,
    tx: mpsc::Sender<ChangeEvent>,
    store_closed: sqlx::pool::CloseEvent,
) {
    tokio::pin!(store_closed);
    loop {
        loop {
            let received = tokio::select! {
                () = tx.closed() => return,
                () = &mut store_closed => return,
                r = listener.try_recv() => r,
            };
            match received {
                Ok(Some(n)) => {
                    let kind = match LayerKind::from_table_name(n.payload()) {
                        Some(kind) => kind,
                        // A layer another server created: read its definition.
                        None => match user_layer_from(&pool, n.payload()).await {
                            Some(kind) => kind,
                            None => continue,
                        },
                    };
                    if tx.send(ChangeEvent::Changed(kind)).await.is_err() {
                        return;
                    }
                }
                Ok(None) => {
                    tracing::warn!("PostGIS change feed: connection lost; listening again");
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "PostGIS change feed failed; listening again");
                    break;
                }
            }
        }
        drop(listener);
        listener = loop {
            tokio::select! {
                () = tx.closed() => return,
                () = &mut store_closed => return,
                () = tokio::time::sleep(RELISTEN_EVERY) => {}
            }
            let attempt = tokio::select! {
                () = tx.closed() => return,
                () = &mut store_closed => return,
                r = listen(&options) => r,
            };
            match attempt {
                Ok(l) => break l,
                Err(e) => tracing::debug!(error = %e, "PostGIS change feed: still cannot listen"),
            }
        };
        tracing::info!("PostGIS change feed: listening again");
        if tx.send(ChangeEvent::Reconnected).await.is_err() {
            return;
        }
    }
}

#[async_trait]
impl Store for PostGisStore {
    async fn is_replay(&self, actor: &Actor, key: Option<&IdempotencyKey>) -> Result<bool, StoreError> {
        Ok(crate::write::replay::<_, _, serde_json::Value>(&self.pool, &IDEMPOTENCY, actor, key).await?.is_some())
    }

    fn describe(&self) -> String {
        format!("PostGIS {}", self.url)
    }

    async fn counts(&self) -> Result<Vec<LayerCount>, StoreError> {
        crate::rows::count_layers(&self.pool, &crate::store_layers(self).await?).await
    }

    async fn features(&self, kind: LayerKind) -> Result<Vec<Feature>, StoreError> {
        let sql = format!("SELECT {} FROM {} ORDER BY fid", select_list(kind), quote(kind.table_name()));
        let rows = sqlx::query(schema_sql(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(|r| read_row(kind, r)).collect()
    }

    async fn insert_many_keyed(
        &self,
        batches: Vec<(LayerKind, Vec<NewFeature>)>,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
    ) -> Result<Outcome<Vec<Vec<i64>>>, StoreError> {
        self.keyed(actor, key, async {
            // Validate everything before the transaction starts: a rejected input
            // never reaches the database.
            let valid = crate::validate_batches_off_thread(batches).await?;
            let mut tx = self.pool.begin().await?;
            let mut ids = Vec::with_capacity(valid.len());
            for (kind, features) in &valid {
                ids.push(insert_rows(&mut tx, *kind, features, None, Some(actor)).await?);
            }
            claim(&mut tx, &IDEMPOTENCY, actor, key, &ids).await?;
            notify(&mut tx, valid.iter().filter(|(_, f)| !f.is_empty()).map(|(k, _)| *k)).await?;
            tx.commit().await?;
            Ok(ids)
        })
        .await
    }

    async fn update_keyed(
        &self,
        kind: LayerKind,
        id: i64,
        feature: NewFeature,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
        if_match: Option<&str>,
    ) -> Result<Outcome<()>, StoreError> {
        self.keyed(actor, key, async {
            // Validated before the transaction, as inserts are.
            let valid = crate::validate_one_off_thread(kind, feature).await?;
            let (mut tx, before) = begin_change(&self.pool, kind, id, if_match).await?;
            let mut q = sqlx::query(schema_sql(update_sql(kind)));
            if kind.geometry() != GeometryKind::None {
                q = q.bind(valid.geometry.as_ref().map(wkb_bytes));
            }
            bind_fields(q, kind, &valid.properties).bind(id).execute(&mut *tx).await?;
            let audit = vec![AuditEntry::update(actor, kind, id, &before, &valid)];
            write_audit(&mut tx, &audit_sql(false), audit).await?;
            claim(&mut tx, &IDEMPOTENCY, actor, key, &()).await?;
            notify(&mut tx, [kind]).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn delete_keyed(
        &self,
        kind: LayerKind,
        id: i64,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
        if_match: Option<&str>,
    ) -> Result<Outcome<()>, StoreError> {
        self.keyed(actor, key, async {
            let (mut tx, before) = begin_change(&self.pool, kind, id, if_match).await?;
            sqlx::query(schema_sql(format!("DELETE FROM {} WHERE fid = $1", quote(kind.table_name()))))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if kind == LayerKind::OriginPoints {
                // A record's photos go with it, in the same transaction.
                crate::photos::delete_record_photos(&mut tx, &PHOTOS, &audit_sql(false), id, actor).await?;
            }
            write_audit(&mut tx, &audit_sql(false), vec![AuditEntry::delete(actor, kind, id, &before)]).await?;
            claim(&mut tx, &IDEMPOTENCY, actor, key, &()).await?;
            notify(&mut tx, [kind]).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn add_photo_keyed(
        &self,
        photo: NewPhoto,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
    ) -> Result<Outcome<PhotoMeta>, StoreError> {
        self.keyed(actor, key, async {
            let mut tx = self.pool.begin().await?;
            let meta = crate::photos::insert_photo(&mut tx, &PHOTOS, &audit_sql(false), photo, actor).await?;
            claim(&mut tx, &IDEMPOTENCY, actor, key, &meta).await?;
            tx.commit().await?;
            Ok(meta)
        })
        .await
    }

    async fn photos(&self, record_id: i64) -> Result<Vec<PhotoMeta>, StoreError> {
        crate::photos::list_photos(&self.pool, &PHOTOS, record_id).await
    }

    async fn photo(&self, id: i64) -> Result<Option<(PhotoMeta, Vec<u8>)>, StoreError> {
        crate::photos::read_photo(&self.pool, &PHOTOS, id).await
    }

    async fn delete_photo_keyed(
        &self,
        id: i64,
        actor: &Actor,
        key: Option<&IdempotencyKey>,
    ) -> Result<Outcome<PhotoMeta>, StoreError> {
        self.keyed(actor, key, async {
            let mut tx = self.pool.begin().await?;
            let meta = crate::photos::delete_photo(&mut tx, &PHOTOS, &audit_sql(false), id, actor).await?;
            claim(&mut tx, &IDEMPOTENCY, actor, key, &meta).await?;
            tx.commit().await?;
            Ok(meta)
        })
        .await
    }

    async fn audit(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM landtrace_audit ORDER BY id DESC LIMIT $1");
        let rows = sqlx::query(schema_sql(sql)).bind(i64::from(limit)).fetch_all(&self.pool).await?;
        rows.iter().map(read_audit).collect()
    }

    async fn audit_all(&self) -> Result<Vec<AuditRecord>, StoreError> {
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM landtrace_audit ORDER BY id");
        let rows = sqlx::query(schema_sql(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(read_audit).collect()
    }

    async fn history(&self, query: &HistoryQuery) -> Result<Vec<AuditRecord>, StoreError> {
        let (sql, binds) = history_sql(query, Params::Numbered, AUDIT_COLUMNS, "{}::timestamptz");
        let mut q = sqlx::query(schema_sql(sql));
        for b in binds {
            q = match b {
                HistoryBind::Text(t) => q.bind(t),
                HistoryBind::Integer(i) => q.bind(i),
            };
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(read_audit).collect()
    }

    async fn load_exact(
        &self,
        batches: Vec<(LayerKind, Vec<Feature>)>,
        audit: Vec<AuditRecord>,
    ) -> Result<(), StoreError> {
        let (ids, valid) = crate::prepare_exact_copy(self, batches).await?;
        let mut tx = self.pool.begin().await?;
        for ((kind, features), ids) in valid.iter().zip(&ids) {
            insert_rows(&mut tx, *kind, features, Some(ids), None).await?;
        }
        write_audit(&mut tx, &audit_sql(true), audit.iter().map(AuditEntry::copied).collect()).await?;
        // Later inserts continue after the copied ids.
        let kinds = crate::store_layers(self).await?;
        let tables = kinds.iter().map(|k| (k.table_name(), "fid")).chain([("landtrace_audit", "id")]);
        for (table, column) in tables {
            sqlx::query(schema_sql(format!(
                "SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max({c}), 1), max({c}) IS NOT NULL) FROM {t}",
                c = quote(column),
                t = quote(table),
            )))
            .bind(table)
            .bind(column)
            .execute(&mut *tx)
            .await?;
        }
        notify(&mut tx, valid.iter().filter(|(_, f)| !f.is_empty()).map(|(k, _)| *k)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn layer_definitions(&self) -> Result<Vec<UserLayerDef>, StoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT name, definition::text FROM landtrace_layers ORDER BY created_at, name")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(|(name, json)| crate::parse_definition(&name, &json)).collect()
    }

    async fn create_layer(&self, def: &UserLayerDef, actor: &Actor) -> Result<LayerKind, StoreError> {
        let (kind, json) = crate::prepare_user_layer(def)?;
        let result: Result<(), StoreError> = async {
            let mut tx = self.pool.begin().await?;
            // Two servers creating the same name: the second waits here, then sees it.
            sqlx::query("LOCK TABLE landtrace_layers IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
            let taken: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM landtrace_layers WHERE name = $1) OR to_regclass(quote_ident($1)) IS NOT NULL",
            )
            .bind(&def.name)
            .fetch_one(&mut *tx)
            .await?;
            if taken {
                return Err(crate::layer_exists(&def.name));
            }
            crate::builtin_title_taken(def)?;
            let titled: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM landtrace_layers WHERE btrim(definition->>'title_zh') = $1)",
            )
            .bind(def.title_zh.trim())
            .fetch_one(&mut *tx)
            .await?;
            if titled {
                return Err(crate::layer_title_taken(def.title_zh.trim()));
            }
            sqlx::query("INSERT INTO landtrace_layers (name, definition, created_by) VALUES ($1, $2::jsonb, $3)")
                .bind(&def.name)
                .bind(&json)
                .bind(&actor.0)
                .execute(&mut *tx)
                .await?;
            for sql in create_layer_sql(kind) {
                sqlx::query(schema_sql(sql)).execute(&mut *tx).await?;
            }
            notify(&mut tx, [kind]).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        self.failures.note(&result, || None);
        result?;
        Ok(crate::created_user_layer(kind, actor))
    }

    async fn accounts(&self) -> Result<crate::AccountsSnapshot, StoreError> {
        crate::accounts::postgres::accounts_snapshot(&self.pool).await
    }

    async fn accounts_version(&self) -> Result<i64, StoreError> {
        crate::accounts::postgres::accounts_version(&self.pool).await
    }

    async fn change_account(&self, change: &crate::AccountChange, actor: &Actor) -> Result<i64, StoreError> {
        let result = crate::accounts::postgres::change_account(&self.pool, change, actor).await;
        self.failures.note(&result, || None);
        result
    }

    async fn account_audit(&self, limit: u32) -> Result<Vec<crate::AccountAuditRow>, StoreError> {
        crate::accounts::postgres::account_audit(&self.pool, limit).await
    }

    async fn record_track_check(&self, check: &TrackCheck) -> Result<i64, StoreError> {
        check.validate()?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO landtrace_track_checks \
             (checked_at, checked_by, door, plate, violations, fixes, track_from, track_to) \
             VALUES (to_timestamp($1::float8 / 1000), $2, $3, $4, $5, $6, \
             to_timestamp($7::float8 / 1000), to_timestamp($8::float8 / 1000)) RETURNING id",
        )
        .bind(check.checked_at_ms)
        .bind(&check.checked_by)
        .bind(&check.door)
        .bind(&check.plate)
        .bind(i64::from(check.violations))
        .bind(i64::try_from(check.fixes).unwrap_or(i64::MAX))
        .bind(check.track_from_ms)
        .bind(check.track_to_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn track_checks(&self, since_ms: Option<i64>) -> Result<Vec<StoredTrackCheck>, StoreError> {
        let rows: Vec<crate::track_checks::Row> = sqlx::query_as(
            "SELECT id, round(extract(epoch FROM checked_at) * 1000)::bigint, checked_by, door, plate, \
             violations::bigint, fixes, round(extract(epoch FROM track_from) * 1000)::bigint, \
             round(extract(epoch FROM track_to) * 1000)::bigint \
             FROM landtrace_track_checks \
             WHERE $1::bigint IS NULL OR checked_at >= to_timestamp($1::float8 / 1000) ORDER BY id",
        )
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(crate::track_checks::from_row).collect())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn health(&self) -> Result<(), StoreError> {
        let read_only: bool =
            sqlx::query_scalar("SELECT pg_is_in_recovery() OR current_setting('default_transaction_read_only') = 'on'")
                .fetch_one(&self.pool)
                .await?;
        if read_only {
            return Err(StoreError::ReadOnly {
                detail: "the database is a standby or read-only (default_transaction_read_only)".into(),
            });
        }
        if let Some(failure) = self.failures.last() {
            // Nothing on the database server can be seen from here without
            // writing: try a tiny write, and report the failure while it fails.
            match self.probe_write().await {
                Ok(()) => self.failures.forget(),
                Err(e) if e.is_storage_problem() => return Err(e),
                Err(_) => return Err(failure.to_error()),
            }
        }
        Ok(())
    }

    async fn subscribe(&self) -> Result<Option<ChangeFeed>, StoreError> {
        // Listen before returning, so every change committed after `subscribe`
        // returns is delivered.
        let listener = listen(&self.options).await?;
        let (tx, rx) = mpsc::channel(FEED_CAPACITY);
        tokio::spawn(run_feed(self.pool.clone(), listener, self.options.clone(), tx, self.pool.close_event()));
        Ok(Some(rx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(url: &str, shown: &str) {
        let r = RedactedUrl::new(url);
        assert_eq!(r.to_string(), shown);
        assert_eq!(format!("{r:?}"), format!("RedactedUrl({shown:?})"));
        assert_eq!(r.expose(), url);
    }

    #[test]
    fn redacted_url_hides_the_password() {
        check("postgres://app:s3cret@db.example:5432/landtrace", "postgres://app:***@db.example:5432/landtrace");
        check(
            "postgresql://app:p%40ss@127.0.0.1/landtrace?sslmode=require",
            "postgresql://app:***@127.0.0.1/landtrace?sslmode=require",
        );
        // Unescaped '@' and '/' in the password still do not leak.
        check("postgres://app:pa/s@s@host/db", "postgres://app:***@host/db");
        check(
            "postgres://h/db?user=app&password=s3cret&sslmode=disable",
            "postgres://h/db?user=app&password=***&sslmode=disable",
        );
        check("host=h user=app password=s3cret dbname=db", "host=h user=app password=*** dbname=db");
        // Nothing to hide.
        check(
            "postgres://postgres@127.0.0.1:55432/landtrace_test",
            "postgres://postgres@127.0.0.1:55432/landtrace_test",
        );
        check("postgres://localhost/db", "postgres://localhost/db");
        check("postgres://app:@host/db", "postgres://app:***@host/db");
    }

    #[test]
    fn insert_sql_binds_every_column_of_every_row() {
        assert!(GEOMETRY_FROM_WKB.contains(&format!(", {SRID})")));
        let insert = insert_sql(LayerKind::OriginPoints);
        let per_row = 2 + LayerKind::OriginPoints.fields().len();
        let sql = insert.sql(1).0;
        assert!(sql.starts_with("INSERT INTO \"origin_points\" (fid, geom, \"subject_name\""), "{sql}");
        assert!(sql.contains("VALUES ($1, ST_SetSRID(ST_GeomFromWKB($2), 4326), $3"), "{sql}");
        assert!(sql.contains(&format!("${per_row}")) && !sql.contains(&format!("${}", per_row + 1)), "{sql}");
        assert!(sql.contains("::date") && !sql.contains("RETURNING"), "{sql}");
        let sql = insert.sql(3).0;
        let second = format!("), (${}, ST_SetSRID(ST_GeomFromWKB(${}), 4326)", per_row + 1, per_row + 2);
        assert!(sql.contains(&second), "{sql}");
        assert!(sql.ends_with(&format!("${})", 3 * per_row)), "{sql}");
        assert!(insert.rows_per_statement() * per_row <= crate::rows::MAX_BINDS);
        let sql = insert_sql(LayerKind::Villages).sql(1).0;
        assert!(sql.starts_with("INSERT INTO \"villages\" (fid, \"code\""), "{sql}");
        assert!(!sql.contains("geom"), "{sql}");
    }

    #[test]
    fn audit_sql_binds_json_and_copied_times() {
        let sql = audit_sql(false).sql(2).0;
        assert_eq!(
            sql,
            "INSERT INTO \"landtrace_audit\" (\"actor\", \"layer\", \"fid\", \"action\", \"before\", \"after\") \
             VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb), ($7, $8, $9, $10, $11::jsonb, $12::jsonb)"
        );
        let sql = audit_sql(true).sql(1).0;
        assert!(
            sql.contains("(\"id\", \"at\", \"actor\"") && sql.contains("VALUES ($1, $2::timestamptz, $3,"),
            "{sql}"
        );
    }

    #[test]
    fn update_sql_binds_every_column_then_the_fid() {
        let sql = update_sql(LayerKind::SpongeFacilities);
        assert!(
            sql.starts_with(
                "UPDATE \"sponge_facilities\" SET geom = ST_SetSRID(ST_GeomFromWKB($1), 4326), \"name\" = $2"
            ),
            "{sql}"
        );
        let fid = 2 + LayerKind::SpongeFacilities.fields().len();
        assert!(sql.ends_with(&format!(" WHERE fid = ${fid}")), "{sql}");
        assert!(sql.contains("\"accepted_on\" = $") && sql.contains("::date"), "{sql}");
        let sql = update_sql(LayerKind::Villages);
        assert!(sql.starts_with("UPDATE \"villages\" SET \"code\" = $1"), "{sql}");
        assert!(!sql.contains("geom"), "{sql}");
    }

    #[test]
    fn migrations_are_numbered_in_order() {
        // Versions 1, 2, 3 … without a gap, and each name starts with its version.
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i32::try_from(i).unwrap() + 1, "{}", m.name);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)), "{}", m.name);
        }
        assert_eq!(MIGRATIONS[0].version, 1);
    }
}
