//! OGC API – Features filters (Part 3, CQL2 text and JSON; Part 1's
//! `property=value` parameters) compiled for one layer and evaluated in memory
//! against the catalogue's [`Feature`]s.
//!
//! **A filter never becomes SQL.** The `cql2` crate only parses the text or JSON
//! into its syntax tree; [`FeatureFilter`] then compiles that tree against the
//! layer's schema into its own predicate tree — each property resolved to a field
//! of [`LayerKind::fields`] with its type, each literal parsed to that type — and
//! evaluates it on the features already in memory. No user text reaches a
//! database, and every mistake is found before a single feature is read: a
//! [`FilterError`] whose English message names the problem (an HTTP 400).
//!
//! # Supported
//!
//! - logic: `and`, `or`, `not`, with SQL's three-valued logic: a comparison with a
//!   null (absent) property is *unknown*, and a feature matches only when the
//!   whole filter is *true* (so neither `x = 1` nor `not x = 1` matches a feature
//!   without `x`);
//! - comparisons `=`, `<>`, `<`, `<=`, `>`, `>=` of a property with a literal of
//!   its type (text with a quoted string, integers and reals with a number, dates
//!   with `DATE('2023-05-01')`), either side; `like` (`%`, `_`, `\` escapes),
//!   `between`, `in`, `is null`;
//! - spatial `s_intersects`, `s_disjoint`, `s_equals`, `s_touches`, `s_within`,
//!   `s_contains`, `s_overlaps`, `s_crosses` (DE-9IM, geo's `Relate`) of the
//!   `geometry` property with a literal: WKT in text, GeoJSON in JSON, or
//!   `BBOX(minx, miny, maxx, maxy)`; in EPSG:4326 lon/lat unless a `filter-crs` is
//!   given, converted to lon/lat once at compile time;
//! - every temporal operator (`t_before`, `t_after`, `t_during`, `t_equals`,
//!   `t_intersects`, `t_meets`, … `t_disjoint`) of a date field with `DATE(…)`,
//!   `TIMESTAMP(…)` or `INTERVAL(…, …)` (`'..'` for an open end). A date is the
//!   whole day in the county's civil time (UTC+8), as a closed interval of
//!   milliseconds;
//! - `id` is the feature id (an integer), `geometry` the feature's geometry.
//!
//! # Refused, with the reason
//!
//! - an unknown property — and a personal field when the caller may not see
//!   personal data, with the same message, so the filter cannot tell that it
//!   exists; the message lists the queryables;
//! - a type mismatch (a real field against a string, a date field against
//!   anything but a date), two properties compared with each other;
//! - function calls (`functions are not supported: pg_sleep`), arithmetic, array
//!   operators, `casei`/`accenti`;
//! - input over [`MAX_FILTER_BYTES`], nesting deeper than [`MAX_DEPTH`], more than
//!   [`MAX_NODES`] terms, a geometry literal over the vertex limit.
//!
//! The parse itself is bounded: the nesting is measured on the raw text before the
//! parser sees it, cql2-text's parser (pest, which backtracks) runs under a call
//! budget ([`PARSER_CALL_LIMIT`]) so that no input makes it work for long, and the
//! parse and compilation run on a thread of their own with a large stack
//! ([`PARSER_STACK_BYTES`]), where a panic inside `cql2` is a syntax error, not a
//! crash.

mod compile;
mod like_pattern;
mod literals;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;

use geo::{BoundingRect, Geometry, Intersects, Rect, Relate};
use landtrace_domain::{Date, FieldType, GeometryKind, LayerKind};
use landtrace_spatial::Crs;
use landtrace_store::Feature;
use serde_json::{Map, Value, json};

pub use like_pattern::LikePattern;

/// Longest filter accepted, in bytes (text or JSON).
pub const MAX_FILTER_BYTES: usize = 64 * 1024;
/// Deepest nesting of a filter's expressions.
pub const MAX_DEPTH: usize = 64;
/// Most terms (operators, properties, literals) in one filter.
pub const MAX_NODES: usize = 10_000;
/// The work pest may do for one cql2-text parse, in its counted calls: a legal
/// filter of [`MAX_FILTER_BYTES`] needs far fewer; a backtracking input runs out.
/// pest's budget is process-wide: it is set once, at the first cql2-text parse,
/// and binds every pest parser of the process (cql2's is the only one).
pub const PARSER_CALL_LIMIT: usize = 5_000_000;

