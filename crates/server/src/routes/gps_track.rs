//! `POST /api/truck-ban/track`: where and when a GPS track was inside the truck-ban
//! zone during ban hours. Nothing is stored.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use landtrace_app::gps_track::{ban_zone_geometry, check_track};
use landtrace_spatial::Crs;
use landtrace_track::{CheckOptions, TrackFormat};
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::AppState;

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// Reads the `format`, `crs` and `max_gap_s` parameters.
pub fn track_params(q: &HashMap<String, String>, body: &[u8]) -> Result<(TrackFormat, Crs, CheckOptions), AppError> {
    let format = match q.get("format").map(String::as_str) {
        Some("csv") => TrackFormat::Csv,
        Some("gpx") => TrackFormat::Gpx,
        Some("geojson" | "json") => TrackFormat::GeoJson,
        Some(other) => return Err(bad(format!("format {other:?} is not csv, gpx or geojson"))),
        None => match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => TrackFormat::GeoJson,
            Some(b'<') => TrackFormat::Gpx,
            _ => TrackFormat::Csv,
        },
    };
    let crs = q.get("crs").map_or(Ok(Crs::Wgs84), |s| Crs::parse(s)).map_err(bad)?;
    let mut options = CheckOptions::default();
    if let Some(gap) = q.get("max_gap_s") {
        let secs: u64 = gap.parse().map_err(|_| bad(format!("max_gap_s {gap:?} is not a whole number of seconds")))?;
        options = CheckOptions::with_max_gap_secs(secs).map_err(bad)?;
    }
    Ok((format, crs, options))
}

/// `POST /api/truck-ban/track[?format=csv|gpx|geojson][&crs][&max_gap_s]`.
pub async fn track(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let (format, crs, options) = track_params(&q, &body)?;
    let (zone, illustrative) = ban_zone_geometry(&*state.catalog.read().await);
    if zone.0.is_empty() {
        return Err(AppError::NotFound("no truck-ban zone is stored".into()));
    }
    let report = state
        .cpu
        .run(move || {
            let text = (format == TrackFormat::GeoJson).then(|| String::from_utf8_lossy(&body).into_owned());
            check_track(&zone, format, &body[..], text.as_deref(), crs, options)
        })
        .await?;
    let mut value = serde_json::to_value(&report).map_err(|e| AppError::Internal(e.to_string()))?;
    value["zone_illustrative"] = json!(illustrative);
    value["stored"] = json!(false);
    Ok(Json(value))
}
