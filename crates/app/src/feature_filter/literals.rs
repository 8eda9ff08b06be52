//! The literals of a filter read as typed values: scalars of a field's type,
//! geometries in WGS84, dates and instants as spans of milliseconds.

use cql2::Expr;
use geo::{BoundingRect, CoordsIter, Geometry, Rect};
use landtrace_domain::Date;
use landtrace_domain::input_limits::{Limit, echo};
use landtrace_domain::units::instant::parse_rfc3339;
use landtrace_spatial::Crs;
use wkt::TryFromWkt;

use super::compile::not_a;
use super::{Field, FilterError, Scalar, SpatialLiteral, TimeSpan, ValueType};

/// Deepest parenthesis nesting of a WKT literal (a MultiPolygon needs 3; the
/// `wkt` crate recurses on nested collections).
const MAX_WKT_NESTING: usize = 8;

/// `expr` as a value of `field`'s type: a quoted string for text, a number for
/// integers, reals and the id, `DATE('YYYY-MM-DD')` for dates.
pub(super) fn scalar(field: Field, expr: &Expr) -> Result<Scalar, FilterError> {
    let name = field.name();
    match (field.value_type(), expr) {
        (ValueType::Text, Expr::Literal(s)) => Ok(Scalar::Text(s.clone())),
        (ValueType::Number, Expr::Float(n)) if n.is_finite() => Ok(Scalar::Number(*n)),
        (ValueType::Date, Expr::Date { date }) => match &**date {
            Expr::Literal(s) => date_value(name, s).map(Scalar::Date),
            other => Err(not_a("a date literal in DATE('YYYY-MM-DD')", other)),
        },
        (ValueType::Text, other) => {
            Err(not_a(&format!("a quoted string for the text field {name} (e.g. {name} = '…')"), other))
        }
        (ValueType::Number, other) => Err(not_a(&format!("a number for the numeric field {name}"), other)),
        (ValueType::Date, other) => Err(not_a(
            &format!(
                "a date for the date field {name}: write DATE('2023-05-01'), or use t_before/t_after for timestamps"
            ),
            other,
        )),
    }
}

fn date_value(name: &str, text: &str) -> Result<Date, FilterError> {
    Date::parse(text).map_err(|e| FilterError::BadLiteral(format!("{name}: {e}")))
}

/// A Part 1 query parameter's text as a value of field `name`'s type.
pub(super) fn scalar_from_text(name: &str, ty: ValueType, text: &str) -> Result<Scalar, FilterError> {
    match ty {
        ValueType::Text => Ok(Scalar::Text(text.to_owned())),
        ValueType::Date => date_value(name, text).map(Scalar::Date),
        ValueType::Number => match text.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Scalar::Number(n)),
            _ => Err(FilterError::BadLiteral(format!("{name}: {:?} is not a number", echo(text)))),
        },
    }
}

/// A geometry literal (WKT, GeoJSON or a bbox) in `crs`, converted to WGS84.
pub(super) fn spatial_literal(expr: &Expr, crs: Crs) -> Result<SpatialLiteral, FilterError> {
    let mut geometry = match expr {
        Expr::Geometry(cql2::Geometry::Wkt(text)) => from_wkt(text)?,
        Expr::Geometry(cql2::Geometry::GeoJSON(g)) => from_geojson(g)?,
        Expr::BBox { bbox } => from_bbox(bbox)?.to_polygon().into(),
        other => return Err(not_a("a geometry (WKT, GeoJSON or BBOX)", other)),
    };
    Limit::VerticesPerGeometry
        .check(geometry.coords_count() as u64, "the filter's geometry")
        .map_err(|e| FilterError::BadLiteral(e.to_string()))?;
    landtrace_spatial::geometry_to_wgs84(crs, &mut geometry)
        .map_err(|e| FilterError::BadLiteral(format!("the filter's geometry in {}: {e}", crs.name())))?;
    let bounds =
        geometry.bounding_rect().ok_or_else(|| FilterError::BadLiteral("the filter's geometry is empty".into()))?;
    Ok(SpatialLiteral { geometry, bounds })
}

