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
use landtrace_domain::{FieldType, GeometryKind, LayerKind};
use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Sqlite, Transaction};

use crate::feature::{Actor, AuditRecord, Feature, NewFeature};
use crate::geojson_io::feature_to_geojson;
use crate::rows::{GEOMETRY_COLUMN, read_audit, read_feature};
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
            return Err(StoreError::NotAStore { path: shown, reason: "no such file".into() });
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
                store.add_missing_layers().await?;
                Ok(store)
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

    /// Creates the tables of layers added since the file was made (a newer
    /// landtrace opening an older store), in one transaction.
    async fn add_missing_layers(&self) -> Result<(), StoreError> {
        let present: Vec<String> =
            sqlx::query_scalar("SELECT table_name FROM gpkg_contents").fetch_all(&self.pool).await?;
        let missing: Vec<LayerKind> =
            LayerKind::ALL.into_iter().filter(|k| !present.iter().any(|t| t == k.table_name())).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for kind in &missing {
            tracing::info!("adding layer {} to {}", kind.table_name(), self.path.display());
            create_layer_table(&mut tx, *kind).await?;
        }
        tx.commit().await?;
        Ok(())
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

/// Marks SQL built by this module as safe. Only identifiers from
/// [`LayerKind`] / [`landtrace_domain::FieldDef`] (static, schema-defined ASCII
/// names, quoted) are ever formatted into SQL; every value is a bind parameter.
fn schema_sql(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

async fn create_layer_table(tx: &mut Transaction<'_, Sqlite>, kind: LayerKind) -> Result<(), StoreError> {
    let t = kind.table_name();
    let mut cols = vec!["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_owned()];
    if let Some(ty) = kind.geometry().ogc_name() {
        cols.push(format!("{GEOMETRY_COLUMN} {ty}"));
    }
    for f in kind.fields() {
        let not_null = if f.required { " NOT NULL" } else { "" };
        cols.push(format!("{} {}{not_null}", quote(f.name), f.ty.gpkg_type()));
    }
    sqlx::query(schema_sql(format!("CREATE TABLE {} ({})", quote(t), cols.join(", ")))).execute(&mut **tx).await?;
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
        let sql = RTREE_SQL.replace("{t}", t).replace("{c}", GEOMETRY_COLUMN).replace("{i}", "fid");
        sqlx::raw_sql(schema_sql(sql)).execute(&mut **tx).await?;
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

/// Inserts rows into one layer. With `ids`, the given feature ids are kept
/// (copying a store); with `audit`, one audit row per feature is written.
async fn insert_rows(
    tx: &mut Transaction<'_, Sqlite>,
    kind: LayerKind,
    features: &[NewFeature],
    ids: Option<&[i64]>,
    audit: Option<&Actor>,
) -> Result<Vec<i64>, StoreError> {
    let t = kind.table_name();
    let has_geom = kind.geometry() != GeometryKind::None;
    let mut cols = vec!["fid".to_owned()];
    if has_geom {
        cols.push(GEOMETRY_COLUMN.to_owned());
    }
    cols.extend(kind.fields().iter().map(|f| quote(f.name)));
    let marks = vec!["?"; cols.len()].join(", ");
    let sql = format!("INSERT INTO {} ({}) VALUES ({marks})", quote(t), cols.join(", "));
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let mut q = sqlx::query(schema_sql(sql.clone())).bind(ids.map(|ids| ids[i]));
        if has_geom {
            q = q.bind(f.geometry.as_ref().map(|g| gpkg_blob::encode(g, SRS_ID)));
        }
        for def in kind.fields() {
            let v = f.properties.get(def.name).filter(|v| !v.is_null());
            q = match def.ty {
                FieldType::Text | FieldType::Date => q.bind(v.and_then(Value::as_str).map(str::to_owned)),
                FieldType::Integer => q.bind(v.and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))),
                FieldType::Real => q.bind(v.and_then(Value::as_f64)),
            };
        }
        let id = q.execute(&mut **tx).await?.last_insert_rowid();
        if let Some(actor) = audit {
            let stored = Feature { id, geometry: f.geometry.clone(), properties: f.properties.clone() };
            let after = feature_to_geojson(&stored, &stored.properties);
            sqlx::query(
                "INSERT INTO landtrace_audit (actor, layer, fid, action, before, after) VALUES (?, ?, ?, 'insert', NULL, ?)",
            )
            .bind(&actor.0)
            .bind(t)
            .bind(id)
            .bind(after.to_string())
            .execute(&mut **tx)
            .await?;
        }
        out.push(id);
    }
    update_contents(tx, kind).await?;
    Ok(out)
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
            ids.push(insert_rows(&mut tx, *kind, features, None, Some(actor)).await?);
        }
        tx.commit().await?;
        Ok(ids)
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
        for a in &audit {
            sqlx::query(
                "INSERT INTO landtrace_audit (id, at, actor, layer, fid, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(a.id)
            .bind(&a.at)
            .bind(&a.actor)
            .bind(&a.layer)
            .bind(a.fid)
            .bind(&a.action)
            .bind(a.before.as_ref().map(Value::to_string))
            .bind(a.after.as_ref().map(Value::to_string))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
