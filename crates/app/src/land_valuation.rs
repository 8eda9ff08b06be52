//! Land-bureau questions answered from the in-memory catalogue: benchmark
//! valuation of a parcel (split exactly by the grade zones), batches of
//! parcels, and which expropriation project a place lies in. One implementation
//! serves the HTTP API and `landtrace check valuation`.

use geo::{BoundingRect, Geometry, Intersects, MultiPolygon};
use landtrace_domain::land::appraisal::{Appraisal, AppraisalInput, CorrectionTables, appraise};
use landtrace_domain::land::prices::{Grade, GradeSystem};
use landtrace_domain::land::valuation::{GradePart, UseRequest, Valuation, benchmark_valuation};
use landtrace_domain::{Date, LayerKind, SquareMetres};
use landtrace_formats::{ParcelFile, ParcelRow};
use landtrace_spatial::{Crs, geometry_to_wgs84, split_by_zones, validate_parcel};
use serde::Serialize;
use serde_json::{Value, json};

use crate::catalog::Catalog;
use landtrace_domain::county::COUNTY_ADCODE;

/// Why a parcel cannot be valued. Messages are for people.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParcelProblem {
    /// The geometry is invalid (self-intersection, empty, bad coordinates …).
    #[error("{0}")]
    Geometry(String),
    /// The parcel lies entirely outside the county.
    #[error("the parcel lies outside 临猗县 (county boundary, adcode {COUNTY_ADCODE})")]
    OutsideCounty,
    /// The valuation rules refused the input (unknown use …).
    #[error("{0}")]
    Rules(String),
}

/// One part of a parcel inside one grade zone.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneShare {
    /// Layer table name (`urban_grade_zones` / `collective_grade_zones`).
    pub layer: &'static str,
    /// Feature id of the zone in that layer.
    pub id: i64,
    /// Grading system.
    pub system: &'static str,
    /// Grade number.
    pub grade: u8,
    /// Ellipsoidal area of the part, m².
    pub area_m2: f64,
    /// The part itself, GeoJSON (WGS84), for drawing the split.
    pub geometry: Value,
    /// Whether the zone is illustrative demo data.
    pub illustrative: bool,
}

/// A parcel valued against the grade zones.
#[derive(Debug, Clone, Serialize)]
pub struct ParcelValuation {
    /// The rules' answer: areas, prices, value, citations, in-force note.
    pub valuation: Valuation,
    /// The parts by zone, with geometry.
    pub zones: Vec<ZoneShare>,
    /// The part outside every grade zone (GeoJSON, empty when none).
    pub outside_geometry: Value,
    /// |Σ parts + outside − total| / total: the split's closure check.
    pub closure_error: f64,
    /// Whether grade zones overlap inside the parcel (a data problem).
    pub zones_overlap: bool,
    /// Whether any zone used is illustrative demo data.
    pub illustrative: bool,
    /// The appraisal by the benchmark-price coefficient method, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appraisal: Option<Appraisal>,
}

/// An appraisal asked for with a valuation: the parcel's facts and the correction
/// tables (`None`: the benchmark price alone, said so in the answer).
#[derive(Debug, Clone, Default)]
pub struct AppraisalRequest {
    /// Remaining term, plot ratio, individual factor grades.
    pub input: AppraisalInput,
    /// The land bureau's tables, if any.
    pub tables: Option<CorrectionTables>,
}

impl AppraisalRequest {
    /// The request, its numbers and factor grades checked (against the tables, when given).
    pub fn new(input: AppraisalInput, tables: Option<CorrectionTables>) -> Result<AppraisalRequest, String> {
        input.check()?;
        if let Some(t) = &tables {
            t.check_factors(&input.factors)?;
        }
        Ok(AppraisalRequest { input, tables })
    }

