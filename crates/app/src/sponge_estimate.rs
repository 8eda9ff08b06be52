//! The runoff control a sponge-city project achieves (临政办发〔2023〕11号): V =
//! 10·H·φ·F with the rule tables in force, for a stored project (its polygon,
//! surfaces, target and facilities) or for a polygon and surfaces given. The use
//! case behind `POST /api/sponge/runoff` and `GET /api/sponge/projects/{id}/runoff`.

use geo::{Geometry, Intersects, MultiPolygon};
use landtrace_domain::LayerKind;
use landtrace_domain::sponge::{
    FacilityStorage, NEW_PROJECT_TARGET_SOURCE, RunoffInput, SURFACES_AREA_TOLERANCE, SpongeProjectType, Surface,
    parse_surfaces, project_target, runoff_control,
};
use landtrace_spatial::geodesic_area_m2;
use landtrace_store::{Feature, Store, StoreError};
use serde_json::{Map, Value, json};

use crate::rule_tables::Rules;

/// Why no estimate was made.
#[derive(Debug, thiserror::Error)]
pub enum SpongeError {
    /// The question is incomplete or out of range.
    #[error("{0}")]
    Invalid(String),
    /// No stored project has this id.
    #[error("no sponge-city project with id {0}")]
    NoProject(i64),
    /// A stored project cannot be estimated (it has no polygon).
    #[error("{0}")]
    BadProject(String),
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The area a question is about.
#[derive(Debug, Clone)]
pub enum ProjectArea {
    /// A stored sponge project, by id.
    Stored(i64),
    /// A project polygon (WGS84).
    Polygon(MultiPolygon<f64>),
}

/// One runoff question.
#[derive(Debug, Clone)]
pub struct RunoffQuestion {
    /// What is estimated.
    pub area: ProjectArea,
    /// The surfaces with their areas (a stored project's when not given).
    pub surfaces: Option<Vec<Surface>>,
    /// Design rainfall depth H in mm (overrides the curve).
    pub design_rainfall_mm: Option<f64>,
    /// Target capture ratio in percent (the project's own; see `domain::sponge::project_target`).
    pub target_percent: Option<f64>,
    /// 新建 / 改建 / 扩建 (a stored project's when not given): the gazette's target
    /// follows it (临政办发〔2023〕11号, line 2274).
    pub project_type: Option<String>,
}

fn text<'a>(p: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    p.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Surfaces written as text, `"屋面=6000;绿地=7000"`.
pub fn surfaces_from_text(text: &str) -> Result<Vec<Surface>, SpongeError> {
    parse_surfaces(text).map_err(|e| SpongeError::Invalid(format!("`surfaces`: {e}")))
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

/// Estimates the runoff control of the question's project with `rules`.
pub async fn estimate(store: &dyn Store, rules: &Rules, question: RunoffQuestion) -> Result<Value, SpongeError> {
    let (project, area, stored_surfaces, stored_target, stored_type) = match question.area {
        ProjectArea::Stored(id) => {
            let f = store
                .features(LayerKind::SpongeProjects)
                .await?
                .into_iter()
                .find(|f| f.id == id)
                .ok_or(SpongeError::NoProject(id))?;
            let area = match &f.geometry {
                Some(Geometry::MultiPolygon(mp)) => mp.clone(),
                _ => return Err(SpongeError::BadProject(format!("sponge project {id} has no polygon"))),
            };
            let surfaces = text(&f.properties, "surfaces").map(str::to_owned);
            let target = f.properties.get("target_percent").and_then(Value::as_f64);
            let project = json!({
                "id": f.id,
                "name": text(&f.properties, "name"),
                "project_type": text(&f.properties, "project_type"),
                "status": text(&f.properties, "status"),
                "accuracy": text(&f.properties, "accuracy"),
            });
            let project_type = text(&f.properties, "project_type").map(str::to_owned);
            (Some(project), area, surfaces, target, project_type)
        }
        ProjectArea::Polygon(mp) => (None, mp, None, None, None),
    };
    // A stored project's surfaces are read only when the question gives none.
    let stored_surfaces = match (&question.surfaces, stored_surfaces) {
        (None, Some(text)) => Some(surfaces_from_text(&text)?),
        _ => None,
    };
    let Some(surfaces) = question.surfaces.or(stored_surfaces) else {
        return Err(SpongeError::Invalid(
            "`surfaces` are required: the project's surfaces with their areas, e.g. \"屋面=6000;绿地=7000\"".into(),
        ));
    };
    let name = project.as_ref().and_then(|p| p["name"].as_str().map(str::to_owned));
    let facilities = facilities_of(&store.features(LayerKind::SpongeFacilities).await?, name.as_deref(), &area);
    // The target and the design rainfall are checked against their ranges by runoff_control.
    let project_type = question
        .project_type
        .or(stored_type)
        .map(|t| SpongeProjectType::parse(&t).map_err(|e| SpongeError::Invalid(format!("`project_type`: {e}"))))
        .transpose()?;
    let target = project_target(project_type, question.target_percent.or(stored_target));
    let target_percent = target.target_percent;
    let input = RunoffInput { surfaces, facilities, target_percent, design_rainfall_mm: question.design_rainfall_mm };
    let estimate = runoff_control(&input, &rules.coefficients, &rules.curve).map_err(SpongeError::Invalid)?;
    let polygon_area_m2 = geodesic_area_m2(&area);
    let mut notes = Vec::new();
    let surfaces_total: f64 = input.surfaces.iter().map(|s| s.area_m2).sum();
    if polygon_area_m2 > 0.0 && ((surfaces_total - polygon_area_m2) / polygon_area_m2).abs() > SURFACES_AREA_TOLERANCE {
        let percent = SURFACES_AREA_TOLERANCE * 100.0;
        notes.push(format!(
            "下垫面面积合计 {surfaces_total:.0} m² 与项目范围面积 {polygon_area_m2:.0} m² 相差超过 {percent}%，请核对 \
             (the surfaces add up to {surfaces_total:.0} m², the project polygon measures {polygon_area_m2:.0} m²)"
        ));
    }
    let mut assumptions = vec![
        "V = 10·H·φ·F（V: m³; H: mm; φ: 综合雨量径流系数; F: 汇水面积 ha）— 《海绵城市建设技术指南》容积法".to_owned(),
    ];
    assumptions.extend(target.assumptions.iter().cloned());
    if question.design_rainfall_mm.is_none() && rules.curve.is_assumption() {
        assumptions.push(format!(
            "设计降雨量取假定值（assumption）：{}；运城/临猗无官方数值随本软件提供，请以当地统计值配置",
            rules.curve.label()
        ));
    }
    Ok(json!({
        "project": project,
        "polygon_area_m2": polygon_area_m2,
        "estimate": estimate,
        "assumptions": assumptions,
        "notes": notes,
        "target": target,
        "source": NEW_PROJECT_TARGET_SOURCE,
    }))
}
