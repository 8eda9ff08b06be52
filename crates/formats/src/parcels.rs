//! Parcels for batch checks: a GeoJSON FeatureCollection (or Feature, or bare
//! geometry) of Polygons/MultiPolygons, CSV with a WKT column, or the coordinate text
//! file of a construction-land approval filing ([`crate::approval_coordinates`]),
//! which names its own CRS and is read from bytes (GBK or UTF-8) by
//! [`read_parcel_file`].
//!
//! Each parcel is a row with its 1-based number, an optional id (a GeoJSON
//! feature `id` or `properties.id`/`name`; the CSV `id`/`name` column) and
//! either its geometry or the reason it could not be read.
//!
//! The input policy applies: a leading byte-order mark is accepted, GeoJSON rings must
//! be closed, a parcel of more than [`Limit::VerticesPerGeometry`] vertices is refused
//! in its row, and a file of more than [`Limit::FeaturesPerRequest`] parcels or
//! [`Limit::VerticesPerRequest`] vertices as a whole.

use std::str::FromStr;

use geo::{CoordsIter, Geometry, MultiPolygon};
use geojson::GeoJson;
use landtrace_domain::input_limits::{Limit, LimitError, strip_bom};

use crate::approval_coordinates::{ApprovalError, ApprovalFile, parse_text};
use crate::geojson_geometry::{check_vertices, polygons_from_geojson};

/// The format of a parcel file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParcelInput {
    /// GeoJSON (RFC 7946).
    GeoJson,
    /// CSV with a header and a `wkt` (or `geometry`/`geom`) column.
    CsvWkt,
    /// The coordinate text file of a construction-land approval filing (建设用地报批
    /// 坐标文件): projected CGCS2000 coordinates in the file's own Gauss-Krüger zone,
    /// read as CGCS2000 longitude/latitude.
    ApprovalCoordinates,
}

impl ParcelInput {
    /// Guesses the format from the content (a coordinate file starts with its
    /// `[属性描述]` section), then from a file name, then from the content again.
    pub fn detect(name: &str, text: &str) -> ParcelInput {
        if crate::approval_coordinates::looks_like(text.as_bytes()) {
            return ParcelInput::ApprovalCoordinates;
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".csv") || lower.ends_with(".txt") {
            return ParcelInput::CsvWkt;
        }
        if lower.ends_with(".geojson") || lower.ends_with(".json") || strip_bom(text).trim_start().starts_with('{') {
            return ParcelInput::GeoJson;
        }
        ParcelInput::CsvWkt
    }
}

/// One parcel of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct ParcelRow {
    /// 1-based position in the input (feature number, or CSV data row).
    pub row: usize,
    /// The parcel's own id or name, when the input has one.
    pub id: Option<String>,
    /// The geometry (lon/lat as given, the caller converts the CRS; CGCS2000
    /// lon/lat for a coordinate file), or why not.
    pub geometry: Result<MultiPolygon<f64>, String>,
}

/// A parcel file read from its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct ParcelFile {
    /// The format it was read as.
    pub format: ParcelInput,
    /// Its parcels.
    pub rows: Vec<ParcelRow>,
    /// The CRS the file names for itself, when it does (coordinate files): its
    /// EPSG code and a description. Its rows are then CGCS2000 longitude/latitude
    /// already, and a CRS given by the caller may only repeat this one.
    pub own_crs: Option<(u32, String)>,
    /// What the reader assumed where the file was silent, for people.
    pub notes: Vec<String>,
}

/// A whole-file problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file cannot be read as the format at all.
    #[error("{0}")]
    Unreadable(String),
    /// The file holds more parcels or vertices than one request may
    /// ([`LimitError::whole_request`]).
    #[error(transparent)]
    Limit(#[from] LimitError),
}

fn to_multipolygon(g: Geometry<f64>) -> Result<MultiPolygon<f64>, String> {
    match g {
        Geometry::Polygon(p) => Ok(MultiPolygon(vec![p])),
        Geometry::MultiPolygon(mp) => Ok(mp),
        Geometry::Rect(r) => Ok(MultiPolygon(vec![r.to_polygon()])),
        other => Err(format!(
            "geometry is a {}, expected a Polygon or MultiPolygon",
            landtrace_spatial::geometry_type_name(&other)
        )),
    }
}

