//! Retries and browsers from other hosts, in-process over a real GeoPackage:
//! `Idempotency-Key` makes a retried write happen once; CORS is off unless an
//! origin is configured; links in TileJSON never come from what a client
//! claims.

mod common;

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::bundled::read_bundled;
use landtrace_store::{Actor, GeoPackageStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const TOKEN: &str = "write-safety-admin-token";

async fn call(state: &AppState, req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn post(uri: &str, key: Option<&str>, body: &Value) -> Request<Body> {
    let mut req = Request::post(uri)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {TOKEN}"));
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.body(Body::from(body.to_string())).unwrap()
}

fn project(name: &str) -> Value {
    let (lon, lat, d) = (110.61, 35.30, 0.001);
    json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]},
        "properties": {"name": name, "project_type": "土地整治", "accuracy": "illustrative"}}]})
}

async fn layer_count(state: &AppState, layer: &str) -> u64 {
    let (_, _, body) = call(state, Request::get("/api/layers").body(Body::empty()).unwrap()).await;
    body["layers"].as_array().unwrap().iter().find(|l| l["layer"] == layer).unwrap()["count"].as_u64().unwrap()
}

#[tokio::test]
async fn a_write_retried_with_its_idempotency_key_happens_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let uri = "/api/layers/consolidation_projects/features";
    let before = layer_count(&state, "consolidation_projects").await;
    let (status, headers, first) = call(&state, post(uri, Some("import-7f3a"), &project("重试项目"))).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert!(!headers.contains_key("idempotent-replayed"));
    // The client lost the answer and sends the same request again.
    let (status, headers, again) = call(&state, post(uri, Some("import-7f3a"), &project("重试项目"))).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(again["ids"], first["ids"]);
    assert_eq!(layer_count(&state, "consolidation_projects").await, before + 1, "written once");
    let audit = state.store.audit(100).await.unwrap();
    let id = first["ids"][0].as_i64().unwrap();
    assert_eq!(audit.iter().filter(|a| a.fid == id && a.layer == "consolidation_projects").count(), 1);

    let (status, _, body) = call(&state, post(uri, Some("import-7f3a"), &project("另一个项目"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("import-7f3a"), "{body}");
    let (status, _, body) = call(&state, post(uri, Some("has spaces in it"), &project("x"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("Idempotency-Key"), "{body}");
    assert_eq!(layer_count(&state, "consolidation_projects").await, before + 1);

    // A record written through the traceability endpoint, retried.
    let record = json!({"lon": 110.7801, "lat": 35.1502, "subject_name": "重试农场", "subject_type": "家庭农场",
        "product": "韭菜", "township": "猗氏镇", "contact_name": "张三", "contact_phone": "13800000000",
        "scale": 2.0, "scale_unit": "亩", "collected_on": "2023-06-13"});
    let (status, _, first) = call(&state, post("/api/trace/records", Some("record-1"), &record)).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, headers, again) = call(&state, post("/api/trace/records", Some("record-1"), &record)).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(again["id"], first["id"]);
    // And its deletion, retried after the record is gone: the same answer, not 404.
    let uri = format!("/api/trace/records/{}", first["id"]);
    for replayed in [false, true] {
        let req = Request::delete(&uri)
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("idempotency-key", "delete-record-1")
            .body(Body::empty())
            .unwrap();
        let (status, headers, _) = call(&state, req).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(headers.contains_key("idempotent-replayed"), replayed);
    }
}

async fn state_with(dir: &Path, options: AppOptions) -> AppState {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("t.gpkg")).await.unwrap();
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    AppState::new(Arc::new(store), options).await.unwrap()
}

#[tokio::test]
async fn cross_origin_access_is_off_unless_an_origin_is_configured() {
    let dir = tempfile::tempdir().unwrap();
    let preflight = |origin: &str| {
        Request::options("/tiles/all.json")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap()
    };
    let plain = state_with(dir.path(), AppOptions::default()).await;
    let (_, headers, _) = call(&plain, preflight("https://portal.example.gov.cn")).await;
    assert!(!headers.contains_key("access-control-allow-origin"), "no CORS by default: {headers:?}");

    let other = tempfile::tempdir().unwrap();
    let options = AppOptions { cors_origins: vec!["https://portal.example.gov.cn".into()], ..AppOptions::default() };
    let open = state_with(other.path(), options).await;
    let (status, headers, _) = call(&open, preflight("https://portal.example.gov.cn")).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(headers["access-control-allow-origin"], "https://portal.example.gov.cn");
    let (_, headers, _) = call(&open, preflight("https://elsewhere.example.com")).await;
    assert!(!headers.contains_key("access-control-allow-origin"), "only the configured origin: {headers:?}");
    let req = Request::get("/tiles/all.json")
        .header("host", "gis.local")
        .header("origin", "https://portal.example.gov.cn")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = call(&open, req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["access-control-allow-origin"], "https://portal.example.gov.cn");

    let bad = AppOptions { cors_origins: vec!["portal.example.gov.cn/path".into()], ..AppOptions::default() };
    let third = tempfile::tempdir().unwrap();
    let store = GeoPackageStore::create(&third.path().join("t.gpkg")).await.unwrap();
    let err = AppState::new(Arc::new(store), bad).await.unwrap_err();
    assert!(err.to_string().contains("CORS origin"), "{err}");
}

#[tokio::test]
async fn tilejson_links_come_from_the_public_url_or_a_checked_host_header() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let tilejson = |headers: &[(&str, &str)]| {
        let mut req = Request::get("/tiles/all.json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.body(Body::empty()).unwrap()
    };
    let (status, _, doc) =
        call(&state, tilejson(&[("host", "gis.local:8080"), ("x-forwarded-proto", "javascript")])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        doc["tiles"][0], "http://gis.local:8080/tiles/all/{z}/{x}/{y}.mvt",
        "forwarded headers of a client are ignored"
    );
    for host in ["javascript:alert(1)", "evil.example/x?", "a@b"] {
        let (status, _, body) = call(&state, tilejson(&[("host", host)])).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{host}: {body}");
    }
    let other = tempfile::tempdir().unwrap();
    let options = AppOptions { public_url: Some("https://gis.example.gov.cn/map/".into()), ..AppOptions::default() };
    let fixed = state_with(other.path(), options).await;
    let (_, _, doc) = call(&fixed, tilejson(&[("host", "javascript:alert(1)")])).await;
    assert_eq!(doc["tiles"][0], "https://gis.example.gov.cn/map/tiles/all/{z}/{x}/{y}.mvt");
}
