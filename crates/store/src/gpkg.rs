//! The embedded store: one GeoPackage 1.3 file (SQLite through sqlx).
//!
//! The file holds the GeoPackage metadata tables, one feature or attribute table
//! per layer with an R-tree spatial index (`gpkg_rtree_index` extension), and
//! landtrace's own `landtrace_meta` and `landtrace_audit` tables. GDAL's
//! `ogrinfo` and QGIS read it as any other GeoPackage.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use landtrace_domain::{GeometryKind, LayerKind};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Sqlite, Transaction};

use crate::feature::{Actor, AuditRecord, Feature, NewFeature};
use crate::rows::{
    GEOMETRY_COLUMN, InsertSql, Params, bind_fields, feature_insert, feature_update, quote, read_audit, read_feature,
    schema_sql,
};
use crate::write::{AuditEntry, audit_insert, insert_features, read_before, write_audit};
use crate::{LayerCount, Store, StoreError, gpkg_blob, gpkg_functions};

/// EPSG:4326, the only SRS features are stored in.
pub const SRS_ID: i32 = 4326;
/// GeoPackage `application_id` ("GPKG").
const APPLICATION_ID: i64 = 0x4750_4B47;
/// Version of landtrace's table layout inside the GeoPackage.
const SCHEMA_VERSION: &str = "1";
const CORE_SQL: &str = include_str!("../sql/gpkg_core.sql");
const RTREE_SQL: &str = include_str!("../sql/gpkg_rtree.sql");

/// The embedded GeoPackage store.
#[derive(Debug, Clone)]
pub struct GeoPackageStore {
    pool: SqlitePool,
    path: PathBuf,
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

    /// Opens an existing GeoPackage written by landtrace.
    pub async fn open(path: &Path) -> Result<GeoPackageStore, StoreError> {
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
            .connect_with(options)
            .await?;
        Ok(GeoPackageStore { pool, path: path.to_owned() })
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
        sqlx::query("INSERT INTO landtrace_meta (key, value) VALUES ('schema_version', ?)")
            .bind(SCHEMA_VERSION)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
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
    let out = insert_features(tx, kind, &insert, features, ids, encode).await?;
    if let Some(actor) = audit {
        let entries: Vec<AuditEntry> =
            features.iter().zip(&out).map(|(f, &id)| AuditEntry::insert(actor, kind, id, f)).collect();
        write_audit(tx, &audit_sql(false), entries).await?;
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
) -> Result<(Transaction<'static, Sqlite>, Feature), StoreError> {
    // IMMEDIATE: take the write lock before reading the feature, so two writers
    // cannot both read and then deadlock upgrading their locks.
    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let sql = format!("SELECT {} FROM {} WHERE fid = ?", column_list(kind), quote(kind.table_name()));
    read_before(tx, kind, id, sql, read_row).await
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
    fn describe(&self) -> String {
        format!("GeoPackage {}", self.path.display())
    }

    async fn counts(&self) -> Result<Vec<LayerCount>, StoreError> {
        let mut out = Vec::with_capacity(LayerKind::ALL.len());
        for kind in LayerKind::ALL {
            let n: i64 = sqlx::query_scalar(schema_sql(format!("SELECT count(*) FROM {}", quote(kind.table_name()))))
                .fetch_one(&self.pool)
                .await?;
            out.push(LayerCount { kind, count: u64::try_from(n).unwrap_or(0) });
        }
        Ok(out)
    }

    async fn features(&self, kind: LayerKind) -> Result<Vec<Feature>, StoreError> {
        let sql = format!("SELECT {} FROM {} ORDER BY fid", column_list(kind), quote(kind.table_name()));
        let rows = sqlx::query(schema_sql(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(|r| read_row(kind, r)).collect()
    }

    async fn insert_many(
        &self,
        batches: Vec<(LayerKind, Vec<NewFeature>)>,
        actor: &Actor,
    ) -> Result<Vec<Vec<i64>>, StoreError> {
        // Validate everything before the transaction starts: a rejected input
        // never touches the file.
        let valid = crate::validate::validate_batches(batches)?;
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(valid.len());
        for (kind, features) in &valid {
            // An empty batch changes nothing, not even the layer's last_change.
            let new = if features.is_empty() {
                Vec::new()
            } else {
                insert_rows(&mut tx, *kind, features, None, Some(actor)).await?
            };
            ids.push(new);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn update(&self, kind: LayerKind, id: i64, feature: NewFeature, actor: &Actor) -> Result<(), StoreError> {
        // Validated before the transaction, as inserts are.
        let valid = crate::validate::validate_one(kind, feature)?;
        let (mut tx, before) = begin_change(&self.pool, kind, id).await?;
        let sql = feature_update(kind, Params::Question, "{}", "{}");
        let mut q = sqlx::query(schema_sql(sql));
        if kind.geometry() != GeometryKind::None {
            q = q.bind(valid.geometry.as_ref().map(encode));
        }
        bind_fields(q, kind, &valid.properties).bind(id).execute(&mut *tx).await?;
        write_audit(&mut tx, &audit_sql(false), vec![AuditEntry::update(actor, kind, id, &before, &valid)]).await?;
        update_contents(&mut tx, kind).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete(&self, kind: LayerKind, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let (mut tx, before) = begin_change(&self.pool, kind, id).await?;
        sqlx::query(schema_sql(format!("DELETE FROM {} WHERE fid = ?", quote(kind.table_name()))))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        write_audit(&mut tx, &audit_sql(false), vec![AuditEntry::delete(actor, kind, id, &before)]).await?;
        update_contents(&mut tx, kind).await?;
        tx.commit().await?;
        Ok(())
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
        tx.commit().await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
