//! `landtrace import` through GDAL: every fixture is made at test time by GDAL's own
//! `ogr2ogr` from a small WGS84 GeoJSON the test writes (a GBK shapefile in
//! CGCS2000 zone 37, one in CM 111°E without a `.prj`, a zipped shapefile, a
//! GeoPackage, a file geodatabase, KML/KMZ, GPX, MapInfo, FlatGeobuf, DXF, CSV with
//! x/y, lon/lat, northing-first and WKT columns, XLSX), imported, and read back from
//! the store: counts, Chinese attributes intact, coordinates within 1 mm of the
//! originals. Bad and hostile files are refused with the store unchanged.

use std::path::Path;

use landtrace_blackbox_tests::{landtrace, layer_count as count, run};
use serde_json::Value;

/// The originals: name, category, longitude, latitude (in the county).
const POINTS: [(&str, &str, f64, f64); 3] = [
    ("临猗县苹果基地", "果品", 110.77, 35.14),
    ("猗氏镇冷库", "冷链", 110.603_125, 35.301_75),
    ("北辛乡物流园", "物流", 110.512_345_678, 35.087_654_321),
];

fn points_geojson(source: &str) -> String {
    let features: Vec<Value> = POINTS
        .iter()
        .map(|(name, category, lon, lat)| {
            serde_json::json!({"type": "Feature",
                "properties": {"name": name, "category": category, "accuracy": "illustrative", "source": source},
                "geometry": {"type": "Point", "coordinates": [lon, lat]}})
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn ogr2ogr(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("ogr2ogr").args(args).current_dir(dir).output().expect("running ogr2ogr");
    assert!(out.status.success(), "ogr2ogr {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Zips `members` (paths in `dir`) into `dir/zip_name` with Python's zipfile,
/// each stored under `prefix` + its file name.
fn zip(dir: &Path, zip_name: &str, members: &[&str], prefix: &str) {
    let script = "import sys, zipfile, os\n\
                  z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n\
                  for m in sys.argv[3:]:\n    z.write(m, sys.argv[2] + os.path.basename(m))\n\
                  z.close()\n";
    let mut args = vec!["-c", script, zip_name, prefix];
    args.extend_from_slice(members);
    let out = std::process::Command::new("python3").args(&args).current_dir(dir).output().expect("python3");
    assert!(out.status.success(), "zip: {}", String::from_utf8_lossy(&out.stderr));
}

fn import(dir: &Path, args: &[&str]) -> (bool, String) {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let out = landtrace(dir, &all);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// The stored features of `layer` whose `source` is `source`, as GeoJSON (read
/// by GDAL from the store).
fn stored(dir: &Path, layer: &str, source: &str) -> Vec<Value> {
    let filter = format!("source = '{source}'");
    let out = run(
        "ogr2ogr",
        &["-f", "GeoJSON", "/vsistdout/", dir.join("landtrace.gpkg").to_str().unwrap(), layer, "-where", &filter],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("GeoJSON from ogr2ogr");
    doc["features"].as_array().cloned().unwrap_or_default()
}

/// Distance in metres between two nearby lon/lat positions.
fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dx = (a.0 - b.0) * 111_320.0 * b.1.to_radians().cos();
    let dy = (a.1 - b.1) * 110_574.0;
    dx.hypot(dy)
}

/// The three points are stored under `source`, within 1 mm of the originals, and —
/// when the format carried them — with their Chinese names and categories.
fn check_points(dir: &Path, source: &str, names_kept: bool) {
    let features = stored(dir, "freight_sources", source);
    assert_eq!(features.len(), 3, "{source}: {features:?}");
    for (name, category, lon, lat) in POINTS {
        let found = features
            .iter()
            .find(|f| {
                let c = &f["geometry"]["coordinates"];
                metres((c[0].as_f64().unwrap(), c[1].as_f64().unwrap()), (lon, lat)) < 0.001
            })
            .unwrap_or_else(|| panic!("{source}: no stored point within 1 mm of {name} ({lon}, {lat}): {features:?}"));
        if names_kept {
            assert_eq!(found["properties"]["name"], name, "{source}");
            assert_eq!(found["properties"]["category"], category, "{source}");
        }
    }
}

#[test]
fn every_format_imports_with_chinese_attributes_and_millimetre_coordinates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let src = |source: &str| {
        let name = format!("src-{source}.geojson");
        std::fs::write(dir.join(&name), points_geojson(source)).unwrap();
        name
    };

    // A GBK shapefile in CGCS2000 / 3-degree Gauss-Kruger zone 37 (eastings carry "37").
    let s = src("shp-gbk");
    ogr2ogr(dir, &["-f", "ESRI Shapefile", "-lco", "ENCODING=GBK", "-t_srs", "EPSG:4525", "z37.shp", &s]);
    let dbf = std::fs::read(dir.join("z37.dbf")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode("临猗县苹果基地");
    assert!(dbf.windows(gbk.len()).any(|w| w == &gbk[..]), "the fixture's DBF holds GBK text");
    let (ok, out) = import(dir, &["freight_sources", "z37.shp"]);
    assert!(ok, "{out}");
    assert!(out.contains("attributes read as GB18030 (from the .cpg file: \"GBK\")"), "{out}");
    assert!(out.contains("coordinates read as EPSG:4525 (declared by the file)"), "{out}");
    check_points(dir, "shp-gbk", true);

    // The same shapefile zipped (in a folder inside the archive).
    let members = ["z37.shp", "z37.shx", "z37.dbf", "z37.prj", "z37.cpg"];
    zip(dir, "z37.zip", &members, "export/");
    let (ok, out) = import(dir, &["freight_sources", "z37.zip", "--dry-run"]);
    assert!(ok && out.contains("read export/z37.shp from the archive"), "{out}");
    assert!(out.contains("nothing was written (dry run)"), "{out}");
    assert_eq!(stored(dir, "freight_sources", "shp-gbk").len(), 3, "a dry run writes nothing");

    // CM 111°E without a .prj: recognised by its ranges, and said so.
    let s = src("shp-4546");
    ogr2ogr(dir, &["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-t_srs", "EPSG:4546", "cm111.shp", &s]);
    std::fs::remove_file(dir.join("cm111.prj")).unwrap();
    let (ok, out) = import(dir, &["freight_sources", "cm111.shp"]);
    assert!(ok, "{out}");
    assert!(out.contains("no zone number in the eastings: assumed the county's zone EPSG:4546"), "{out}");
    check_points(dir, "shp-4546", true);

    // Formats that keep the attributes as they are.
    for (source, driver, file, extra) in [
        ("gpkg", "GPKG", "p.gpkg", &["-t_srs", "EPSG:4525"][..]),
        ("gdb", "OpenFileGDB", "p.gdb", &["-t_srs", "EPSG:4546"][..]),
        ("fgb", "FlatGeobuf", "p.fgb", &[][..]),
        // MapInfo keeps integer coordinates over the file's bounds: tight bounds, fine steps.
        ("tab", "MapInfo File", "p.tab", &["-lco", "BOUNDS=110,35,111,36"][..]),
    ] {
        let s = src(source);
        let mut args = vec!["-f", driver, file, &s];
        args.extend_from_slice(extra);
        ogr2ogr(dir, &args);
        let (ok, out) = import(dir, &["freight_sources", file]);
        assert!(ok, "{source}: {out}");
        check_points(dir, source, true);
    }

    // Formats with their own field names, mapped by --fields.
    std::fs::write(
        dir.join("kml.toml"),
        "name = \"Name\"\ncategory = \"category\"\naccuracy = \"accuracy\"\nsource = { value = \"kml\" }\n",
    )
    .unwrap();
    let s = src("kml");
    ogr2ogr(dir, &["-f", "KML", "doc.kml", &s]);
    let (ok, out) = import(dir, &["freight_sources", "doc.kml", "--fields", "kml.toml"]);
    assert!(ok, "{out}");
    check_points(dir, "kml", true);
    zip(dir, "p.kmz", &["doc.kml"], "");
    std::fs::write(
        dir.join("kmz.toml"),
        std::fs::read_to_string(dir.join("kml.toml")).unwrap().replace("\"kml\"", "\"kmz\""),
    )
    .unwrap();
    let (ok, out) = import(dir, &["freight_sources", "p.kmz", "--fields", "kmz.toml"]);
    assert!(ok, "{out}");
    check_points(dir, "kmz", true);

    ogr2ogr(dir, &["-f", "GPX", "-dsco", "GPX_USE_EXTENSIONS=YES", "p.gpx", &src("gpx")]);
    std::fs::write(
        dir.join("gpx.toml"),
        "name = \"name\"\naccuracy = { value = \"illustrative\" }\nsource = { value = \"gpx\" }\n",
    )
    .unwrap();
    let (ok, out) = import(dir, &["freight_sources", "p.gpx", "--fields", "gpx.toml"]);
    assert!(ok && out.contains("the only one of 5 with features"), "{out}");
    let gpx = stored(dir, "freight_sources", "gpx");
    assert!(gpx.iter().any(|f| f["properties"]["name"] == "北辛乡物流园"), "{gpx:?}");
    check_points(dir, "gpx", false);

    ogr2ogr(dir, &["-f", "DXF", "p.dxf", &src("dxf")]);
    std::fs::write(
        dir.join("dxf.toml"),
        "name = \"EntityHandle\"\naccuracy = { value = \"illustrative\" }\nsource = { value = \"dxf\" }\n",
    )
    .unwrap();
    let (ok, out) = import(dir, &["freight_sources", "p.dxf", "--fields", "dxf.toml"]);
    assert!(ok, "{out}");
    check_points(dir, "dxf", false);

    // Tables: x/y in degrees, WKT, 经度/纬度, Gauss-Kruger northing first, a workbook.
    ogr2ogr(dir, &["-f", "CSV", "-lco", "GEOMETRY=AS_XY", "xy.csv", &src("csv-xy")]);
    ogr2ogr(dir, &["-f", "CSV", "-lco", "GEOMETRY=AS_WKT", "wkt.csv", &src("csv-wkt")]);
    let mut lonlat = String::from("名称,name,category,accuracy,source,经度,纬度\n");
    let mut northing_first = String::new();
    ogr2ogr(dir, &["-f", "CSV", "-lco", "GEOMETRY=AS_XY", "-t_srs", "EPSG:4525", "gk.csv", &src("gk")]);
    let gk = std::fs::read_to_string(dir.join("gk.csv")).unwrap();
    // gk.csv: X (easting),Y (northing),… in the source's field order.
    let header = gk.lines().next().unwrap();
    northing_first.push_str(&format!("x,y,{}\n", header.splitn(3, ',').nth(2).unwrap()));
    for ((name, category, lon, lat), line) in POINTS.iter().zip(gk.lines().skip(1)) {
        lonlat.push_str(&format!("{name},{name},{category},illustrative,csv-lonlat,{lon},{lat}\n"));
        // x = northing, y = easting, as surveyors write them.
        let cells: Vec<&str> = line.splitn(3, ',').collect();
        northing_first.push_str(&format!("{},{},{}\n", cells[1], cells[0], cells[2].replace(",gk", ",csv-gk")));
    }
    std::fs::write(dir.join("lonlat.csv"), &lonlat).unwrap();
    std::fs::write(dir.join("northing-first.csv"), &northing_first).unwrap();
    ogr2ogr(dir, &["-f", "XLSX", "-oo", "AUTODETECT_TYPE=YES", "p.xlsx", "lonlat.csv"]);
    let table_mapping =
        "name = \"name\"\ncategory = \"category\"\naccuracy = \"accuracy\"\nsource = { value = \"SOURCE\" }\n";
    for (source, file, needle) in [
        ("csv-xy", "xy.csv", "point geometries from the columns `X` and `Y`"),
        ("csv-wkt", "wkt.csv", "geometries from the WKT column `WKT`"),
        ("csv-lonlat", "lonlat.csv", "point geometries from the columns `经度` and `纬度`"),
        ("csv-gk", "northing-first.csv", "northing first (X = northing"),
        ("xlsx", "p.xlsx", "point geometries from the columns `经度` and `纬度`"),
    ] {
        let mapping = format!("{source}.toml");
        std::fs::write(dir.join(&mapping), table_mapping.replace("SOURCE", source)).unwrap();
        let (ok, out) = import(dir, &["freight_sources", file, "--fields", &mapping]);
        assert!(ok, "{source}: {out}");
        assert!(out.contains(needle), "{source}: {out}");
        check_points(dir, source, true);
    }
}

const POLYGONS: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"grade":3,"name":"三级","accuracy":"illustrative","source":"bad"},
   "geometry":{"type":"Polygon","coordinates":[[[110.60,35.30],[110.61,35.30],[110.61,35.31],[110.60,35.31],[110.60,35.30]]]}},
  {"type":"Feature","properties":{"grade":9,"name":"九级","accuracy":"illustrative","source":"bad"},
   "geometry":{"type":"Polygon","coordinates":[[[110.62,35.30],[110.63,35.30],[110.63,35.31],[110.62,35.31],[110.62,35.30]]]}},
  {"type":"Feature","properties":{"grade":2,"name":"蝴蝶","accuracy":"illustrative","source":"bad"},
   "geometry":{"type":"Polygon","coordinates":[[[110.64,35.30],[110.65,35.31],[110.65,35.30],[110.64,35.31],[110.64,35.30]]]}}]}"#;

#[test]
fn a_bad_file_is_refused_with_every_problem_and_the_store_unchanged_and_repair_is_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let before_count = count(dir, "urban_grade_zones");
    let store = dir.join("landtrace.gpkg");
    let before = std::fs::read(&store).unwrap();

    std::fs::write(dir.join("zones.geojson"), POLYGONS).unwrap();
    ogr2ogr(dir, &["-f", "GPKG", "-t_srs", "EPSG:4525", "-nln", "zones", "zones.gpkg", "zones.geojson"]);
    let (ok, out) = import(dir, &["urban_grade_zones", "zones.gpkg"]);
    assert!(!ok, "{out}");
    assert!(out.contains("2 of 3 features for layer urban_grade_zones have problems; nothing was stored"), "{out}");
    assert!(out.contains("feature #2: field \"grade\""), "{out}");
    assert!(out.contains("feature #3: invalid polygon geometry"), "{out}");
    assert!(!out.contains("feature #1:"), "{out}");
    assert_eq!(std::fs::read(&store).unwrap(), before, "the store file must be byte-for-byte unchanged");
    assert_eq!(count(dir, "urban_grade_zones"), before_count);

    // A multi-layer source needs --layer.
    ogr2ogr(dir, &["-f", "GPKG", "-update", "-nln", "other", "zones.gpkg", "zones.geojson"]);
    let (ok, out) = import(dir, &["urban_grade_zones", "zones.gpkg"]);
    assert!(!ok && out.contains("holds 2 layers (zones, other); name one with --layer"), "{out}");
    let (ok, out) = import(dir, &["urban_grade_zones", "zones.gpkg", "--layer", "nope"]);
    assert!(!ok && out.contains("has no layer \"nope\"; its layers: zones, other"), "{out}");

    // Only the bow tie: refused without --repair, repaired and listed with it.
    ogr2ogr(dir, &["-f", "GPKG", "-where", "grade = 2", "-nln", "bowtie", "bowtie.gpkg", "zones.geojson"]);
    let (ok, out) = import(dir, &["urban_grade_zones", "bowtie.gpkg"]);
    assert!(!ok && out.contains("feature #1: invalid polygon geometry"), "{out}");
    assert_eq!(std::fs::read(&store).unwrap(), before, "the store file must be byte-for-byte unchanged");
    let (ok, out) = import(dir, &["urban_grade_zones", "bowtie.gpkg", "--repair", "--dry-run"]);
    assert!(ok && out.contains("feature #1: polygon was invalid"), "{out}");
    assert!(out.contains("1 part(s) became 2"), "{out}");
    assert_eq!(std::fs::read(&store).unwrap(), before, "a dry run writes nothing");
    let (ok, out) = import(dir, &["urban_grade_zones", "bowtie.gpkg", "--repair"]);
    assert!(ok, "{out}");
    assert_eq!(count(dir, "urban_grade_zones"), before_count + 1);
}

#[test]
fn hostile_archives_are_refused_unopened_with_the_store_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    count(dir, "freight_sources"); // creates the store
    let store = dir.join("landtrace.gpkg");
    let before = std::fs::read(&store).unwrap();

    std::fs::write(dir.join("p.geojson"), points_geojson("zip")).unwrap();
    ogr2ogr(dir, &["-f", "ESRI Shapefile", "p.shp", "p.geojson"]);
    zip(dir, "traversal.zip", &["p.shp", "p.shx", "p.dbf"], "../");
    let (ok, out) = import(dir, &["freight_sources", "traversal.zip"]);
    assert!(!ok, "{out}");
    assert!(out.contains("traversal.zip: member \"../p.shp\" climbs out of the archive"), "{out}");

    // 1.1 GiB of zeros in a 1 MB archive.
    let script = "import sys, zipfile\n\
                  z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED, compresslevel=1)\n\
                  with z.open('bomb.shp', 'w', force_zip64=True) as f:\n\
                  \x20   chunk = bytes(1 << 20)\n\
                  \x20   for _ in range(1100):\n\
                  \x20       f.write(chunk)\n\
                  z.close()\n";
    let out = std::process::Command::new("python3").args(["-c", script, "bomb.zip"]).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::metadata(dir.join("bomb.zip")).unwrap().len() < 16 * 1024 * 1024);
    let (ok, out) = import(dir, &["freight_sources", "bomb.zip"]);
    assert!(!ok, "{out}");
    assert!(out.contains("bomb.zip unpacks to more than 1,073,741,824 bytes (1024 MiB)"), "{out}");
    assert!(out.contains("as a zip bomb would be"), "{out}");

    std::fs::write(dir.join("noise.csv"), "a,b\n1,2\n").unwrap();
    let (ok, out) = import(dir, &["freight_sources", "noise.csv"]);
    assert!(!ok && out.contains("feature #1: geometry is missing (expected a Point)"), "{out}");
    assert_eq!(std::fs::read(&store).unwrap(), before, "refused imports leave the store byte-for-byte unchanged");
}
