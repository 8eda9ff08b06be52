//! Origin-point records (临政办发〔2023〕19号) as a use case: the rule checks of
//! `landtrace_domain::traceability` joined with what they need from the stored data (the
//! division names, the county boundary) and the stamps a write adds.
//!
//! Every door that writes records (`POST /api/trace/records`, `POST
//! /api/layers/origin_points/features`, `landtrace import origin_points`,
//! `landtrace trace import`, the bundled data, `migrate`) comes here through
//! [`crate::write_path::Rulebooks`].

use geo::{Geometry, Point};
use landtrace_domain::LayerKind;
use landtrace_domain::county::COUNTY_ADCODE;
use landtrace_domain::traceability::{CheckedRecord, Divisions, FieldProblem, NAME_VARIANTS_CSV, RecordContext};
use landtrace_spatial::{Crs, LonLat};
use landtrace_store::{Actor, Feature, NewFeature};
use serde_json::{Map, Value};

use crate::catalog::Catalog;
use crate::clock::{now_rfc3339, today_in_county};

/// Fields a write stamps itself; whatever a client sends for them is dropped.
pub const SYSTEM_FIELDS: [&str; 4] = ["created_at", "created_by", "updated_at", "updated_by"];

fn text(f: &Map<String, Value>, name: &str) -> String {
    f.get(name).and_then(Value::as_str).unwrap_or("").to_owned()
}

/// The official townships and villages from the features of the `townships` and
/// `villages` layers, with the gazette's OCR variants.
pub fn divisions_from<'a>(
    townships: impl IntoIterator<Item = &'a Map<String, Value>>,
    villages: impl IntoIterator<Item = &'a Map<String, Value>>,
) -> Result<Divisions, String> {
    let townships = townships.into_iter().map(|p| (text(p, "code"), text(p, "name"))).collect();
    let villages = villages.into_iter().map(|p| (text(p, "code"), text(p, "name"), text(p, "township_code"))).collect();
    Divisions::new(townships, villages, NAME_VARIANTS_CSV).map_err(|e| format!("division names: {e}"))
}

/// Whether a WGS84 point lies inside 临猗县: in the boundary of adcode
/// [`COUNTY_ADCODE`] (the boundary layer holds the neighbouring counties of 运城市 too).
pub fn inside_county(catalog: &Catalog, point: LonLat) -> bool {
    catalog.zones.locate(point.into()).iter().any(|key| {
        key.0 == LayerKind::CountyBoundaries
            && catalog.zone_properties(key).and_then(|p| p.get("adcode")).and_then(Value::as_str) == Some(COUNTY_ADCODE)
    })
}

/// A record position as given: longitude and latitude (numbers or numeric text)
/// in `crs`. Problems are reported against the fields `lon` / `lat`.
pub fn parse_position(lon: Option<&Value>, lat: Option<&Value>, crs: Crs) -> Result<LonLat, Vec<FieldProblem>> {
    let number = |v: Option<&Value>, field: &str| -> Result<f64, FieldProblem> {
        let problem = |m: &str| FieldProblem { field: field.to_owned(), message: m.to_owned() };
        match v {
            None | Some(Value::Null) => Err(problem("必填（required）: the point position is missing")),
            Some(Value::Number(n)) => n.as_f64().ok_or_else(|| problem("not a number")),
            Some(Value::String(s)) if s.trim().is_empty() => {
                Err(problem("必填（required）: the point position is missing"))
            }
            Some(Value::String(s)) => {
                s.trim().parse::<f64>().map_err(|_| problem(&format!("{s:?} is not a number (decimal degrees)")))
            }
            Some(other) => Err(problem(&format!("{other} is not a number"))),
        }
    };
    let (lon, lat) = (number(lon, "lon"), number(lat, "lat"));
    match (lon, lat) {
        (Ok(lon), Ok(lat)) => crs
            .to_wgs84(geo::Coord { x: lon, y: lat })
            .map_err(|e| vec![FieldProblem { field: "lon".into(), message: e.to_string() }]),
        (lon, lat) => Err([lon.err(), lat.err()].into_iter().flatten().collect()),
    }
}

/// The position of a record given as a GeoJSON feature: its Point geometry.
pub fn position_of(geometry: Option<&Geometry>) -> Result<LonLat, Vec<FieldProblem>> {
    match geometry {
        Some(Geometry::Point(p)) => LonLat::new(p.x(), p.y())
            .map_err(|e| vec![FieldProblem { field: "position".into(), message: e.to_string() }]),
        _ => Err(vec![FieldProblem { field: "position".into(), message: "a Point geometry is required".into() }]),
    }
}

