//! Reading a stored feature out of a database row and binding a feature's
//! values to a statement, the same way for every backend: the row and argument
//! types differ (SQLite, PostgreSQL), the layout does not.

use geo::Geometry;
use landtrace_domain::{FieldType, GeometryKind, LayerKind};
use serde_json::{Map, Number, Value};
use sqlx::database::HasStatementCache;
use sqlx::query::Query;
use sqlx::{Database, Encode, Row, Type};

use crate::geojson_io::GeometryText;
use crate::{AuditRecord, Feature, LayerCount, NewFeature, StoreError};

/// Name of the geometry column in every layer table.
pub(crate) const GEOMETRY_COLUMN: &str = "geom";

/// Marks SQL built by the backends as safe. Only identifiers from
/// [`LayerKind`] / [`landtrace_domain::FieldDef`] (static, schema-defined ASCII
/// names, quoted) are ever formatted into SQL; every value is a bind parameter.
pub(crate) fn schema_sql(sql: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(sql)
}

/// At most this many bind parameters go into one statement: well under
/// SQLite's limit (32,766) and PostgreSQL's (65,535). Multi-row inserts are cut
/// into statements of at most this many values.
pub(crate) const MAX_BINDS: usize = 30_000;

/// How a backend writes the bind parameters of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Params {
    /// `?` (SQLite).
    Question,
    /// `$1`, `$2`, … (PostgreSQL).
    Numbered,
}

/// A multi-row `INSERT INTO table (columns) VALUES (…), (…), …` for any number
/// of rows. Each column has the SQL of its value with `{}` where its bind
/// parameter goes (e.g. `{}::jsonb`), so one definition serves every backend.
#[derive(Debug, Clone)]
pub(crate) struct InsertSql {
    head: String,
    /// The SQL of each value before and after its parameter.
    values: Vec<(&'static str, &'static str)>,
    params: Params,
    tail: &'static str,
}

impl InsertSql {
    /// An insert into `table` of `columns`: pairs of a quoted column name and
    /// the SQL of its value (holding `{}` once). `tail` follows the values (e.g.
    /// ` RETURNING fid`).
    pub(crate) fn new(
        table: &str,
        columns: impl IntoIterator<Item = (String, &'static str)>,
        params: Params,
        tail: &'static str,
    ) -> InsertSql {
        let (names, values): (Vec<String>, Vec<_>) = columns
            .into_iter()
            .map(|(name, value)| {
                let parts = value.split_once("{}");
                debug_assert!(parts.is_some(), "{value:?} has no parameter");
                (name, parts.unwrap_or((value, "")))
            })
            .unzip();
        InsertSql { head: format!("INSERT INTO {} ({}) VALUES ", quote(table), names.join(", ")), values, params, tail }
    }

    /// How many rows one statement takes (see [`MAX_BINDS`]).
    pub(crate) fn rows_per_statement(&self) -> usize {
        (MAX_BINDS / self.values.len().max(1)).max(1)
    }

    /// The statement for `rows` rows, ready for their values, row after row.
    /// Statements of one row and of a full [`rows_per_statement`](Self::rows_per_statement)
    /// are kept prepared on the connection, as any other (preparing one with
    /// thousands of parameters costs, in PostgreSQL); the last, shorter one of
    /// a long insert is not: every length would be one more statement in the
    /// connection's cache, of up to [`MAX_BINDS`] parameters.
    pub(crate) fn query<'q, DB: Database + HasStatementCache>(
        &self,
        rows: usize,
    ) -> Query<'q, DB, <DB as Database>::Arguments> {
        sqlx::query(self.sql(rows)).persistent(rows == 1 || rows == self.rows_per_statement())
    }

    /// The statement for `rows` rows, their parameters in row-major order.
    pub(crate) fn sql(&self, rows: usize) -> sqlx::AssertSqlSafe<String> {
        use std::fmt::Write as _;
        let mut sql = String::with_capacity(self.head.len() + rows * self.values.len() * 8 + self.tail.len());
        sql.push_str(&self.head);
        let mut n = 0;
        for row in 0..rows {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for (i, (before, after)) in self.values.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(before);
                match self.params {
                    Params::Question => sql.push('?'),
                    Params::Numbered => {
                        n += 1;
                        // Writing to a String cannot fail.
                        let _ = write!(sql, "${n}");
                    }
                }
                sql.push_str(after);
            }
            sql.push(')');
        }
        sql.push_str(self.tail);
        schema_sql(sql)
    }
}

/// The insert of features of `kind`: `fid` when `with_ids` (otherwise the
/// database numbers them and the statement returns the new `fid`s), the
/// geometry as `geometry` (its SQL, see [`InsertSql::new`]), then every field,
/// dates as `date`.
pub(crate) fn feature_insert(
    kind: LayerKind,
    with_ids: bool,
    params: Params,
    geometry: &'static str,
    date: &'static str,
) -> InsertSql {
    let mut columns = Vec::new();
    if with_ids {
        columns.push(("fid".to_owned(), "{}"));
    }
    if kind.geometry() != GeometryKind::None {
        columns.push((GEOMETRY_COLUMN.to_owned(), geometry));
    }
    columns.extend(kind.fields().iter().map(|f| {
        let value = match f.ty {
            FieldType::Date => date,
            FieldType::Text | FieldType::Integer | FieldType::Real => "{}",
        };
        (quote(f.name), value)
    }));
    InsertSql::new(kind.table_name(), columns, params, if with_ids { "" } else { " RETURNING fid" })
}