/// Reads every parcel of a file. `Err` only when the file as a whole is not
/// readable; problems of single parcels are in their rows.
pub fn read_parcels(format: ParcelInput, text: &str) -> Result<Vec<ParcelRow>, FileError> {
    let text = strip_bom(text);
    let rows = match format {
        ParcelInput::GeoJson => read_geojson(text)?,
        ParcelInput::CsvWkt => read_csv(text)?,
        ParcelInput::ApprovalCoordinates => approval_rows(&parse_text(text).map_err(FileError::from)?),
    };
    Limit::FeaturesPerRequest.check(rows.len() as u64, "the parcel file")?;
    let vertices: usize = rows.iter().filter_map(|r| r.geometry.as_ref().ok()).map(|g| g.coords_count()).sum();
    Limit::VerticesPerRequest.check(vertices as u64, "the parcel file")?;
    Ok(rows)
}

/// Reads a parcel file from its bytes: a coordinate file (recognised by its content,
/// UTF-8 or GBK) or, as UTF-8 text, a file of the format [`ParcelInput::detect`]
/// tells from `name` and the text. `Err` only when the file as a whole is not
/// readable.
pub fn read_parcel_file(name: &str, bytes: &[u8]) -> Result<ParcelFile, FileError> {
    if crate::approval_coordinates::looks_like(bytes) {
        let file = crate::approval_coordinates::parse(bytes)?;
        return Ok(ParcelFile {
            format: ParcelInput::ApprovalCoordinates,
            rows: approval_rows(&file),
            own_crs: Some((file.attributes.epsg, file.attributes.describe())),
            notes: file.attributes.assumptions,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        FileError::Unreadable(format!("the file is not UTF-8 text (invalid byte at offset {})", e.valid_up_to()))
    })?;
    let format = ParcelInput::detect(name, text);
    Ok(ParcelFile { format, rows: read_parcels(format, text)?, own_crs: None, notes: Vec::new() })
}

impl From<ApprovalError> for FileError {
    fn from(e: ApprovalError) -> FileError {
        match e {
            ApprovalError::Limit(limit) => FileError::Limit(limit),
            other => FileError::Unreadable(other.to_string()),
        }
    }
}

/// The parcels of a coordinate file as rows: numbered in file order, named
/// `编号 名称`, in CGCS2000 longitude/latitude.
fn approval_rows(file: &ApprovalFile) -> Vec<ParcelRow> {
    file.parcels
        .iter()
        .enumerate()
        .map(|(i, p)| ParcelRow { row: i + 1, id: Some(p.label()), geometry: Ok(p.to_wgs84()) })
        .collect()
}

fn read_geojson(text: &str) -> Result<Vec<ParcelRow>, FileError> {
    let doc = GeoJson::from_str(text).map_err(|e| FileError::Unreadable(format!("not valid GeoJSON: {e}")))?;
    let features = match doc {
        GeoJson::FeatureCollection(fc) => fc.features,
        GeoJson::Feature(f) => vec![f],
        GeoJson::Geometry(g) => vec![geojson::Feature::from(g)],
    };
    Ok(features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let id =
                f.id.as_ref()
                    .map(|id| match id {
                        geojson::feature::Id::String(s) => s.clone(),
                        geojson::feature::Id::Number(n) => n.to_string(),
                    })
                    .or_else(|| {
                        let props = f.properties.as_ref()?;
                        ["id", "name", "编号", "名称"].iter().find_map(|k| match props.get(*k)? {
                            serde_json::Value::String(s) => Some(s.clone()),
                            serde_json::Value::Number(n) => Some(n.to_string()),
                            _ => None,
                        })
                    });
            let geometry = match &f.geometry {
                None => Err("the feature has no geometry".to_owned()),
                Some(g) => polygons_from_geojson(&g.value),
            };
            ParcelRow { row: i + 1, id, geometry }
        })
        .collect())
}

/// Deepest parenthesis nesting read as WKT (a MultiPolygon needs 3). The `wkt` crate
/// recurses once per nested `GEOMETRYCOLLECTION(` without a limit, so a cell of a
/// few MB of them overflowed the stack and aborted the whole process.
const MAX_WKT_NESTING: usize = 8;

