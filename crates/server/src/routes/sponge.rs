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
use geo::{Geometry, Intersects, MultiPolygon};
use landtrace_domain::LayerKind;
use landtrace_domain::sponge::{FacilityStorage, RunoffInput, Surface, parse_surfaces, runoff_control};
use landtrace_spatial::{Crs, geodesic_area_m2, geometry_to_wgs84};
use landtrace_store::Feature;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::AppError;
use crate::routes::land::polygon_geometry;
use crate::state::AppState;

// The default target: the one of 临政办发〔2023〕11号 for new projects (its one home is `domain::sponge`).
use landtrace_domain::sponge::{NEW_PROJECT_TARGET_PERCENT as DEFAULT_TARGET_PERCENT, NEW_PROJECT_TARGET_SOURCE};

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(e.to_string())
}

fn text<'a>(p: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    p.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
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
    /// Target volume capture ratio in percent (default 80).
    pub target_percent: Option<f64>,
}

fn surfaces_of(value: &Value) -> Result<Vec<Surface>, AppError> {
    match value {
        Value::String(s) => parse_surfaces(s).map_err(|e| bad(format!("`surfaces`: {e}"))),
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

fn storage_of(f: &Feature) -> FacilityStorage {
    let p = &f.properties;
    let number = |name: &str| p.get(name).and_then(Value::as_f64);
    let area = number("area_m2").or_else(|| match &f.geometry {
        Some(Geometry::MultiPolygon(mp)) => Some(geodesic_area_m2(mp)),
        Some(Geometry::Polygon(poly)) => Some(geodesic_area_m2(&MultiPolygon(vec![poly.clone()]))),
        _ => None,
    });
    FacilityStorage {
        name: text(p, "name").unwrap_or("").to_owned(),
        kind: text(p, "kind").unwrap_or("").to_owned(),
        status: text(p, "status").map(str::to_owned),
        volume_m3: number("volume_m3"),
        area_m2: area,
        storage_depth_m: number("storage_depth_m"),
    }
}

/// The facilities of a project: those naming it, and those without a project
/// that lie in its polygon.
fn facilities_of(facilities: &[Feature], name: Option<&str>, area: &MultiPolygon<f64>) -> Vec<FacilityStorage> {
    facilities
        .iter()
        .filter(|f| match (text(&f.properties, "project"), name) {
            (Some(p), Some(n)) => p == n,
            _ => f.geometry.as_ref().is_some_and(|g| g.intersects(area)),
        })
        .map(storage_of)
        .collect()
}

async fn estimate(state: &AppState, request: RunoffRequest) -> Result<Value, AppError> {
    let (project, area, stored_surfaces, stored_target) = match (request.project_id, &request.geometry) {
        (Some(id), _) => {
            let f = state
                .store
                .features(LayerKind::SpongeProjects)
                .await?
                .into_iter()
                .find(|f| f.id == id)
                .ok_or_else(|| AppError::NotFound(format!("no sponge-city project with id {id}")))?;
            let area = match &f.geometry {
                Some(Geometry::MultiPolygon(mp)) => mp.clone(),
                _ => return Err(AppError::Internal(format!("sponge project {id} has no polygon"))),
            };
            let surfaces = text(&f.properties, "surfaces").map(|s| Value::from(s.to_owned()));
            let target = f.properties.get("target_percent").and_then(Value::as_f64);
            let project = json!({
                "id": f.id,
                "name": text(&f.properties, "name"),
                "project_type": text(&f.properties, "project_type"),
                "status": text(&f.properties, "status"),
                "accuracy": text(&f.properties, "accuracy"),
            });
            (Some(project), area, surfaces, target)
        }
        (None, Some(g)) => {
            let mut mp = polygon_geometry(g, "geometry")?;
            let crs = request.crs.as_deref().map_or(Ok(Crs::Wgs84), Crs::parse).map_err(bad)?;
            geometry_to_wgs84(crs, &mut mp).map_err(|e| bad(format!("`geometry`: {e}")))?;
            (None, mp, None, None)
        }
        (None, None) => {
            return Err(bad("give `project_id` (a stored sponge project) or `geometry` (a project polygon)"));
        }
    };
    let surfaces = match request.surfaces.as_ref().or(stored_surfaces.as_ref()) {
        Some(v) => surfaces_of(v)?,
        None => {
            return Err(bad(
                "`surfaces` are required: the project's surfaces with their areas, e.g. \"屋面=6000;绿地=7000\"",
            ));
        }
    };
    let name = project.as_ref().and_then(|p| p["name"].as_str().map(str::to_owned));
    let facilities = facilities_of(&state.store.features(LayerKind::SpongeFacilities).await?, name.as_deref(), &area);
    // The target and the design rainfall are checked against their ranges by runoff_control.
    let target_percent = request.target_percent.or(stored_target).unwrap_or(DEFAULT_TARGET_PERCENT);
    let input = RunoffInput { surfaces, facilities, target_percent, design_rainfall_mm: request.design_rainfall_mm };
    let estimate = runoff_control(&input, &state.rules.coefficients, &state.rules.curve).map_err(bad)?;
    let polygon_area_m2 = geodesic_area_m2(&area);
    let mut notes = Vec::new();
    let surfaces_total: f64 = input.surfaces.iter().map(|s| s.area_m2).sum();
    if polygon_area_m2 > 0.0 && ((surfaces_total - polygon_area_m2) / polygon_area_m2).abs() > 0.05 {
        notes.push(format!(
            "下垫面面积合计 {surfaces_total:.0} m² 与项目范围面积 {polygon_area_m2:.0} m² 相差超过 5%，请核对 \
             (the surfaces add up to {surfaces_total:.0} m², the project polygon measures {polygon_area_m2:.0} m²)"
        ));
    }
    let mut assumptions = vec![
        "V = 10·H·φ·F（V: m³; H: mm; φ: 综合雨量径流系数; F: 汇水面积 ha）— 《海绵城市建设技术指南》容积法".to_owned(),
    ];
    if request.design_rainfall_mm.is_none() && state.rules.curve.is_assumption() {
        assumptions.push(format!(
            "设计降雨量取假定值（assumption）：{}；运城/临猗无官方数值随本软件提供，请以当地统计值配置",
            state.rules.curve.label()
        ));
    }
    Ok(json!({
        "project": project,
        "polygon_area_m2": polygon_area_m2,
        "estimate": estimate,
        "assumptions": assumptions,
        "notes": notes,
        "source": NEW_PROJECT_TARGET_SOURCE,
    }))
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
    };
    Ok(Json(estimate(&state, request).await?))
}
