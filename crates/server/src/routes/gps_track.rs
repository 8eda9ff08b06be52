//! `POST /api/truck-ban/track`: where and when a GPS track was inside the truck-ban
//! zone during ban hours. Nothing is stored.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use landtrace_app::gps_track::{ban_zone_geometry, check_track};
use landtrace_spatial::Crs;
use landtrace_track::{CheckOptions, TrackFormat};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::query::ApiQuery;
use crate::state::AppState;

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// The parameters of `POST /api/truck-ban/track`.
#[derive(Debug, Default, Deserialize)]
pub struct TrackQuery {
    /// csv, gpx or geojson (default: from the body's first character).
    pub format: Option<String>,
    /// CRS of the fixes (default EPSG:4326).
    pub crs: Option<String>,
    /// A pause longer than this many seconds is a gap (1 s to one day; default 120).
    pub max_gap_s: Option<String>,
}

/// Reads the `format`, `crs` and `max_gap_s` parameters.
pub fn track_params(q: &TrackQuery, body: &[u8]) -> Result<(TrackFormat, Crs, CheckOptions), AppError> {
    let format = match q.format.as_deref() {
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
    let crs = q.crs.as_deref().map_or(Ok(Crs::Wgs84), Crs::parse).map_err(bad)?;
    let mut options = CheckOptions::default();
    if let Some(gap) = &q.max_gap_s {
        let secs: u64 = gap.parse().map_err(|_| bad(format!("max_gap_s {gap:?} is not a whole number of seconds")))?;
        options = CheckOptions::with_max_gap_secs(secs).map_err(bad)?;
    }
    Ok((format, crs, options))
}

/// `POST /api/truck-ban/track[?format=csv|gpx|geojson][&crs][&max_gap_s]`.
pub async fn track(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<TrackQuery>,
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
