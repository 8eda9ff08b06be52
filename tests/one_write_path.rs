//! One write path: the same origin-point record is refused by every door that
//! writes records (`POST /api/trace/records`, `POST
//! /api/layers/origin_points/features`, `landtrace import origin_points`) with the
//! same problems, and the store is left as it was; the same good record is
//! accepted by each of them, normalised the same way.

use std::collections::BTreeSet;
use std::path::Path;

use landtrace_blackbox_tests::{Server, landtrace, run, sqlite_rows};
use serde_json::{Map, Value, json};

const TOKEN: &str = "one-write-path-admin-token-7c1e";

/// A record with problems in several fields: the phone is no phone, the unit
/// does not fit the product, the township does not exist, and the point lies
/// outside 临猗县 (in 永济市).
fn bad_record() -> Map<String, Value> {
    let Value::Object(m) = json!({
        "subject_name": "单一路径测试合作社", "subject_type": "农民专业合作社", "product": "韭菜",
        "township": "不存在乡", "contact_name": "测试联系人", "contact_phone": "12345",
        "scale": 50, "scale_unit": "头", "trace_means": "追溯码", "collected_on": "2023-06-13",
    }) else {
        unreachable!()
    };
    m
}

/// The same record, correct: in 猗氏镇, with a mobile phone and 亩.
fn good_record(name: &str) -> Map<String, Value> {
    let mut m = bad_record();
    m.insert("subject_name".into(), json!(name));
    m.insert("township".into(), json!("猗氏镇"));
    m.insert("contact_phone".into(), json!("13912345678"));
    m.insert("scale_unit".into(), json!("亩"));
    m
}

const BAD_POINT: (f64, f64) = (110.30, 34.90);
const GOOD_POINT: (f64, f64) = (110.78, 35.15);

/// The record as a body of `POST /api/trace/records` (fields plus lon/lat).
fn record_body(fields: &Map<String, Value>, (lon, lat): (f64, f64)) -> Value {
    let mut body = fields.clone();
    body.insert("lon".into(), json!(lon));
    body.insert("lat".into(), json!(lat));
    Value::Object(body)
}

/// The record as a GeoJSON FeatureCollection of one Point feature.
fn collection(fields: &Map<String, Value>, (lon, lat): (f64, f64)) -> Value {
    json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": fields, "geometry": {"type": "Point", "coordinates": [lon, lat]}}]})
}

/// (field, message) pairs of an answer's `problems`.
fn problems(answer: &Value) -> BTreeSet<(String, String)> {
    answer["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems listed: {answer}"))
        .iter()
        .map(|p| (p["field"].as_str().unwrap().to_owned(), p["message"].as_str().unwrap().to_owned()))
        .collect()
}

/// What the store holds: origin-point rows and audit rows.
fn rows(store: &Path) -> (Vec<Vec<Value>>, Vec<Vec<Value>>) {
    (
        sqlite_rows(
            store,
            "SELECT fid, hex(geom), subject_name, product, township_code, contact_phone, scale, scale_unit, \
             created_at, created_by FROM origin_points ORDER BY fid",
        ),
        sqlite_rows(store, "SELECT id, actor, layer, fid, action FROM landtrace_audit ORDER BY id"),
    )
}

/// The stored properties of the record named `name`, without the write's stamps.
fn stored(store: &Path, name: &str) -> Vec<Value> {
    let sql = format!(
        "SELECT subject_name, subject_type, product, township_code, contact_phone, scale, scale_unit, trace_means, \
         collected_on || '', created_by IS NOT NULL, created_at IS NOT NULL, hex(geom) \
         FROM origin_points WHERE subject_name = '{name}'"
    );
    let rows = sqlite_rows(store, &sql);
    assert_eq!(rows.len(), 1, "{name}: {rows:?}");
    let mut row = rows.into_iter().next().unwrap();
    row[0] = json!("(name)");
    row
}