/// The stack of the thread a filter is parsed and compiled on. cql2 builds a chain
/// of `a OR b OR …` as a nested tree before flattening it, and reads `NOT NOT …`
/// and its other rules by recursion, so a legal filter of [`MAX_FILTER_BYTES`]
/// may recurse thousands of levels: far more than a server thread's 2 MiB (the
/// 16,000 `NOT`s of the longest filter overflowed 8 MiB in a debug build and
/// passed in 32 MiB; twice that is kept). Reserved, not committed: only what the
/// parse touches is used.
pub const PARSER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Why a filter was refused; the message is for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    /// More than [`MAX_FILTER_BYTES`].
    #[error("the filter is {0} bytes long; at most {MAX_FILTER_BYTES} are accepted")]
    TooLong(usize),
    /// Nested deeper than [`MAX_DEPTH`].
    #[error("the filter nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// More than [`MAX_NODES`] terms.
    #[error("the filter has more than {MAX_NODES} terms")]
    TooLarge,
    /// Not CQL2 at all.
    #[error("the filter is not valid {encoding}: {message}")]
    Syntax {
        /// `cql2-text` or `cql2-json`.
        encoding: &'static str,
        /// The parser's message, on one line.
        message: String,
    },
    /// A property the layer does not have (or may not be queried by this caller).
    #[error("property {name:?} is not queryable on layer {layer}; the queryables are: {queryables}")]
    UnknownProperty {
        /// The name as written (shortened).
        name: String,
        /// The layer's table name.
        layer: &'static str,
        /// The names that may be queried, comma-separated.
        queryables: String,
    },
    /// A property compared with a literal of another type, or used where its type
    /// does not fit.
    #[error("type mismatch: {0}")]
    TypeMismatch(String),
    /// A function call.
    #[error("functions are not supported: {0}")]
    Function(String),
    /// An operator this filter does not evaluate.
    #[error("operator {op} is not supported: {reason}")]
    UnsupportedOperator {
        /// The operator as cql2 names it.
        op: String,
        /// Why, and what to write instead.
        reason: &'static str,
    },
    /// A literal that is not a value of its kind (a date, a geometry, a number).
    #[error("{0}")]
    BadLiteral(String),
    /// The thread the filter is parsed on could not be started (the process is
    /// out of threads or memory): a server error, not the filter's fault.
    #[error("the filter could not be parsed now: no thread for the parser could be started")]
    ParserUnavailable,
}

/// The JSON Schema of a layer's queryables (OGC API – Features Part 3,
/// `/collections/{id}/queryables`), with `self_url` as its `$id`: one property
/// per field (personal ones only when `personal_allowed`), `id` and, for a layer
/// with geometry, `geometry`.
pub fn queryables(kind: LayerKind, self_url: &str, personal_allowed: bool) -> Value {
    let mut properties = Map::new();
    properties.insert("id".into(), json!({ "title": "Feature id", "type": "integer" }));
    if let Some(format) = geometry_format(kind.geometry()) {
        properties.insert("geometry".into(), json!({ "title": "Geometry", "format": format }));
    }
    for (i, f) in kind.fields().iter().enumerate() {
        if (!f.personal || personal_allowed) && !is_builtin_name(f.name) {
            properties.insert(f.name.into(), field_schema(kind, i));
        }
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": self_url,
        "type": "object",
        "title": kind.title_en(),
        "properties": properties,
        "additionalProperties": false,
    })
}

fn geometry_format(kind: GeometryKind) -> Option<&'static str> {
    match kind {
        GeometryKind::Point => Some("geometry-point"),
        GeometryKind::MultiPolygon => Some("geometry-multipolygon"),
        GeometryKind::Any => Some("geometry-any"),
        GeometryKind::None => None,
    }
}

/// `id` and `geometry` name the feature's id and geometry, never a field.
fn is_builtin_name(name: &str) -> bool {
    name == "id" || name == "geometry"
}

