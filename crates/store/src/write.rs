//! The steps of a write that are the same for every backend: reading the
//! feature an update or delete replaces, and the audit rows (their values built
//! from the features and bound in column order). The SQL stays with each backend
//! (placeholders, casts and locking differ); these helpers take it as given.

use landtrace_domain::LayerKind;
use serde_json::Value;
use sqlx::{Database, Encode, Executor, IntoArguments, Transaction, Type};

use crate::geojson_io::feature_to_geojson;
use crate::rows::{schema_sql, written_geojson};
use crate::{Actor, AuditRecord, Feature, NewFeature, StoreError};

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
        let before = feature_to_geojson(before, &before.properties);
        AuditEntry::new(actor, kind, fid, "update", Some(before), Some(written_geojson(fid, written)))
    }

    /// Feature `fid` of `kind`, stored as `before`, was deleted.
    pub(crate) fn delete(actor: &Actor, kind: LayerKind, fid: i64, before: &Feature) -> AuditEntry {
        AuditEntry::new(actor, kind, fid, "delete", Some(feature_to_geojson(before, &before.properties)), None)
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
        before: Option<Value>,
        after: Option<Value>,
    ) -> AuditEntry {
        AuditEntry {
            copied: None,
            actor: actor.0.clone(),
            layer: kind.table_name().to_owned(),
            fid,
            action: action.to_owned(),
            before: json_text(before.as_ref()),
            after: json_text(after.as_ref()),
        }
    }
}

fn json_text(v: Option<&Value>) -> Option<String> {
    v.map(Value::to_string)
}

/// Appends `entry` to the audit trail with `sql`, an insert of `actor, layer,
/// fid, action, before, after` (before and after bound as JSON text), preceded
/// by `id, at` for a [copied](AuditEntry::copied) row.
pub(crate) async fn write_audit<DB>(
    tx: &mut Transaction<'_, DB>,
    sql: &'static str,
    entry: AuditEntry,
) -> Result<(), StoreError>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> String: Encode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> i64: Encode<'t, DB> + Type<DB>,
{
    let mut q = sqlx::query(sql);
    if let Some((id, at)) = entry.copied {
        q = q.bind(id).bind(at);
    }
    q.bind(entry.actor)
        .bind(entry.layer)
        .bind(entry.fid)
        .bind(entry.action)
        .bind(entry.before)
        .bind(entry.after)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The first step of an update or delete in `tx`: feature `id` of `kind` as
/// stored now, selected with `select` (its one parameter the fid) and read with
/// `read`. When that fails (no such feature, or a database error) the
/// transaction is rolled back at once, releasing its locks now rather than when
/// the connection is next used.
pub(crate) async fn read_before<'t, DB>(
    mut tx: Transaction<'t, DB>,
    kind: LayerKind,
    id: i64,
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
    match before {
        Ok(before) => Ok((tx, before)),
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}
