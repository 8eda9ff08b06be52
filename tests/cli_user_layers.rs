//! Layers the users define, from the command line: `landtrace import --new-layer`
//! and `landtrace layer create` infer the schema from a GBK shapefile of cadastral
//! parcels (宗地) in CGCS2000 zone 37 made by GDAL's `ogr2ogr`, create the layer in
//! the GeoPackage (read back by GDAL), and fill it through the one write path. A
//! dry run, a refused file and a taken name create nothing.

use std::path::Path;

use landtrace_blackbox_tests::{landtrace, run};
use serde_json::Value;

/// Two parcels (a square and a square with a hole) near the county seat.
fn parcels_geojson() -> String {
    let square = |x0: f64, y0: f64, d: f64| vec![[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]];
    serde_json::json!({"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "properties": {"ZDDM": "140821001001GB00001", "权利人": "张三", "ZDMJ": 1234.5, "DJRQ": "2024-03-01"},
         "geometry": {"type": "Polygon", "coordinates": [square(110.770, 35.140, 0.002)]}},
        {"type": "Feature",
         "properties": {"ZDDM": "140821001001GB00002", "权利人": "李四", "ZDMJ": 980.25, "DJRQ": "2024-03-02"},
         "geometry": {"type": "Polygon", "coordinates": [square(110.775, 35.140, 0.002), square(110.7755, 35.1405, 0.0005)]}}
    ]})
    .to_string()
}

