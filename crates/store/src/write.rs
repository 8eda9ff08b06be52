//! The steps of a write that are the same for every backend: reading the
//! feature an update or delete replaces, and the audit rows (their values built
//! from the features and bound in column order). The SQL stays with each backend
//! (placeholders, casts and locking differ); these helpers take it as given.

use geo::Geometry;
use landtrace_domain::{GeometryKind, LayerKind};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::database::HasStatementCache;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Transaction, Type};

use crate::geojson_io::feature_to_geojson;
use crate::rows::{InsertSql, Params, bind_fields, quote, schema_sql, written_geojson};
use crate::{Actor, AuditRecord, Feature, IdempotencyKey, NewFeature, Outcome, StoreError};

/// One audit row to write: as a write makes it (the database adds `id` and
/// `at`), or copied as it is from another store.
#[derive(Debug)]
pub(crate) struct AuditEntry {
    /// `id` and `at` of a copied row.
    copied: Option<(i64, String)>,
    actor: String,
    layer: String,
    fid: i64,
    action: String,
    /// The feature before and after, as JSON text.
    before: Option<String>,
    after: Option<String>,
}

impl AuditEntry {
    /// Feature `fid` of `kind` was inserted as `written`.
    pub(crate) fn insert(actor: &Actor, kind: LayerKind, fid: i64, written: &NewFeature) -> AuditEntry {
        AuditEntry::new(actor, kind, fid, "insert", None, Some(written_geojson(fid, written)))
    }

    /// Feature `fid` of `kind`, stored as `before`, was replaced by `written`.
    pub(crate) fn update(
        actor: &Actor,
        kind: LayerKind,
        fid: i64,
        before: &Feature,
        written: &NewFeature,
    ) -> AuditEntry {
        let before = feature_to_geojson(before, &before.properties).to_string();
        AuditEntry::new(actor, kind, fid, "update", Some(before), Some(written_geojson(fid, written)))
    }

    /// Feature `fid` of `kind`, stored as `before`, was deleted.
    pub(crate) fn delete(actor: &Actor, kind: LayerKind, fid: i64, before: &Feature) -> AuditEntry {
        let before = feature_to_geojson(before, &before.properties).to_string();
        AuditEntry::new(actor, kind, fid, "delete", Some(before), None)
    }

    /// A row of a table that is not a layer (`layer` names the table: the photos
    /// of records), its before/after given as JSON text.
    pub(crate) fn other(
        actor: &Actor,
        layer: &str,
        fid: i64,
        action: &str,
        before: Option<String>,
        after: Option<String>,
    ) -> AuditEntry {
        AuditEntry {
            copied: None,
            actor: actor.0.clone(),
            layer: layer.to_owned(),
            fid,
            action: action.to_owned(),
            before,
            after,
        }
    }

    /// Row `a` of another store's audit trail, copied with its `id` and `at`.
    pub(crate) fn copied(a: &AuditRecord) -> AuditEntry {
        AuditEntry {
            copied: Some((a.id, a.at.clone())),
            actor: a.actor.clone(),
            layer: a.layer.clone(),
            fid: a.fid,
            action: a.action.clone(),
            before: json_text(a.before.as_ref()),
            after: json_text(a.after.as_ref()),
        }
    }

    fn new(
        actor: &Actor,
        kind: LayerKind,
        fid: i64,
        action: &str,
        before: Option<String>,
        after: Option<String>,
    ) -> AuditEntry {
        AuditEntry {
            copied: None,
            actor: actor.0.clone(),
            layer: kind.table_name().to_owned(),
            fid,
            action: action.to_owned(),
            before,
            after,
        }
    }
}

fn json_text(v: Option<&Value>) -> Option<String> {
    v.map(Value::to_string)
}

/// The insert of audit rows: `actor, layer, fid, action, before, after` (before
/// and after bound as JSON text, their SQL `json`), preceded by `id, at` (`at`
/// bound as text, its SQL `timestamp`) when `copied` (see [`AuditEntry::copied`]).
pub(crate) fn audit_insert(copied: bool, params: Params, timestamp: &'static str, json: &'static str) -> InsertSql {
    let mut columns = Vec::new();
    if copied {
        columns.extend([("id", "{}"), ("at", timestamp)]);
    }
    columns.extend([
        ("actor", "{}"),
        ("layer", "{}"),
        ("fid", "{}"),
        ("action", "{}"),
        ("before", json),
        ("after", json),
    ]);
    InsertSql::new("landtrace_audit", columns.into_iter().map(|(c, v)| (quote(c), v)), params, "")
}

