//! Reading a stored feature out of a database row and binding a feature's
//! values to a statement, the same way for every backend: the row and argument
//! types differ (SQLite, PostgreSQL), the layout does not.

use geo::Geometry;
use landtrace_domain::{FieldType, GeometryKind, LayerKind};
use serde_json::{Map, Number, Value};
use sqlx::query::Query;
use sqlx::{Database, Encode, Row, Type};

use crate::geojson_io::feature_to_geojson;
use crate::{AuditRecord, Feature, NewFeature, StoreError};

/// Name of the geometry column in every layer table.
pub(crate) const GEOMETRY_COLUMN: &str = "geom";

/// Marks SQL built by the backends as safe. Only identifiers from
/// [`LayerKind`] / [`landtrace_domain::FieldDef`] (static, schema-defined ASCII
/// names, quoted) are ever formatted into SQL; every value is a bind parameter.
pub(crate) fn schema_sql(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// `ident` as a quoted SQL identifier (the same quoting in SQLite and PostgreSQL).
pub(crate) fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Typed column access the feature reader needs; implemented for the row type
/// of each backend.
pub(crate) trait FeatureRow {
    fn text(&self, column: &str) -> Result<Option<String>, sqlx::Error>;
    fn integer(&self, column: &str) -> Result<Option<i64>, sqlx::Error>;
    fn real(&self, column: &str) -> Result<Option<f64>, sqlx::Error>;
    fn bytes(&self, column: &str) -> Result<Option<Vec<u8>>, sqlx::Error>;
}

macro_rules! feature_row {
    ($row:ty) => {
        impl FeatureRow for $row {
            fn text(&self, column: &str) -> Result<Option<String>, sqlx::Error> {
                self.try_get(column)
            }
            fn integer(&self, column: &str) -> Result<Option<i64>, sqlx::Error> {
                self.try_get(column)
            }
            fn real(&self, column: &str) -> Result<Option<f64>, sqlx::Error> {
                self.try_get(column)
            }
            fn bytes(&self, column: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
                self.try_get(column)
            }
        }
    };
}

feature_row!(sqlx::sqlite::SqliteRow);
feature_row!(sqlx::postgres::PgRow);

/// Reads `fid`, the geometry (decoded by `decode`) and every field of `kind`.
/// Absent (NULL) fields stay absent from the properties.
pub(crate) fn read_feature<R: FeatureRow>(
    kind: LayerKind,
    row: &R,
    decode: impl Fn(&[u8]) -> Result<Geometry<f64>, String>,
) -> Result<Feature, StoreError> {
    let id = row.integer("fid")?.unwrap_or_default();
    let corrupt = |reason: String| StoreError::Corrupt { layer: kind.table_name().into(), fid: id, reason };
    let geometry = match kind.geometry() {
        GeometryKind::None => None,
        GeometryKind::Point | GeometryKind::MultiPolygon | GeometryKind::Any => {
            row.bytes(GEOMETRY_COLUMN)?.map(|b| decode(&b).map_err(corrupt)).transpose()?
        }
    };
    let mut properties = Map::new();
    for f in kind.fields() {
        let value = match f.ty {
            FieldType::Text | FieldType::Date => row.text(f.name)?.map(Value::String),
            FieldType::Integer => row.integer(f.name)?.map(Value::from),
            FieldType::Real => row
                .real(f.name)?
                .map(|v| {
                    Number::from_f64(v).map(Value::Number).ok_or_else(|| corrupt(format!("{} is not finite", f.name)))
                })
                .transpose()?,
        };
        if let Some(v) = value {
            properties.insert(f.name.to_owned(), v);
        }
    }
    Ok(Feature { id, geometry, properties })
}

/// Reads one `landtrace_audit` row (`before`/`after` selected as JSON text).
pub(crate) fn read_audit<R: FeatureRow>(r: &R) -> Result<AuditRecord, StoreError> {
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(AuditRecord {
        id: r.integer("id")?.unwrap_or_default(),
        at: r.text("at")?.unwrap_or_default(),
        actor: r.text("actor")?.unwrap_or_default(),
        layer: r.text("layer")?.unwrap_or_default(),
        fid: r.integer("fid")?.unwrap_or_default(),
        action: r.text("action")?.unwrap_or_default(),
        before: json(r.text("before")?),
        after: json(r.text("after")?),
    })
}

/// Binds the value of every field of `kind`, in column order: text and dates as
/// text, integers as `i64` (an integral float is accepted, as validation does),
/// reals as `f64`; absent and null values as NULL.
pub(crate) fn bind_fields<'q, DB: Database>(
    mut q: Query<'q, DB, <DB as Database>::Arguments>,
    kind: LayerKind,
    properties: &Map<String, Value>,
) -> Query<'q, DB, <DB as Database>::Arguments>
where
    for<'t> Option<String>: Encode<'t, DB> + Type<DB>,
    for<'t> Option<i64>: Encode<'t, DB> + Type<DB>,
    for<'t> Option<f64>: Encode<'t, DB> + Type<DB>,
{
    for def in kind.fields() {
        let v = properties.get(def.name).filter(|v| !v.is_null());
        q = match def.ty {
            FieldType::Text | FieldType::Date => q.bind(v.and_then(Value::as_str).map(str::to_owned)),
            FieldType::Integer => q.bind(v.and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))),
            FieldType::Real => q.bind(v.and_then(Value::as_f64)),
        };
    }
    q
}

/// The GeoJSON kept in the audit trail for a feature as written under `id`.
pub(crate) fn written_geojson(id: i64, feature: &NewFeature) -> Value {
    let stored = Feature { id, geometry: feature.geometry.clone(), properties: feature.properties.clone() };
    feature_to_geojson(&stored, &stored.properties)
}
