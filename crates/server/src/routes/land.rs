//! Land and housing bureau endpoints under `/api/land/`: parcel valuation
//! (single and batch upload), expropriation status, compensation, and
//! land-consolidation compensation.

use landtrace_app::clock::today_in_county;
use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use geo::{Geometry, MultiPolygon};
use landtrace_app::position_input::resolve_position;
use landtrace_domain::consolidation::{Attachments, ProjectDates, ProjectType, area_mu, consolidation_compensation};
use landtrace_domain::expropriation::compensation::{HouseInputs, LowRiseHouse, low_rise_compensation};
use landtrace_domain::expropriation::households::Progress;

/// The signing progress of every project (counts only), for the expropriation answers.
async fn progress_report(store: &dyn landtrace_store::Store) -> Result<Vec<Progress>, AppError> {
    landtrace_app::expropriation_register::progress_report(store).await.map_err(|e| AppError::Internal(e.to_string()))
}
use landtrace_domain::{Date, LayerKind, UseRequest, compensation, expropriation_timeline, project_by_decision_no};
use landtrace_formats::{FileError, geojson_vertex_count, polygons_from_geojson, read_parcel_file};
use landtrace_spatial::{Crs, geodesic_area_m2};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::AppState;
use landtrace_app::land_valuation::{
    AppraisalRequest, VALUATION_SHEET, VALUATION_TEXT_COLUMNS, batch_crs, parcel_corners, report_geojson, report_table,
    value_parcel, value_row,
};
use landtrace_app::rule_tables::Rules;
use landtrace_domain::land::appraisal::{AppraisalInput, parse_factor_grades};
use landtrace_formats::XLSX_CONTENT_TYPE;

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(e.to_string())
}

fn parse_crs(crs: Option<&str>) -> Result<Crs, AppError> {
    crs.map_or(Ok(Crs::Wgs84), |s| Crs::parse(s).map_err(bad))
}

fn parse_date(name: &str, text: Option<&str>) -> Result<Option<Date>, AppError> {
    text.map(|t| Date::parse(t).map_err(|e| AppError::BadRequest(format!("`{name}`: {e}")))).transpose()
}

/// Reads a GeoJSON Polygon/MultiPolygon geometry, or a Feature holding one.
fn parcel_geometry(value: &Value) -> Result<MultiPolygon<f64>, AppError> {
    polygon_geometry(value, "parcel")
}

/// Reads the GeoJSON Polygon/MultiPolygon (or a Feature holding one) given as
/// the request field `name`: rings closed, at most the input policy's vertices per
/// geometry.
pub(crate) fn polygon_geometry(value: &Value, name: &str) -> Result<MultiPolygon<f64>, AppError> {
    let geometry = match value.get("type").and_then(Value::as_str) {
        Some("Feature") => value.get("geometry").cloned().unwrap_or(Value::Null),
        Some(_) => value.clone(),
        None => return Err(bad(format!("`{name}` must be a GeoJSON Polygon, MultiPolygon or a Feature holding one"))),
    };
    let g: geojson::Geometry =
        serde_json::from_value(geometry).map_err(|e| bad(format!("`{name}`: not GeoJSON: {e}")))?;
    // One geometry over the vertex limit is unprocessable (422), as in a write.
    landtrace_domain::input_limits::Limit::VerticesPerGeometry
        .check(geojson_vertex_count(&g.value), format!("`{name}`"))
        .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    polygons_from_geojson(&g.value).map_err(|e| bad(format!("`{name}`: {e}")))
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
    /// Date the valuation is for (YYYY-MM-DD); also the appraisal's valuation date (期日).
    pub as_of: Option<String>,
    /// An appraisal by the benchmark-price coefficient method (GB/T 18508-2014).
    pub appraisal: Option<AppraisalBody>,
    /// A projected CRS (e.g. EPSG:4546): the answer then carries the parcel's
    /// corner table `corners` in it and in WGS84.
    pub corners_crs: Option<String>,
}

