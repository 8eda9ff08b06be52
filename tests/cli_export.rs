//! `landtrace export`: the real binary writes every format from a store it created
//! from the bundled data; GDAL's `ogr2ogr`, as a bureau's desktop GIS would, reads each
//! file back and converts it to WGS84: the same number of features, the Chinese text
//! intact, every position within 1 mm of the stored one.

use std::path::Path;

use landtrace_blackbox_tests::{data_dir, landtrace, run};
use serde_json::Value;

/// The bundled origin points, as stored (the demo file).
fn stored() -> Vec<Value> {
    let text = std::fs::read_to_string(data_dir().join("demo/origin_points.geojson")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["features"].as_array().unwrap().clone()
}

/// The file read by ogr2ogr, converted to WGS84 GeoJSON.
fn read_as_wgs84(path: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["-f", "GeoJSON", "/vsistdout/", path, "-t_srs", "EPSG:4326", "-lco", "RFC7946=NO"];
    args.extend_from_slice(extra);
    let out = run("ogr2ogr", &args);
    assert!(out.status.success(), "{path}: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["features"].as_array().unwrap().clone()
}

fn export(dir: &Path, args: &[&str]) -> String {
    let out = landtrace(dir, &[&["export", "origin_points"], args].concat());
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn metres(a: &Value, b: &Value) -> f64 {
    let (ax, ay, bx, by) =
        (a[0].as_f64().unwrap(), a[1].as_f64().unwrap(), b[0].as_f64().unwrap(), b[1].as_f64().unwrap());
    let k = 6_371_000f64.to_radians();
    ((ax - bx) * k * ay.to_radians().cos()).hypot((ay - by) * k)
}

fn check(name: &str, read: &[Value], stored: &[Value], field: &str) {
    assert_eq!(read.len(), stored.len(), "{name}: feature count");
    for (r, s) in read.iter().zip(stored) {
        let moved = metres(&r["geometry"]["coordinates"], &s["geometry"]["coordinates"]);
        assert!(moved < 0.001, "{name}: moved {moved} m");
        assert_eq!(r["properties"][field], s["properties"]["subject_name"], "{name}: Chinese text");
    }
}

#[test]
fn every_format_read_back_by_ogr2ogr() {
    let dir = tempfile::tempdir().unwrap();
    let stored = stored();
    let d = dir.path().display().to_string();

    let said = export(dir.path(), &["--format", "gpkg", "--crs", "EPSG:4546", "--out", "op.gpkg"]);
    assert!(said.contains("exported 306 features") && said.contains("personal data"), "{said}");
    check("gpkg", &read_as_wgs84(&format!("{d}/op.gpkg"), &[]), &stored, "subject_name");

    export(dir.path(), &["--format", "geojson", "--crs", "EPSG:4546", "--out", "op.geojson"]);
    check("geojson", &read_as_wgs84(&format!("{d}/op.geojson"), &[]), &stored, "subject_name");

    // GBK, field names of at most 10 characters.
    export(dir.path(), &["--format", "shp", "--crs", "EPSG:4546", "--encoding", "gbk", "--out", "op.zip"]);
    check("shp", &read_as_wgs84(&format!("/vsizip/{d}/op.zip"), &[]), &stored, "subject_na");

    export(dir.path(), &["--format", "kml", "--out", "op.kml"]);
    check("kml", &read_as_wgs84(&format!("{d}/op.kml"), &[]), &stored, "subject_name");

    // A CSV declares no CRS: the reader is told, as a user would be by the file name.
    export(dir.path(), &["--format", "csv", "--crs", "EPSG:4546", "--out", "op.csv"]);
    let csv_options = ["-s_srs", "EPSG:4546", "-oo", "X_POSSIBLE_NAMES=X", "-oo", "Y_POSSIBLE_NAMES=Y"];
    check("csv", &read_as_wgs84(&format!("{d}/op.csv"), &csv_options), &stored, "subject_name");

    // DXF: geometry only.
    export(dir.path(), &["--format", "dxf", "--crs", "EPSG:4546", "--out", "op.dxf"]);
    let read = read_as_wgs84(&format!("{d}/op.dxf"), &["-s_srs", "EPSG:4546"]);
    assert_eq!(read.len(), stored.len(), "dxf");

    let out =
        landtrace(dir.path(), &["export", "origin_points", "--format", "kml", "--crs", "EPSG:4546", "--out", "x.kml"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("KML is always WGS84"));
    let out = landtrace(dir.path(), &["export", "nowhere", "--format", "csv", "--out", "x.csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no layer named \"nowhere\""));
}
