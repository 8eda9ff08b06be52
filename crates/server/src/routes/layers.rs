//! `GET /api/layers` (what is stored) and `POST /api/layers/{layer}/features`
//! (an all-or-nothing GeoJSON import, for the admin and the role that owns the layer).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use landtrace_domain::LayerKind;
use landtrace_store::geojson_io::parse_features;
use serde_json::{Value, json};

use crate::auth::require_writer;
use crate::error::AppError;
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

fn parse_layer(name: &str) -> Result<LayerKind, AppError> {
    LayerKind::from_table_name(name).ok_or_else(|| {
        let known: Vec<&str> = LayerKind::ALL.iter().map(|k| k.table_name()).collect();
        AppError::NotFound(format!("no layer named {name:?}; layers: {}", known.join(", ")))
    })
}

/// Imports a GeoJSON FeatureCollection into a layer; all or nothing. 401 without a
/// valid token, 403 when the user's role does not own the layer.
pub async fn insert(
    State(state): State<AppState>,
    Path(layer): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    let mut features = parse_features(kind, &body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    if kind == LayerKind::OriginPoints {
        // Origin-point records get the same checks as through /api/trace (phones,
        // divisions, thresholds, the county boundary).
        features = crate::trace::prepare_features(&state, features, &actor).await?;
    }
    let ids = state.insert(kind, features, &actor).await?;
    Ok((StatusCode::CREATED, Json(json!({ "layer": kind.table_name(), "inserted": ids.len(), "ids": ids }))))
}

/// `PUT /api/layers/{layer}/features/{id}`: replaces one feature (a GeoJSON
/// Feature: geometry and every attribute), validated first and audited with its
/// before and after. 404 for an unknown id.
pub async fn replace(
    State(state): State<AppState>,
    Path((layer, id)): Path<(String, i64)>,
    headers: HeaderMap,
    body: String,
) -> Result<Json<Value>, AppError> {
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    let mut features = parse_features(kind, &body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    if features.len() != 1 {
        return Err(AppError::BadRequest(format!(
            "expected one GeoJSON Feature to replace feature {id}, got {}",
            features.len()
        )));
    }
    if kind == LayerKind::OriginPoints {
        return Err(AppError::BadRequest(
            "origin-point records are replaced through PUT /api/trace/records/{id} (it keeps their creation stamp)"
                .into(),
        ));
    }
    let feature = features.remove(0);
    state.update(kind, id, feature, &actor).await?;
    Ok(Json(json!({ "layer": kind.table_name(), "updated": id })))
}

/// `DELETE /api/layers/{layer}/features/{id}`: removes one feature (audited).
pub async fn remove(
    State(state): State<AppState>,
    Path((layer, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    state.delete(kind, id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