/// The schema of field `index` of `kind`: type, format, allowed values, range.
fn field_schema(kind: LayerKind, index: usize) -> Value {
    let f = &kind.fields()[index];
    let title = kind
        .user_def()
        .and_then(|d| d.fields.get(index))
        .and_then(|u| u.title.clone())
        .unwrap_or_else(|| f.name.to_owned());
    let mut schema = match f.ty {
        FieldType::Text => json!({ "type": "string" }),
        FieldType::Integer => json!({ "type": "integer" }),
        FieldType::Real => json!({ "type": "number" }),
        FieldType::Date => json!({ "type": "string", "format": "date" }),
    };
    schema["title"] = json!(title);
    if !f.allowed.is_empty() {
        schema["enum"] = json!(f.allowed);
    }
    if let Some(range) = f.range {
        schema["minimum"] = json!(range.min);
        schema["maximum"] = json!(range.max);
    }
    schema
}

/// A filter compiled for one layer: [`FeatureFilter::matches`] tells whether a
/// feature of that layer passes.
#[derive(Debug, Clone)]
pub struct FeatureFilter {
    layer: LayerKind,
    predicate: Predicate,
}

impl FeatureFilter {
    /// Compiles a cql2-text filter; geometry literals are in `filter_crs`
    /// (EPSG:4326 lon/lat when `None`).
    pub fn cql2_text(
        kind: LayerKind,
        text: &str,
        personal_allowed: bool,
        filter_crs: Option<Crs>,
    ) -> Result<FeatureFilter, FilterError> {
        compile::on_parser_stack(|| {
            let expr = compile::parse_text(text)?;
            Self::compiled(kind, &expr, personal_allowed, filter_crs)
        })
    }

    /// Compiles a cql2-json filter; geometry literals are in `filter_crs`
    /// (EPSG:4326 lon/lat when `None`).
    pub fn cql2_json(
        kind: LayerKind,
        json_text: &str,
        personal_allowed: bool,
        filter_crs: Option<Crs>,
    ) -> Result<FeatureFilter, FilterError> {
        compile::on_parser_stack(|| {
            let expr = compile::parse_json(json_text)?;
            Self::compiled(kind, &expr, personal_allowed, filter_crs)
        })
    }

    /// The filter of Part 1's `property=value` query parameters: every pair must
    /// hold, each value read as its field's type (a bad number or date is an
    /// error). No pairs: every feature matches.
    pub fn equals(
        kind: LayerKind,
        pairs: &[(&str, &str)],
        personal_allowed: bool,
    ) -> Result<FeatureFilter, FilterError> {
        let resolver = compile::Resolver { kind, personal_allowed };
        let all = pairs
            .iter()
            .map(|(name, text)| {
                let field = resolver.field(name)?;
                let value = literals::scalar_from_text(name, field.value_type(), text)?;
                Ok(Predicate::Compare { field, op: CmpOp::Eq, value })
            })
            .collect::<Result<Vec<_>, FilterError>>()?;
        Ok(FeatureFilter { layer: kind, predicate: Predicate::All(all) })
    }

    fn compiled(
        kind: LayerKind,
        expr: &cql2::Expr,
        personal_allowed: bool,
        filter_crs: Option<Crs>,
    ) -> Result<FeatureFilter, FilterError> {
        let mut compiler = compile::Compiler::new(kind, personal_allowed, filter_crs.unwrap_or(Crs::Wgs84));
        let predicate = compiler.predicate(expr, 0)?;
        Ok(FeatureFilter { layer: kind, predicate })
    }

    /// The layer the filter was compiled for.
    pub fn layer(&self) -> LayerKind {
        self.layer
    }

    /// Whether `feature` (of [`FeatureFilter::layer`]) passes: the filter is true
    /// for it (unknown, from a null property, is not a match).
    pub fn matches(&self, feature: &Feature) -> bool {
        self.predicate.eval(feature) == Some(true)
    }
}

/// A property a filter reads: the feature id or an attribute field.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Id,
    Attribute { name: &'static str, ty: FieldType },
}

/// The kind of value a field holds, as a filter compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueType {
    Text,
    Number,
    Date,
}

