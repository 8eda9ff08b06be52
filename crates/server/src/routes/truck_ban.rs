//! Traffic police: `POST /api/truck-ban/check` — is this truck, here, at this
//! time, banned under 临政发〔2023〕5号, and under which clause?

use axum::Json;
use axum::extract::State;
use landtrace_app::position_input::resolve_position;
use landtrace_app::truck_ban_check::{self, TruckQuestion};
use landtrace_domain::truck_ban::{LocalDateTime, Pass, Vehicle};
use landtrace_spatial::Crs;
use serde::Deserialize;
use serde_json::Value;

use crate::error::AppError;
use crate::state::AppState;

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// Body of `POST /api/truck-ban/check`.
#[derive(Debug, Deserialize)]
pub struct CheckRequest {
    /// Longitude of the truck.
    pub lon: f64,
    /// Latitude of the truck.
    pub lat: f64,
    /// CRS of lon/lat (default EPSG:4326).
    pub crs: Option<String>,
    /// The instant, RFC 3339 with `Z` or `±HH:MM` (`landtrace_domain::units::instant`).
    pub at: String,
    /// The vehicle: `class` or `length_mm` + `total_mass_kg`, `body`, `energy`,
    /// `purpose`, `plate`.
    pub vehicle: Value,
    /// The truck's pass, if any.
    pub pass: Option<Value>,
    /// Whether the position is inside the pass's named area or route.
    #[serde(default)]
    pub inside_pass_area: bool,
}

/// `GET /api/truck-ban/freight-sources`: the key freight-source enterprises, each
/// with whether it lies inside the truck-ban zone and its distance to the zone's edge.
pub async fn freight_sources(State(state): State<AppState>) -> Json<Value> {
    Json(truck_ban_check::freight_sources(&*state.catalog.read().await))
}

/// `POST /api/truck-ban/check`.
pub async fn check(State(state): State<AppState>, body: axum::body::Bytes) -> Result<Json<Value>, AppError> {
    let req: CheckRequest = crate::routes::land::json_body(&body)?;
    let position = resolve_position(req.lon, req.lat, req.crs.as_deref()).map_err(bad)?;
    let point = position.point;
    let at = LocalDateTime::parse_rfc3339(&req.at).map_err(|e| {
        let shown: String = req.at.chars().take(64).collect();
        bad(format!("`at` {shown:?}: {e}"))
    })?;
    let vehicle: Vehicle = serde_json::from_value(req.vehicle).map_err(|e| bad(format!("`vehicle`: {e}")))?;
    let pass: Option<Pass> =
        req.pass.map(serde_json::from_value).transpose().map_err(|e| bad(format!("`pass`: {e}")))?;
    let mut question = TruckQuestion { point, at, vehicle, pass, inside_pass_area: req.inside_pass_area };
    // No pass in the request: the registry's pass for the plate.
    let (pass, pass_record) = truck_ban_check::registered_pass(state.store.as_ref(), &question).await?;
    question.pass = pass;
    let mut answer = truck_ban_check::decide_at(&*state.catalog.read().await, question, pass_record);
    if position.assumed.is_some() || position.crs != Crs::Wgs84 {
        answer["input"] = position.input_json(req.lon, req.lat);
    }
    Ok(Json(answer))
}
