//! `landtrace tiles build` archives read back by independent readers (PyPI
//! `pmtiles`, Python's sqlite3 for MBTiles, GDAL's MBTiles driver), and every
//! tile in them equals what the running server serves at the same z/x/y; the
//! tiles they leave out are the ones the server answers 204 (empty).

use std::collections::BTreeMap;
use std::process::Command;

use landtrace_blackbox_tests::{Server, landtrace, run};

/// Reads every tile of an archive: {"z/x/y": hex of the gunzipped MVT}, plus the bounds.
const PYTHON: &str = r#"
import gzip, json, sqlite3, sys
path, kind = sys.argv[1], sys.argv[2]
tiles = {}
if kind == "pmtiles":
    from pmtiles.reader import Reader, MmapSource, all_tiles
    with open(path, "rb") as f:
        reader = Reader(MmapSource(f))
        header = reader.header()
        assert header["tile_type"].name == "MVT", header["tile_type"]
        assert header["tile_compression"].name == "GZIP", header["tile_compression"]
        bounds = [header["min_lon_e7"] / 1e7, header["min_lat_e7"] / 1e7, header["max_lon_e7"] / 1e7, header["max_lat_e7"] / 1e7]
        meta = reader.metadata()
        layers = [l["id"] for l in meta["vector_layers"]]
        for (z, x, y), data in all_tiles(MmapSource(f)):
            tiles[f"{z}/{x}/{y}"] = gzip.decompress(data).hex()
else:
    con = sqlite3.connect(path)
    meta = dict(con.execute("select name, value from metadata"))
    assert meta["format"] == "pbf", meta
    bounds = [float(v) for v in meta["bounds"].split(",")]
    layers = [l["id"] for l in json.loads(meta["json"])["vector_layers"]]
    for z, x, row, data in con.execute("select zoom_level, tile_column, tile_row, tile_data from tiles"):
        tiles[f"{z}/{x}/{(1 << z) - 1 - row}"] = gzip.decompress(data).hex()
print(json.dumps({"bounds": bounds, "layers": layers, "tiles": tiles}))
"#;

fn read_archive(path: &std::path::Path, kind: &str) -> serde_json::Value {
    let out = Command::new("python3").args(["-c", PYTHON, path.to_str().unwrap(), kind]).output().expect("python3");
    assert!(out.status.success(), "{kind} reader: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The tiles of zoom z covering a WGS84 box (slippy-map numbering).
fn covering(bounds: &[f64], z: u32) -> Vec<(u32, u32, u32)> {
    let n = f64::from(1u32 << z);
    let x = |lon: f64| ((lon + 180.0) / 360.0 * n).floor() as u32;
    let y = |lat: f64| {
        let r = lat.to_radians();
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32
    };
    let mut tiles = Vec::new();
    for ty in y(bounds[3])..=y(bounds[1]) {
        for tx in x(bounds[0])..=x(bounds[2]) {
            tiles.push((z, tx, ty));
        }
    }
    tiles
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn archives_hold_the_servers_tiles_and_independent_readers_read_them() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("landtrace.gpkg");
    let server = Server::start(dir.path(), &store, &[]);
    let store_arg = store.to_str().unwrap();
    for (kind, file) in [("pmtiles", "county.pmtiles"), ("mbtiles", "county.mbtiles")] {
        let out = landtrace(
            dir.path(),
            &["tiles", "build", "all", "--out", file, "--minzoom", "8", "--maxzoom", "12", "--store", store_arg],
        );
        assert!(out.status.success(), "{kind}: {}", String::from_utf8_lossy(&out.stderr));
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("tiles of all (z8–12)"), "{said}");

        let archive = read_archive(&dir.path().join(file), kind);
        let tiles = archive["tiles"].as_object().unwrap();
        assert!(tiles.len() > 20, "{kind}: {} tiles", tiles.len());
        let layers: Vec<&str> = archive["layers"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        assert!(layers.contains(&"county_boundaries") && layers.contains(&"urban_grade_zones"), "{layers:?}");

        // Every tile over the archive's bounds: in the archive with the server's
        // bytes, or absent and empty on the server.
        let bounds: Vec<f64> = archive["bounds"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let mut seen = BTreeMap::new();
        for z in 8..=12 {
            for (z, x, y) in covering(&bounds, z) {
                let key = format!("{z}/{x}/{y}");
                let (status, body) = server.get_bytes(&format!("/tiles/all/{key}.mvt"));
                match tiles.get(&key) {
                    Some(stored) => {
                        assert_eq!(status, 200, "{kind} {key}");
                        assert_eq!(stored.as_str().unwrap(), hex(&body), "{kind} {key}: archive tile differs");
                    }
                    None => assert_eq!(status, 204, "{kind} {key}: the server has a tile the archive lacks"),
                }
                seen.insert(key, status);
            }
        }
        assert!(tiles.keys().all(|k| seen.contains_key(k)), "{kind}: tiles outside the bounds");
    }

    // GDAL's MBTiles driver opens the archive as vector layers.
    let path = dir.path().join("county.mbtiles");
    let out = run("ogrinfo", &["-ro", "-so", "-oo", "ZOOM_LEVEL=12", path.to_str().unwrap()]);
    assert!(out.status.success(), "ogrinfo: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("county_boundaries") && text.contains("truck_ban_zone"), "{text}");

    // Refusals: an existing file, an unknown set, an empty zoom range, a bad box.
    for (args, needle) in [
        (vec!["--out", "county.mbtiles"], "exists"),
        (vec!["--out", "x.pmtiles", "--maxzoom", "3", "--minzoom", "5"], "zoom range"),
        (vec!["--out", "x.zip"], "unknown archive format"),
        (vec!["--out", "x.pmtiles", "--bbox", "110,35,abc,36"], "not a number"),
    ] {
        let mut all = vec!["tiles", "build", "all"];
        all.extend(args);
        all.extend(["--store", store_arg]);
        let out = landtrace(dir.path(), &all);
        assert!(!out.status.success(), "{all:?} succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{all:?}: {err}");
    }
    let out = landtrace(dir.path(), &["tiles", "build", "nope", "--out", "y.pmtiles", "--store", store_arg]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no tile set named \"nope\""));
}
