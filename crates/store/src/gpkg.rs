//! The embedded store: one GeoPackage 1.3 file (SQLite through sqlx).
//!
//! The file holds the GeoPackage metadata tables, one feature or attribute table
//! per layer with an R-tree spatial index (`gpkg_rtree_index` extension), and
//! landtrace's own `landtrace_meta` and `landtrace_audit` tables. GDAL's
//! `ogrinfo` and QGIS read it as any other GeoPackage.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use landtrace_domain::{GeometryKind, LayerKind, UserLayerDef};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
};
use sqlx::{Connection, Sqlite, Transaction};

use crate::feature::{Actor, AuditRecord, Feature, IdempotencyKey, NewFeature, Outcome};
use crate::history::{HistoryBind, HistoryQuery, history_sql};
use crate::photos::{NewPhoto, PhotoMeta, PhotoSql};
use crate::rows::{
    GEOMETRY_COLUMN, InsertSql, Params, bind_fields, feature_insert, feature_update, quote, read_audit, read_feature,
    schema_sql,
};
use crate::track_checks::{StoredTrackCheck, TrackCheck};
use crate::write::{AuditEntry, IdempotencySql, audit_insert, claim, insert_features, keyed, read_before, write_audit};
use crate::write_failures::{StorageProblem, WriteFailures};
use crate::{Checked, LayerCount, Store, StoreError, gpkg_blob, gpkg_functions, sqlite_state};

/// EPSG:4326, the only SRS features are stored in.
pub const SRS_ID: i32 = 4326;
/// GeoPackage `application_id` ("GPKG").
const APPLICATION_ID: i64 = 0x4750_4B47;
/// Version of landtrace's table layout inside the GeoPackage.
const SCHEMA_VERSION: &str = "1";
const CORE_SQL: &str = include_str!("../sql/gpkg_core.sql");
const RTREE_SQL: &str = include_str!("../sql/gpkg_rtree.sql");
const IDEMPOTENCY_TABLE_SQL: &str = include_str!("../sql/gpkg_idempotency.sql");
const LAYERS_TABLE_SQL: &str = include_str!("../sql/gpkg_layers.sql");
const ACCOUNTS_TABLE_SQL: &str = include_str!("../sql/gpkg_accounts.sql");
const AUDIT_INDEX_SQL: &str = include_str!("../sql/gpkg_audit_history.sql");
const PHOTOS_TABLE_SQL: &str = include_str!("../sql/gpkg_record_photos.sql");
const PHOTOS: PhotoSql = PhotoSql {
    record_exists: "SELECT 1 FROM origin_points WHERE fid = ?",
    insert: "INSERT INTO landtrace_record_photos (record_id, media_type, bytes, sha256, data, created_by) \
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id, record_id, media_type, bytes, sha256, created_at, created_by",
    list: "SELECT id, record_id, media_type, bytes, sha256, created_at, created_by FROM landtrace_record_photos \
           WHERE record_id = ? ORDER BY id",
    one: "SELECT id, record_id, media_type, bytes, sha256, created_at, created_by, data FROM landtrace_record_photos \
          WHERE id = ?",
    one_for_delete: "SELECT id, record_id, media_type, bytes, sha256, created_at, created_by \
                     FROM landtrace_record_photos WHERE id = ?",
    delete: "DELETE FROM landtrace_record_photos WHERE id = ?",
};
const TRACK_CHECKS_SQL: &str = include_str!("../sql/gpkg_track_checks.sql");
/// The audit columns as `history` reads them.
const AUDIT_COLUMNS: &str = "id, at, actor, layer, fid, action, before, after";
const IDEMPOTENCY: IdempotencySql = IdempotencySql {
    lookup: "SELECT request_sha256, outcome FROM landtrace_idempotency WHERE actor = ? AND key = ? \
             AND created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day')",
    claim: "INSERT INTO landtrace_idempotency (actor, key, request_sha256, outcome) VALUES (?, ?, ?, ?)",
    purge: "DELETE FROM landtrace_idempotency WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day')",
};
/// Below this many free bytes on the store's file system, `health` reports the
/// disk as full: SQLite needs room for the rollback journal and new pages.
pub const LOW_DISK_BYTES: u64 = 1024 * 1024;

/// The embedded GeoPackage store.
#[derive(Debug, Clone)]
pub struct GeoPackageStore {
    pool: SqlitePool,
    path: PathBuf,
    /// The last write refused by the storage, for [`Store::health`].
    failures: Arc<WriteFailures>,
}

impl GeoPackageStore {
    /// Creates a new, empty GeoPackage with every layer's table. Fails if the
    /// file exists.
    pub async fn create(path: &Path) -> Result<GeoPackageStore, StoreError> {
        if path.exists() {
            return Err(StoreError::NotAStore {
                path: path.display().to_string(),
                reason: "file already exists; refusing to overwrite it".into(),
            });
        }
        let store = GeoPackageStore::connect(path, true).await?;
        store.create_schema().await?;
        Ok(store)
    }

    /// Opens an existing GeoPackage written by landtrace and registers its
    /// user-defined layers (see [`landtrace_domain::schema::user_layers`]).
    pub async fn open(path: &Path) -> Result<GeoPackageStore, StoreError> {
        let store = GeoPackageStore::open_tables(path).await?;
        let defs = store.layer_definitions().await?;
        crate::register_user_layers(&defs, &store.describe())?;
        Ok(store)
    }