    /// The tables named by `spec`: `None` → `configured` (the server's, which may be
    /// none), `"none"` → none, `"illustrative"` → the bundled illustrative tables, else
    /// the tables' JSON text. One rule for the HTTP `corrections` field and
    /// `landtrace check valuation --corrections`.
    pub fn tables_from(
        spec: Option<&str>,
        configured: Option<&CorrectionTables>,
    ) -> Result<Option<CorrectionTables>, String> {
        match spec.map(str::trim) {
            None => Ok(configured.cloned()),
            Some("none") => Ok(None),
            Some("illustrative") => Ok(Some(CorrectionTables::illustrative())),
            Some(json) => CorrectionTables::parse(json).map(Some),
        }
    }
}

/// A grade zone in a split: layer, feature id, system, grade, illustrative.
type GradeZoneKey = (LayerKind, i64, GradeSystem, u8, bool);

fn geojson(mp: &MultiPolygon<f64>) -> Value {
    landtrace_store::geojson_io::geometry_to_geojson(&Geometry::MultiPolygon(mp.clone()))
}

/// Converts a parcel given in `crs` to WGS84, checks it, and values it.
pub fn value_parcel(
    catalog: &Catalog,
    mut parcel: MultiPolygon<f64>,
    crs: Crs,
    uses: &UseRequest,
    as_of: Option<Date>,
    appraisal: Option<&AppraisalRequest>,
) -> Result<ParcelValuation, ParcelProblem> {
    geometry_to_wgs84(crs, &mut parcel).map_err(|e| ParcelProblem::Geometry(e.to_string()))?;
    validate_parcel(&parcel).map_err(|e| ParcelProblem::Geometry(e.to_string()))?;
    let Some(bbox) = parcel.bounding_rect() else {
        return Err(ParcelProblem::Geometry("the parcel is empty".into()));
    };
    let in_county = catalog.layer(LayerKind::CountyBoundaries).is_some_and(|layer| {
        layer.intersecting(bbox).iter().any(|f| {
            f.properties.get("adcode").and_then(Value::as_str) == Some(COUNTY_ADCODE)
                && f.geometry.as_ref().is_some_and(|g| g.intersects(&parcel))
        })
    });
    if !in_county {
        return Err(ParcelProblem::OutsideCounty);
    }

    // Candidate zones of both grading systems whose bounding box meets the parcel.
    let mut zones: Vec<(GradeZoneKey, MultiPolygon<f64>)> = Vec::new();
    for (kind, system) in
        [(LayerKind::UrbanGradeZones, GradeSystem::Urban), (LayerKind::CollectiveGradeZones, GradeSystem::Collective)]
    {
        let Some(layer) = catalog.layer(kind) else { continue };
        for f in layer.intersecting(bbox) {
            let (Some(Geometry::MultiPolygon(mp)), Some(grade)) =
                (&f.geometry, f.properties.get("grade").and_then(Value::as_u64))
            else {
                continue;
            };
            let illustrative = f.properties.get("accuracy").and_then(Value::as_str) == Some("illustrative");
            zones.push(((kind, f.id, system, u8::try_from(grade).unwrap_or(0), illustrative), mp.clone()));
        }
    }
    let refs: Vec<_> = zones.iter().map(|(k, mp)| (*k, mp)).collect();
    let split = split_by_zones(&parcel, &refs);

    let mut parts = Vec::with_capacity(split.parts.len());
    let mut shares = Vec::with_capacity(split.parts.len());
    for part in &split.parts {
        let (kind, id, system, grade, illustrative) = part.key;
        let grade_value = Grade::new(system, i64::from(grade)).map_err(|e| ParcelProblem::Rules(e.to_string()))?;
        let area = SquareMetres::new(part.area_m2).map_err(|e| ParcelProblem::Geometry(e.to_string()))?;
        parts.push(GradePart { system, grade: grade_value, area });
        shares.push(ZoneShare {
            layer: kind.table_name(),
            id,
            system: system.key(),
            grade,
            area_m2: part.area_m2,
            geometry: geojson(&part.geometry),
            illustrative,
        });
    }
    let total = SquareMetres::new(split.total_area_m2).map_err(|e| ParcelProblem::Geometry(e.to_string()))?;
    let valuation = benchmark_valuation(total, &parts, uses, as_of).map_err(|e| ParcelProblem::Rules(e.to_string()))?;
    let appraisal = appraisal
        .map(|a| appraise(&valuation, &a.input, a.tables.as_ref()))
        .transpose()
        .map_err(ParcelProblem::Rules)?;
    Ok(ParcelValuation {
        appraisal,
        valuation,
        illustrative: shares.iter().any(|s| s.illustrative),
        zones: shares,
        outside_geometry: geojson(&split.outside),
        closure_error: split.closure_error,
        zones_overlap: split.overlapping,
    })
}

