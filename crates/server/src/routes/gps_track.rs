//! `POST /api/truck-ban/track`: where and when a GPS track was inside the truck-ban
//! zone during ban hours. The check's summary (when, who, plate, number of
//! violations, time range; no positions) is recorded for the dashboard by
//! `app::gps_track::record_check`, as `landtrace check track` does.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use landtrace_app::gps_track::{
    CheckDoor, TRACK_SHEET, TRACK_TEXT_COLUMNS, TrackVehicle, TrackZones, judge_track, record_check, track_html,
    track_table, track_vehicle, with_registry_passes,
};
use landtrace_spatial::Crs;
use landtrace_track::{CheckOptions, TrackFormat};
use serde::Deserialize;
use serde_json::json;

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
    /// The vehicle, JSON as `vehicle` of `POST /api/truck-ban/check` (`class` or
    /// `length_mm` + `total_mass_kg`, `body`, `energy`, `purpose`, `plate`). Without
    /// it a heavy fuel truck without a pass is assumed, and the answer says so.
    pub vehicle: Option<String>,
    /// The truck's pass, JSON as `pass` of `POST /api/truck-ban/check`; without it the
    /// registry's passes for the plate are used.
    pub pass: Option<String>,
    /// Whether the track is inside the pass's named area or route (`true`/`false`).
    pub inside_pass_area: Option<String>,
    /// The answer's format: `json` (default), `csv`, `xlsx` or `html` (a printable page).
    pub f: Option<String>,
}

/// Reads the `vehicle`, `pass` and `inside_pass_area` parameters (the registry's
/// passes for the plate are added by the route).
pub fn vehicle_params(q: &TrackQuery) -> Result<TrackVehicle, AppError> {
    track_vehicle(q.vehicle.as_deref(), q.pass.as_deref(), q.inside_pass_area.as_deref()).map_err(bad)
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
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<TrackQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    let actor = crate::auth::current_user(&state, &headers)?.map_or_else(|| "anonymous".to_owned(), |u| u.actor().0);
    let answer_format = q.f.as_deref().unwrap_or("json");
    if !matches!(answer_format, "json" | "csv" | "xlsx" | "html") {
        let shown = landtrace_domain::input_limits::echo(answer_format);
        return Err(bad(format!("query parameter `f` = {shown:?} must be json, csv, xlsx or html")));
    }
    let (format, crs, options) = track_params(&q, &body)?;
    let mut vehicle = vehicle_params(&q)?;
    let pass_records = with_registry_passes(state.store.as_ref(), &mut vehicle).await?;
    let zones = TrackZones::from_catalog(&*state.catalog.read().await);
    if zones.zone.0.is_empty() {
        return Err(AppError::NotFound("no truck-ban zone is stored".into()));
    }
    let value = state
        .cpu
        .run(move || {
            let text = (format == TrackFormat::GeoJson).then(|| String::from_utf8_lossy(&body).into_owned());
            judge_track(&zones, format, &body[..], text.as_deref(), crs, options, &vehicle)
        })
        .await?;
    let mut value = value.map_err(AppError::Unprocessable)?;
    value["pass_records"] = json!(pass_records);
    // The check answers even when its summary cannot be written (a full or read-only
    // store): the answer then says it was not stored, and the log why.
    if let Err(e) = record_check(state.store.as_ref(), &mut value, &actor, CheckDoor::Http).await {
        tracing::warn!(error = %e, "the track check's summary was not recorded");
        value["stored"] = json!(false);
        value["store_problem"] = json!(e.to_string());
    }
    let attachment = |ext: &str| format!("attachment; filename=\"truck-ban-track.{ext}\"");
    Ok(match answer_format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, attachment("csv")),
            ],
            track_table(&value).to_csv(),
        )
            .into_response(),
        "xlsx" => {
            let bytes = state
                .cpu
                .run(move || track_table(&value).to_xlsx(TRACK_SHEET, TRACK_TEXT_COLUMNS))
                .await?
                .map_err(|e| AppError::Internal(e.to_string()))?;
            (
                [
                    (header::CONTENT_TYPE, landtrace_formats::XLSX_CONTENT_TYPE.to_owned()),
                    (header::CONTENT_DISPOSITION, attachment("xlsx")),
                ],
                bytes,
            )
                .into_response()
        }
        "html" => Html(track_html(&value)).into_response(),
        _ => Json(value).into_response(),
    })
}