    async fn open_tables(path: &Path) -> Result<GeoPackageStore, StoreError> {
        let shown = path.display().to_string();
        if !path.is_file() {
            let reason = match std::fs::metadata(path) {
                Ok(m) if m.is_dir() => "is a directory, not a GeoPackage file",
                Ok(_) => "is not a regular file, so not a GeoPackage file",
                Err(_) => "no such file",
            };
            return Err(StoreError::NotAStore { path: shown, reason: reason.into() });
        }
        let store = GeoPackageStore::connect(path, false).await?;
        let app_id: i64 = sqlx::query_scalar("PRAGMA application_id").fetch_one(&store.pool).await?;
        if app_id != APPLICATION_ID {
            return Err(StoreError::NotAStore {
                path: shown,
                reason: "not a GeoPackage (application_id is not GPKG)".into(),
            });
        }
        let version: Option<String> =
            sqlx::query_scalar("SELECT value FROM landtrace_meta WHERE key = 'schema_version'")
                .fetch_optional(&store.pool)
                .await
                .map_err(|_| StoreError::NotAStore {
                    path: shown.clone(),
                    reason: "a GeoPackage, but not one written by landtrace (no landtrace_meta table)".into(),
                })?;
        match version.as_deref() {
            Some(SCHEMA_VERSION) => {
                if !store.upgrade_schema().await? {
                    return Ok(store);
                }
                // Other pooled connections may hold the schema as it was before the
                // upgrade; SQLite would prepare a statement naming a new column
                // against it (reading `"column"` as a string literal), so start
                // afresh.
                store.close().await;
                GeoPackageStore::connect(path, false).await
            }
            other => Err(StoreError::NotAStore {
                path: shown,
                reason: format!("landtrace schema version {other:?} is not the supported {SCHEMA_VERSION}"),
            }),
        }
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes every connection (the file is complete on disk afterwards).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn connect(path: &Path, create: bool) -> Result<GeoPackageStore, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(create)
            .foreign_keys(true)
            // A single self-contained file (no -wal/-shm beside it), as GIS users expect.
            .journal_mode(SqliteJournalMode::Delete)
            .busy_timeout(Duration::from_secs(10));
        let file = Arc::new(path.to_owned());
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    let mut handle = conn.lock_handle().await?;
                    let db = handle.as_raw_handle().as_ptr();
                    // SAFETY: the locked handle guarantees exclusive use of `db`.
                    unsafe { gpkg_functions::register(db) }.map_err(|e| sqlx::Error::Configuration(e.into()))
                })
            })
            // A connection goes back to the pool (and out of it) only outside any
            // transaction; otherwise it is closed, which rolls the transaction back.
            .after_release(|conn, _meta| Box::pin(async move { Ok(!left_in_transaction(conn).await?) }))
            .before_acquire(move |conn, _meta| {
                let file = file.clone();
                Box::pin(
                    async move { Ok(!left_in_transaction(conn).await? && !read_only_but_writable(conn, &file).await?) },
                )
            })
            .connect_with(options)
            .await?;
        Ok(GeoPackageStore { pool, path: path.to_owned(), failures: Arc::default() })
    }

    /// The folder holding the file (where SQLite creates its rollback journal).
    fn folder(&self) -> &Path {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        }
    }

    /// Free bytes of the file system holding the store, for unprivileged users.
    fn free_bytes(&self) -> Option<u64> {
        rustix::fs::statvfs(self.folder()).ok().map(|s| s.f_bavail.saturating_mul(s.f_frsize))
    }

    /// Remembers a write that the storage refused (forgotten after a success).
    /// A database error that the file system explains (SQLite says "unable to
    /// open database file" when it cannot create its journal on a read-only
    /// file system) is reported as what the file system says.
    fn noted<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        let result = match result {
            Err(StoreError::Database(e)) => match self.file_system_state() {
                Err(storage) => {
                    tracing::debug!(error = %e, "a write failed; the file system explains it");
                    Err(storage)
                }
                Ok(()) => Err(StoreError::Database(e)),
            },
            other => other,
        };
        self.failures.note(&result, || self.free_bytes());
        result
    }

    /// Runs a write that records `key` (when given) in its transaction (see
    /// [`keyed`]), noting storage failures for `health`.
    async fn keyed<T, F>(&self, actor: &Actor, key: Option<&IdempotencyKey>, write: F) -> Result<Outcome<T>, StoreError>
    where
        T: serde::de::DeserializeOwned,
        F: std::future::Future<Output = Result<T, StoreError>>,
    {
        keyed(&self.pool, &IDEMPOTENCY, actor, key, write, |result| self.noted(result)).await
    }

    /// The transaction of an insert of validated `batches`: every feature, one
    /// audit row each, `key` recorded, all or nothing. Returns the new ids per
    /// batch.
    async fn write_inserts(
        &self,
        valid: &[(LayerKind, Vec<NewFeature>)],
        actor: &Actor,
        key: Option<&IdempotencyKey>,
    ) -> Result<Vec<Vec<i64>>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let features: usize = valid.iter().map(|(_, f)| f.len()).sum();
        if features >= BULK_WRITE_FEATURES {
            bulk_write_cache(&mut conn).await?;
        }
        // IMMEDIATE: take the write lock at the start. A deferred transaction
        // that reads before it writes can deadlock with another writer, and
        // SQLite then answers "database is locked" at once (no busy wait).
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let mut ids = Vec::with_capacity(valid.len());
        for (kind, features) in valid {
            // An empty batch changes nothing, not even the layer's last_change.
            let new = if features.is_empty() {
                Vec::new()
            } else {
                insert_rows(&mut tx, *kind, features, None, Some(actor)).await?
            };
            ids.push(new);
        }
        claim(&mut tx, &IDEMPOTENCY, actor, key, &ids).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Whether the file system lets us write the store now (without writing),
    /// and the last write refused for a storage reason unless its cause is seen
    /// to be gone.
    fn storage_health(&self) -> Result<(), StoreError> {
        self.file_system_state()?;
        if let Some(failure) = self.failures.last() {
            // A full disk counts as cleared once at least LOW_DISK_BYTES more are
            // free than when the write failed; the other causes were checked above.
            let free = self.free_bytes().unwrap_or(0);
            let cleared = match failure.problem {
                StorageProblem::DiskFull => failure.free_bytes.is_some_and(|then| free >= then + LOW_DISK_BYTES),
                StorageProblem::ReadOnly => true,
                StorageProblem::DiskError => false,
            };
            if !cleared {
                return Err(failure.to_error());
            }
            self.failures.forget();
        }
        Ok(())
    }

    /// Whether the file system holding the store is writable and not (nearly) full.
    fn file_system_state(&self) -> Result<(), StoreError> {
        let folder = self.folder();
        let fs = rustix::fs::statvfs(folder).map_err(|e| StoreError::DiskError {
            detail: format!("cannot query the file system of {}: {e}", folder.display()),
        })?;
        if fs.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY) {
            return Err(StoreError::ReadOnly {
                detail: format!("the file system holding {} is mounted read-only", self.path.display()),
            });
        }
        for (what, p) in [("the store file", self.path.as_path()), ("the store's folder", folder)] {
            if let Err(e) = rustix::fs::access(p, rustix::fs::Access::WRITE_OK) {
                return Err(StoreError::ReadOnly { detail: format!("{what} {} is not writable: {e}", p.display()) });
            }
        }
        let free = fs.f_bavail.saturating_mul(fs.f_frsize);
        if free < LOW_DISK_BYTES {
            return Err(StoreError::DiskFull {
                detail: format!("{} kB free on the file system holding {}", free / 1024, self.path.display()),
            });
        }
        Ok(())
    }

    /// Brings a store made by an older landtrace up to this version's layer
    /// definitions, in one transaction: creates the tables of layers added since,
    /// adds the fields added since as new (trailing, nullable) columns, and widens
    /// the geometry column of a layer that now takes any geometry (a `POINT` layer
    /// becomes `GEOMETRY`). Nothing is written when the store is up to date.
    /// Returns whether anything changed.
    async fn upgrade_schema(&self) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let present: Vec<String> =
            sqlx::query_scalar("SELECT table_name FROM gpkg_contents").fetch_all(&mut *tx).await?;
        let mut changed = false;
        let idempotency: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'landtrace_idempotency'",
        )
        .fetch_one(&mut *tx)
        .await?;
        if idempotency == 0 {
            tracing::info!("adding the idempotency-key table to {}", self.path.display());
            sqlx::raw_sql(IDEMPOTENCY_TABLE_SQL).execute(&mut *tx).await?;
            changed = true;
        }
        let track_checks: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'landtrace_track_checks'",
        )
        .fetch_one(&mut *tx)
        .await?;
        if track_checks == 0 {
            tracing::info!("adding the track-check table to {}", self.path.display());
            sqlx::raw_sql(TRACK_CHECKS_SQL).execute(&mut *tx).await?;
            changed = true;
        }
        let layers: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'landtrace_layers'")
                .fetch_one(&mut *tx)
                .await?;
        if layers == 0 {
            tracing::info!("adding the user-defined layer table to {}", self.path.display());
            sqlx::raw_sql(LAYERS_TABLE_SQL).execute(&mut *tx).await?;
            changed = true;
        }
        let accounts: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'landtrace_accounts'",
        )
        .fetch_one(&mut *tx)
        .await?;
        if accounts == 0 {
            tracing::info!("adding the account tables to {}", self.path.display());
            sqlx::raw_sql(ACCOUNTS_TABLE_SQL).execute(&mut *tx).await?;
            changed = true;
        }
        let audit_index: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'landtrace_audit_layer_fid'",
        )
        .fetch_one(&mut *tx)
        .await?;
        if audit_index == 0 {
            tracing::info!("indexing the audit trail of {} for history queries", self.path.display());
            sqlx::raw_sql(AUDIT_INDEX_SQL).execute(&mut *tx).await?;
            changed = true;
        }
        let photos: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'landtrace_record_photos'",
        )
        .fetch_one(&mut *tx)
        .await?;
        if photos == 0 {
            tracing::info!("adding the record photo table to {}", self.path.display());
            sqlx::raw_sql(PHOTOS_TABLE_SQL).execute(&mut *tx).await?;
            changed = true;
        }
        for kind in LayerKind::ALL {
            let t = kind.table_name();
            if !present.iter().any(|p| p == t) {
                tracing::info!("adding layer {t} to {}", self.path.display());
                create_layer_table(&mut tx, kind).await?;
                changed = true;
                continue;
            }
            if let Some(want) = kind.geometry().ogc_name() {
                let have: Option<String> =
                    sqlx::query_scalar("SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?")
                        .bind(t)
                        .fetch_optional(&mut *tx)
                        .await?;
                match have {
                    Some(have) if have.eq_ignore_ascii_case(want) => {}
                    Some(have) if want == "GEOMETRY" => {
                        tracing::info!("widening the geometry of {t} in {} from {have} to {want}", self.path.display());
                        rebuild_layer_table(&mut tx, kind).await?;
                        changed = true;
                        continue;
                    }
                    have => {
                        return Err(StoreError::NotAStore {
                            path: self.path.display().to_string(),
                            reason: format!(
                                "layer {t} has geometry type {}, expected {want}",
                                have.as_deref().unwrap_or("(none)")
                            ),
                        });
                    }
                }
            }
            let columns = table_columns(&mut tx, t).await?;
            for f in kind.fields().iter().filter(|f| !columns.iter().any(|c| c == f.name)) {
                if f.required {
                    return Err(StoreError::NotAStore {
                        path: self.path.display().to_string(),
                        reason: format!("layer {t} lacks the required column {}; it cannot be added", f.name),
                    });
                }
                tracing::info!("adding column {t}.{} to {}", f.name, self.path.display());
                let sql = format!("ALTER TABLE {} ADD COLUMN {} {}", quote(t), quote(f.name), f.ty.gpkg_type());
                sqlx::query(schema_sql(sql)).execute(&mut *tx).await?;
                changed = true;
            }
        }
        if changed {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(changed)
    }

    async fn create_schema(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::raw_sql(CORE_SQL).execute(&mut *tx).await?;
        for kind in LayerKind::ALL {
            create_layer_table(&mut tx, kind).await?;
        }
        sqlx::raw_sql(IDEMPOTENCY_TABLE_SQL).execute(&mut *tx).await?;
        sqlx::raw_sql(LAYERS_TABLE_SQL).execute(&mut *tx).await?;
        sqlx::raw_sql(ACCOUNTS_TABLE_SQL).execute(&mut *tx).await?;
        sqlx::raw_sql(AUDIT_INDEX_SQL).execute(&mut *tx).await?;
        sqlx::raw_sql(PHOTOS_TABLE_SQL).execute(&mut *tx).await?;
        sqlx::raw_sql(TRACK_CHECKS_SQL).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO landtrace_meta (key, value) VALUES ('schema_version', ?)")
            .bind(SCHEMA_VERSION)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Whether `conn` was left inside a transaction, by sqlx's count or by SQLite's
/// own flag (see [`sqlite_state`]: after a failed `COMMIT` or `ROLLBACK` the two
/// can disagree, and a connection in that state turns later transactions into
/// savepoints of one that is never committed).
async fn left_in_transaction(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    let by_sqlx = conn.is_in_transaction();
    let mut handle = conn.lock_handle().await?;
    // SAFETY: the locked handle guarantees exclusive use of the connection.
    let by_sqlite = unsafe { sqlite_state::in_transaction(handle.as_raw_handle().as_ptr()) };
    if by_sqlx || by_sqlite {
        tracing::warn!(
            by_sqlx,
            by_sqlite,
            "closing a store connection left inside a transaction (a failed COMMIT or ROLLBACK); \
             its uncommitted changes are discarded"
        );
    }
    Ok(by_sqlx || by_sqlite)
}

/// Whether `conn` opened the store read-only (the file system refused writing
/// then) while the file can be written now: such a connection is replaced, so
/// that writes work again once the file system does.
async fn read_only_but_writable(conn: &mut SqliteConnection, file: &Path) -> Result<bool, sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    // SAFETY: the locked handle guarantees exclusive use of the connection.
    let read_only = unsafe { sqlite_state::opened_read_only(handle.as_raw_handle().as_ptr()) };
    let writable = rustix::fs::access(file, rustix::fs::Access::WRITE_OK).is_ok()
        && file.parent().is_none_or(|dir| {
            let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
            rustix::fs::access(dir, rustix::fs::Access::WRITE_OK).is_ok()
        });
    if read_only && writable {
        tracing::info!("reopening a store connection opened read-only: the file is writable again");
    }
    Ok(read_only && writable)
}

