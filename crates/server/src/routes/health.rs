//! `GET /health`: liveness and what the server serves from.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::AppState;

/// Answers `{"status":"ok"}` with the store description and the zone count, or
/// 503 with `{"status":"degraded"}` while the store does not answer.
pub async fn health(State(state): State<AppState>) -> Result<(StatusCode, Json<Value>), AppError> {
    let zones = state.catalog.read().await.zones.len();
    let (status, text, error) = match state.store_health().await {
        Ok(()) => (StatusCode::OK, "ok", None),
        Err(message) => (StatusCode::SERVICE_UNAVAILABLE, "degraded", Some(message)),
    };
    Ok((
        status,
        Json(json!({
            "status": text,
            "error": error,
            "version": env!("CARGO_PKG_VERSION"),
            "store": state.store.describe(),
            "indexed_zones": zones,
            "cached_tiles": state.tile_cache.len(),
        })),
    ))
}
