//! Personal data never reaches the server log: a real `landtrace serve` at
//! RUST_LOG=debug takes origin-point records (one valid, one refused) and answers
//! reads; neither the contact names nor the phone numbers appear in its log.

use landtrace_blackbox_tests::Server;
use serde_json::json;

const TOKEN: &str = "log-test-token-0123456789";

#[test]
fn contact_names_and_phones_stay_out_of_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("landtrace.gpkg");
    let server =
        Server::start_with_env(dir.path(), &store, &[], &[("RUST_LOG", "debug"), ("LANDTRACE_ADMIN_TOKEN", TOKEN)]);
    let record = json!({
        "lon": 110.7801, "lat": 35.1502, "subject_name": "日志测试农场", "subject_type": "家庭农场",
        "product": "韭菜", "township": "猗氏镇", "contact_name": "日志检查人", "contact_phone": "13955550001",
        "grid_officer_name": "日志网格员", "grid_officer_phone": "0359-4955501",
        "scale": 2.0, "scale_unit": "亩", "collected_on": "2023-06-13",
    });
    let (status, body) = server.post_json("/api/trace/records", TOKEN, &record);
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();

    // A refused record: its problems name the fields, the server logs nothing of it.
    let mut bad = record.clone();
    bad["contact_phone"] = json!("13955550002x");
    bad["contact_name"] = json!("日志拒绝人");
    let (status, body) = server.post_json("/api/trace/records", TOKEN, &bad);
    assert_eq!(status, 400, "{body}");

    let (status, anonymous) = server.get_json(&format!("/api/trace/records/{id}"));
    assert_eq!(status, 200);
    assert!(anonymous["properties"].get("contact_phone").is_none(), "{anonymous}");
    assert_eq!(server.get("/api/trace/records").0, 200);
    assert_eq!(server.get("/tiles/origin_points/14/13425/6503.mvt").0 / 100, 2);

    let log = server.log();
    assert!(log.contains("origin-point record written"), "the log is captured: {log}");
    for secret in ["13955550001", "13955550002", "4955501", "日志检查人", "日志拒绝人", "日志网格员"] {
        assert!(!log.contains(secret), "the server log carries {secret:?}:\n{log}");
    }
}
