//! `landtrace import`: all-or-nothing, with errors that name the feature and
//! field, and a store left exactly as it was when the input is rejected.

use landtrace_blackbox_tests::landtrace;

const GOOD: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"grade":3,"name":"新增三级地","accuracy":"illustrative","source":"test"},
   "geometry":{"type":"Polygon","coordinates":[[[110.60,35.30],[110.61,35.30],[110.61,35.31],[110.60,35.31],[110.60,35.30]]]}}]}"#;

const BAD: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"grade":3,"accuracy":"illustrative"},
   "geometry":{"type":"Polygon","coordinates":[[[110.60,35.30],[110.61,35.30],[110.61,35.31],[110.60,35.30]]]}},
  {"type":"Feature","properties":{"grade":9,"accuracy":"illustrative"},
   "geometry":{"type":"Polygon","coordinates":[[[110.60,35.30],[110.61,35.30],[110.61,35.31],[110.60,35.30]]]}},
  {"type":"Feature","properties":{"grade":2,"colour":"red","accuracy":"illustrative"},
   "geometry":{"type":"Point","coordinates":[110.6,35.3]}}]}"#;

fn count(dir: &std::path::Path, layer: &str) -> u64 {
    let out = landtrace(dir, &["layers"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.split_whitespace().next() == Some(layer)).expect("layer listed");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn rejected_import_changes_nothing_and_names_the_problems() {
    let dir = tempfile::tempdir().unwrap();
    let before_count = count(dir.path(), "urban_grade_zones");
    let store = dir.path().join("landtrace.gpkg");
    let before = std::fs::read(&store).unwrap();

    std::fs::write(dir.path().join("bad.geojson"), BAD).unwrap();
    let out = landtrace(dir.path(), &["import", "urban_grade_zones", "bad.geojson"]);
    assert!(!out.status.success(), "a bad import must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 of 3 features"), "{err}");
    assert!(err.contains("feature #2") && err.contains("grade"), "{err}");
    assert!(err.contains("feature #3") && err.contains("colour"), "{err}");
    assert!(err.contains("feature #3") && err.contains("Point"), "{err}");
    assert!(!err.contains("feature #1"), "{err}");

    assert_eq!(std::fs::read(&store).unwrap(), before, "the store file must be byte-for-byte unchanged");
    assert_eq!(count(dir.path(), "urban_grade_zones"), before_count);

    for (layer, file, body, needle) in [
        ("no_such_layer", "good.geojson", GOOD, "no layer named"),
        ("urban_grade_zones", "broken.geojson", "{\"type\": ", "not valid GeoJSON"),
        ("urban_grade_zones", "missing.geojson", "", "reading"),
    ] {
        if !body.is_empty() {
            std::fs::write(dir.path().join(file), body).unwrap();
        }
        let out = landtrace(dir.path(), &["import", layer, file]);
        assert!(!out.status.success(), "{layer} {file} must fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{layer} {file}: {err}");
        assert_eq!(std::fs::read(&store).unwrap(), before, "{layer} {file} changed the store");
    }
}

#[test]
fn good_import_adds_features() {
    let dir = tempfile::tempdir().unwrap();
    let before = count(dir.path(), "urban_grade_zones");
    std::fs::write(dir.path().join("good.geojson"), GOOD).unwrap();
    let out = landtrace(dir.path(), &["import", "urban_grade_zones", "good.geojson", "--actor", "tester"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 1 features"));
    assert_eq!(count(dir.path(), "urban_grade_zones"), before + 1);
}