fn ogr2ogr(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("ogr2ogr").args(args).current_dir(dir).output().expect("running ogr2ogr");
    assert!(out.status.success(), "ogr2ogr {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn cli(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = landtrace(dir, args);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// The layer `layer` of the store as GeoJSON, read by GDAL.
fn stored(dir: &Path, layer: &str) -> Option<Vec<Value>> {
    let out = run("ogr2ogr", &["-f", "GeoJSON", "/vsistdout/", dir.join("landtrace.gpkg").to_str().unwrap(), layer]);
    if !out.status.success() {
        return None;
    }
    let doc: Value = serde_json::from_slice(&out.stdout).expect("GeoJSON from ogr2ogr");
    Some(doc["features"].as_array().cloned().unwrap_or_default())
}

#[test]
fn a_new_layer_from_a_gbk_zone_37_shapefile_is_created_filled_and_read_by_gdal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("zd.geojson"), parcels_geojson()).unwrap();
    ogr2ogr(dir, &["-f", "ESRI Shapefile", "-lco", "ENCODING=GBK", "-t_srs", "EPSG:4525", "zd.shp", "zd.geojson"]);

    // The owner is asked for; nothing is created without it.
    let (ok, out) = cli(dir, &["import", "zongdi", "zd.shp", "--new-layer"]);
    assert!(!ok && out.contains("needs its owner"), "{out}");
    // A dry run checks and creates nothing.
    let new_layer = ["--new-layer", "--owner", "land", "--title-zh", "宗地", "--title-en", "Cadastral parcels"];
    let mut args = vec!["import", "zongdi", "zd.shp", "--dry-run"];
    args.extend_from_slice(&new_layer);
    let (ok, out) = cli(dir, &args);
    assert!(ok && out.contains("nothing was created (dry run)"), "{out}");
    assert!(out.contains("field field_") && out.contains("(from 权利人): text, personal"), "{out}");
    assert!(stored(dir, "zongdi").is_none(), "a dry run creates no table");

    let mut args = vec!["import", "zongdi", "zd.shp"];
    args.extend_from_slice(&new_layer);
    let (ok, out) = cli(dir, &args);
    assert!(ok && out.contains("created layer zongdi and imported 2 features"), "{out}");
    assert!(out.contains("coordinates read as EPSG:4525"), "{out}");

    // GDAL reads the new table: the attributes as written, Chinese intact, the
    // hole kept, the coordinates where they were.
    let features = stored(dir, "zongdi").expect("GDAL reads the new layer");
    assert_eq!(features.len(), 2);
    let p = &features[1]["properties"];
    assert_eq!(p["zddm"], "140821001001GB00002");
    assert_eq!(p["zdmj"], 980.25);
    assert_eq!(p["djrq"], "2024-03-02");
    let owner_column = p.as_object().unwrap().iter().find(|(_, v)| *v == "李四").map(|(k, _)| k.clone());
    assert!(owner_column.as_deref().is_some_and(|k| k.starts_with("field_")), "{p}");
    let rings = features[1]["geometry"]["coordinates"][0].as_array().unwrap();
    assert_eq!(rings.len(), 2, "the hole survives");
    let first = &rings[0][0];
    let (lon, lat) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
    assert!((lon - 110.775).abs() < 1e-8 && (lat - 35.140).abs() < 1e-8, "{first}");

    // Listed with its count, and a second import goes into it like any layer's.
    let (ok, out) = cli(dir, &["layers"]);
    assert!(ok && out.lines().any(|l| l.starts_with("zongdi") && l.contains(" 2 ") && l.contains("宗地")), "{out}");
    let (ok, out) = cli(dir, &["import", "zongdi", "zd.geojson", "--fields", "/dev/null"]);
    assert!(!ok, "the source names differ from the columns: {out}");
    let mapping = dir.join("map.toml");
    std::fs::write(&mapping, "zddm = \"ZDDM\"\nzdmj = \"ZDMJ\"\n").unwrap();
    let (ok, out) = cli(dir, &["import", "zongdi", "zd.geojson", "--fields", mapping.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert_eq!(stored(dir, "zongdi").unwrap().len(), 4);

    // Its own tile set: an archive GDAL reads, with the layer and without its
    // personal field.
    let (ok, out) = cli(dir, &["tiles", "build", "zongdi", "--out", "zongdi.mbtiles", "--maxzoom", "14"]);
    assert!(ok, "{out}");
    let info = run("ogrinfo", &["-ro", "-al", "-q", dir.join("zongdi.mbtiles").to_str().unwrap()]);
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(info.contains("140821001001GB00001") && !info.contains("张三"), "{info}");

    // Exported like any layer, the owner's name included (the command line is
    // the bureau's own machine; it says so).
    let (ok, out) = cli(dir, &["export", "zongdi", "--format", "geojson", "--out", "zongdi-out.geojson"]);
    assert!(ok && out.contains("exported 4 features of zongdi") && out.contains("personal data"), "{out}");
    let exported = std::fs::read_to_string(dir.join("zongdi-out.geojson")).unwrap();
    assert!(exported.contains("140821001001GB00002") && exported.contains("李四"), "{exported}");

    // The name is taken now: refused, nothing changes.
    let mut args = vec!["import", "zongdi", "zd.shp"];
    args.extend_from_slice(&new_layer);
    let (ok, out) = cli(dir, &args);
    assert!(!ok && out.contains("exists already"), "{out}");
    assert_eq!(stored(dir, "zongdi").unwrap().len(), 4);
}

#[test]
fn layer_create_makes_an_empty_layer_and_refused_files_create_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("zd.geojson"), parcels_geojson()).unwrap();
    let (ok, out) = cli(
        dir,
        &[
            "layer",
            "create",
            "jbnt",
            "--from",
            "zd.geojson",
            "--owner",
            "land",
            "--title-zh",
            "永久基本农田",
            "--private",
        ],
    );
    assert!(ok && out.contains("created layer jbnt"), "{out}");
    assert!(out.contains("not public"), "{out}");
    assert_eq!(stored(dir, "jbnt").expect("the table exists").len(), 0);

    // A built-in layer's name, a bad name and an unknown owner are refused.
    for (name, owner, expected) in [
        ("origin_points", "land", "exists already"),
        ("Bad-Name", "land", "not allowed"),
        ("ok_name", "mayor", "not a role"),
    ] {
        let (ok, out) = cli(dir, &["layer", "create", name, "--from", "zd.geojson", "--owner", owner]);
        assert!(!ok && out.contains(expected), "{name}: {out}");
    }

    // A file with a line: refused, no layer.
    let lines = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"名称":"沟渠"},
        "geometry":{"type":"LineString","coordinates":[[110.77,35.14],[110.78,35.15]]}}]}"#;
    std::fs::write(dir.join("lines.geojson"), lines).unwrap();
    let (ok, out) = cli(dir, &["import", "qudao", "lines.geojson", "--new-layer", "--owner", "land"]);
    assert!(!ok && out.contains("points or polygons"), "{out}");
    // A polygon without a required field cannot happen (inferred fields are
    // optional), but a polygon that is not valid is refused without --repair.
    let bowtie = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"名称":"甲"},
        "geometry":{"type":"Polygon","coordinates":[[[110.77,35.14],[110.78,35.15],[110.78,35.14],[110.77,35.15],[110.77,35.14]]]}}]}"#;
    std::fs::write(dir.join("bowtie.geojson"), bowtie).unwrap();
    let (ok, out) = cli(dir, &["import", "bowtie", "bowtie.geojson", "--new-layer", "--owner", "land"]);
    assert!(!ok && out.contains("was not created"), "{out}");
    let (ok, out) = cli(dir, &["layers"]);
    assert!(ok && !out.contains("qudao") && !out.contains("bowtie") && out.contains("jbnt"), "{out}");
}