/// Appends `entries` to the audit trail in order, as many rows per statement
/// as `insert` (from [`audit_insert`], copied or not as the entries are) takes.
pub(crate) async fn write_audit<DB>(
    tx: &mut Transaction<'_, DB>,
    insert: &InsertSql,
    entries: Vec<AuditEntry>,
) -> Result<(), StoreError>
where
    DB: Database + HasStatementCache,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> String: Encode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
{
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let chunk: Vec<AuditEntry> = entries.by_ref().take(insert.rows_per_statement()).collect();
        let mut q = insert.query(chunk.len());
        for entry in chunk {
            if let Some((id, at)) = entry.copied {
                q = q.bind(id).bind(at);
            }
            q = q
                .bind(entry.actor)
                .bind(entry.layer)
                .bind(entry.fid)
                .bind(entry.action)
                .bind(entry.before)
                .bind(entry.after);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Inserts `features` of `kind` with `insert` (from
/// [`feature_insert`](crate::rows::feature_insert), with ids or not as `ids`
/// is given), as many rows per statement as it takes, the geometry encoded by
/// `encode`. Returns the feature ids in the order of `features`: `ids` as given,
/// or the ones the database chose. Those come back from `RETURNING fid` in no
/// promised order; they are sorted, as the database numbers rows in increasing
/// order as it inserts them, and inserts them in the order of the `VALUES`.
pub(crate) async fn insert_features<DB>(
    tx: &mut Transaction<'_, DB>,
    kind: LayerKind,
    insert: &InsertSql,
    features: &[NewFeature],
    ids: Option<&[i64]>,
    encode: fn(&Geometry<f64>) -> Vec<u8>,
) -> Result<Vec<i64>, StoreError>
where
    DB: Database + HasStatementCache,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> i64: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> Option<i64>: Encode<'t, DB> + Type<DB>,
    for<'t> Option<f64>: Encode<'t, DB> + Type<DB>,
    for<'t> Option<Vec<u8>>: Encode<'t, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    let has_geom = kind.geometry() != GeometryKind::None;
    let per_statement = insert.rows_per_statement();
    let mut out = Vec::with_capacity(features.len());
    for (n, chunk) in features.chunks(per_statement).enumerate() {
        let first = n * per_statement;
        let mut q = insert.query(chunk.len());
        for (i, f) in chunk.iter().enumerate() {
            if let Some(ids) = ids {
                q = q.bind(ids[first + i]);
            }
            if has_geom {
                q = q.bind(f.geometry.as_ref().map(encode));
            }
            q = bind_fields(q, kind, &f.properties);
        }
        if ids.is_some() {
            q.execute(&mut **tx).await?;
            continue;
        }
        let rows = q.fetch_all(&mut **tx).await?;
        let mut new = rows.iter().map(|r| r.try_get::<i64, _>(0)).collect::<Result<Vec<_>, _>>()?;
        if new.len() != chunk.len() {
            return Err(StoreError::Database(sqlx::Error::Protocol(format!(
                "inserting {} rows into {} returned {} ids",
                chunk.len(),
                kind.table_name(),
                new.len()
            ))));
        }
        new.sort_unstable();
        out.extend(new);
    }
    Ok(ids.map_or(out, <[i64]>::to_vec))
}

/// The first step of an update or delete in `tx`: feature `id` of `kind` as
/// stored now, selected with `select` (its one parameter the fid) and read with
/// `read`; [`StoreError::VersionMismatch`] when `if_match` names another
/// version than the stored one ([`Feature::version`]). When that fails (no such feature, or a database error) the
/// transaction is rolled back at once, releasing its locks now rather than when
/// the connection is next used.
pub(crate) async fn read_before<'t, DB>(
    mut tx: Transaction<'t, DB>,
    kind: LayerKind,
    id: i64,
    if_match: Option<&str>,
    select: String,
    read: fn(LayerKind, &DB::Row) -> Result<Feature, StoreError>,
) -> Result<(Transaction<'t, DB>, Feature), StoreError>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'a> i64: Encode<'a, DB> + Type<DB>,
{
    let row = sqlx::query(schema_sql(select)).bind(id).fetch_optional(&mut *tx).await;
    let before = match row {
        Ok(Some(row)) => read(kind, &row),
        Ok(None) => Err(StoreError::NotFound { layer: kind.table_name(), fid: id }),
        Err(e) => Err(e.into()),
    };
    // The version check of `If-Match`, against the row as this transaction
    // (holding the write lock) reads it: no other write can come between.
    let before = before.and_then(|before| match if_match {
        Some(expected) if before.version() != expected => Err(StoreError::VersionMismatch {
            layer: kind.table_name(),
            fid: id,
            expected: expected.to_owned(),
            current: before.version(),
        }),
        _ => Ok(before),
    });
    match before {
        Ok(before) => Ok((tx, before)),
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

/// The statements of the idempotency table (`landtrace_idempotency`) in one
/// backend's dialect: `lookup` (actor, key → request_sha256, outcome; keys of
/// the last day only), `claim` (actor, key, request_sha256, outcome) and `purge`
/// (drops keys older than a day).
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdempotencySql {
    pub(crate) lookup: &'static str,
    pub(crate) claim: &'static str,
    pub(crate) purge: &'static str,
}

/// The earlier outcome of a write made by `actor` with `key`: `None` when the
/// key is new (or there is no key), the outcome (replayed) when the same
/// request used it, [`StoreError::IdempotencyKeyReused`] when another did.
pub(crate) async fn replay<'e, DB, E, T>(
    executor: E,
    sql: &IdempotencySql,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
) -> Result<Option<Outcome<T>>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'t> String: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'t> &'t str: ColumnIndex<DB::Row>,
    T: DeserializeOwned,
{
    let Some(key) = key else { return Ok(None) };
    let row = sqlx::query(schema_sql(sql.lookup.to_owned()))
        .bind(actor.0.clone())
        .bind(key.key.clone())
        .fetch_optional(executor)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let digest: String = row.try_get("request_sha256")?;
    if digest != key.request_sha256 {
        return Err(StoreError::IdempotencyKeyReused { key: key.key.clone() });
    }
    let outcome: String = row.try_get("outcome")?;
    let value = serde_json::from_str(&outcome).map_err(|e| StoreError::Corrupt {
        layer: "landtrace_idempotency".into(),
        fid: 0,
        reason: format!("outcome of key {:?}: {e}", key.key),
    })?;
    Ok(Some(Outcome { value, replayed: true }))
}

/// Records `key` (when given) with the write's `outcome` inside the write's
/// transaction, after dropping keys older than a day. Another write that
/// committed the same key first makes this fail with a unique violation
/// (see [`key_taken`]).
pub(crate) async fn claim<DB, T>(
    tx: &mut Transaction<'_, DB>,
    sql: &IdempotencySql,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
    outcome: &T,
) -> Result<(), StoreError>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> String: Encode<'t, DB> + Type<DB>,
    T: Serialize,
{
    let Some(key) = key else { return Ok(()) };
    sqlx::query(schema_sql(sql.purge.to_owned())).execute(&mut **tx).await?;
    let outcome = serde_json::to_string(outcome).map_err(|e| StoreError::Refused(e.to_string()))?;
    sqlx::query(schema_sql(sql.claim.to_owned()))
        .bind(actor.0.clone())
        .bind(key.key.clone())
        .bind(key.request_sha256.clone())
        .bind(outcome)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Runs a write that records `key` (when given) in its transaction: answers a
/// repeated key from the store without writing, passes the write's result
/// through `note` (a backend's bookkeeping of storage failures), and when a
/// concurrent write took the key first answers with that write's outcome.
pub(crate) async fn keyed<DB, T, F>(
    pool: &sqlx::Pool<DB>,
    sql: &IdempotencySql,
    actor: &Actor,
    key: Option<&IdempotencyKey>,
    write: F,
    note: impl FnOnce(Result<T, StoreError>) -> Result<T, StoreError>,
) -> Result<Outcome<T>, StoreError>
where
    DB: Database,
    for<'e> &'e sqlx::Pool<DB>: Executor<'e, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    for<'t> String: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'t> &'t str: ColumnIndex<DB::Row>,
    T: DeserializeOwned,
    F: std::future::Future<Output = Result<T, StoreError>>,
{
    if let Some(earlier) = replay(pool, sql, actor, key).await? {
        return Ok(earlier);
    }
    match note(write.await) {
        Ok(value) => Ok(Outcome { value, replayed: false }),
        Err(e) if key_taken(&e, key) => replay(pool, sql, actor, key).await?.ok_or(e),
        Err(e) => Err(e),
    }
}

/// Whether a keyed write failed because another write took its key first.
fn key_taken(e: &StoreError, key: Option<&IdempotencyKey>) -> bool {
    key.is_some() && e.is_unique_violation()
}