#[test]
fn every_door_refuses_the_same_bad_record_with_the_same_problems() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("landtrace.gpkg");
    let out = landtrace(dir.path(), &["layers", "--store", store.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = rows(&store);

    let fields = bad_record();
    let mut server = Server::start_with_env(dir.path(), &store, &[], &[("LANDTRACE_ADMIN_TOKEN", TOKEN)]);
    let (status, by_records) = server.post_json("/api/trace/records", TOKEN, &record_body(&fields, BAD_POINT));
    assert_eq!(status, 400, "{by_records}");
    let (status, by_layer) =
        server.post_json("/api/layers/origin_points/features", TOKEN, &collection(&fields, BAD_POINT));
    assert_eq!(status, 400, "{by_layer}");
    assert!(by_layer["problems"].as_array().unwrap().iter().all(|p| p["feature"] == 1), "{by_layer}");
    server.terminate(std::time::Duration::from_secs(10));

    std::fs::write(dir.path().join("bad.geojson"), collection(&fields, BAD_POINT).to_string()).unwrap();
    let out = landtrace(dir.path(), &["import", "origin_points", "bad.geojson", "--store", store.to_str().unwrap()]);
    assert!(!out.status.success(), "the CLI must refuse the record");
    let by_cli = String::from_utf8_lossy(&out.stderr).into_owned();

    let expected = problems(&by_records);
    let fields_named: BTreeSet<&str> = expected.iter().map(|(f, _)| f.as_str()).collect();
    assert!(
        ["contact_phone", "scale_unit", "township", "position"].iter().all(|f| fields_named.contains(f)),
        "every problem of the record is found: {expected:?}"
    );
    assert_eq!(problems(&by_layer), expected, "the layer door finds the same problems as the records door");
    for (field, message) in &expected {
        assert!(by_cli.contains(&format!("{field}: {message}")), "the CLI names {field}: {message}\n{by_cli}");
    }
    assert!(by_cli.contains("feature #1"), "{by_cli}");
    assert_eq!(rows(&store), before, "no door changed the store");
}

#[test]
fn every_door_accepts_the_same_good_record_and_stores_it_alike() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("landtrace.gpkg");
    let out = landtrace(dir.path(), &["layers", "--store", store.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let mut server = Server::start_with_env(dir.path(), &store, &[], &[("LANDTRACE_ADMIN_TOKEN", TOKEN)]);
    let (status, answer) =
        server.post_json("/api/trace/records", TOKEN, &record_body(&good_record("经记录接口"), GOOD_POINT));
    assert_eq!(status, 201, "{answer}");
    let (status, answer) = server.post_json(
        "/api/layers/origin_points/features",
        TOKEN,
        &collection(&good_record("经图层接口"), GOOD_POINT),
    );
    assert_eq!(status, 201, "{answer}");
    server.terminate(std::time::Duration::from_secs(10));

    std::fs::write(dir.path().join("good.geojson"), collection(&good_record("经命令行"), GOOD_POINT).to_string())
        .unwrap();
    let out = landtrace(dir.path(), &["import", "origin_points", "good.geojson", "--store", store.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let by_records = stored(&store, "经记录接口");
    assert_eq!(by_records[3], "140821100", "the township name is resolved to its code: {by_records:?}");
    assert_eq!(by_records[9], 1, "created_by is stamped: {by_records:?}");
    assert_eq!(stored(&store, "经图层接口"), by_records);
    assert_eq!(stored(&store, "经命令行"), by_records);
}

#[test]
fn migrate_refuses_to_copy_a_record_no_door_would_accept() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.gpkg");
    let out = landtrace(dir.path(), &["layers", "--store", source.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A record written past the platform (with GDAL, as another program could edit
    // the file): its phone is no phone.
    let edit = |phone: &str, wanted: &str| {
        let sql = format!("UPDATE origin_points SET contact_phone = '{phone}' WHERE {wanted}");
        let out = run("ogrinfo", &[source.to_str().unwrap(), "-sql", &sql]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    edit("12345", "fid = (SELECT min(fid) FROM origin_points)");

    let target = dir.path().join("target.gpkg");
    let migrate =
        || landtrace(dir.path(), &["migrate", "--from", source.to_str().unwrap(), "--to", target.to_str().unwrap()]);
    let out = migrate();
    assert!(!out.status.success(), "the copy must be refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("contact_phone") && err.contains("12345") && err.contains("feature #1"), "{err}");
    assert!(!target.exists(), "a refused copy creates no target store");

    // The same store with the record mended copies.
    edit("13912345678", "contact_phone = '12345'");
    let out = migrate();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
