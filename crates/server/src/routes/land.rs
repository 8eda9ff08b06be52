//! Land and housing bureau endpoints under `/api/land/`: parcel valuation
//! (single and batch upload), expropriation status, compensation, and
//! land-consolidation compensation.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use geo::{Geometry, MultiPolygon};
use landtrace_domain::consolidation::{Attachments, ProjectType, consolidation_compensation};
use landtrace_domain::{
    Date, LayerKind, Money, Mu, SquareMetres, UseRequest, compensation, expropriation_timeline, project_by_decision_no,
};
use landtrace_formats::{ParcelInput, read_parcels};
use landtrace_spatial::{Crs, LonLat, geodesic_area_m2};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::land::{report_geojson, report_table, value_parcel, value_row};
use crate::state::AppState;

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(e.to_string())
}

fn parse_crs(crs: Option<&str>) -> Result<Crs, AppError> {
    crs.map_or(Ok(Crs::Wgs84), |s| Crs::parse(s).map_err(bad))
}

fn parse_date(name: &str, text: Option<&str>) -> Result<Option<Date>, AppError> {
    text.map(|t| Date::parse(t).map_err(|e| AppError::BadRequest(format!("`{name}`: {e}")))).transpose()
}

/// Today in the Asia/Shanghai calendar (UTC+8, no daylight saving).
pub fn today_in_shanghai() -> Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from((secs + 8 * 3600) / 86_400).unwrap_or(0);
    Date::from_epoch_days(days).expect("the current date is representable")
}

/// Reads a GeoJSON Polygon/MultiPolygon geometry, or a Feature holding one.
fn parcel_geometry(value: &Value) -> Result<MultiPolygon<f64>, AppError> {
    polygon_geometry(value, "parcel")
}

/// Reads the GeoJSON Polygon/MultiPolygon (or a Feature holding one) given as
/// the request field `name`.
pub(crate) fn polygon_geometry(value: &Value, name: &str) -> Result<MultiPolygon<f64>, AppError> {
    let geometry = match value.get("type").and_then(Value::as_str) {
        Some("Feature") => value.get("geometry").cloned().unwrap_or(Value::Null),
        Some(_) => value.clone(),
        None => return Err(bad(format!("`{name}` must be a GeoJSON Polygon, MultiPolygon or a Feature holding one"))),
    };
    let g: geojson::Geometry =
        serde_json::from_value(geometry).map_err(|e| bad(format!("`{name}`: not GeoJSON: {e}")))?;
    match landtrace_formats::geometry_from_geojson(&g.value).map_err(|e| bad(format!("`{name}`: {e}")))? {
        Geometry::Polygon(p) => Ok(MultiPolygon(vec![p])),
        Geometry::MultiPolygon(mp) => Ok(mp),
        _ => Err(bad(format!("`{name}` must be a Polygon or MultiPolygon"))),
    }
}

/// Body of `POST /api/land/valuation`.
#[derive(Debug, Deserialize)]
pub struct ValuationRequest {
    /// GeoJSON Polygon/MultiPolygon or Feature.
    pub parcel: Value,
    /// CRS of the parcel's coordinates (default EPSG:4326).
    pub crs: Option<String>,
    /// Land use (商服/住宅/公共管理与公共服务/工业; 商服/宅基地/工业).
    #[serde(rename = "use")]
    pub land_use: String,
    /// Use for collective-land parts when it differs.
    pub collective_use: Option<String>,
    /// Date the valuation is for (YYYY-MM-DD).
    pub as_of: Option<String>,
}

/// `POST /api/land/valuation`: one parcel.
pub async fn valuation(
    State(state): State<AppState>,
    Json(req): Json<ValuationRequest>,
) -> Result<Json<Value>, AppError> {
    let crs = parse_crs(req.crs.as_deref())?;
    let uses = UseRequest::parse(&req.land_use, req.collective_use.as_deref()).map_err(bad)?;
    let as_of = parse_date("as_of", req.as_of.as_deref())?;
    let parcel = parcel_geometry(&req.parcel)?;
    let catalog = state.catalog.read().await;
    let answer = value_parcel(&catalog, parcel, crs, &uses, as_of).map_err(bad)?;
    Ok(Json(serde_json::to_value(answer).map_err(|e| AppError::Internal(e.to_string()))?))
}

