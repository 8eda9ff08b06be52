//! The input policy over HTTP (issue 11, item 7): absurd magnitudes, unclosed rings,
//! byte-order marks and empty imports get a clear 4xx naming the problem and leave the
//! store as it was; CSV downloads never carry a formula (item 5).

mod common;

use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_server::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

const TOKEN: &str = "inputs-admin-token";

async fn state(dir: &Path) -> AppState {
    common::bundled_state(dir, TOKEN).await
}

async fn send(state: &AppState, method: &str, uri: &str, token: Option<&str>, body: Body) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app(state.clone()).oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    (status, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

async fn post(state: &AppState, uri: &str, token: Option<&str>, body: impl Into<Body>) -> (StatusCode, Value) {
    let (status, bytes) = send(state, "POST", uri, token, body.into()).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The error message of a 400 answer.
fn bad_request(status: StatusCode, body: &Value) -> String {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    body["error_en"].as_str().map_or_else(|| body.to_string(), str::to_owned)
}

/// Everything a write could change: the counts of every layer and the audit trail.
async fn snapshot(state: &AppState) -> (Vec<landtrace_store::LayerCount>, usize) {
    (state.store.counts().await.unwrap(), state.store.audit(100_000).await.unwrap().len())
}

fn zone_collection(ring: Value) -> Value {
    json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"name": "测试整治项目", "project_type": "土地整治", "accuracy": "illustrative"}}]})
}

fn closed_ring() -> Value {
    json!([[110.61, 35.30], [110.611, 35.30], [110.611, 35.301], [110.61, 35.301], [110.61, 35.30]])
}

#[tokio::test]
async fn layer_imports_refuse_empty_collections_and_unclosed_rings_and_take_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let uri = "/api/layers/consolidation_projects/features";
    let before = snapshot(&state).await;

    let empty = json!({"type": "FeatureCollection", "features": []}).to_string();
    let (status, body) = post(&state, uri, Some(TOKEN), empty).await;
    assert_eq!(
        bad_request(status, &body),
        "input for layer consolidation_projects has no features; nothing was stored"
    );

    let open = zone_collection(json!([[110.61, 35.30], [110.611, 35.30], [110.611, 35.301], [110.61, 35.301]]));
    let (status, body) = post(&state, uri, Some(TOKEN), open.to_string()).await;
    let message = bad_request(status, &body);
    assert!(
        message.contains("feature #1: geometry: polygon exterior ring is not closed: it starts at [110.61, 35.3] and ends at [110.61, 35.301]"),
        "{message}"
    );
    assert_eq!(snapshot(&state).await, before, "refused writes change nothing");

    let with_bom = format!("\u{feff}{}", zone_collection(closed_ring()));
    let (status, body) = post(&state, uri, Some(TOKEN), with_bom).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["inserted"], 1);
}

#[tokio::test]
async fn absurd_magnitudes_are_refused_naming_the_field_and_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let before = snapshot(&state).await;

    // 1e308 head of pigs, through the traceability API and the layer import.
    let record = json!({
        "lon": 110.7801, "lat": 35.1502, "subject_name": "测试养殖场", "subject_type": "家庭农场", "product": "生猪",
        "township": "猗氏镇", "contact_name": "测试联系人", "contact_phone": "13912345678",
        "scale": 1e308, "scale_unit": "头", "collected_on": "2023-06-13",
    });
    let (status, body) = post(&state, "/api/trace/records", Some(TOKEN), record.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let problems = body.to_string();
    assert!(
        problems.contains("1e308 is out of range; allowed: whole numbers more than 0 and at most 10000000 头"),
        "{problems}"
    );
    let pigs = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "geometry": {"type": "Point", "coordinates": [110.7801, 35.1502]},
        "properties": {"subject_name": "测试养殖场", "subject_type": "家庭农场", "product": "生猪",
                       "township_code": "140821100", "contact_name": "测试联系人", "contact_phone": "13912345678",
                       "scale": 30.5, "scale_unit": "头", "accuracy": "illustrative"}}]});
    let (status, body) = post(&state, "/api/layers/origin_points/features", Some(TOKEN), pigs.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("30.5 is not a whole number"), "{body}");

    // A sponge facility of 1e308 m³ through the layer import.
    let facility = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "geometry": {"type": "Point", "coordinates": [110.77, 35.14]},
        "properties": {"name": "调蓄池", "kind": "调蓄池", "volume_m3": 1e308, "accuracy": "illustrative"}}]});
    let (status, body) =
        post(&state, "/api/layers/sponge_facilities/features", Some(TOKEN), facility.to_string()).await;
    assert!(bad_request(status, &body).contains("field \"volume_m3\": 1e308 is out of range"), "{body}");
    assert_eq!(snapshot(&state).await, before, "refused writes change nothing");

    // 1e308 mm of rain: a short message, not a 300-digit number.
    let (status, body) =
        send(&state, "GET", "/api/sponge/projects/1/runoff?design_rainfall_mm=1e308", None, Body::empty()).await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    let message = bad_request(status, &body);
    assert!(
        message.contains("\"design_rainfall_mm\": 1e308 is out of range; allowed: more than 0 and at most 2000 mm"),
        "{message}"
    );
    assert!(message.len() < 600, "{message}");
    let square = json!({"type": "Polygon", "coordinates": [closed_ring()]});
    let (status, body) =
        post(&state, "/api/sponge/runoff", None, json!({"geometry": square, "surfaces": "屋面=1e308"}).to_string())
            .await;
    assert!(bad_request(status, &body).contains("1e308 is out of range"), "{body}");

    // Compensation, consolidation and truck dimensions.
    for (uri, request, needle) in [
        (
            "/api/land/expropriation/compensation",
            json!({"decision_no": "临政发〔2023〕10号", "appraised_value_yuan": 800000, "building_area_m2": 1e308, "signed_day_after_appraisal": 20}),
            "field \"building_area_m2\": 1e308 is out of range",
        ),
        (
            "/api/land/expropriation/compensation",
            json!({"decision_no": "临政发〔2023〕10号", "appraised_value_yuan": 800000, "building_area_m2": 120, "signed_day_after_appraisal": 1e308}),
            "field \"signed_day_after_appraisal\": 1e308 is out of range; allowed: whole numbers from 0 to 3660 days",
        ),
        (
            "/api/land/consolidation",
            json!({"project_type": "土地整治", "area_mu": 1e308}),
            "field \"area_mu\": 1e308 is out of range; allowed: from 0 to 3000000 亩",
        ),
        (
            "/api/land/consolidation",
            json!({"project_type": "土地整治", "area_mu": 100, "attachments": {"abandoned_homesteads": 1e308}}),
            "field \"abandoned_homesteads\": 1e308 is out of range",
        ),
        (
            "/api/truck-ban/check",
            json!({"lon": 110.77, "lat": 35.14, "at": "2023-06-01T10:00:00+08:00",
                   "vehicle": {"length_mm": 1e308, "total_mass_kg": 15000, "body": "open", "energy": "fuel"}}),
            "field \"length_mm\": 1e308 is out of range",
        ),
    ] {
        let (status, body) = post(&state, uri, None, request.to_string()).await;
        let message = bad_request(status, &body);
        assert!(message.contains(needle), "{uri} {request}: {message}");
    }
}

