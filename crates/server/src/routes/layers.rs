//! `GET /api/layers` (what is stored) and `POST /api/layers/{layer}/features`
//! (an all-or-nothing GeoJSON import, for the admin and the role that owns the layer).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use landtrace_domain::LayerKind;
use landtrace_store::geojson_io::parse_features;
use serde_json::{Value, json};

use crate::auth::require_writer;
use crate::error::AppError;
use crate::idempotency::{WriteKey, mark_replayed};
use crate::state::AppState;

/// Lists every layer with its title, geometry type, public fields and count.
pub async fn list(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let counts = state.store.counts().await?;
    let layers: Vec<Value> = counts
        .iter()
        .map(|c| {
            let fields: Vec<Value> = c
                .kind
                .fields()
                .iter()
                .filter(|f| !f.personal)
                .map(|f| json!({ "name": f.name, "type": f.ty, "required": f.required }))
                .collect();
            json!({
                "layer": c.kind.table_name(),
                "title": c.kind.title_zh(),
                "title_en": c.kind.title_en(),
                "geometry": c.kind.geometry().ogc_name(),
                "count": c.count,
                "fields": fields,
            })
        })
        .collect();
    Ok(Json(json!({ "layers": layers })))
}

/// The layer named in a path; 404 naming the layers for an unknown one.
pub(crate) fn parse_layer(name: &str) -> Result<LayerKind, AppError> {
    LayerKind::from_table_name(name).ok_or_else(|| {
        let known: Vec<&str> = LayerKind::ALL.iter().map(|k| k.table_name()).collect();
        let name = landtrace_domain::input_limits::echo(name);
        AppError::NotFound(format!("no layer named {name:?}; layers: {}", known.join(", ")))
    })
}

/// Imports a GeoJSON FeatureCollection into a layer; all or nothing. 401 without a
/// valid token, 403 when the user's role does not own the layer (both before the
/// body is read). With an `Idempotency-Key`, a repeat answers with the first
/// import's ids and writes nothing.
pub async fn insert(
    State(state): State<AppState>,
    Path(layer): Path<String>,
    headers: HeaderMap,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    // A large import takes one worker of the CPU pool for parsing and checking
    // its features (and holds it while the store validates and writes them); a
    // small write is parsed in place and does not wait for a worker.
    let slot = if body.len() > SMALL_WRITE_BYTES { Some(state.cpu.slot().await) } else { None };
    let features = match &slot {
        Some(slot) => slot.run(move || parse_body(kind, &body)).await??,
        None => parse_body(kind, &body)?,
    };
    // The one write path: the layer's rulebook (origin-point records: phones,
    // divisions, thresholds, the county boundary), as through every other door.
    let features = crate::origin_state::check_new_features(&state, slot.as_ref(), kind, features, &actor).await?;
    let out = state.insert_keyed(kind, features, &actor, key.get()).await?;
    drop(slot);
    let body = json!({ "layer": kind.table_name(), "inserted": out.value.len(), "ids": out.value });
    Ok(mark_replayed((StatusCode::CREATED, Json(body)).into_response(), out.replayed))
}

/// Bodies up to this size are parsed in place (microseconds), without waiting
/// for a worker of the CPU pool.
const SMALL_WRITE_BYTES: usize = 256 * 1024;

fn parse_body(kind: LayerKind, body: &[u8]) -> Result<Vec<landtrace_store::NewFeature>, AppError> {
    let text =
        std::str::from_utf8(body).map_err(|e| AppError::BadRequest(format!("the body is not UTF-8 text: {e}")))?;
    parse_features(kind, text).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// `PUT /api/layers/{layer}/features/{id}`: replaces one feature (a GeoJSON
/// Feature: geometry and every attribute), validated first and audited with its
/// before and after. 404 for an unknown id.
pub async fn replace(
    State(state): State<AppState>,
    Path((layer, id)): Path<(String, i64)>,
    headers: HeaderMap,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    if kind == LayerKind::OriginPoints {
        return Err(AppError::BadRequest(
            "origin-point records are replaced through PUT /api/trace/records/{id} (it keeps their creation stamp)"
                .into(),
        ));
    }
    let slot = if body.len() > SMALL_WRITE_BYTES { Some(state.cpu.slot().await) } else { None };
    let mut features = match &slot {
        Some(slot) => slot.run(move || parse_body(kind, &body)).await??,
        None => parse_body(kind, &body)?,
    };
    if features.len() != 1 {
        return Err(AppError::BadRequest(format!(
            "expected one GeoJSON Feature to replace feature {id}, got {}",
            features.len()
        )));
    }
    let feature = features.remove(0);
    let out = state.update_keyed(kind, id, feature, &actor, key.get()).await?;
    drop(slot);
    Ok(mark_replayed(Json(json!({ "layer": kind.table_name(), "updated": id })).into_response(), out.replayed))
}

/// `DELETE /api/layers/{layer}/features/{id}`: removes one feature (audited).
pub async fn remove(
    State(state): State<AppState>,
    Path((layer, id)): Path<(String, i64)>,
    headers: HeaderMap,
    key: WriteKey,
) -> Result<Response, AppError> {
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    let out = state.delete_keyed(kind, id, &actor, key.get()).await?;
    Ok(mark_replayed(StatusCode::NO_CONTENT.into_response(), out.replayed))
}
