//! `GET /health`: liveness and what the server serves from.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::AppState;

/// Answers `{"status":"ok"}` with the store description and the zone count.
pub async fn health(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let zones = state.catalog.read().await.zones.len();
    Ok(Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "store": state.store.describe(),
        "indexed_zones": zones,
        "cached_tiles": state.tile_cache.len(),
    })))
}
