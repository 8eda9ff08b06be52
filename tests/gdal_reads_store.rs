//! GDAL's `ogrinfo` (a real, independent GeoPackage reader) lists and reads every
//! layer of the store landtrace creates, with the right geometry type, SRS and
//! feature count, and uses its R-tree spatial index.

use std::collections::BTreeMap;

use landtrace_blackbox_tests::{landtrace, run};

/// `landtrace layers` output: layer → (count, geometry).
fn landtrace_layers(dir: &std::path::Path) -> BTreeMap<String, (u64, String)> {
    let out = landtrace(dir, &["layers", "--store", "landtrace.gpkg"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols[0].to_owned(), (cols[1].parse().unwrap(), cols[2].to_owned()))
        })
        .collect()
}

/// `ogrinfo -al -so` output split per layer: name → summary text.
fn ogr_summaries(path: &str) -> BTreeMap<String, String> {
    let out = run("ogrinfo", &["-ro", "-al", "-so", path]);
    assert!(out.status.success(), "ogrinfo failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    text.split("\nLayer name: ")
        .skip(1)
        .map(|part| {
            let (name, rest) = part.split_once('\n').unwrap();
            (name.trim().to_owned(), rest.to_owned())
        })
        .collect()
}

#[test]
fn ogrinfo_lists_every_layer_with_type_srs_and_count() {
    let dir = tempfile::tempdir().unwrap();
    let ours = landtrace_layers(dir.path());
    // 16 layers, then issue 15's producers, truck-ban roads and household register.
    assert_eq!(ours.len(), 19, "{ours:?}");
    let path = dir.path().join("landtrace.gpkg");
    let ogr = ogr_summaries(path.to_str().unwrap());
    assert_eq!(ogr.keys().collect::<Vec<_>>(), ours.keys().collect::<Vec<_>>(), "ogrinfo must list exactly our layers");
    for (name, (count, geometry)) in &ours {
        let summary = &ogr[name];
        assert!(*count > 0, "{name} is empty");
        assert!(summary.contains(&format!("Feature Count: {count}")), "{name}: count {count} not in\n{summary}");
        let expected_geometry = match geometry.as_str() {
            "MULTIPOLYGON" => "Geometry: Multi Polygon",
            "POINT" => "Geometry: Point",
            "GEOMETRY" => "Geometry: Unknown (any)",
            _ => "Geometry: None",
        };
        assert!(summary.contains(expected_geometry), "{name}: expected {expected_geometry} in\n{summary}");
        if geometry != "-" {
            assert!(
                summary.contains("ID[\"EPSG\",4326]") || summary.contains("AUTHORITY[\"EPSG\",\"4326\"]"),
                "{name}: SRS is not EPSG:4326 in\n{summary}"
            );
        }
    }
}

#[test]
fn ogrinfo_reads_features_and_uses_the_spatial_index() {
    let dir = tempfile::tempdir().unwrap();
    let ours = landtrace_layers(dir.path());
    let path = dir.path().join("landtrace.gpkg");
    let path = path.to_str().unwrap();

    // Every feature of the grade zones decodes in GDAL.
    let out = run("ogrinfo", &["-ro", "-q", path, "urban_grade_zones"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("MULTIPOLYGON (((").count() as u64, ours["urban_grade_zones"].0, "{text}");
    assert!(text.contains("grade (Integer64) = 1"), "{text}");

    // GDAL reports the R-tree as usable: a spatial filter far away matches nothing,
    // one around the whole county matches everything.
    let out = run("ogrinfo", &["-ro", "-so", "-spat", "100", "20", "101", "21", path, "origin_points"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Feature Count: 0"));
    let out = run("ogrinfo", &["-ro", "-so", "-spat", "110", "34.5", "111.5", "35.6", path, "origin_points"]);
    let expected = format!("Feature Count: {}", ours["origin_points"].0);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&expected));
    let out = run("ogrinfo", &["-ro", "-q", "-sql", "SELECT HasSpatialIndex('origin_points', 'geom')", path]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("= 1"), "{}", String::from_utf8_lossy(&out.stdout));

    // The sponge facilities mix points and polygons in one GEOMETRY layer; GDAL reads both.
    let out = run("ogrinfo", &["-ro", "-q", path, "sponge_facilities"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let (points, polygons) = (text.matches("POINT (").count() as u64, text.matches("MULTIPOLYGON (((").count() as u64);
    assert!(points > 0 && polygons > 0, "{text}");
    assert_eq!(points + polygons, ours["sponge_facilities"].0, "{text}");
    assert!(text.contains("storage_depth_m (Real) = 0.15"), "{text}");
}