fn from_wkt(text: &str) -> Result<Geometry<f64>, FilterError> {
    let mut depth = 0usize;
    for b in text.bytes() {
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_WKT_NESTING {
            return Err(FilterError::BadLiteral(format!(
                "the filter's WKT geometry nests deeper than {MAX_WKT_NESTING}"
            )));
        }
    }
    Geometry::try_from_wkt_str(text).map_err(|e| FilterError::BadLiteral(format!("the filter's WKT geometry: {e}")))
}

/// Through cql2's own GeoJSON type's text to the platform's one strict reader.
fn from_geojson(g: &impl serde::Serialize) -> Result<Geometry<f64>, FilterError> {
    let bad = |e: String| FilterError::BadLiteral(format!("the filter's GeoJSON geometry: {e}"));
    let text = serde_json::to_string(g).map_err(|e| bad(e.to_string()))?;
    let geometry: geojson::Geometry = text.parse().map_err(|e: geojson::Error| bad(e.to_string()))?;
    landtrace_formats::geometry_from_geojson(&geometry.value).map_err(bad)
}

/// `BBOX(minx, miny, maxx, maxy)` or its 3D form (the heights are dropped).
fn from_bbox(items: &[Box<Expr>]) -> Result<Rect<f64>, FilterError> {
    let numbers = items
        .iter()
        .map(|i| match **i {
            Expr::Float(n) if n.is_finite() => Ok(n),
            ref other => Err(not_a("a number in BBOX", other)),
        })
        .collect::<Result<Vec<f64>, _>>()?;
    let [x0, y0, x1, y1] = match numbers[..] {
        [x0, y0, x1, y1] | [x0, y0, _, x1, y1, _] => [x0, y0, x1, y1],
        _ => {
            return Err(FilterError::BadLiteral(format!(
                "BBOX takes 4 numbers (minx, miny, maxx, maxy) or 6, not {}",
                numbers.len()
            )));
        }
    };
    if x0 > x1 || y0 > y1 {
        return Err(FilterError::BadLiteral(format!("BBOX({x0}, {y0}, {x1}, {y1}) has a minimum above its maximum")));
    }
    Ok(Rect::new((x0, y0), (x1, y1)))
}

/// A temporal literal: a date (the whole county day), a timestamp (one
/// millisecond) or an interval of them (`'..'` for an open end).
pub(super) fn time_span(expr: &Expr) -> Result<TimeSpan, FilterError> {
    match expr {
        Expr::Date { date } => Ok(TimeSpan::day(date_value("DATE", text_of(date)?)?)),
        Expr::Timestamp { timestamp } => instant(text_of(timestamp)?),
        Expr::Interval { interval } => match &interval[..] {
            [start, end] => Ok(TimeSpan { start: bound(start, true)?, end: bound(end, false)? }),
            _ => Err(FilterError::BadLiteral(format!("INTERVAL takes 2 bounds, not {}", interval.len()))),
        },
        other => Err(not_a("DATE(…), TIMESTAMP(…) or INTERVAL(…, …)", other)),
    }
}

fn text_of(expr: &Expr) -> Result<&str, FilterError> {
    match expr {
        Expr::Literal(s) => Ok(s),
        other => Err(not_a("a quoted date or time", other)),
    }
}

fn instant(text: &str) -> Result<TimeSpan, FilterError> {
    let ms = parse_rfc3339(text)
        .map_err(|e| FilterError::BadLiteral(format!("TIMESTAMP({:?}): {e}", echo(text))))?
        .unix_ms();
    Ok(TimeSpan { start: ms, end: ms })
}

/// One end of an interval: `..`, a date (its first or last millisecond) or an
/// instant, written bare or as `DATE(…)`/`TIMESTAMP(…)`.
fn bound(expr: &Expr, start: bool) -> Result<i64, FilterError> {
    let span = match expr {
        Expr::Literal(s) if s == ".." => return Ok(if start { i64::MIN } else { i64::MAX }),
        Expr::Literal(s) if s.len() == 10 => TimeSpan::day(date_value("INTERVAL", s)?),
        Expr::Literal(s) => instant(s)?,
        other => time_span(other)?,
    };
    Ok(if start { span.start } else { span.end })
}