/// `POST /api/land/valuation/batch?use=…[&collective_use][&as_of][&crs][&format=csv|geojson][&filename]`:
/// the body is a parcel file (GeoJSON, or CSV with a WKT column). Answers the
/// report; bad parcels are reported in their rows.
pub async fn valuation_batch(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, AppError> {
    let land_use = q.get("use").ok_or_else(|| bad("query parameter `use` is missing (e.g. use=住宅)"))?;
    let uses = UseRequest::parse(land_use, q.get("collective_use").map(String::as_str)).map_err(bad)?;
    let as_of = parse_date("as_of", q.get("as_of").map(String::as_str))?;
    let crs = parse_crs(q.get("crs").map(String::as_str))?;
    let text = std::str::from_utf8(&body).map_err(|_| bad("the uploaded file is not UTF-8 text"))?;
    let format = ParcelInput::detect(q.get("filename").map_or("", String::as_str), text);
    let rows = read_parcels(format, text).map_err(bad)?;
    if rows.is_empty() {
        return Err(bad("the file holds no parcels"));
    }
    let catalog = state.catalog.read().await;
    let results: Vec<_> = rows.into_iter().map(|row| value_row(&catalog, row, crs, &uses, as_of)).collect();
    drop(catalog);
    Ok(match q.get("format").map(String::as_str).unwrap_or("csv") {
        "csv" => {
            let mut response = report_table(&results).to_csv().into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"valuation-report.csv\""),
            );
            response
        }
        "geojson" | "json" => Json(report_geojson(&results)).into_response(),
        other => return Err(bad(format!("format {other:?} is not csv or geojson"))),
    })
}

/// The expropriation projects among `keys` with their periods on `as_of`.
fn expropriation_projects(
    catalog: &crate::catalog::Catalog,
    keys: impl IntoIterator<Item = (LayerKind, i64)>,
    as_of: Date,
) -> Result<Vec<Value>, AppError> {
    let mut projects = Vec::new();
    for (kind, id) in keys {
        if kind != LayerKind::ExpropriationAreas {
            continue;
        }
        let Some(props) = catalog.zone_properties(&(kind, id)) else { continue };
        let decision_no = props.get("decision_no").and_then(Value::as_str).unwrap_or_default();
        let timeline = match project_by_decision_no(decision_no) {
            Some(project) => serde_json::to_value(expropriation_timeline(project, None, as_of).map_err(bad)?)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            None => {
                json!({"known": false, "note": format!("决定文号 {decision_no} 不在规则表中 / decision {decision_no} is not in the rule table")})
            }
        };
        projects.push(json!({
            "layer": kind.table_name(),
            "id": id,
            "illustrative": props.get("accuracy").and_then(Value::as_str) == Some("illustrative"),
            "properties": landtrace_domain::public_properties(kind, props),
            "timeline": timeline,
        }));
    }
    Ok(projects)
}

/// `GET /api/land/expropriation?lon=..&lat=..[&crs][&as_of=YYYY-MM-DD]`: the
/// expropriation projects containing the point and their periods on the date
/// (today in Asia/Shanghai by default).
pub async fn expropriation(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    let number = |name: &str| -> Result<f64, AppError> {
        q.get(name)
            .ok_or_else(|| bad(format!("query parameter `{name}` is missing")))?
            .parse()
            .map_err(|_| bad(format!("query parameter `{name}` is not a number")))
    };
    let point = LonLat::new(number("lon")?, number("lat")?).map_err(bad)?;
    let point = parse_crs(q.get("crs").map(String::as_str))?.to_wgs84(point);
    let as_of = parse_date("as_of", q.get("as_of").map(String::as_str))?.unwrap_or_else(today_in_shanghai);
    let catalog = state.catalog.read().await;
    let projects = expropriation_projects(&catalog, catalog.zones.locate(point.into()), as_of)?;
    Ok(Json(json!({
        "point": {"lon": point.lon(), "lat": point.lat()},
        "as_of": as_of.to_string(),
        "in_expropriation_area": !projects.is_empty(),
        "projects": projects,
    })))
}

