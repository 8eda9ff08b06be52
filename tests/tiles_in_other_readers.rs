//! Tiles served by `landtrace serve` decode in independent readers: GDAL's MVT
//! driver (`ogrinfo`) and the PyPI `mapbox-vector-tile` decoder, with the same
//! layer names and feature counts, and geometry inside the buffered tile.

use std::collections::BTreeMap;
use std::process::Command;

use landtrace_blackbox_tests::{Server, run};

/// Tile (z, x, y) over the county seat 110.775E 35.14N, and one at county scale.
const TILES: [(u32, u32, u32); 3] = [(12, 3308, 1620), (14, 13233, 6481), (9, 413, 202)];
const EXTENT: f64 = 4096.0;
const BUFFER: f64 = 64.0;

fn gdal_counts(path: &str, (z, x, y): (u32, u32, u32)) -> BTreeMap<String, u64> {
    let (z, x, y) = (format!("Z={z}"), format!("X={x}"), format!("Y={y}"));
    let out = run("ogrinfo", &["-ro", "-al", "-so", "-oo", &z, "-oo", &x, "-oo", &y, path]);
    assert!(out.status.success(), "ogrinfo: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut counts = BTreeMap::new();
    let mut layer = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            layer = Some(name.trim().to_owned());
        } else if let Some(count) = line.strip_prefix("Feature Count: ") {
            let name = layer.take().expect("Feature Count follows a Layer name");
            counts.insert(name, count.trim().parse().unwrap());
        }
    }
    counts
}

const PYTHON: &str = r#"
import json, sys
import mapbox_vector_tile
tile = mapbox_vector_tile.decode(open(sys.argv[1], "rb").read(), default_options={"y_coord_down": True})
out = {}
def walk(c, acc):
    if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
        acc.append(c)
    elif isinstance(c, (list, tuple)):
        for x in c:
            walk(x, acc)
for name, layer in tile.items():
    pts = []
    for f in layer["features"]:
        walk(f["geometry"]["coordinates"], pts)
    xs = [p[0] for p in pts] or [0]
    ys = [p[1] for p in pts] or [0]
    out[name] = {"count": len(layer["features"]), "extent": layer["extent"],
                 "min": min(min(xs), min(ys)), "max": max(max(xs), max(ys)),
                 "keys": sorted({k for f in layer["features"] for k in f["properties"]})}
print(json.dumps(out))
"#;

#[test]
fn gdal_and_mapbox_vector_tile_read_our_tiles() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &dir.path().join("landtrace.gpkg"), &[]);
    for (z, x, y) in TILES {
        let (status, bytes) = server.get_bytes(&format!("/tiles/all/{z}/{x}/{y}.mvt"));
        assert_eq!(status, 200, "tile {z}/{x}/{y}");
        let path = dir.path().join(format!("{z}-{x}-{y}.mvt"));
        std::fs::write(&path, &bytes).unwrap();
        let path = path.to_str().unwrap();

        let gdal = gdal_counts(path, (z, x, y));
        let out = Command::new("python3").args(["-c", PYTHON, path]).output().expect("python3");
        assert!(out.status.success(), "mapbox-vector-tile: {}", String::from_utf8_lossy(&out.stderr));
        let py: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let py_counts: BTreeMap<String, u64> =
            py.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v["count"].as_u64().unwrap())).collect();

        assert!(!gdal.is_empty(), "tile {z}/{x}/{y} has layers");
        assert_eq!(gdal, py_counts, "tile {z}/{x}/{y}: GDAL and mapbox-vector-tile disagree");
        assert!(gdal.contains_key("county_boundaries"), "{gdal:?}");
        if z >= 12 {
            for layer in ["urban_grade_zones", "truck_ban_zone"] {
                assert!(gdal.contains_key(layer), "tile {z}/{x}/{y}: {layer} missing from {gdal:?}");
            }
        }
        for (name, layer) in py.as_object().unwrap() {
            assert_eq!(layer["extent"].as_f64().unwrap(), EXTENT);
            let (min, max) = (layer["min"].as_f64().unwrap(), layer["max"].as_f64().unwrap());
            assert!(
                min >= -BUFFER && max <= EXTENT + BUFFER,
                "{name} in {z}/{x}/{y}: {min}..{max} outside the buffered tile"
            );
            let keys = layer["keys"].to_string();
            assert!(!keys.contains("phone") && !keys.contains("contact"), "{name}: personal keys {keys}");
        }
    }
}
