//! One track checked with `landtrace check track` and one over
//! `POST /api/truck-ban/track`, on the same store: both summaries are recorded by the
//! one use case (`app::gps_track::record_check`) and `GET /api/dashboard` counts both
//! in the current ISO week (Asia/Shanghai), one per door, with their violations; the
//! answer names no plate and no user.

use landtrace_blackbox_tests::{Server, landtrace};

fn track() -> String {
    let mut csv = String::from("定位时间,经度,纬度\n");
    for k in 0..=20 {
        csv.push_str(&format!("2023-06-01 10:{k:02}:00,{:.4},35.1400\n", 110.74 + 0.002 * f64::from(k)));
    }
    csv
}

#[test]
fn checks_from_the_cli_and_http_are_counted_in_their_week() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("track.csv"), track()).unwrap();
    let vehicle = r#"{"class":"heavy","body":"other","energy":"fuel","purpose":"ordinary","plate":"晋M·C7777"}"#;
    let out = landtrace(
        dir.path(),
        &["check", "track", "track.csv", "--vehicle", vehicle, "--actor", "zhang.cli", "--out", "r.json"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("recorded as track check"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["stored"], true);
    let cli_violations = report["intervals"].as_array().unwrap().len();
    assert!(cli_violations > 0);

    let server = Server::start(dir.path(), &dir.path().join("landtrace.gpkg"), &[]);
    let (status, _, body) = server.request("POST", "/api/truck-ban/track?format=csv", &[], track().as_bytes());
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let judged: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let http_violations = judged["intervals"].as_array().unwrap().len();

    let (status, text) = server.get("/api/dashboard");
    assert_eq!(status, 200, "{text}");
    let d: serde_json::Value = serde_json::from_str(&text).unwrap();
    let weeks = d["truck_ban"]["weeks"].as_array().unwrap();
    let current = weeks.last().unwrap();
    assert_eq!(current["week"], d["week"], "the last week shown is the current one");
    assert_eq!(current["checks"], 2, "{current}");
    assert_eq!((current["http"].as_u64(), current["cli"].as_u64()), (Some(1), Some(1)));
    assert_eq!(current["violations"].as_u64(), Some((cli_violations + http_violations) as u64));
    assert!(weeks[..weeks.len() - 1].iter().all(|w| w["checks"] == 0));
    assert!(!text.contains("晋M") && !text.contains("zhang.cli"), "{text}");
}