/// The `appraisal` of a valuation request.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppraisalBody {
    /// Remaining land-use term m, years.
    pub remaining_term_years: Option<f64>,
    /// 容积率.
    pub plot_ratio: Option<f64>,
    /// Individual factor → grade (`{"交通条件": "优"}`) or text `交通条件=优;宗地形状=一般`.
    pub factors: Option<Value>,
    /// The correction tables: absent → the server's (`serve --land-corrections`; none by
    /// default), `"none"`, `"illustrative"` (the bundled demonstration tables), or the
    /// tables themselves (an object, as in data/land/appraisal-corrections.illustrative.json).
    pub corrections: Option<Value>,
}

/// The appraisal request of `body`, with the server's tables.
fn appraisal_request(body: &AppraisalBody, rules: &Rules) -> Result<AppraisalRequest, AppError> {
    let factors = match &body.factors {
        None | Some(Value::Null) => Default::default(),
        Some(Value::String(text)) => parse_factor_grades(text).map_err(|e| bad(format!("`appraisal.factors`: {e}")))?,
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v.as_str() {
                Some(g) => Ok((k.clone(), g.to_owned())),
                None => Err(bad(format!("`appraisal.factors.{k}` must be a grade (text, e.g. 优)"))),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(bad("`appraisal.factors` must be an object {factor: grade} or text 因素=等级;…")),
    };
    let spec = match &body.corrections {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == "none" || s == "illustrative" => Some(s.clone()),
        Some(Value::String(s)) => {
            return Err(bad(format!(
                "`appraisal.corrections` {s:?} is not \"none\", \"illustrative\" or a table object"
            )));
        }
        Some(v @ Value::Object(_)) => Some(v.to_string()),
        Some(_) => return Err(bad("`appraisal.corrections` must be \"none\", \"illustrative\" or a table object")),
    };
    let tables = AppraisalRequest::tables_from(spec.as_deref(), rules.land_corrections.as_ref())
        .map_err(|e| bad(format!("`appraisal.corrections`: {e}")))?;
    let input =
        AppraisalInput { remaining_term_years: body.remaining_term_years, plot_ratio: body.plot_ratio, factors };
    AppraisalRequest::new(input, tables).map_err(|e| bad(format!("`appraisal`: {e}")))
}

/// The layers a valuation reads.
const VALUATION_LAYERS: [LayerKind; 3] =
    [LayerKind::CountyBoundaries, LayerKind::UrbanGradeZones, LayerKind::CollectiveGradeZones];

/// A JSON request body as `T`, with a clear message when it is not.
/// A leading UTF-8 byte-order mark is accepted, as in every text input.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let body = body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(body);
    serde_json::from_slice(body).map_err(|e| bad(format!("the body is not a valid request: {e}")))
}