/// One corner (界址点) of a parcel, in ring order: `J1`, `J2`, … numbered on
/// through every ring, the closing vertex left out.
#[derive(Debug, Clone, Serialize)]
pub struct ParcelCorner {
    /// 界址点号: `J1`, `J2`, …
    pub name: String,
    /// 0-based polygon of the multipolygon.
    pub polygon: usize,
    /// 0-based ring of the polygon (0 = exterior).
    pub ring: usize,
    /// WGS84 longitude and latitude, degrees.
    pub lon: f64,
    pub lat: f64,
    /// In the projected CRS asked for, the Chinese survey convention: `x` is the
    /// northing, `y` the easting (with the zone number when the CRS has it), metres.
    pub x: f64,
    pub y: f64,
}

/// The corner table of a parcel (界址点坐标表) in a projected CRS.
#[derive(Debug, Clone, Serialize)]
pub struct ParcelCorners {
    /// The projected CRS, e.g. "EPSG:4546".
    pub crs: String,
    /// Its name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 111E".
    pub title: String,
    pub corners: Vec<ParcelCorner>,
}

/// The corners of `parcel` (given in `from`) in WGS84 and in the projected CRS `to`
/// (x = northing, y = easting), through the one coordinate transform
/// (`landtrace_spatial::Crs`). A geographic `to` is refused.
pub fn parcel_corners(parcel: &MultiPolygon<f64>, from: Crs, to: Crs) -> Result<ParcelCorners, String> {
    if to.is_geographic() {
        return Err(format!("`corners_crs` {} is geographic; name a projected CRS such as EPSG:4546", to.name()));
    }
    let mut wgs84 = parcel.clone();
    geometry_to_wgs84(from, &mut wgs84).map_err(|e| e.to_string())?;
    let mut corners = Vec::new();
    for (polygon, p) in wgs84.0.iter().enumerate() {
        for (ring, line) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
            let coords = &line.0;
            let open =
                if coords.len() > 1 && coords.first() == coords.last() { &coords[..coords.len() - 1] } else { coords };
            for c in open {
                let lonlat = landtrace_spatial::LonLat::new(c.x, c.y).map_err(|e| e.to_string())?;
                let projected = to.from_wgs84(lonlat).map_err(|e| e.to_string())?;
                corners.push(ParcelCorner {
                    name: format!("J{}", corners.len() + 1),
                    polygon,
                    ring,
                    lon: c.x,
                    lat: c.y,
                    x: projected.y,
                    y: projected.x,
                });
            }
        }
    }
    Ok(ParcelCorners { crs: to.name(), title: to.title(), corners })
}

/// One row of a batch: the parcel's row number and id, and its valuation or
/// the reason it has none.
#[derive(Debug, Clone)]
pub struct BatchRow {
    /// 1-based row of the input.
    pub row: usize,
    /// The parcel's id or name from the input.
    pub id: Option<String>,
    /// The answer for this parcel.
    pub result: Result<ParcelValuation, String>,
}

