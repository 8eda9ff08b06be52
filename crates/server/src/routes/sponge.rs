//! Housing bureau: sponge-city runoff control (临政办发〔2023〕11号: annual total
//! runoff volume control rate ≥ 80 % for new projects).
//!
//! `POST /api/sponge/runoff` and `GET /api/sponge/projects/{id}/runoff` estimate
//! the volume capture ratio a project achieves with V = 10·H·φ·F; the runoff
//! coefficients and the rainfall-depth curve are data (`data/sponge/`), and the
//! curve bundled here is an assumption, said so in every answer.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use landtrace_app::sponge_estimate::{ProjectArea, RunoffQuestion, SpongeError, surfaces_from_text};
use landtrace_domain::sponge::Surface;
use landtrace_spatial::{Crs, geometry_to_wgs84};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::routes::land::polygon_geometry;
use crate::state::AppState;

// The default target: the one of 临政办发〔2023〕11号 for new projects (its one home is `domain::sponge`).
use landtrace_domain::sponge::NEW_PROJECT_TARGET_PERCENT as DEFAULT_TARGET_PERCENT;

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// `GET /api/sponge/coefficients`: the runoff coefficients used.
pub async fn coefficients(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "coefficients": state.rules.coefficients.all() }))
}

/// `GET /api/sponge/curve`: the rainfall depth / capture ratio curve used.
pub async fn curve(State(state): State<AppState>) -> Json<Value> {
    let curve = &state.rules.curve;
    Json(json!({
        "assumption": curve.is_assumption(),
        "label": curve.label(),
        "design_rainfall_mm_for_target": curve.depth_for(DEFAULT_TARGET_PERCENT),
        "target_percent": DEFAULT_TARGET_PERCENT,
        "target_source": landtrace_domain::sponge::NEW_PROJECT_TARGET_SOURCE,
    }))
}

/// Body of `POST /api/sponge/runoff`.
#[derive(Debug, Deserialize)]
pub struct RunoffRequest {
    /// A stored sponge project (its polygon, surfaces, target and facilities).
    pub project_id: Option<i64>,
    /// A project polygon (GeoJSON) when no stored project is named.
    pub geometry: Option<Value>,
    /// CRS of `geometry` (default EPSG:4326).
    pub crs: Option<String>,
    /// Surfaces: `[{surface, area_m2}]` or `"屋面=6000;绿地=7000"`.
    pub surfaces: Option<Value>,
    /// Design rainfall depth H in mm (overrides the curve).
    pub design_rainfall_mm: Option<f64>,
    /// The project's own target volume capture ratio in percent (default: the
    /// gazette's by project type, 临政办发〔2023〕11号 line 2274).
    pub target_percent: Option<f64>,
    /// 新建 / 改建 / 扩建 (default: the stored project's; none given: held to the
    /// new-project target, said to be an assumption).
    pub project_type: Option<String>,
}

fn surfaces_of(value: &Value) -> Result<Vec<Surface>, AppError> {
    match value {
        Value::String(s) => surfaces_from_text(s).map_err(bad),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let surface = item.get("surface").and_then(Value::as_str);
                let area = item.get("area_m2").and_then(Value::as_f64);
                match (surface, area) {
                    (Some(s), Some(a)) => Ok(Surface { surface: s.trim().to_owned(), area_m2: a }),
                    _ => Err(bad(format!("`surfaces[{i}]` needs `surface` (text) and `area_m2` (number)"))),
                }
            })
            .collect(),
        _ => Err(bad("`surfaces` must be a list of {surface, area_m2} or text like \"屋面=6000;绿地=7000\"")),
    }
}

/// The question of a request body: its polygon read in its CRS, or a stored project.
fn question_of(request: RunoffRequest) -> Result<RunoffQuestion, AppError> {
    let area = match (request.project_id, &request.geometry) {
        (Some(id), _) => ProjectArea::Stored(id),
        (None, Some(g)) => {
            let mut mp = polygon_geometry(g, "geometry")?;
            let crs = request.crs.as_deref().map_or(Ok(Crs::Wgs84), Crs::parse).map_err(bad)?;
            geometry_to_wgs84(crs, &mut mp).map_err(|e| bad(format!("`geometry`: {e}")))?;
            ProjectArea::Polygon(mp)
        }
        (None, None) => {
            return Err(bad("give `project_id` (a stored sponge project) or `geometry` (a project polygon)"));
        }
    };
    Ok(RunoffQuestion {
        area,
        surfaces: request.surfaces.as_ref().map(surfaces_of).transpose()?,
        design_rainfall_mm: request.design_rainfall_mm,
        target_percent: request.target_percent,
        project_type: request.project_type,
    })
}

async fn estimate(state: &AppState, request: RunoffRequest) -> Result<Value, AppError> {
    let question = question_of(request)?;
    landtrace_app::sponge_estimate::estimate(state.store.as_ref(), &state.rules, question).await.map_err(|e| match e {
        SpongeError::Invalid(m) => AppError::BadRequest(m),
        e @ SpongeError::NoProject(_) => AppError::NotFound(e.to_string()),
        SpongeError::BadProject(m) => AppError::Internal(m),
        SpongeError::Store(e) => AppError::Store(e),
    })
}

/// `POST /api/sponge/runoff`.
pub async fn runoff(State(state): State<AppState>, body: axum::body::Bytes) -> Result<Json<Value>, AppError> {
    // A body of up to 16 MiB is parsed in the CPU pool, not on the async threads.
    let request: RunoffRequest = state.cpu.run(move || crate::routes::land::json_body(&body)).await??;
    Ok(Json(estimate(&state, request).await?))
}

/// `GET /api/sponge/projects/{id}/runoff`.
pub async fn project_runoff(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    axum::extract::Query(params): axum::extract::Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    let number = |name: &str| -> Result<Option<f64>, AppError> {
        params
            .get(name)
            .map(|s| {
                s.trim().parse::<f64>().map_err(|_| bad(format!("query parameter `{name}` = {s:?} is not a number")))
            })
            .transpose()
    };
    let request = RunoffRequest {
        project_id: Some(id),
        geometry: None,
        crs: None,
        surfaces: None,
        design_rainfall_mm: number("design_rainfall_mm")?,
        target_percent: number("target_percent")?,
        project_type: params.get("project_type").cloned(),
    };
    Ok(Json(estimate(&state, request).await?))
}