#[tokio::test]
async fn parcels_with_unclosed_rings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let open = json!({"type": "Polygon", "coordinates": [[[110.77, 35.14], [110.78, 35.14], [110.78, 35.15]]]});
    for (uri, request) in [
        ("/api/land/valuation", json!({"parcel": open, "use": "住宅"})),
        ("/api/land/expropriation", json!({"parcel": open})),
        ("/api/land/consolidation", json!({"project_type": "土地整治", "parcel": open})),
    ] {
        let (status, body) = post(&state, uri, None, request.to_string()).await;
        let message = bad_request(status, &body);
        assert!(message.contains("`parcel`: polygon exterior ring is not closed"), "{uri}: {message}");
    }
}

#[tokio::test]
async fn the_ledger_csv_never_carries_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let township = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "geometry": {"type": "Point", "coordinates": [110.77, 35.14]},
        "properties": {"code": "140821999", "name": "=HYPERLINK(\"http://x.example\",\"点击\")", "kind": "镇",
                       "parent_code": "140821", "accuracy": "illustrative"}}]});
    let (status, body) = post(&state, "/api/layers/townships/features", Some(TOKEN), township.to_string()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, csv) = send(&state, "GET", "/api/trace/ledger?week=2023-W24&format=csv", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    let line = csv.lines().find(|l| l.contains("140821999")).expect("the new township has a line");
    assert!(line.starts_with("\"'=HYPERLINK(\"\"http://x.example\"\",\"\"点击\"\")\",140821999,"), "{line}");
    // Changes since last week stay numbers (`+1`, `-2` are data, not formulas).
    assert!(!csv.contains("'+") && !csv.contains("'-"), "{csv}");
}

/// Over-limit geometries must be told apart: 422 for one geometry, 413 for the request.
/// The store reports them as `StoreError::LimitExceeded`; the mapping in
/// `crates/server/src/error.rs` comes with its rewrite.
#[tokio::test]
async fn oversized_geometries_are_422_and_oversized_requests_413() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let ring = |n: usize| {
        let mut coords: Vec<Value> = (0..n - 1)
            .map(|i| {
                // Four decimals keep 2 million vertices under the 64 MiB body limit of layer imports.
                let a = i as f64 / (n - 1) as f64 * std::f64::consts::TAU;
                let round = |x: f64| (x * 1e4).round() / 1e4;
                json!([round(110.77 + 0.01 * a.cos()), round(35.14 + 0.01 * a.sin())])
            })
            .collect();
        coords.push(coords[0].clone());
        Value::Array(coords)
    };
    let limit = landtrace_domain::input_limits::MAX_VERTICES_PER_GEOMETRY as usize;
    let uri = "/api/layers/consolidation_projects/features";
    let (status, body) = post(&state, uri, Some(TOKEN), zone_collection(ring(limit + 1)).to_string()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("200,001 vertices"), "{body}");
    let mut many = zone_collection(ring(190_000));
    let feature = many["features"][0].clone();
    many["features"] = Value::Array(vec![feature; 11]);
    let (status, body) = post(&state, uri, Some(TOKEN), many.to_string()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}