/// `POST /api/land/valuation`: one parcel. Parsed and valued in the CPU pool.
pub async fn valuation(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, AppError> {
    let catalog = state.catalog.read().await.subset(&VALUATION_LAYERS);
    let rules = state.rules.clone();
    let answer = state
        .cpu
        .run(move || -> Result<Value, AppError> {
            let req: ValuationRequest = json_body(&body)?;
            let crs = parse_crs(req.crs.as_deref())?;
            let uses = UseRequest::parse(&req.land_use, req.collective_use.as_deref()).map_err(bad)?;
            let as_of = parse_date("as_of", req.as_of.as_deref())?;
            let appraisal = req.appraisal.as_ref().map(|a| appraisal_request(a, &rules)).transpose()?;
            let corners_crs = req
                .corners_crs
                .as_deref()
                .map(Crs::parse)
                .transpose()
                .map_err(|e| bad(format!("`corners_crs`: {e}")))?;
            let parcel = parcel_geometry(&req.parcel)?;
            let corners = corners_crs.map(|to| parcel_corners(&parcel, crs, to)).transpose().map_err(bad)?;
            let answer = value_parcel(&catalog, parcel, crs, &uses, as_of, appraisal.as_ref()).map_err(bad)?;
            let mut answer = serde_json::to_value(answer).map_err(|e| AppError::Internal(e.to_string()))?;
            if let Some(corners) = corners {
                answer["corners"] = serde_json::to_value(corners).map_err(|e| AppError::Internal(e.to_string()))?;
            }
            Ok(answer)
        })
        .await??;
    Ok(Json(answer))
}

/// `POST /api/land/valuation/batch?use=…[&collective_use][&as_of][&crs][&format=csv|xlsx|geojson][&filename]`:
/// the body is a parcel file: GeoJSON, CSV with a WKT column (both UTF-8, told by
/// `filename` and the content), or the coordinate text file of a land approval
/// filing (GBK or UTF-8, told by its `[属性描述]` section), which names its own CRS:
/// `crs` may then only repeat it. Answers the report, a row per parcel (a coordinate
/// file's parcels named `编号 名称`); bad parcels are reported in their rows.
pub async fn valuation_batch(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, AppError> {
    let land_use = q.get("use").ok_or_else(|| bad("query parameter `use` is missing (e.g. use=住宅)"))?;
    let uses = UseRequest::parse(land_use, q.get("collective_use").map(String::as_str)).map_err(bad)?;
    let as_of = parse_date("as_of", q.get("as_of").map(String::as_str))?;
    let requested_crs = q.get("crs").cloned();
    let format = q.get("format").map_or("csv", String::as_str);
    if !matches!(format, "csv" | "xlsx" | "geojson" | "json") {
        return Err(bad(format!("format {format:?} is not csv, xlsx or geojson")));
    }
    let filename = q.get("filename").cloned().unwrap_or_default();
    let appraisal = batch_appraisal(&q, &state.rules)?;
    let catalog = state.catalog.read().await.subset(&VALUATION_LAYERS);
    // Parsed and valued in the CPU pool; stops between parcels when the
    // request is dropped (deadline, client gone).
    let results = state
        .cpu
        .run_cancellable(move |cancelled| -> Result<_, AppError> {
            let (file, crs) = parcel_file(&filename, &body, requested_crs.as_deref())?;
            let rows = file.rows;
            let mut results = Vec::with_capacity(rows.len());
            for row in rows {
                if cancelled.is_set() {
                    return Err(AppError::Busy { message: "the request was stopped".into(), retry_after_s: 10 });
                }
                results.push(value_row(&catalog, row, crs, &uses, as_of, appraisal.as_ref()));
            }
            Ok(results)
        })
        .await??;
    Ok(match format {
        "csv" => {
            let mut response = report_table(&results).to_csv().into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"valuation-report.csv\""),
            );
            response
        }
        "xlsx" => {
            let table = report_table(&results);
            let bytes = state
                .cpu
                .run(move || table.to_xlsx(VALUATION_SHEET, VALUATION_TEXT_COLUMNS))
                .await?
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let mut response = bytes.into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX_CONTENT_TYPE));
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"valuation-report.xlsx\""),
            );
            response
        }
        _ => Json(report_geojson(&results)).into_response(),
    })
}

/// The appraisal of a batch, asked with query parameters: `appraisal=1` (or any of
/// `remaining_term_years`, `plot_ratio`, `factors`=`因素=等级;…`, `corrections`=`none` |
/// `illustrative`; the server's tables by default).
fn batch_appraisal(q: &HashMap<String, String>, rules: &Rules) -> Result<Option<AppraisalRequest>, AppError> {
    let keys = ["appraisal", "remaining_term_years", "plot_ratio", "factors", "corrections"];
    if !keys.iter().any(|k| q.contains_key(*k)) {
        return Ok(None);
    }
    let number = |name: &str| -> Result<Option<f64>, AppError> {
        q.get(name)
            .map(|s| {
                s.trim().parse::<f64>().map_err(|_| bad(format!("query parameter `{name}` = {s:?} is not a number")))
            })
            .transpose()
    };
    let body = AppraisalBody {
        remaining_term_years: number("remaining_term_years")?,
        plot_ratio: number("plot_ratio")?,
        factors: q.get("factors").map(|s| Value::String(s.clone())),
        corrections: q.get("corrections").map(|s| Value::String(s.clone())),
    };
    appraisal_request(&body, rules).map(Some)
}