impl Field {
    fn value_type(self) -> ValueType {
        match self {
            Field::Id => ValueType::Number,
            Field::Attribute { ty, .. } => match ty {
                FieldType::Text => ValueType::Text,
                FieldType::Integer | FieldType::Real => ValueType::Number,
                FieldType::Date => ValueType::Date,
            },
        }
    }

    fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Attribute { name, .. } => name,
        }
    }

    /// The feature's value, `None` when null, absent or not of the field's type.
    fn read(self, feature: &Feature) -> Option<FieldValue<'_>> {
        let value = match self {
            Field::Id => return Some(FieldValue::Number(feature.id as f64)),
            Field::Attribute { name, .. } => feature.properties.get(name)?,
        };
        match (self.value_type(), value) {
            (ValueType::Text, Value::String(s)) => Some(FieldValue::Text(s)),
            (ValueType::Number, Value::Number(n)) => n.as_f64().map(FieldValue::Number),
            (ValueType::Date, Value::String(s)) => Date::parse(s).ok().map(FieldValue::Date),
            _ => None,
        }
    }
}

/// A typed literal of a filter.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Text(String),
    Number(f64),
    Date(Date),
}

impl Scalar {
    fn value(&self) -> FieldValue<'_> {
        match self {
            Scalar::Text(s) => FieldValue::Text(s),
            Scalar::Number(n) => FieldValue::Number(*n),
            Scalar::Date(d) => FieldValue::Date(*d),
        }
    }
}

/// A feature's value (or a literal) as a filter compares it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FieldValue<'a> {
    Text(&'a str),
    Number(f64),
    Date(Date),
}

impl FieldValue<'_> {
    /// The order of two values of one type; `None` across types or with a NaN.
    fn compare(self, literal: &Scalar) -> Option<Ordering> {
        match (self, literal.value()) {
            (FieldValue::Text(a), FieldValue::Text(b)) => Some(a.cmp(b)),
            (FieldValue::Number(a), FieldValue::Number(b)) => a.partial_cmp(&b),
            (FieldValue::Date(a), FieldValue::Date(b)) => Some(a.cmp(&b)),
            _ => None,
        }
    }
}

/// A comparison operator, as applied to `field op literal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Ge => ord != Ordering::Less,
        }
    }
}

/// A spatial relation of the feature's geometry to the literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpatialOp {
    Intersects,
    Disjoint,
    Equals,
    Touches,
    Within,
    Contains,
    Overlaps,
    Crosses,
}

/// The literal geometry of a spatial predicate, in WGS84, with its box.
#[derive(Debug, Clone)]
struct SpatialLiteral {
    geometry: Geometry<f64>,
    bounds: Rect<f64>,
}

impl SpatialLiteral {
    fn holds(&self, op: SpatialOp, feature: &Geometry<f64>) -> bool {
        let boxes_meet = feature.bounding_rect().is_some_and(|r| r.intersects(&self.bounds));
        match op {
            SpatialOp::Intersects => boxes_meet && feature.intersects(&self.geometry),
            SpatialOp::Disjoint => !(boxes_meet && feature.intersects(&self.geometry)),
            _ if !boxes_meet => false,
            _ => {
                let m = feature.relate(&self.geometry);
                match op {
                    SpatialOp::Equals => m.is_equal_topo(),
                    SpatialOp::Touches => m.is_touches(),
                    SpatialOp::Within => m.is_within(),
                    SpatialOp::Contains => m.is_contains(),
                    SpatialOp::Overlaps => m.is_overlaps(),
                    SpatialOp::Crosses => m.is_crosses(),
                    SpatialOp::Intersects | SpatialOp::Disjoint => unreachable!("answered above"),
                }
            }
        }
    }
}

/// A closed interval of unix milliseconds: a day, an instant or an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TimeSpan {
    start: i64,
    end: i64,
}

impl TimeSpan {
    /// The whole of `date` in the county's civil time.
    fn day(date: Date) -> TimeSpan {
        const DAY_MS: i64 = 86_400_000;
        let offset_ms = i64::from(landtrace_domain::county::UTC_OFFSET_MINUTES) * 60_000;
        let start = date.epoch_days() * DAY_MS - offset_ms;
        TimeSpan { start, end: start + DAY_MS - 1 }
    }
}