/// What a checked record becomes: the feature to store and what the checks said.
#[derive(Debug)]
pub struct PreparedRecord {
    /// Validated, normalised feature.
    pub feature: NewFeature,
    /// The checked record (threshold flag, notes).
    pub checked: CheckedRecord,
}

/// The rule checks of one record: the fields (the system stamps left out) and
/// the position, which must lie in the county.
fn check(
    fields: &Map<String, Value>,
    position: Result<LonLat, Vec<FieldProblem>>,
    divisions: &Divisions,
    boundary: &Catalog,
) -> Result<(CheckedRecord, LonLat), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let point = match position {
        Ok(p) => Some(p),
        Err(mut e) => {
            problems.append(&mut e);
            None
        }
    };
    // The position is checked here (with its coordinates in the message), not by the domain check.
    let ctx = RecordContext { divisions, inside_county: true, today: today_in_county() };
    let checked = match landtrace_domain::traceability::check_origin_record(fields, &ctx) {
        Ok(c) => Some(c),
        Err(mut e) => {
            problems.append(&mut e);
            None
        }
    };
    if let Some(p) = point
        && !inside_county(boundary, p)
    {
        problems.push(FieldProblem {
            field: "position".into(),
            message: format!(
                "点位不在临猗县境内（the point {:.6}, {:.6} is outside 临猗县）; check longitude/latitude and the coordinate system",
                p.lon(),
                p.lat()
            ),
        });
    }
    match (checked, point) {
        (Some(checked), Some(point)) if problems.is_empty() => Ok((checked, point)),
        _ => Err(problems),
    }
}

/// Checks one record (the body of a POST/PUT, one spreadsheet row, one feature
/// of an import) and builds the feature to store, stamped with who and when.
/// `previous` is the stored record an update replaces: its creation stamp, first
/// collection date, accuracy and source are kept unless restated.
pub fn prepare_record(
    body: &Map<String, Value>,
    position: Result<LonLat, Vec<FieldProblem>>,
    divisions: &Divisions,
    boundary: &Catalog,
    actor: &Actor,
    previous: Option<&Feature>,
) -> Result<PreparedRecord, Vec<FieldProblem>> {
    let today = today_in_county();
    let mut props = body.clone();
    for system in SYSTEM_FIELDS {
        props.remove(system);
    }
    // An update that does not restate the first collection date keeps it.
    if let Some(collected) = previous.and_then(|f| f.properties.get("collected_on")).filter(|v| !v.is_null())
        && props.get("collected_on").is_none_or(Value::is_null)
    {
        props.insert("collected_on".into(), collected.clone());
    }
    let (mut checked, point) = check(&props, position, divisions, boundary)?;
    let now = now_rfc3339();
    let props = &mut checked.properties;
    let keep = |name: &str, fallback: Value| {
        previous.and_then(|f| f.properties.get(name)).filter(|v| !v.is_null()).cloned().unwrap_or(fallback)
    };
    props.insert("created_at".into(), keep("created_at", Value::from(now.clone())));
    props.insert("created_by".into(), keep("created_by", Value::from(actor.0.clone())));
    if previous.is_some() {
        props.insert("updated_at".into(), Value::from(now));
        props.insert("updated_by".into(), Value::from(actor.0.clone()));
        if !props.get("updated_on").is_some_and(|v| v.is_string()) {
            props.insert("updated_on".into(), Value::from(today.to_string()));
        }
    }
    for kept in ["accuracy", "source"] {
        if !body.contains_key(kept)
            && let Some(v) = previous.and_then(|f| f.properties.get(kept)).filter(|v| !v.is_null())
        {
            props.insert(kept.into(), v.clone());
        }
    }
    let feature =
        NewFeature { geometry: Some(Geometry::Point(Point::new(point.lon(), point.lat()))), properties: props.clone() };
    Ok(PreparedRecord { feature, checked })
}

/// Checks a record as it is to be stored unchanged (bundled data, a copy by
/// `migrate`): the same rules as [`prepare_record`], the stamps it carries left
/// as they are.
pub fn check_stored_record(
    feature: &NewFeature,
    divisions: &Divisions,
    boundary: &Catalog,
) -> Result<(), Vec<FieldProblem>> {
    let mut props = feature.properties.clone();
    for system in SYSTEM_FIELDS {
        props.remove(system);
    }
    check(&props, position_of(feature.geometry.as_ref()), divisions, boundary).map(|_| ())
}