/// A parcel file of a batch request (valuation, expropriation) read from its
/// bytes, with the CRS its rows are in: limits as 413/422, anything else that is
/// wrong, a contradicting `crs` and a file without parcels as 400.
fn parcel_file(
    filename: &str,
    body: &[u8],
    requested_crs: Option<&str>,
) -> Result<(landtrace_formats::parcels::ParcelFile, Crs), AppError> {
    let file = read_parcel_file(filename, body).map_err(|e| match e {
        FileError::Limit(limit) if limit.whole_request() => AppError::PayloadTooLarge(limit.to_string()),
        FileError::Limit(limit) => AppError::Unprocessable(limit.to_string()),
        other => bad(other),
    })?;
    let crs = batch_crs(&file, requested_crs).map_err(|e| bad(format!("`crs`: {e}")))?;
    if file.rows.is_empty() {
        return Err(bad("the file holds no parcels"));
    }
    Ok((file, crs))
}

/// The expropriation projects among `keys` with their periods on `as_of`.
fn expropriation_projects(
    catalog: &crate::catalog::Catalog,
    keys: impl IntoIterator<Item = (LayerKind, i64)>,
    as_of: Date,
    progress: &[Progress],
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
            // The signing progress of the project (counts only, no personal data).
            "progress": progress.iter().find(|p| project_by_decision_no(decision_no).is_some_and(|d| d.decision_no == p.decision_no)),
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
    let (x, y) = (number("lon")?, number("lat")?);
    let position = resolve_position(x, y, q.get("crs").map(String::as_str)).map_err(bad)?;
    let point = position.point;
    let as_of = parse_date("as_of", q.get("as_of").map(String::as_str))?.unwrap_or_else(today_in_county);
    let progress = progress_report(state.store.as_ref()).await?;
    let catalog = state.catalog.read().await;
    let projects = expropriation_projects(&catalog, catalog.zones.locate(point.into()), as_of, &progress)?;
    Ok(Json(json!({
        "point": {"lon": point.lon(), "lat": point.lat()},
        "input": position.input_json(x, y),
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
pub async fn expropriation_parcel(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, AppError> {
    let progress = progress_report(state.store.as_ref()).await?;
    let catalog = state.catalog.read().await.subset(&[LayerKind::ExpropriationAreas]);
    state.cpu.run(move || expropriation_of_parcel(&catalog, &body, &progress)).await?.map(Json)
}

fn expropriation_of_parcel(
    catalog: &crate::catalog::Catalog,
    body: &[u8],
    progress: &[Progress],
) -> Result<Value, AppError> {
    let req: ExpropriationParcelRequest = json_body(body)?;
    let mut parcel = parcel_geometry(&req.parcel)?;
    landtrace_spatial::geometry_to_wgs84(parse_crs(req.crs.as_deref())?, &mut parcel).map_err(bad)?;
    landtrace_spatial::validate_parcel(&parcel).map_err(bad)?;
    let as_of = parse_date("as_of", req.as_of.as_deref())?.unwrap_or_else(today_in_county);
    expropriation_of(catalog, &parcel, as_of, progress)
}

/// `POST /api/land/expropriation/batch?[as_of][&crs][&filename]`: the body is a
/// parcel file as for the valuation batch — GeoJSON, CSV with a WKT column, or the
/// coordinate text file of a land approval filing (GBK or UTF-8, its own CRS) — and
/// the answer lists, for every parcel, the expropriation projects it touches with
/// the area inside each and their periods on the date. A bad parcel is reported in
/// its row; the others are answered.
pub async fn expropriation_batch(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let as_of = parse_date("as_of", q.get("as_of").map(String::as_str))?.unwrap_or_else(today_in_county);
    let requested_crs = q.get("crs").cloned();
    let filename = q.get("filename").cloned().unwrap_or_default();
    let progress = progress_report(state.store.as_ref()).await?;
    let catalog = state.catalog.read().await.subset(&[LayerKind::ExpropriationAreas]);
    state
        .cpu
        .run_cancellable(move |cancelled| -> Result<Value, AppError> {
            let (file, crs) = parcel_file(&filename, &body, requested_crs.as_deref())?;
            // A coordinate file's rows are read from its own CRS already.
            let source_crs = file.own_crs.as_ref().map_or_else(|| crs.name(), |(epsg, _)| format!("EPSG:{epsg}"));
            let mut parcels = Vec::with_capacity(file.rows.len());
            for row in file.rows {
                if cancelled.is_set() {
                    return Err(AppError::Busy { message: "the request was stopped".into(), retry_after_s: 10 });
                }
                let answer = row.geometry.and_then(|mut parcel| {
                    landtrace_spatial::geometry_to_wgs84(crs, &mut parcel).map_err(|e| e.to_string())?;
                    landtrace_spatial::validate_parcel(&parcel).map_err(|e| e.to_string())?;
                    expropriation_of(&catalog, &parcel, as_of, &progress).map_err(|e| e.to_string())
                });
                parcels.push(match answer {
                    Ok(mut v) => {
                        v["row"] = json!(row.row);
                        v["id"] = json!(row.id);
                        v["status"] = json!("ok");
                        v
                    }
                    Err(error) => json!({"row": row.row, "id": row.id, "status": "error", "error": error}),
                });
            }
            let touching = parcels.iter().filter(|p| p["in_expropriation_area"] == json!(true)).count();
            Ok(json!({
                "as_of": as_of.to_string(),
                "crs": source_crs,
                "notes": file.notes,
                "parcels_in_expropriation_areas": touching,
                "parcels": parcels,
            }))
        })
        .await?
        .map(Json)
}

/// The expropriation projects a parcel (EPSG:4326, valid) touches on `as_of`,
/// with the area inside each.
fn expropriation_of(
    catalog: &crate::catalog::Catalog,
    parcel: &MultiPolygon<f64>,
    as_of: Date,
    progress: &[Progress],
) -> Result<Value, AppError> {
    let Some(layer) = catalog.layer(LayerKind::ExpropriationAreas) else {
        return Ok(json!({"as_of": as_of.to_string(), "in_expropriation_area": false, "projects": []}));
    };
    let bbox = geo::BoundingRect::bounding_rect(parcel).ok_or_else(|| bad("the parcel is empty"))?;
    let areas: Vec<(LayerKind, i64, MultiPolygon<f64>)> = layer
        .intersecting(bbox)
        .iter()
        .filter_map(|f| match &f.geometry {
            Some(Geometry::MultiPolygon(mp)) => Some((LayerKind::ExpropriationAreas, f.id, mp.clone())),
            _ => None,
        })
        .collect();
    let refs: Vec<_> = areas.iter().map(|(k, id, mp)| ((*k, *id), mp)).collect();
    let split = landtrace_spatial::split_by_zones(parcel, &refs);
    let keys: Vec<(LayerKind, i64)> = split.parts.iter().map(|p| p.key).collect();
    let mut projects = expropriation_projects(catalog, keys, as_of, progress)?;
    for (project, part) in projects.iter_mut().zip(&split.parts) {
        project["area_inside_m2"] = json!(part.area_m2);
        project["share_of_parcel_percent"] = json!(100.0 * part.area_m2 / split.total_area_m2);
    }
    Ok(json!({
        "as_of": as_of.to_string(),
        "parcel_area_m2": split.total_area_m2,
        "in_expropriation_area": !projects.is_empty(),
        "projects": projects,
    }))
}

/// Body of `POST /api/land/expropriation/compensation`.
#[derive(Debug, Deserialize)]
pub struct CompensationRequest {
    /// 临政发〔2023〕10号 or 11号.
    pub decision_no: String,
    /// Appraised value in yuan (a number or a decimal string); instead of it, a house
    /// of two storeys or fewer may give `storeys`, `legal_land_area_m2`,
    /// `appraised_price_per_m2_yuan` and `construction_cost_per_m2_yuan` (九（二）).
    #[serde(default)]
    pub appraised_value_yuan: Value,
    /// Storeys (九（二）: the area basis applies to two storeys or fewer).
    pub storeys: Option<f64>,
    /// Legal land area (合法宅基地或土地证面积), m².
    pub legal_land_area_m2: Option<f64>,
    /// The appraiser's price per m², yuan.
    #[serde(default)]
    pub appraised_price_per_m2_yuan: Value,
    /// The construction cost (建安成本价) per m², yuan.
    #[serde(default)]
    pub construction_cost_per_m2_yuan: Value,
    /// Building area, m².
    pub building_area_m2: f64,
    /// Day after the appraisal ended on which the agreement is signed and the
    /// house handed over (day 0 = the day appraisal ended); a whole number.
    pub signed_day_after_appraisal: f64,
}

/// `POST /api/land/expropriation/compensation`.
pub async fn compensation_estimate(body: Bytes) -> Result<Json<Value>, AppError> {
    let req: CompensationRequest = json_body(&body)?;
    let project = project_by_decision_no(&req.decision_no).ok_or_else(|| {
        let known = landtrace_domain::expropriation::known_decision_numbers().join(" or ");
        bad(format!("decision_no {:?} is not {known}", req.decision_no))
    })?;
    let yuan_text = |field: &str, v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(bad(format!("{field} must be a number of yuan / {field} 应为金额（元）"))),
    };
    let low_rise = req.legal_land_area_m2.is_some() || !req.appraised_price_per_m2_yuan.is_null();
    let answer = if low_rise && req.appraised_value_yuan.is_null() {
        // 九（二）: the appraised value from the area basis; the building area and day
        // are checked as for any house (the value checked is a placeholder).
        let house = HouseInputs::parse("0", req.building_area_m2, req.signed_day_after_appraisal).map_err(bad)?;
        let storeys = req.storeys.ok_or_else(|| bad("field \"storeys\" is missing / 缺少层数 storeys"))?;
        let land = req
            .legal_land_area_m2
            .ok_or_else(|| bad("field \"legal_land_area_m2\" is missing / 缺少合法土地面积 legal_land_area_m2"))?;
        let price = yuan_text("appraised_price_per_m2_yuan", &req.appraised_price_per_m2_yuan)?;
        let cost = yuan_text("construction_cost_per_m2_yuan", &req.construction_cost_per_m2_yuan)?;
        let low = LowRiseHouse::parse(storeys, land, &price, &cost).map_err(bad)?;
        low_rise_compensation(project, house.building_area, &low, house.signed_day_after_appraisal).map_err(bad)?
    } else {
        let value = yuan_text("appraised_value_yuan", &req.appraised_value_yuan)?;
        let house = HouseInputs::parse(&value, req.building_area_m2, req.signed_day_after_appraisal).map_err(bad)?;
        compensation(project, house.appraised_value, house.building_area, house.signed_day_after_appraisal)
            .map_err(bad)?
    };
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
    /// 立项 date (YYYY-MM-DD): with `accepted_on`, the scope of 第二条 (gazette line 1348).
    pub approved_on: Option<String>,
    /// 竣工验收 date (YYYY-MM-DD): the subsidy schedule's calendar years (第五条, line 1362).
    pub accepted_on: Option<String>,
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
    /// 废弃宅基地, 户 (a whole number).
    #[serde(default)]
    pub abandoned_homesteads: f64,
}

/// `POST /api/land/consolidation` (in the CPU pool: the request may hold a polygon).
pub async fn consolidation(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), AppError> {
    state.cpu.run(move || consolidation_of(&body)).await?
}

fn consolidation_of(body: &[u8]) -> Result<(StatusCode, Json<Value>), AppError> {
    let req: ConsolidationRequest = json_body(body)?;
    let project_type = ProjectType::parse(&req.project_type).map_err(bad)?;
    let (mu, source) = match (&req.parcel, req.area_mu) {
        (Some(parcel), _) => {
            let mut mp = parcel_geometry(parcel)?;
            landtrace_spatial::geometry_to_wgs84(parse_crs(req.crs.as_deref())?, &mut mp).map_err(bad)?;
            landtrace_spatial::validate_parcel(&mp).map_err(bad)?;
            let mu = geodesic_area_m2(&mp) * 15.0 / 10_000.0;
            (area_mu("parcel", mu).map_err(bad)?, "polygon (ellipsoidal area)")
        }
        (None, Some(mu)) => (area_mu("area_mu", mu).map_err(bad)?, "declared area"),
        (None, None) => return Err(bad("give the project area as `area_mu` or its polygon as `parcel`")),
    };
    let a = &req.attachments;
    let attachments =
        Attachments::parse(a.fruiting_orchard_mu, a.non_fruiting_orchard_mu, a.other_forest_mu, a.abandoned_homesteads)
            .map_err(|e| bad(format!("attachments: {e}")))?;
    let dates = ProjectDates::new(
        parse_date("approved_on", req.approved_on.as_deref())?,
        parse_date("accepted_on", req.accepted_on.as_deref())?,
    )
    .map_err(bad)?;
    let answer = consolidation_compensation(project_type, mu, &attachments, dates).map_err(bad)?;
    let mut value = serde_json::to_value(answer).map_err(|e| AppError::Internal(e.to_string()))?;
    value["area_source"] = json!(source);
    Ok((StatusCode::OK, Json(value)))
}

/// `GET /api/land/consolidation/projects/{id}`: the compensation of a stored
/// consolidation project: its type, its polygon's ellipsoidal area, its dates
/// (`accepted_on`; `approved_on` when the record has one) for the scope (第二条, line
/// 1348) and the subsidy's calendar years (第五条, line 1362). No attachments are
/// recorded on a project: none are counted (said in `notes`).
pub async fn consolidation_project(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Result<Json<Value>, AppError> {
    let feature = state
        .store
        .features(LayerKind::ConsolidationProjects)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| AppError::NotFound(format!("no consolidation project with id {id}")))?;
    let p = &feature.properties;
    let text = |name: &str| p.get(name).and_then(Value::as_str).filter(|s| !s.is_empty());
    let project_type = ProjectType::parse(text("project_type").unwrap_or_default())
        .map_err(|e| AppError::Internal(format!("consolidation project {id}: {e}")))?;
    let mp = match &feature.geometry {
        Some(Geometry::MultiPolygon(mp)) => mp.clone(),
        _ => return Err(AppError::Internal(format!("consolidation project {id} has no polygon"))),
    };
    let mu = area_mu("parcel", geodesic_area_m2(&mp) * 15.0 / 10_000.0).map_err(bad)?;
    let date = |name: &str| {
        text(name)
            .map(|t| {
                Date::parse(t).map_err(|e| AppError::Internal(format!("consolidation project {id}: `{name}`: {e}")))
            })
            .transpose()
    };
    let dates = ProjectDates::new(date("approved_on")?, date("accepted_on")?).map_err(bad)?;
    let answer = consolidation_compensation(project_type, mu, &Attachments::default(), dates).map_err(bad)?;
    let mut value = serde_json::to_value(answer).map_err(|e| AppError::Internal(e.to_string()))?;
    value["area_source"] = json!("polygon (ellipsoidal area)");
    value["project"] = json!({
        "id": feature.id,
        "name": text("name"),
        "status": text("status"),
        "accuracy": text("accuracy"),
        "illustrative": text("accuracy") == Some("illustrative"),
    });
    value["attachments_note"] =
        json!("项目记录不含地表附着物，未计入附着物补偿 / the record declares no attachments: none are counted");
    Ok(Json(value))
}