/// A temporal relation (Allen's, as CQL2 names them) of the field to the literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TemporalOp {
    Before,
    After,
    Meets,
    MetBy,
    Overlaps,
    OverlappedBy,
    Starts,
    StartedBy,
    During,
    Contains,
    Finishes,
    FinishedBy,
    Equals,
    Disjoint,
    Intersects,
}

impl TemporalOp {
    fn holds(self, x: TimeSpan, y: TimeSpan) -> bool {
        match self {
            TemporalOp::Before => x.end < y.start,
            TemporalOp::After => x.start > y.end,
            TemporalOp::Meets => x.end == y.start,
            TemporalOp::MetBy => x.start == y.end,
            TemporalOp::Overlaps => x.start < y.start && y.start < x.end && x.end < y.end,
            TemporalOp::OverlappedBy => y.start < x.start && x.start < y.end && y.end < x.end,
            TemporalOp::Starts => x.start == y.start && x.end < y.end,
            TemporalOp::StartedBy => x.start == y.start && x.end > y.end,
            TemporalOp::During => y.start < x.start && x.end < y.end,
            TemporalOp::Contains => x.start < y.start && y.end < x.end,
            TemporalOp::Finishes => x.start > y.start && x.end == y.end,
            TemporalOp::FinishedBy => x.start < y.start && x.end == y.end,
            TemporalOp::Equals => x == y,
            TemporalOp::Disjoint => x.end < y.start || x.start > y.end,
            TemporalOp::Intersects => x.start <= y.end && x.end >= y.start,
        }
    }
}

/// The compiled filter: every property resolved, every literal typed.
#[derive(Debug, Clone)]
enum Predicate {
    Const(bool),
    All(Vec<Predicate>),
    Any(Vec<Predicate>),
    Not(Box<Predicate>),
    Compare { field: Field, op: CmpOp, value: Scalar },
    Between { field: Field, low: Scalar, high: Scalar },
    In { field: Field, values: Vec<Scalar> },
    Like { field: Field, pattern: LikePattern },
    IsNull(Field),
    GeometryIsNull,
    Spatial { op: SpatialOp, literal: Box<SpatialLiteral> },
    Temporal { field: Field, op: TemporalOp, span: TimeSpan },
}

impl Predicate {
    /// True, false, or unknown (`None`: a null property was compared).
    fn eval(&self, feature: &Feature) -> Option<bool> {
        match self {
            Predicate::Const(b) => Some(*b),
            Predicate::All(all) => kleene(all, feature, false),
            Predicate::Any(any) => kleene(any, feature, true),
            Predicate::Not(p) => p.eval(feature).map(|b| !b),
            Predicate::Compare { field, op, value } => field.read(feature)?.compare(value).map(|ord| op.holds(ord)),
            Predicate::Between { field, low, high } => {
                let v = field.read(feature)?;
                Some(v.compare(low)? != Ordering::Less && v.compare(high)? != Ordering::Greater)
            }
            Predicate::In { field, values } => {
                let v = field.read(feature)?;
                Some(values.iter().any(|x| v.compare(x) == Some(Ordering::Equal)))
            }
            Predicate::Like { field, pattern } => match field.read(feature)? {
                FieldValue::Text(s) => Some(pattern.matches(s)),
                _ => None,
            },
            Predicate::IsNull(field) => Some(field.read(feature).is_none()),
            Predicate::GeometryIsNull => Some(feature.geometry.is_none()),
            Predicate::Spatial { op, literal } => Some(literal.holds(*op, feature.geometry.as_ref()?)),
            Predicate::Temporal { field, op, span } => match field.read(feature)? {
                FieldValue::Date(d) => Some(op.holds(TimeSpan::day(d), *span)),
                _ => None,
            },
        }
    }
}

/// `and` (`decisive` false) or `or` (`decisive` true) in three-valued logic: the
/// decisive value wins, else unknown if any part is unknown.
fn kleene(parts: &[Predicate], feature: &Feature, decisive: bool) -> Option<bool> {
    let mut unknown = false;
    for p in parts {
        match p.eval(feature) {
            Some(b) if b == decisive => return Some(decisive),
            Some(_) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(!decisive) }
}
