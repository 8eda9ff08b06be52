//! `GET /api/locate?lon=..&lat=..[&crs=..]`: every zone that contains a point.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use landtrace_app::history::{AsOf, AsOfRule};
use landtrace_app::position_input::resolve_position;
use landtrace_app::users::may_read;
use landtrace_domain::schema::layers::accuracy_zh;
use landtrace_domain::{LayerKind, public_properties, zone_details};
use serde_json::{Map, Value, json};

use serde::Deserialize;

use crate::auth::current_user;
use crate::error::AppError;
use crate::query::{ApiQuery, number};
use crate::routes::history::zones_then;
use crate::state::AppState;

/// The parameters of `GET /api/locate`.
#[derive(Debug, Deserialize)]
pub struct LocateQuery {
    /// Longitude (or easting) of the point.
    pub lon: Option<String>,
    /// Latitude (or northing) of the point.
    pub lat: Option<String>,
    /// Its CRS: an EPSG code or GCJ-02/BD-09. Without it, WGS84 lon/lat, or
    /// CGCS2000 Gauss-Krüger recognised by the ranges (the answer says so).
    pub crs: Option<String>,
    /// Answer against the zone layers as they were: a date (the end of that day in
    /// Asia/Shanghai) or an RFC 3339 instant (see `landtrace_app::history`).
    pub as_of: Option<String>,
}

/// Parses and checks the point, converts it to WGS84, and lists the zones that
/// contain it (boundary points count as inside), in layer order then by id.
/// User-defined layers defined with `locate` answer too (`"user_defined": true`);
/// one that is not public only to its owning role and admins. With `as_of`, the
/// zones are those of the layers as they were then (rebuilt from the audit trail,
/// by the rule of `landtrace_app::history`); the answer carries `as_of` and, per
/// zone layer, the rule that applied.
pub async fn locate(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<LocateQuery>,
) -> Result<Json<Value>, AppError> {
    let user = current_user(&state, &headers)?;
    let lon = number(q.lon.as_deref(), "lon", "?lon=110.775&lat=35.14")?;
    let lat = number(q.lat.as_deref(), "lat", "?lon=110.775&lat=35.14")?;
    let position = resolve_position(lon, lat, q.crs.as_deref()).map_err(AppError::BadRequest)?;
    let point = position.point;

    let as_of = q
        .as_of
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(AsOf::parse)
        .transpose()
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let mut answer = json!({
        "point": { "lon": point.lon(), "lat": point.lat(), "crs": "EPSG:4326" },
        "input": position.input_json(lon, lat),
    });
    if let Some(at) = as_of {
        let kinds: Vec<LayerKind> = state.layers().into_iter().filter(|k| k.is_zone()).collect();
        let then = zones_then(&state, kinds, at).await?;
        let mut keys = then.index.locate(point.into());
        keys.retain(|(kind, _)| may_read(user.as_ref(), *kind));
        keys.sort_by_key(|(kind, id)| (display_order(*kind), *id));
        answer["hits"] = keys.iter().filter_map(|key| Some(hit(*key, then.properties(key)?))).collect();
        answer["as_of"] = json!({
            "value": at.text(),
            "instant": at.at().to_rfc3339_utc_millis(),
            "county_date": at.county_date(),
            "rules": then
                .layers
                .iter()
                .filter(|l| may_read(user.as_ref(), l.kind))
                .map(|l| json!({
                    "layer": l.kind.table_name(),
                    "rule": match l.rule { AsOfRule::TransactionTime => "transaction_time", _ => "valid_time" },
                    "note": l.note,
                    "note_zh": l.note_zh,
                }))
                .collect::<Vec<_>>(),
        });
        return Ok(Json(answer));
    }

    let catalog = state.catalog.read().await;
    let mut keys = catalog.zones.locate(point.into());
    keys.retain(|(kind, _)| may_read(user.as_ref(), *kind));
    keys.sort_by_key(|(kind, id)| (display_order(*kind), *id));
    answer["hits"] = keys.iter().filter_map(|key| Some(hit(*key, catalog.zone_properties(key)?))).collect();
    Ok(Json(answer))
}

/// One zone that contains the point, decorated for the answer.
fn hit((kind, id): (LayerKind, i64), props: &Map<String, Value>) -> Value {
    let mut hit = json!({
        "layer": kind.table_name(),
        "id": id,
        "title": kind.title_zh(),
        "title_en": kind.title_en(),
        "illustrative": props.get("accuracy").and_then(Value::as_str) == Some("illustrative"),
        "properties": public_properties(kind, props),
    });
    if let Some(zh) = props.get("accuracy").and_then(Value::as_str).and_then(accuracy_zh) {
        hit["accuracy_zh"] = json!(zh);
    }
    if kind.user_def().is_some() {
        hit["user_defined"] = json!(true);
    }
    if let Some(details) = zone_details(kind, props) {
        hit["details"] = details;
    }
    hit
}

/// Built-in layers in [`LayerKind::ALL`] order, then user-defined ones in the
/// order they were registered.
pub(crate) fn display_order(kind: LayerKind) -> (usize, LayerKind) {
    (LayerKind::ALL.iter().position(|k| *k == kind).unwrap_or(LayerKind::ALL.len()), kind)
}