/// The deepest parenthesis nesting in `text`.
fn wkt_nesting(text: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0;
    for b in text.bytes() {
        match b {
            b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn read_csv(text: &str) -> Result<Vec<ParcelRow>, FileError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| FileError::Unreadable(format!("CSV header: {e}")))?.clone();
    let find = |names: &[&str]| headers.iter().position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)));
    let Some(wkt_col) = find(&["wkt", "geometry", "geom", "几何"]) else {
        return Err(FileError::Unreadable(format!(
            "CSV has no WKT column: expected a header named wkt, geometry or geom (found: {})",
            landtrace_domain::input_limits::echo(&headers.iter().collect::<Vec<_>>().join(", "))
        )));
    };
    let id_col = find(&["id", "name", "编号", "名称"]);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                rows.push(ParcelRow { row, id: None, geometry: Err(format!("CSV: {e}")) });
                continue;
            }
        };
        let id = id_col.and_then(|c| record.get(c)).filter(|s| !s.is_empty()).map(str::to_owned);
        let geometry = match record.get(wkt_col).filter(|s| !s.is_empty()) {
            None => Err("the WKT column is empty".to_owned()),
            Some(text) if wkt_nesting(text) > MAX_WKT_NESTING => {
                Err(format!("not valid WKT: parentheses nested deeper than {MAX_WKT_NESTING}"))
            }
            Some(text) => wkt::Wkt::<f64>::from_str(text)
                .map_err(|e| format!("not valid WKT: {e}"))
                .and_then(|w| Geometry::try_from(w).map_err(|e| format!("WKT: {e}")))
                .and_then(to_multipolygon)
                .and_then(|mp| check_vertices(&mp).map(|()| mp)),
        };
        rows.push(ParcelRow { row, id, geometry });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geojson_rows_keep_ids_and_report_bad_features() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"A-1","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
          {"type":"Feature","properties":{"name":"二号"},"geometry":{"type":"Point","coordinates":[0,0]}},
          {"type":"Feature","properties":{},"geometry":null}]}"#;
        let rows = read_parcels(ParcelInput::GeoJson, text).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].id.as_deref(), Some("A-1"));
        assert!(rows[0].geometry.is_ok());
        assert_eq!(rows[1].id.as_deref(), Some("二号"));
        assert_eq!(rows[1].geometry, Err("geometry is a Point, expected a Polygon or MultiPolygon".to_owned()));
        assert_eq!(rows[2].geometry, Err("the feature has no geometry".to_owned()));
    }

    /// Found by the `read_parcels_geojson` fuzz target: a one-number position in a
    /// later part of a bare MultiPolygon panicked inside the `geojson` crate.
    #[test]
    fn short_position_is_a_row_error_not_a_panic() {
        let text = r#"{"type":"MultiPolygon","coordinates":[[[[110.70,35.10],[110.71,35.10],[110.71,35.11],[110.70,35.10]]],[[[110.710]]]]}"#;
        let rows = read_parcels(ParcelInput::GeoJson, text).unwrap();
        assert_eq!(rows.len(), 1);
        let message = rows[0].geometry.as_ref().unwrap_err();
        assert!(message.starts_with("a position has 1 number(s)"), "{message}");
    }

    #[test]
    fn csv_with_wkt_and_a_bad_row() {
        let text = "\u{feff}id,wkt\nP1,\"POLYGON((0 0,1 0,1 1,0 0))\"\nP2,POLYGON((0 0\nP3,\"MULTIPOLYGON(((0 0,1 0,1 1,0 0)))\"\n";
        let rows = read_parcels(ParcelInput::CsvWkt, text).unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows[0].geometry.is_ok() && rows[2].geometry.is_ok());
        assert_eq!(rows[1].id.as_deref(), Some("P2"));
        assert!(rows[1].geometry.as_ref().unwrap_err().contains("WKT"), "{:?}", rows[1].geometry);
    }

    /// Found by probing the `read_parcels_csv_wkt` fuzz target with a deep input:
    /// the `wkt` crate's parser overflowed the stack on 200,000 nested collections.
    #[test]
    fn deeply_nested_wkt_is_a_row_error() {
        let levels = 200_000;
        let deep = format!("{}POINT(1 2){}", "GEOMETRYCOLLECTION(".repeat(levels), ")".repeat(levels));
        let rows = read_parcels(ParcelInput::CsvWkt, &format!("id,wkt\nP1,\"{deep}\"\n")).unwrap();
        assert_eq!(rows[0].geometry, Err("not valid WKT: parentheses nested deeper than 8".to_owned()));
        assert_eq!(wkt_nesting("MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((2 2,3 2,3 3,2 2)))"), 3);
    }

    #[test]
    fn a_byte_order_mark_is_accepted_and_unclosed_rings_are_refused() {
        let text = "\u{feff}{\"type\":\"FeatureCollection\",\"features\":[
          {\"type\":\"Feature\",\"id\":\"open\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}},
          {\"type\":\"Feature\",\"id\":\"closed\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}]}";
        assert_eq!(ParcelInput::detect("upload", text), ParcelInput::GeoJson);
        let rows = read_parcels(ParcelInput::GeoJson, text).unwrap();
        let open = rows[0].geometry.as_ref().unwrap_err();
        assert!(
            open.starts_with("polygon exterior ring is not closed: it starts at [0, 0] and ends at [0, 1]"),
            "{open}"
        );
        assert!(rows[1].geometry.is_ok());
    }

    #[test]
    fn files_over_the_request_limits_are_refused_whole() {
        let row = "P,\"POLYGON((0 0,1 0,1 1,0 0))\"\n";
        let max = Limit::FeaturesPerRequest.max() as usize;
        let mut text = String::from("id,wkt\n");
        text.push_str(&row.repeat(max));
        assert_eq!(read_parcels(ParcelInput::CsvWkt, &text).map(|r| r.len()), Ok(max));
        text.push_str(row);
        let e = read_parcels(ParcelInput::CsvWkt, &text).unwrap_err();
        assert!(matches!(&e, FileError::Limit(l) if l.whole_request()), "{e}");
        assert!(e.to_string().starts_with("the parcel file has 100,001 features; at most 100,000"), "{e}");

        // 11 parcels of 190,001 vertices: each within the per-geometry limit, together over the request's.
        let ring: Vec<String> = (0..190_000).map(|i| format!("{} {}", (i as f64).cos(), (i as f64).sin())).collect();
        let parcel = format!("P,\"POLYGON(({},{}))\"\n", ring.join(","), ring[0]);
        let text = format!("id,wkt\n{}", parcel.repeat(11));
        let e = read_parcels(ParcelInput::CsvWkt, &text).unwrap_err();
        assert!(e.to_string().starts_with("the parcel file has 2,090,011 vertices in all"), "{e}");
        let big = format!("id,wkt\nP,\"POLYGON(({},{},{}))\"\n", ring.join(","), ring[..10_001].join(","), ring[0]);
        let rows = read_parcels(ParcelInput::CsvWkt, &big).unwrap();
        let e = rows[0].geometry.as_ref().unwrap_err();
        assert!(e.starts_with("the geometry has 200,002 vertices; at most 200,000"), "{e}");
    }

    #[test]
    fn whole_file_problems() {
        assert!(read_parcels(ParcelInput::CsvWkt, "a,b\n1,2\n").unwrap_err().to_string().contains("no WKT column"));
        assert!(read_parcels(ParcelInput::GeoJson, "{").unwrap_err().to_string().contains("not valid GeoJSON"));
        assert_eq!(ParcelInput::detect("x.csv", ""), ParcelInput::CsvWkt);
        assert_eq!(ParcelInput::detect("upload", "{\"type\":1}"), ParcelInput::GeoJson);
    }

    /// A coordinate file is told by its content whatever its name, in GBK too; its
    /// parcels come out in CGCS2000 lon/lat, named `编号 名称`, with the file's CRS.
    #[test]
    fn a_coordinate_file_is_read_from_its_bytes() {
        let text = "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=37\n[地块坐标]\n\
                    4,0.0900,A-1,东地块,面,,工业用地,,@\nJ1,1,3890148.98,479039.53\nJ2,1,3890148.98,479069.53\n\
                    J3,1,3890178.98,479069.53\nJ1,1,3890148.98,479039.53\n";
        let gbk = encoding_rs::GBK.encode(text).0;
        for (name, bytes) in [("红线.txt", text.as_bytes()), ("upload", &gbk[..]), ("x.csv", &gbk[..])] {
            let file = read_parcel_file(name, bytes).unwrap();
            assert_eq!(file.format, ParcelInput::ApprovalCoordinates);
            assert_eq!(file.own_crs.as_ref().map(|c| c.0), Some(4546));
            assert_eq!(file.rows.len(), 1);
            assert_eq!((file.rows[0].row, file.rows[0].id.as_deref()), (1, Some("A-1 东地块")));
            let corner = file.rows[0].geometry.as_ref().unwrap().0[0].exterior().0[0];
            assert!((corner.x - 110.77).abs() < 1e-7 && (corner.y - 35.14).abs() < 1e-7, "{corner:?}");
        }
        assert_eq!(ParcelInput::detect("p.txt", text), ParcelInput::ApprovalCoordinates);
        assert_eq!(read_parcels(ParcelInput::ApprovalCoordinates, text).unwrap().len(), 1);
        let bad = text.replace("J2,1,3890148.98,479069.53", "J2,1,3890148.98");
        let e = read_parcel_file("p.txt", bad.as_bytes()).unwrap_err();
        assert_eq!(e.to_string(), "line 8: point row needs 4 fields 点号,圈号,X,Y, found 3");

        // Other formats still need UTF-8.
        let e = read_parcel_file("p.csv", b"id,wkt\n\xB5\xD8,POLYGON((0 0,1 0,1 1,0 0))\n").unwrap_err();
        assert!(e.to_string().contains("not UTF-8"), "{e}");
        let csv = read_parcel_file("p.csv", b"id,wkt\nP,\"POLYGON((0 0,1 0,1 1,0 0))\"\n").unwrap();
        assert_eq!((csv.format, csv.rows.len(), csv.own_crs), (ParcelInput::CsvWkt, 1, None));
    }
}