/// Body of `POST /api/land/expropriation`.
#[derive(Debug, Deserialize)]
pub struct ExpropriationParcelRequest {
    /// GeoJSON Polygon/MultiPolygon or Feature.
    pub parcel: Value,
    /// CRS of the parcel (default EPSG:4326).
    pub crs: Option<String>,
    /// Date (YYYY-MM-DD); today in Asia/Shanghai by default.
    pub as_of: Option<String>,
}

/// `POST /api/land/expropriation`: the expropriation projects a parcel touches
/// (its area inside each), and their periods on the date.
pub async fn expropriation_parcel(
    State(state): State<AppState>,
    Json(req): Json<ExpropriationParcelRequest>,
) -> Result<Json<Value>, AppError> {
    let mut parcel = parcel_geometry(&req.parcel)?;
    landtrace_spatial::geometry_to_wgs84(parse_crs(req.crs.as_deref())?, &mut parcel).map_err(bad)?;
    landtrace_spatial::validate_parcel(&parcel).map_err(bad)?;
    let as_of = parse_date("as_of", req.as_of.as_deref())?.unwrap_or_else(today_in_shanghai);
    let catalog = state.catalog.read().await;
    let Some(layer) = catalog.layer(LayerKind::ExpropriationAreas) else {
        return Ok(Json(json!({"as_of": as_of.to_string(), "in_expropriation_area": false, "projects": []})));
    };
    let bbox = geo::BoundingRect::bounding_rect(&parcel).ok_or_else(|| bad("the parcel is empty"))?;
    let areas: Vec<(LayerKind, i64, MultiPolygon<f64>)> = layer
        .intersecting(bbox)
        .iter()
        .filter_map(|f| match &f.geometry {
            Some(Geometry::MultiPolygon(mp)) => Some((LayerKind::ExpropriationAreas, f.id, mp.clone())),
            _ => None,
        })
        .collect();
    let refs: Vec<_> = areas.iter().map(|(k, id, mp)| ((*k, *id), mp)).collect();
    let split = landtrace_spatial::split_by_zones(&parcel, &refs);
    let keys: Vec<(LayerKind, i64)> = split.parts.iter().map(|p| p.key).collect();
    let mut projects = expropriation_projects(&catalog, keys, as_of)?;
    for (project, part) in projects.iter_mut().zip(&split.parts) {
        project["area_inside_m2"] = json!(part.area_m2);
        project["share_of_parcel_percent"] = json!(100.0 * part.area_m2 / split.total_area_m2);
    }
    Ok(Json(json!({
        "as_of": as_of.to_string(),
        "parcel_area_m2": split.total_area_m2,
        "in_expropriation_area": !projects.is_empty(),
        "projects": projects,
    })))
}

/// Body of `POST /api/land/expropriation/compensation`.
#[derive(Debug, Deserialize)]
pub struct CompensationRequest {
    /// 临政发〔2023〕10号 or 11号.
    pub decision_no: String,
    /// Appraised value in yuan (a number or a decimal string).
    pub appraised_value_yuan: Value,
    /// Building area, m².
    pub building_area_m2: f64,
    /// Day after the appraisal ended on which the agreement is signed and the
    /// house handed over (day 0 = the day appraisal ended).
    pub signed_day_after_appraisal: u32,
}

