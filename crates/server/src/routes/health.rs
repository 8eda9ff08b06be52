//! `GET /health`: liveness and what the server serves from.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::{AppState, StoreHealth};

/// Answers `{"status":"ok"}` with the store description and the zone count;
/// `{"status":"degraded"}` with the `cause` (`disk_full`, `read_only`,
/// `disk_error`) and a message while the store refuses writes (HTTP 200: reads
/// are still answered), and with HTTP 503 while the store does not answer.
pub async fn health(State(state): State<AppState>) -> Result<(StatusCode, Json<Value>), AppError> {
    let zones = state.catalog.read().await.zones.len();
    let (status, text, writes, cause, error) = match state.store_health().await {
        StoreHealth::Ok => (StatusCode::OK, "ok", "ok", None, None),
        StoreHealth::WritesRefused { cause, message } => {
            (StatusCode::OK, "degraded", "refused", Some(cause), Some(message))
        }
        StoreHealth::Unavailable { cause, message } => {
            (StatusCode::SERVICE_UNAVAILABLE, "degraded", "refused", Some(cause), Some(message))
        }
    };
    Ok((
        status,
        Json(json!({
            "status": text,
            "writes": writes,
            "cause": cause,
            "error": error,
            "version": env!("CARGO_PKG_VERSION"),
            "store": state.store.describe(),
            "indexed_zones": zones,
            "cached_tiles": state.tile_cache.len(),
        })),
    ))
}
