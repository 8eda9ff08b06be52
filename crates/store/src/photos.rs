//! Photos attached to origin-point records (issue 16: the base photographed in the
//! field). One non-spatial table, `landtrace_record_photos`, in both backends
//! (GeoPackage: `sql/gpkg_record_photos.sql`; PostGIS: migration 0011): the bytes,
//! their media type, size and SHA-256, who added them and when. Each add and delete
//! is one transaction with one audit row (layer `landtrace_record_photos`, the
//! photo's id, its metadata before/after — never the bytes) and the request's
//! idempotency key. The SQL of each backend is given as a [`PhotoSql`]; the steps
//! are shared here.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Transaction, Type};

use crate::rows::schema_sql;
use crate::write::{AuditEntry, write_audit};
use crate::{Actor, StoreError};

/// The table, and the `layer` of the photos' audit rows.
pub const PHOTOS_TABLE: &str = "landtrace_record_photos";
/// The layer photos are attached to (`origin_points`).
pub const RECORDS_TABLE: &str = "origin_points";

/// A photo to store for record `record_id` (already checked by the caller: its
/// media type sniffed from the bytes, its size within the input policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoto {
    /// The origin-point record (feature id of `origin_points`).
    pub record_id: i64,
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub media_type: String,
    /// The image file.
    pub data: Vec<u8>,
}

/// A stored photo without its bytes: what lists, answers and audit rows show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoMeta {
    /// The photo's id.
    pub id: i64,
    /// The record it belongs to.
    pub record_id: i64,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// When it was stored (UTC, RFC 3339).
    pub created_at: String,
    /// Who stored it (the audit actor).
    pub created_by: String,
}

impl PhotoMeta {
    fn audit_json(&self) -> String {
        json!({ "type": "Feature", "id": self.id, "geometry": null, "properties": self }).to_string()
    }
}

/// One backend's statements. Columns read: `id, record_id, media_type, bytes,
/// sha256, created_at, created_by` (created_at as RFC 3339 text).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PhotoSql {
    /// `record_id` → a row when the record exists (locking it against a delete where the backend can).
    pub(crate) record_exists: &'static str,
    /// `record_id, media_type, bytes, sha256, data, created_by` → the metadata columns.
    pub(crate) insert: &'static str,
    /// `record_id` → metadata rows, oldest first.
    pub(crate) list: &'static str,
    /// `id` → the metadata columns and `data`.
    pub(crate) one: &'static str,
    /// `id` → the metadata columns, locked for the delete where the backend can.
    pub(crate) one_for_delete: &'static str,
    /// `id`.
    pub(crate) delete: &'static str,
}