/// The update of one feature of `kind` by its `fid`: the geometry as `geometry`
/// (its SQL with `{}` for the parameter, see [`InsertSql::new`]), then every
/// field, dates as `date`, then the `fid` — the columns and order of
/// [`feature_insert`], bound the same way.
pub(crate) fn feature_update(kind: LayerKind, params: Params, geometry: &str, date: &str) -> String {
    let mut n = 0;
    let mut param = |value: &str| {
        n += 1;
        let p = match params {
            Params::Question => "?".to_owned(),
            Params::Numbered => format!("${n}"),
        };
        value.replacen("{}", &p, 1)
    };
    let mut sets = Vec::new();
    if kind.geometry() != GeometryKind::None {
        sets.push(format!("{GEOMETRY_COLUMN} = {}", param(geometry)));
    }
    for f in kind.fields() {
        let value = match f.ty {
            FieldType::Date => date,
            FieldType::Text | FieldType::Integer | FieldType::Real => "{}",
        };
        sets.push(format!("{} = {}", quote(f.name), param(value)));
    }
    format!("UPDATE {} SET {} WHERE fid = {}", quote(kind.table_name()), sets.join(", "), param("{}"))
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

/// The GeoJSON text kept in the audit trail for a feature as written under
/// `id`: the text of [`feature_to_geojson`](crate::geojson_io::feature_to_geojson) of the stored feature (the same
/// members, in the same order), written without copying the feature first.
pub(crate) fn written_geojson(id: i64, feature: &NewFeature) -> String {
    /// A GeoJSON Feature borrowing its properties; members in the order
    /// `feature_to_geojson` inserts them, which a [`Map`] keeps (serde_json's
    /// `preserve_order`, which `cql2` enables).
    #[derive(serde::Serialize)]
    struct Written<'a> {
        r#type: &'static str,
        id: i64,
        geometry: Option<GeometryText<'a>>,
        properties: &'a Map<String, Value>,
    }
    let written = Written {
        r#type: "Feature",
        id,
        geometry: feature.geometry.as_ref().map(GeometryText),
        properties: &feature.properties,
    };
    serde_json::to_string(&written).expect("JSON values always serialise")
}

/// The feature count of each of `kinds` (the built-in layers, then the store's
/// user-defined ones), from one statement (one connection, one read
/// transaction), as both backends run it.
pub(crate) async fn count_layers<'e, DB, E>(executor: E, kinds: &[LayerKind]) -> Result<Vec<LayerCount>, StoreError>
where
    DB: Database,
    E: sqlx::Executor<'e, Database = DB>,
    <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'r> i64: sqlx::Decode<'r, DB> + Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let list = kinds
        .iter()
        .map(|k| format!("(SELECT count(*) FROM {})", quote(k.table_name())))
        .collect::<Vec<_>>()
        .join(", ");
    let row = sqlx::query(schema_sql(format!("SELECT {list}"))).fetch_one(executor).await?;
    kinds
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let n: i64 = row.try_get(i)?;
            Ok(LayerCount { kind, count: u64::try_from(n).unwrap_or(0) })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use geo::{point, polygon};
    use serde_json::json;

    use super::*;
    use crate::geojson_io::feature_to_geojson;

    #[test]
    fn written_geojson_is_the_stored_feature_as_geojson_text() {
        let properties = json!({"b": 1, "a": "甲\"", "c": null, "d": 2.5}).as_object().unwrap().clone();
        let square = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)];
        for geometry in [Some(point!(x: 110.77, y: 35.14).into()), Some(square.into()), None] {
            let new = NewFeature { geometry, properties: properties.clone() };
            let stored = Feature { id: 7, geometry: new.geometry.clone(), properties: properties.clone() };
            assert_eq!(written_geojson(7, &new), feature_to_geojson(&stored, &stored.properties).to_string());
        }
    }

    #[test]
    fn multi_row_inserts_number_their_parameters_in_row_order() {
        let insert =
            InsertSql::new("t", [("\"a\"".to_owned(), "{}"), ("\"b\"".to_owned(), "f({})")], Params::Question, "");
        assert_eq!(insert.sql(2).0, "INSERT INTO \"t\" (\"a\", \"b\") VALUES (?, f(?)), (?, f(?))");
        let insert = InsertSql::new("t", [("a".to_owned(), "{}::jsonb")], Params::Numbered, " RETURNING fid");
        assert_eq!(insert.sql(3).0, "INSERT INTO \"t\" (a) VALUES ($1::jsonb), ($2::jsonb), ($3::jsonb) RETURNING fid");
        assert_eq!(insert.rows_per_statement(), MAX_BINDS);
        let wide = feature_insert(LayerKind::OriginPoints, false, Params::Question, "{}", "{}");
        let columns = 1 + LayerKind::OriginPoints.fields().len();
        assert_eq!(wide.rows_per_statement(), MAX_BINDS / columns);
        assert!(wide.sql(1).0.ends_with(" RETURNING fid") && !wide.sql(1).0.contains("fid,"));
    }

    #[test]
    fn updates_set_every_column_of_the_insert_then_match_the_fid() {
        let sql = feature_update(LayerKind::WaterloggingPoints, Params::Question, "{}", "{}");
        let fields = LayerKind::WaterloggingPoints.fields();
        assert!(sql.starts_with("UPDATE \"waterlogging_points\" SET geom = ?, \"name\" = ?"), "{sql}");
        assert_eq!(sql.matches('?').count(), 2 + fields.len(), "{sql}");
        assert!(sql.ends_with(" WHERE fid = ?"), "{sql}");
        let sql = feature_update(LayerKind::Villages, Params::Numbered, "g({})", "{}::date");
        assert_eq!(
            sql,
            "UPDATE \"villages\" SET \"code\" = $1, \"name\" = $2, \"township_code\" = $3, \"source\" = $4 WHERE fid = $5"
        );
    }
}