/// `CREATE TABLE` of a layer's table called `name`.
fn create_table_sql(kind: LayerKind, name: &str) -> String {
    let mut cols = vec!["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_owned()];
    if let Some(ty) = kind.geometry().ogc_name() {
        cols.push(format!("{GEOMETRY_COLUMN} {ty}"));
    }
    for f in kind.fields() {
        let not_null = if f.required { " NOT NULL" } else { "" };
        cols.push(format!("{} {}{not_null}", quote(f.name), f.ty.gpkg_type()));
    }
    format!("CREATE TABLE {} ({})", quote(name), cols.join(", "))
}

/// The column names of table `t`.
async fn table_columns(tx: &mut Transaction<'_, Sqlite>, t: &str) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar("SELECT name FROM pragma_table_info(?)").bind(t).fetch_all(&mut **tx).await?)
}

/// Creates the spatial index of a layer table (R-tree, its triggers and the
/// `gpkg_extensions` row) and fills it with the features already there.
async fn create_spatial_index(tx: &mut Transaction<'_, Sqlite>, t: &str) -> Result<(), StoreError> {
    let sql = RTREE_SQL.replace("{t}", t).replace("{c}", GEOMETRY_COLUMN).replace("{i}", "fid");
    sqlx::raw_sql(schema_sql(sql)).execute(&mut **tx).await?;
    let fill = format!(
        "INSERT INTO {r} SELECT fid, ST_MinX({c}), ST_MaxX({c}), ST_MinY({c}), ST_MaxY({c}) FROM {t} \
         WHERE {c} NOT NULL AND NOT ST_IsEmpty({c})",
        r = quote(&format!("rtree_{t}_{GEOMETRY_COLUMN}")),
        c = GEOMETRY_COLUMN,
        t = quote(t),
    );
    sqlx::query(schema_sql(fill)).execute(&mut **tx).await?;
    Ok(())
}

/// Re-creates a layer table with this version's definition, keeping its
/// features, their ids and the id sequence: the way to change a column's declared
/// type in SQLite (here: widen the geometry column to `GEOMETRY`). The R-tree and
/// its triggers are rebuilt and `gpkg_geometry_columns` is updated.
async fn rebuild_layer_table(tx: &mut Transaction<'_, Sqlite>, kind: LayerKind) -> Result<(), StoreError> {
    let t = kind.table_name();
    let staging = format!("{t}__landtrace_upgrade");
    let existing = table_columns(tx, t).await?;
    let mut keep = vec!["fid".to_owned()];
    if kind.geometry() != GeometryKind::None {
        keep.push(GEOMETRY_COLUMN.to_owned());
    }
    keep.extend(kind.fields().iter().filter(|f| existing.iter().any(|c| c == f.name)).map(|f| quote(f.name)));
    let keep = keep.join(", ");
    let sequence: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = ?").bind(t).fetch_optional(&mut **tx).await?;
    let rtree = quote(&format!("rtree_{t}_{GEOMETRY_COLUMN}"));
    sqlx::query(schema_sql(format!("DROP TABLE IF EXISTS {rtree}"))).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM gpkg_extensions WHERE table_name = ? AND extension_name = 'gpkg_rtree_index'")
        .bind(t)
        .execute(&mut **tx)
        .await?;
    sqlx::query(schema_sql(create_table_sql(kind, &staging))).execute(&mut **tx).await?;
    let copy = format!("INSERT INTO {} ({keep}) SELECT {keep} FROM {}", quote(&staging), quote(t));
    sqlx::query(schema_sql(copy)).execute(&mut **tx).await?;
    // Dropping the table drops its R-tree triggers too.
    sqlx::query(schema_sql(format!("DROP TABLE {}", quote(t)))).execute(&mut **tx).await?;
    sqlx::query(schema_sql(format!("ALTER TABLE {} RENAME TO {}", quote(&staging), quote(t))))
        .execute(&mut **tx)
        .await?;
    if let Some(seq) = sequence {
        sqlx::query("DELETE FROM sqlite_sequence WHERE name = ?").bind(t).execute(&mut **tx).await?;
        let sql = format!(
            "INSERT INTO sqlite_sequence (name, seq) SELECT ?, max(?, coalesce(max(fid), 0)) FROM {}",
            quote(t)
        );
        sqlx::query(schema_sql(sql)).bind(t).bind(seq).execute(&mut **tx).await?;
    }
    if let Some(ty) = kind.geometry().ogc_name() {
        sqlx::query("UPDATE gpkg_geometry_columns SET geometry_type_name = ? WHERE table_name = ?")
            .bind(ty)
            .bind(t)
            .execute(&mut **tx)
            .await?;
        create_spatial_index(tx, t).await?;
    }
    Ok(())
}

async fn create_layer_table(tx: &mut Transaction<'_, Sqlite>, kind: LayerKind) -> Result<(), StoreError> {
    let t = kind.table_name();
    sqlx::query(schema_sql(create_table_sql(kind, t))).execute(&mut **tx).await?;
    for field in kind.unique_fields() {
        let sql =
            format!("CREATE UNIQUE INDEX {} ON {} ({})", quote(&format!("{t}_{field}_unique")), quote(t), quote(field));
        sqlx::query(schema_sql(sql)).execute(&mut **tx).await?;
    }
    let data_type = if kind.geometry() == GeometryKind::None { "attributes" } else { "features" };
    let srs = (data_type == "features").then_some(SRS_ID);
    sqlx::query(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(t)
    .bind(data_type)
    .bind(kind.title_zh())
    .bind(format!("{} / {}", kind.title_zh(), kind.title_en()))
    .bind(srs)
    .execute(&mut **tx)
    .await?;
    if let Some(ty) = kind.geometry().ogc_name() {
        sqlx::query(
            "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) \
             VALUES (?, ?, ?, ?, 0, 0)",
        )
        .bind(t)
        .bind(GEOMETRY_COLUMN)
        .bind(ty)
        .bind(SRS_ID)
        .execute(&mut **tx)
        .await?;
        create_spatial_index(tx, t).await?;
    }
    Ok(())
}

fn column_list(kind: LayerKind) -> String {
    let mut cols = vec!["fid".to_owned()];
    if kind.geometry() != GeometryKind::None {
        cols.push(GEOMETRY_COLUMN.to_owned());
    }
    cols.extend(kind.fields().iter().map(|f| quote(f.name)));
    cols.join(", ")
}

fn read_row(kind: LayerKind, row: &SqliteRow) -> Result<Feature, StoreError> {
    read_feature(kind, row, |b| gpkg_blob::decode(b).map_err(|e| e.to_string()))
}

/// The insert of audit rows, [copied](AuditEntry::copied) or not.
fn audit_sql(copied: bool) -> InsertSql {
    audit_insert(copied, Params::Question, "{}", "{}")
}

fn encode(g: &geo::Geometry<f64>) -> Vec<u8> {
    gpkg_blob::encode(g, SRS_ID)
}

/// Inserts rows into one layer. With `ids`, the given feature ids are kept
/// (copying a store); with `audit`, one audit row per feature is written.
async fn insert_rows(
    tx: &mut Transaction<'_, Sqlite>,
    kind: LayerKind,
    features: &[NewFeature],
    ids: Option<&[i64]>,
    audit: Option<&Actor>,
) -> Result<Vec<i64>, StoreError> {
    let insert = feature_insert(kind, ids.is_some(), Params::Question, "{}", "{}");
    let bulk = bulk_rtree(tx, kind, features.len()).await?;
    if let Some(b) = &bulk {
        sqlx::query(schema_sql(format!("DROP TRIGGER {}", quote(&b.trigger)))).execute(&mut **tx).await?;
    }
    let out = insert_features(tx, kind, &insert, features, ids, encode).await?;
    if let Some(b) = bulk {
        let entries = features
            .iter()
            .zip(&out)
            .filter_map(|(f, &id)| f.geometry.as_ref().and_then(geo::BoundingRect::bounding_rect).map(|r| (id, r)))
            .map(|(id, r)| crate::rtree_bulk::Entry::of(id, r))
            .collect();
        crate::rtree_bulk::rebuild(tx, &b.rtree, entries).await?;
        sqlx::raw_sql(schema_sql(b.trigger_sql)).execute(&mut **tx).await?;
    }
    if let Some(actor) = audit {
        // One statement's rows at a time: a large write never holds the text of
        // all its audit rows at once.
        let insert = audit_sql(false);
        let rows = insert.rows_per_statement();
        for (features, ids) in features.chunks(rows).zip(out.chunks(rows)) {
            let entries = features.iter().zip(ids).map(|(f, &id)| AuditEntry::insert(actor, kind, id, f)).collect();
            write_audit(tx, &insert, entries).await?;
        }
    }
    update_contents(tx, kind).await?;
    Ok(out)
}

/// Begins the write of an update or delete of feature `id` of `kind` and
/// reads the feature as stored now (see [`read_before`]).
async fn begin_change(
    pool: &SqlitePool,
    kind: LayerKind,
    id: i64,
    if_match: Option<&str>,
) -> Result<(Transaction<'static, Sqlite>, Feature), StoreError> {
    // IMMEDIATE: take the write lock before reading the feature, so two writers
    // cannot both read and then deadlock upgrading their locks.
    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let sql = format!("SELECT {} FROM {} WHERE fid = ?", column_list(kind), quote(kind.table_name()));
    read_before(tx, kind, id, if_match, sql, read_row).await
}

/// Writes of at least this many features get a page cache of
/// [`BULK_WRITE_CACHE_KIB`] for their transaction ([`bulk_write_cache`]).
const BULK_WRITE_FEATURES: usize = 1_000;
/// The page cache of a bulk write, in KiB (SQLite's default is 2,000 KiB).
const BULK_WRITE_CACHE_KIB: i64 = 256 * 1024;

/// Gives `conn` a page cache of [`BULK_WRITE_CACHE_KIB`] for one large write, and
/// has it closed, not pooled, when the write is done (which frees that cache).
///
/// With SQLite's default cache of 2 MB, a write of 100,000 features (some 70 MB
/// with their audit rows) spills dirty pages to the file mid-transaction, each
/// spill syncing the rollback journal first, and reads the R-tree's nodes back
/// from the file for every feature the insert trigger indexes. The cache only
/// holds the pages the transaction touches; durability is unchanged (the journal
/// and COMMIT are synced as before).
async fn bulk_write_cache(conn: &mut PoolConnection<Sqlite>) -> Result<(), StoreError> {
    conn.close_on_drop();
    let sql = format!("PRAGMA cache_size = -{BULK_WRITE_CACHE_KIB}");
    sqlx::query(schema_sql(sql)).execute(&mut **conn).await?;
    Ok(())
}

/// Inserts of at least this many features into a layer load its R-tree in bulk
/// (see [`crate::rtree_bulk`]) when they are at least a quarter of what the
/// R-tree holds already; smaller ones go through the GeoPackage insert trigger.
const BULK_RTREE_FEATURES: usize = 5_000;

/// The R-tree of a layer to be loaded in bulk after an insert.
struct BulkRtree {
    /// The R-tree virtual table.
    rtree: String,
    /// Its insert trigger, set aside during the insert.
    trigger: String,
    /// The trigger's `CREATE TRIGGER`, to put it back.
    trigger_sql: String,
}

/// Whether an insert of `n` features into `kind` loads the R-tree in bulk.
async fn bulk_rtree(
    tx: &mut Transaction<'_, Sqlite>,
    kind: LayerKind,
    n: usize,
) -> Result<Option<BulkRtree>, StoreError> {
    if n < BULK_RTREE_FEATURES || kind.geometry() == GeometryKind::None {
        return Ok(None);
    }
    let t = kind.table_name();
    let rtree = format!("rtree_{t}_{GEOMETRY_COLUMN}");
    let trigger = format!("{rtree}_insert");
    let exists: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?")
        .bind(&trigger)
        .fetch_one(&mut **tx)
        .await?;
    if exists == 0 {
        return Ok(None);
    }
    let held: i64 =
        sqlx::query_scalar(schema_sql(format!("SELECT count(*) FROM {}", quote(&format!("{rtree}_rowid")))))
            .fetch_one(&mut **tx)
            .await?;
    if (n as i64) * 4 < held {
        return Ok(None);
    }
    let start = RTREE_SQL.find("CREATE TRIGGER rtree_{t}_{c}_insert").expect("the template has the insert trigger");
    let end = start + RTREE_SQL[start..].find("END;").expect("the trigger ends") + "END;".len();
    let trigger_sql = RTREE_SQL[start..end].replace("{t}", t).replace("{c}", GEOMETRY_COLUMN).replace("{i}", "fid");
    Ok(Some(BulkRtree { rtree, trigger, trigger_sql }))
}

/// Keeps `gpkg_contents` (extent, last change) true after a write.
async fn update_contents(tx: &mut Transaction<'_, Sqlite>, kind: LayerKind) -> Result<(), StoreError> {
    let t = kind.table_name();
    let extent = if kind.geometry() != GeometryKind::None {
        format!(
            ", min_x = (SELECT min(minx) FROM {r}), max_x = (SELECT max(maxx) FROM {r}), \
             min_y = (SELECT min(miny) FROM {r}), max_y = (SELECT max(maxy) FROM {r})",
            r = quote(&format!("rtree_{t}_{GEOMETRY_COLUMN}"))
        )
    } else {
        String::new()
    };
    sqlx::query(schema_sql(format!(
        "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now'){extent} WHERE table_name = ?"
    )))
    .bind(t)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl Store for GeoPackageStore {
    async fn is_replay(&self, actor: &Actor, key: Option<&IdempotencyKey>) -> Result<bool, StoreError> {
        Ok(crate::write::replay::<_, _, serde_json::Value>(&self.pool, &IDEMPOTENCY, actor, key).await?.is_some())
    }

    fn describe(&self) -> String {
        format!("GeoPackage {}", self.path.display())
    }

    async fn counts(&self) -> Result<Vec<LayerCount>, StoreError> {
        crate::rows::count_layers(&self.pool, &crate::store_layers(self).await?).await
    }

    async fn features(&self, kind: LayerKind) -> Result<Vec<Feature>, StoreError> {
        let sql = format!("SELECT {} FROM {} ORDER BY fid", column_list(kind), quote(kind.table_name()));
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
            // never touches the file.
            let valid = crate::validate_batches_off_thread(batches).await?;
            self.write_inserts(&valid, actor, key).await
        })
        .await
    }

    async fn insert_valid(&self, checked: Checked, actor: &Actor) -> Result<Vec<i64>, StoreError> {
        // Checked by `check_insert` before the transaction, as `insert_many_keyed`
        // checks its batches.
        let kind = checked.kind();
        let valid = [(kind, checked.into_features())];
        let mut ids = self.noted(self.write_inserts(&valid, actor, None).await)?;
        Ok(ids.pop().unwrap_or_default())
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
            let sql = feature_update(kind, Params::Question, "{}", "{}");
            let mut q = sqlx::query(schema_sql(sql));
            if kind.geometry() != GeometryKind::None {
                q = q.bind(valid.geometry.as_ref().map(encode));
            }
            bind_fields(q, kind, &valid.properties).bind(id).execute(&mut *tx).await?;
            let audit = vec![AuditEntry::update(actor, kind, id, &before, &valid)];
            write_audit(&mut tx, &audit_sql(false), audit).await?;
            update_contents(&mut tx, kind).await?;
            claim(&mut tx, &IDEMPOTENCY, actor, key, &()).await?;
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
            sqlx::query(schema_sql(format!("DELETE FROM {} WHERE fid = ?", quote(kind.table_name()))))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if kind == LayerKind::OriginPoints {
                // A record's photos go with it, in the same transaction.
                crate::photos::delete_record_photos(&mut tx, &PHOTOS, &audit_sql(false), id, actor).await?;
            }
            write_audit(&mut tx, &audit_sql(false), vec![AuditEntry::delete(actor, kind, id, &before)]).await?;
            update_contents(&mut tx, kind).await?;
            claim(&mut tx, &IDEMPOTENCY, actor, key, &()).await?;
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
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
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
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            let meta = crate::photos::delete_photo(&mut tx, &PHOTOS, &audit_sql(false), id, actor).await?;
            claim(&mut tx, &IDEMPOTENCY, actor, key, &meta).await?;
            tx.commit().await?;
            Ok(meta)
        })
        .await
    }

    async fn audit(&self, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor, layer, fid, action, before, after FROM landtrace_audit ORDER BY id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_audit).collect()
    }

    async fn audit_all(&self) -> Result<Vec<AuditRecord>, StoreError> {
        let rows =
            sqlx::query("SELECT id, at, actor, layer, fid, action, before, after FROM landtrace_audit ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(read_audit).collect()
    }

    async fn history(&self, query: &HistoryQuery) -> Result<Vec<AuditRecord>, StoreError> {
        let (sql, binds) = history_sql(query, Params::Question, AUDIT_COLUMNS, "{}");
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
        self.noted(
            async {
                let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                for ((kind, features), ids) in valid.iter().zip(&ids) {
                    insert_rows(&mut tx, *kind, features, Some(ids), None).await?;
                }
                write_audit(&mut tx, &audit_sql(true), audit.iter().map(AuditEntry::copied).collect()).await?;
                tx.commit().await?;
                Ok(())
            }
            .await,
        )
    }

    async fn layer_definitions(&self) -> Result<Vec<UserLayerDef>, StoreError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT name, definition FROM landtrace_layers ORDER BY created_at, name")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(|(name, json)| crate::parse_definition(&name, &json)).collect()
    }

    async fn create_layer(&self, def: &UserLayerDef, actor: &Actor) -> Result<LayerKind, StoreError> {
        let (kind, json) = crate::prepare_user_layer(def)?;
        let result: Result<(), StoreError> = async {
            let mut tx = self.pool.begin().await?;
            let taken: i64 = sqlx::query_scalar(
                "SELECT (SELECT count(*) FROM landtrace_layers WHERE name = ?1) \
                 + (SELECT count(*) FROM sqlite_master WHERE name = ?1)",
            )
            .bind(&def.name)
            .fetch_one(&mut *tx)
            .await?;
            if taken > 0 {
                return Err(crate::layer_exists(&def.name));
            }
            crate::builtin_title_taken(def)?;
            let titled: i64 = sqlx::query_scalar("SELECT count(*) FROM gpkg_contents WHERE identifier = ?")
                .bind(def.title_zh.trim())
                .fetch_one(&mut *tx)
                .await?;
            if titled > 0 {
                return Err(crate::layer_title_taken(def.title_zh.trim()));
            }
            sqlx::query("INSERT INTO landtrace_layers (name, definition, created_by) VALUES (?, ?, ?)")
                .bind(&def.name)
                .bind(&json)
                .bind(&actor.0)
                .execute(&mut *tx)
                .await?;
            create_layer_table(&mut tx, kind).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        self.noted(result)?;
        Ok(crate::created_user_layer(kind, actor))
    }

    async fn accounts(&self) -> Result<crate::AccountsSnapshot, StoreError> {
        crate::accounts::sqlite::accounts_snapshot(&self.pool).await
    }

    async fn accounts_version(&self) -> Result<i64, StoreError> {
        crate::accounts::sqlite::accounts_version(&self.pool).await
    }

    async fn change_account(&self, change: &crate::AccountChange, actor: &Actor) -> Result<i64, StoreError> {
        let result = crate::accounts::sqlite::change_account(&self.pool, change, actor).await;
        self.noted(result)
    }

    async fn account_audit(&self, limit: u32) -> Result<Vec<crate::AccountAuditRow>, StoreError> {
        crate::accounts::sqlite::account_audit(&self.pool, limit).await
    }

    async fn record_track_check(&self, check: &TrackCheck) -> Result<i64, StoreError> {
        check.validate()?;
        let done = sqlx::query(
            "INSERT INTO landtrace_track_checks \
             (checked_at_ms, checked_by, door, plate, violations, fixes, track_from_ms, track_to_ms) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(check.checked_at_ms)
        .bind(&check.checked_by)
        .bind(&check.door)
        .bind(&check.plate)
        .bind(i64::from(check.violations))
        .bind(i64::try_from(check.fixes).unwrap_or(i64::MAX))
        .bind(check.track_from_ms)
        .bind(check.track_to_ms)
        .execute(&self.pool)
        .await?;
        Ok(done.last_insert_rowid())
    }

    async fn track_checks(&self, since_ms: Option<i64>) -> Result<Vec<StoredTrackCheck>, StoreError> {
        let rows: Vec<crate::track_checks::Row> = sqlx::query_as(
            "SELECT id, checked_at_ms, checked_by, door, plate, violations, fixes, track_from_ms, track_to_ms \
             FROM landtrace_track_checks WHERE ?1 IS NULL OR checked_at_ms >= ?1 ORDER BY id",
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
        self.ping().await?;
        self.storage_health()
    }
}