/// The CRS a batch file's rows are in. A file that names no CRS is in `requested`
/// (EPSG:4326 when `None`). A file that names its own (a coordinate file of an
/// approval filing, whose rows are CGCS2000 longitude/latitude already) is in its
/// own, and `requested` may only repeat that one (`EPSG:4546` or `4546`): any other
/// CRS contradicts the file and is refused rather than ignored. One rule for
/// `landtrace check valuation --crs` and the HTTP batch's `crs`.
pub fn batch_crs(file: &ParcelFile, requested: Option<&str>) -> Result<Crs, String> {
    match (&file.own_crs, requested) {
        (None, requested) => Crs::parse(requested.unwrap_or("EPSG:4326")).map_err(|e| e.to_string()),
        (Some(_), None) => Ok(Crs::Wgs84),
        (Some((epsg, description)), Some(requested)) => {
            // Any spelling of the same code repeats it (EPSG:4525, 4525, urn:…).
            if Crs::parse(requested).ok().and_then(Crs::epsg) == Some(*epsg) {
                Ok(Crs::Wgs84)
            } else {
                Err(format!(
                    "the file names its own coordinate system, {description}; the CRS given ({}) contradicts it: \
                     leave the CRS out",
                    landtrace_domain::input_limits::echo(requested)
                ))
            }
        }
    }
}

/// Values one input row; a bad row gets its reason, never aborts the batch.
pub fn value_row(
    catalog: &Catalog,
    row: ParcelRow,
    crs: Crs,
    uses: &UseRequest,
    as_of: Option<Date>,
    appraisal: Option<&AppraisalRequest>,
) -> BatchRow {
    let result =
        row.geometry.and_then(|mp| value_parcel(catalog, mp, crs, uses, as_of, appraisal).map_err(|e| e.to_string()));
    BatchRow { row: row.row, id: row.id, result }
}

/// The sheet of the batch report as a workbook.
pub const VALUATION_SHEET: &str = "基准地价估价";
/// Columns of the batch report that stay text in a workbook (parcel ids keep every digit).
pub const VALUATION_TEXT_COLUMNS: &[&str] = &["id"];

/// Column names of the batch CSV report.
pub const REPORT_HEADER: [&str; 17] = [
    "row",
    "id",
    "status",
    "error",
    "area_m2",
    "area_mu",
    "grade_parts",
    "outside_m2",
    "outside_share_percent",
    "total_value_yuan",
    "total_value_wan_yuan",
    "in_force",
    "approval",
    "note",
    "appraisal_method",
    "appraised_value_yuan",
    "appraisal_factors",
];