/// `POST /api/land/expropriation/compensation`.
pub async fn compensation_estimate(Json(req): Json<CompensationRequest>) -> Result<Json<Value>, AppError> {
    let project = project_by_decision_no(&req.decision_no)
        .ok_or_else(|| bad(format!("decision_no {:?} is not 临政发〔2023〕10号 or 11号", req.decision_no)))?;
    let value = match &req.appraised_value_yuan {
        Value::String(s) => Money::parse_yuan(s).map_err(bad)?,
        Value::Number(n) => Money::parse_yuan(&n.to_string()).map_err(bad)?,
        _ => return Err(bad("appraised_value_yuan must be a number of yuan")),
    };
    let area = SquareMetres::new(req.building_area_m2).map_err(|e| bad(format!("building_area_m2: {e}")))?;
    let answer = compensation(project, value, area, req.signed_day_after_appraisal).map_err(bad)?;
    Ok(Json(serde_json::to_value(answer).map_err(|e| AppError::Internal(e.to_string()))?))
}

/// Body of `POST /api/land/consolidation`.
#[derive(Debug, Deserialize)]
pub struct ConsolidationRequest {
    /// 增减挂钩 or 土地整治.
    pub project_type: String,
    /// Project area in 亩, or:
    pub area_mu: Option<f64>,
    /// the project polygon (GeoJSON), whose ellipsoidal area is used.
    pub parcel: Option<Value>,
    /// CRS of `parcel`.
    pub crs: Option<String>,
    /// Declared attachments.
    #[serde(default)]
    pub attachments: AttachmentInput,
}

/// Declared surface attachments.
#[derive(Debug, Default, Deserialize)]
pub struct AttachmentInput {
    /// 挂果经济林, 亩.
    #[serde(default)]
    pub fruiting_orchard_mu: f64,
    /// 不挂果经济林, 亩.
    #[serde(default)]
    pub non_fruiting_orchard_mu: f64,
    /// 其他林地, 亩.
    #[serde(default)]
    pub other_forest_mu: f64,
    /// 废弃宅基地, 户.
    #[serde(default)]
    pub abandoned_homesteads: u32,
}

/// `POST /api/land/consolidation`.
pub async fn consolidation(Json(req): Json<ConsolidationRequest>) -> Result<(StatusCode, Json<Value>), AppError> {
    let project_type = ProjectType::parse(&req.project_type).map_err(bad)?;
    let (mu, source) = match (&req.parcel, req.area_mu) {
        (Some(parcel), _) => {
            let mut mp = parcel_geometry(parcel)?;
            landtrace_spatial::geometry_to_wgs84(parse_crs(req.crs.as_deref())?, &mut mp).map_err(bad)?;
            landtrace_spatial::validate_parcel(&mp).map_err(bad)?;
            (geodesic_area_m2(&mp) * 15.0 / 10_000.0, "polygon (ellipsoidal area)")
        }
        (None, Some(mu)) => (mu, "declared area"),
        (None, None) => return Err(bad("give the project area as `area_mu` or its polygon as `parcel`")),
    };
    let area = Mu::new(mu).map_err(|e| bad(format!("area: {e}")))?;
    let mu_of = |name: &str, v: f64| Mu::new(v).map_err(|e| bad(format!("attachments.{name}: {e}")));
    let a = &req.attachments;
    let attachments = Attachments {
        fruiting_orchard: mu_of("fruiting_orchard_mu", a.fruiting_orchard_mu)?,
        non_fruiting_orchard: mu_of("non_fruiting_orchard_mu", a.non_fruiting_orchard_mu)?,
        other_forest: mu_of("other_forest_mu", a.other_forest_mu)?,
        abandoned_homesteads: a.abandoned_homesteads,
    };
    let answer = consolidation_compensation(project_type, area, &attachments).map_err(bad)?;
    let mut value = serde_json::to_value(answer).map_err(|e| AppError::Internal(e.to_string()))?;
    value["area_source"] = json!(source);
    Ok((StatusCode::OK, Json(value)))
}
