//! Import → export → import: a layer exported by `landtrace export` in every format that
//! carries attributes, in CGCS2000 / 3-degree Gauss-Krüger CM 111E (EPSG:4546) where the
//! format allows, then imported again by `landtrace import` into the same store: the
//! new features equal the stored ones — every attribute, the Chinese text intact —
//! and every vertex is within 1 mm after the two conversions. (DXF carries geometry
//! only and is checked by `cli_export`.)

use std::path::Path;

use landtrace_blackbox_tests::{landtrace, run};
use serde_json::Value;

/// The layer's features as stored, read from the store by GDAL, in fid order.
fn stored(dir: &Path, layer: &str) -> Vec<Value> {
    let store = dir.join("landtrace.gpkg");
    let out = run(
        "ogr2ogr",
        &[
            "-f",
            "GeoJSON",
            "/vsistdout/",
            store.to_str().unwrap(),
            layer,
            "-sql",
            &format!("SELECT * FROM {layer} ORDER BY fid"),
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["features"].as_array().cloned().unwrap_or_default()
}

fn coords(geometry: &Value, out: &mut Vec<(f64, f64)>) {
    match geometry {
        Value::Array(items) if items.len() >= 2 && items[0].is_number() => {
            out.push((items[0].as_f64().unwrap(), items[1].as_f64().unwrap()));
        }
        Value::Array(items) => items.iter().for_each(|i| coords(i, out)),
        _ => {}
    }
}

fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let k = 6_371_000f64.to_radians();
    ((a.0 - b.0) * k * a.1.to_radians().cos()).hypot((a.1 - b.1) * k)
}

/// Every vertex of `a` within 1 mm of one of `b`'s and back (rings may be reversed).
fn same_geometry(a: &Value, b: &Value) -> bool {
    let (mut pa, mut pb) = (Vec::new(), Vec::new());
    coords(&a["coordinates"], &mut pa);
    coords(&b["coordinates"], &mut pb);
    let near = |p: &(f64, f64), q: &[(f64, f64)]| q.iter().any(|r| metres(*p, *r) < 0.001);
    pa.len() == pb.len() && pa.iter().all(|p| near(p, &pb)) && pb.iter().all(|p| near(p, &pa))
}

fn same_properties(a: &Value, b: &Value) -> bool {
    let (a, b) = (a.as_object().unwrap(), b.as_object().unwrap());
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter().all(|k| match (a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null)) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (x, y) => x == y,
    })
}

fn landtrace_ok(dir: &Path, args: &[&str]) -> String {
    let out = if args.iter().any(|a| a.ends_with(".xlsx")) {
        // GDAL's XLSX reader guesses whether the first row is a header from the cell
        // types, and a sheet of text only (freight_sources) looks header-less; a user
        // tells it so (follow-up: the importer could force headers for workbooks).
        std::process::Command::new(landtrace_blackbox_tests::binary())
            .args(args)
            .current_dir(dir)
            .env("LANDTRACE_DATA", landtrace_blackbox_tests::data_dir())
            .env("OGR_XLSX_HEADERS", "FORCE")
            .env_remove("LANDTRACE_STORE")
            .output()
            .expect("running landtrace")
    } else {
        landtrace(dir, args)
    };
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

#[test]
fn every_format_with_attributes_round_trips_through_export_and_import() {
    for layer in ["freight_sources", "expropriation_areas"] {
        let cases: [(&str, &str, &str, &[&str]); 6] = [
            // The GeoJSON import reads EPSG:4326 unless told (it does not read the legacy
            // `crs` member the export writes for other systems).
            ("geojson", "EPSG:4546", "x.geojson", &["--crs", "EPSG:4546"]),
            ("gpkg", "EPSG:4546", "x.gpkg", &[]),
            ("shp", "EPSG:4546", "x.zip", &[]),
            ("kml", "EPSG:4326", "x.kml", &[]),
            // A CSV or a workbook declares no CRS: the importer is told, as the file name tells a person.
            ("csv", "EPSG:4546", "x.csv", &["--crs", "EPSG:4546"]),
            ("xlsx", "EPSG:4546", "x.xlsx", &["--crs", "EPSG:4546"]),
        ];
        for (format, crs, file, import_args) in cases {
            // A store of its own for each format, made from the bundled data.
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path();
            landtrace_ok(dir, &["layers"]);
            let originals = stored(dir, layer);
            assert!(!originals.is_empty(), "{layer}");
            let name = format!("{layer}-{file}");
            landtrace_ok(
                dir,
                &["export", layer, "--format", format, "--crs", crs, "--encoding", "utf-8", "--out", &name],
            );
            let before = originals.len();
            let mapping = format!("{layer}-fields.toml");
            let mut args = vec!["import", layer, name.as_str()];
            args.extend_from_slice(import_args);
            if format == "shp" {
                // The DBF names were cut to 10 characters: map them back.
                std::fs::write(dir.join(&mapping), shapefile_mapping(dir, &name, layer)).unwrap();
                args.extend_from_slice(&["--fields", &mapping]);
            }
            if format == "kml" {
                // LIBKML reads its own fields too (drawOrder, …): name the layer's. KML keeps a
                // `name` field as each placemark's <name> (its label in Google Earth), which
                // GDAL reads back as `Name`.
                let fields: String = layer_fields(layer)
                    .iter()
                    .map(|f| format!("{f} = \"{}\"\n", if *f == "name" { "Name" } else { f }))
                    .collect();
                std::fs::write(dir.join(&mapping), fields).unwrap();
                args.extend_from_slice(&["--fields", &mapping]);
            }
            landtrace_ok(dir, &args);
            let after = stored(dir, layer);
            let imported = &after[before..];
            assert_eq!(imported.len(), originals.len(), "{layer} as {format}: feature count");
            for original in &originals {
                let found = imported.iter().any(|f| {
                    same_properties(&f["properties"], &original["properties"])
                        && same_geometry(&f["geometry"], &original["geometry"])
                });
                assert!(found, "{layer} as {format}: no imported feature equals {original}\nimported: {imported:?}");
            }
        }
    }
}

/// The layer's fields (crates/domain/src/schema/layers.rs).
fn layer_fields(layer: &str) -> &'static [&'static str] {
    match layer {
        "freight_sources" => &["name", "category", "document", "accuracy", "source"],
        _ => &["project", "decision_no", "decision_date", "east", "west", "north", "south", "accuracy", "source"],
    }
}

/// The `--fields` mapping a user writes for a shapefile export: every DBF field
/// (listed by `ogrinfo`) under its layer name, from the zip's `field_names.txt` for
/// the names the export cut to 10 characters.
fn shapefile_mapping(dir: &Path, zip: &str, layer: &str) -> String {
    let path = dir.join(zip);
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\n\
                  print(z.read('field_names.txt').decode() if 'field_names.txt' in z.namelist() else '')";
    let out = run("python3", &["-c", script, path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let renamed: Vec<(String, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t').map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned())))
        .collect();
    let out = run("ogrinfo", &["-so", &format!("/vsizip/{}", path.display()), layer]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let fields = text.lines().skip_while(|l| !l.starts_with("Data axis")).skip(1);
    let mut mapping = String::new();
    for line in fields {
        let Some((short, _)) = line.split_once(": ") else { continue };
        let full = renamed.iter().find(|(s, _)| s == short).map_or(short, |(_, f)| f.as_str());
        mapping.push_str(&format!("{full} = \"{short}\"\n"));
    }
    mapping
}