/// The batch report as a CSV table (one row per parcel).
pub fn report_table(rows: &[BatchRow]) -> landtrace_formats::CsvTable {
    let mut table = landtrace_formats::CsvTable {
        header: REPORT_HEADER.iter().map(|h| (*h).to_owned()).collect(),
        rows: Vec::with_capacity(rows.len()),
    };
    for r in rows {
        let id = r.id.clone().unwrap_or_default();
        let cells = match &r.result {
            Err(reason) => {
                let mut cells = vec![r.row.to_string(), id, "error".into(), reason.clone()];
                cells.resize(REPORT_HEADER.len(), String::new());
                cells
            }
            Ok(v) => {
                let val = &v.valuation;
                let parts = val
                    .parts
                    .iter()
                    .map(|p| {
                        let price =
                            p.price.as_ref().map_or_else(|| "无价".to_owned(), |pr| format!("{}元/m²", pr.yuan_per_m2));
                        format!("{}{} {:.2}m² {}", p.system_name, p.grade_name, p.area.m2, price)
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                vec![
                    r.row.to_string(),
                    id,
                    "ok".into(),
                    String::new(),
                    format!("{:.2}", val.parcel_area.m2),
                    format!("{:.4}", val.parcel_area.mu),
                    parts,
                    format!("{:.2}", val.outside.area.m2),
                    format!("{:.2}", val.outside.share_percent),
                    val.total_value.yuan_text(),
                    val.total_wan_yuan.clone(),
                    val.in_force.map_or_else(String::new, |b| b.to_string()),
                    val.approval.to_owned(),
                    val.note.clone(),
                    v.appraisal.as_ref().map_or_else(String::new, |a| a.method.to_owned()),
                    v.appraisal.as_ref().map_or_else(String::new, |a| a.total_value.yuan_text()),
                    v.appraisal.as_ref().map_or_else(String::new, appraisal_summary),
                ]
            }
        };
        table.rows.push(cells);
    }
    table
}

/// One cell: each part's corrected price and factors (`K_年期=0.9620` …, `未修正` when
/// not applied), the tables' source last.
fn appraisal_summary(a: &Appraisal) -> String {
    let parts: Vec<String> = a
        .parts
        .iter()
        .map(|p| {
            let factors: Vec<String> = p
                .factors
                .iter()
                .map(|f| {
                    if f.applied { format!("{}={:.4}", f.name, f.coefficient) } else { format!("{}未修正", f.name) }
                })
                .collect();
            format!("{}{} {:.2}元/m² ({})", p.system_name, p.grade_name, p.unit_price_yuan_per_m2, factors.join(", "))
        })
        .collect();
    let mut out = parts.join("; ");
    if let Some(source) = &a.tables_source {
        out.push_str(&format!(" | {source}"));
    } else {
        out.push_str(" | 未提供修正系数表：基准地价本身");
    }
    out
}

/// The batch report as a GeoJSON FeatureCollection (valued parcels carry their
/// grade parts; bad rows have no geometry and an `error`).
pub fn report_geojson(rows: &[BatchRow]) -> Value {
    let features: Vec<Value> = rows
        .iter()
        .map(|r| match &r.result {
            Err(reason) => json!({"type": "Feature", "geometry": null,
                "properties": {"row": r.row, "id": r.id, "status": "error", "error": reason}}),
            Ok(v) => json!({"type": "Feature",
                "geometry": {"type": "GeometryCollection", "geometries": v.zones.iter().map(|z| z.geometry.clone()).chain(std::iter::once(v.outside_geometry.clone())).collect::<Vec<_>>()},
                "properties": {"row": r.row, "id": r.id, "status": "ok", "valuation": v.valuation, "appraisal": v.appraisal, "zones": v.zones.iter().map(|z| json!({"layer": z.layer, "id": z.id, "system": z.system, "grade": z.grade, "area_m2": z.area_m2})).collect::<Vec<_>>()}}),
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

#[cfg(test)]
mod tests {
    use landtrace_formats::{ParcelFile, ParcelInput};
    use landtrace_spatial::Crs;

    use super::batch_crs;

    #[test]
    fn a_file_that_names_its_crs_may_only_be_given_that_one() {
        let plain = ParcelFile { format: ParcelInput::CsvWkt, rows: Vec::new(), own_crs: None, notes: Vec::new() };
        assert_eq!(batch_crs(&plain, None), Ok(Crs::Wgs84));
        assert_eq!(batch_crs(&plain, Some("gcj02")), Ok(Crs::Gcj02));
        assert_eq!(batch_crs(&plain, Some("EPSG:3857")), Ok(Crs::WebMercator));
        assert!(batch_crs(&plain, Some("EPSG:nope")).unwrap_err().contains("unknown CRS"));

        let own = ParcelFile {
            format: ParcelInput::ApprovalCoordinates,
            own_crs: Some((4546, "EPSG:4546 (2000国家大地坐标系, 3° Gauss-Krüger zone 37)".to_owned())),
            ..plain
        };
        for same in [None, Some("EPSG:4546"), Some(" epsg:4546 "), Some("4546"), Some("urn:ogc:def:crs:EPSG::4546")] {
            assert_eq!(batch_crs(&own, same), Ok(Crs::Wgs84), "{same:?}");
        }
        let err = batch_crs(&own, Some("EPSG:4326")).unwrap_err();
        assert_eq!(
            err,
            "the file names its own coordinate system, EPSG:4546 (2000国家大地坐标系, 3° Gauss-Krüger zone 37); \
             the CRS given (EPSG:4326) contradicts it: leave the CRS out"
        );
    }
}