fn read_meta<R: Row>(row: &R) -> Result<PhotoMeta, StoreError>
where
    for<'a> &'a str: ColumnIndex<R>,
    for<'t> String: Decode<'t, R::Database> + Type<R::Database>,
    for<'t> i64: Decode<'t, R::Database> + Type<R::Database>,
{
    Ok(PhotoMeta {
        id: row.try_get("id")?,
        record_id: row.try_get("record_id")?,
        media_type: row.try_get("media_type")?,
        bytes: row.try_get("bytes")?,
        sha256: row.try_get("sha256")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
    })
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// Stores `photo` in `tx` with its audit row; [`StoreError::NotFound`] (layer
/// `origin_points`) when the record does not exist.
pub(crate) async fn insert_photo<DB>(
    tx: &mut Transaction<'_, DB>,
    sql: &PhotoSql,
    audit: &crate::rows::InsertSql,
    photo: NewPhoto,
    actor: &Actor,
) -> Result<PhotoMeta, StoreError>
where
    DB: Database + sqlx::database::HasStatementCache,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> String: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'t> Vec<u8>: Encode<'t, DB> + Type<DB>,
    for<'a> &'a str: ColumnIndex<DB::Row>,
{
    let exists =
        sqlx::query(schema_sql(sql.record_exists.to_owned())).bind(photo.record_id).fetch_optional(&mut **tx).await?;
    if exists.is_none() {
        return Err(StoreError::NotFound { layer: RECORDS_TABLE, fid: photo.record_id });
    }
    let bytes = i64::try_from(photo.data.len()).unwrap_or(i64::MAX);
    let row = sqlx::query(schema_sql(sql.insert.to_owned()))
        .bind(photo.record_id)
        .bind(photo.media_type)
        .bind(bytes)
        .bind(sha256_hex(&photo.data))
        .bind(photo.data)
        .bind(actor.0.clone())
        .fetch_one(&mut **tx)
        .await?;
    let meta = read_meta(&row)?;
    let entry = AuditEntry::other(actor, PHOTOS_TABLE, meta.id, "insert", None, Some(meta.audit_json()));
    write_audit(tx, audit, vec![entry]).await?;
    Ok(meta)
}

/// Deletes photo `id` in `tx` with its audit row; [`StoreError::NotFound`]
/// when there is no such photo.
pub(crate) async fn delete_photo<DB>(
    tx: &mut Transaction<'_, DB>,
    sql: &PhotoSql,
    audit: &crate::rows::InsertSql,
    id: i64,
    actor: &Actor,
) -> Result<PhotoMeta, StoreError>
where
    DB: Database + sqlx::database::HasStatementCache,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> String: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'a> &'a str: ColumnIndex<DB::Row>,
{
    let row = sqlx::query(schema_sql(sql.one_for_delete.to_owned())).bind(id).fetch_optional(&mut **tx).await?;
    let Some(row) = row else { return Err(StoreError::NotFound { layer: PHOTOS_TABLE, fid: id }) };
    let meta = read_meta(&row)?;
    sqlx::query(schema_sql(sql.delete.to_owned())).bind(id).execute(&mut **tx).await?;
    let entry = AuditEntry::other(actor, PHOTOS_TABLE, id, "delete", Some(meta.audit_json()), None);
    write_audit(tx, audit, vec![entry]).await?;
    Ok(meta)
}

/// Deletes the photos of record `record_id` in `tx` (the record is deleted in the same
/// transaction), one audit row each.
pub(crate) async fn delete_record_photos<DB>(
    tx: &mut Transaction<'_, DB>,
    sql: &PhotoSql,
    audit: &crate::rows::InsertSql,
    record_id: i64,
    actor: &Actor,
) -> Result<(), StoreError>
where
    DB: Database + sqlx::database::HasStatementCache,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> String: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'a> &'a str: ColumnIndex<DB::Row>,
{
    let rows = sqlx::query(schema_sql(sql.list.to_owned())).bind(record_id).fetch_all(&mut **tx).await?;
    let metas = rows.iter().map(read_meta).collect::<Result<Vec<_>, _>>()?;
    if metas.is_empty() {
        return Ok(());
    }
    let mut entries = Vec::with_capacity(metas.len());
    for meta in metas {
        sqlx::query(schema_sql(sql.delete.to_owned())).bind(meta.id).execute(&mut **tx).await?;
        entries.push(AuditEntry::other(actor, PHOTOS_TABLE, meta.id, "delete", Some(meta.audit_json()), None));
    }
    write_audit(tx, audit, entries).await
}

/// The photos of record `record_id`, oldest first.
pub(crate) async fn list_photos<'e, DB, E>(
    executor: E,
    sql: &PhotoSql,
    record_id: i64,
) -> Result<Vec<PhotoMeta>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'t> String: Decode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'a> &'a str: ColumnIndex<DB::Row>,
{
    let rows = sqlx::query(schema_sql(sql.list.to_owned())).bind(record_id).fetch_all(executor).await?;
    rows.iter().map(read_meta).collect()
}

/// Photo `id` with its bytes, if stored.
pub(crate) async fn read_photo<'e, DB, E>(
    executor: E,
    sql: &PhotoSql,
    id: i64,
) -> Result<Option<(PhotoMeta, Vec<u8>)>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'t> String: Decode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'t> Vec<u8>: Decode<'t, DB> + Type<DB>,
    for<'a> &'a str: ColumnIndex<DB::Row>,
{
    let row = sqlx::query(schema_sql(sql.one.to_owned())).bind(id).fetch_optional(executor).await?;
    match row {
        None => Ok(None),
        Some(row) => Ok(Some((read_meta(&row)?, row.try_get("data")?))),
    }
}
