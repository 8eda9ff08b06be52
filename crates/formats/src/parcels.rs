//! Parcels for batch checks: a GeoJSON FeatureCollection (or Feature, or bare
//! geometry) of Polygons/MultiPolygons, or CSV with a WKT column.
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

use crate::geojson_geometry::{check_vertices, polygons_from_geojson};

/// The format of a parcel file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParcelInput {
    /// GeoJSON (RFC 7946).
    GeoJson,
    /// CSV with a header and a `wkt` (or `geometry`/`geom`) column.
    CsvWkt,
}

impl ParcelInput {
    /// Guesses the format from a file name, then from the content.
    pub fn detect(name: &str, text: &str) -> ParcelInput {
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
    /// The geometry (lon/lat as given; the caller converts the CRS), or why not.
    pub geometry: Result<MultiPolygon<f64>, String>,
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
    };
    Limit::FeaturesPerRequest.check(rows.len() as u64, "the parcel file")?;
    let vertices: usize = rows.iter().filter_map(|r| r.geometry.as_ref().ok()).map(|g| g.coords_count()).sum();
    Limit::VerticesPerRequest.check(vertices as u64, "the parcel file")?;
    Ok(rows)
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
}
