//! `GET /api/layers` (what is stored) and `POST /api/layers/{layer}/features`
//! (an all-or-nothing GeoJSON import, for the admin token).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use landtrace_domain::LayerKind;
use landtrace_store::Actor;
use landtrace_store::geojson_io::parse_features;
use serde_json::{Value, json};

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

fn authorise(state: &AppState, headers: &HeaderMap) -> Result<Actor, AppError> {
    let Some(expected) = state.admin_token.as_deref() else {
        return Err(AppError::Unauthorized(
            "writes are disabled: the server was started without an admin token".into(),
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| AppError::Unauthorized("an `Authorization: Bearer <token>` header is required".into()))?;
    if !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Err(AppError::Unauthorized("the token is not valid".into()));
    }
    Ok(Actor("admin-token".to_owned()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Imports a GeoJSON FeatureCollection into a layer; all or nothing.
pub async fn insert(
    State(state): State<AppState>,
    Path(layer): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let kind = parse_layer(&layer)?;
    let actor = authorise(&state, &headers)?;
    let features = parse_features(kind, &body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let ids = state.insert(kind, features, &actor).await?;
    Ok((StatusCode::CREATED, Json(json!({ "layer": kind.table_name(), "inserted": ids.len(), "ids": ids }))))
}
