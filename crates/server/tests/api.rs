//! The HTTP API in-process (`tower::ServiceExt::oneshot`) over a real
//! GeoPackage store built from the bundled data.

mod common;

use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_server::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

const TOKEN: &str = "test-admin-token";

async fn state(dir: &Path) -> AppState {
    common::bundled_state(dir, TOKEN).await
}

async fn call(state: &AppState, req: Request<Body>) -> (StatusCode, Value) {
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, Value) {
    call(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn hits(state: &AppState, lon: f64, lat: f64) -> Vec<(String, Value)> {
    let (status, body) = get(state, &format!("/api/locate?lon={lon}&lat={lat}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["hits"].as_array().unwrap().iter().map(|h| (h["layer"].as_str().unwrap().to_owned(), h.clone())).collect()
}

fn post_features(layer: &str, token: Option<&str>, body: &Value) -> Request<Body> {
    let mut req = Request::post(format!("/api/layers/{layer}/features")).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    req.body(Body::from(body.to_string())).unwrap()
}

fn square(lon: f64, lat: f64, d: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]})
}

#[tokio::test]
async fn a_write_is_visible_to_locate_at_once_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let (lon, lat) = (110.6105, 35.3005);
    assert!(hits(&state, lon, lat).await.iter().all(|(l, _)| l != "consolidation_projects"));

    let fc = json!({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": square(110.61, 35.30, 0.001),
        "properties": {"name": "测试整治项目", "project_type": "土地整治", "accuracy": "illustrative"}}]});
    let (status, body) = call(&state, post_features("consolidation_projects", Some(TOKEN), &fc)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["ids"][0].as_i64().unwrap();

    let found = hits(&state, lon, lat).await;
    let hit = found.iter().find(|(l, _)| l == "consolidation_projects").expect("new zone is located");
    assert_eq!(hit.1["id"], id);
    assert_eq!(hit.1["properties"]["name"], "测试整治项目");

    let audit = state.store.audit(1).await.unwrap();
    assert_eq!(
        (audit[0].actor.as_str(), audit[0].layer.as_str(), audit[0].fid),
        ("admin-token", "consolidation_projects", id)
    );
    assert_eq!(audit[0].action, "insert");
    assert!(audit[0].before.is_none());
    assert_eq!(audit[0].after.as_ref().unwrap()["properties"]["name"], "测试整治项目");
}

#[tokio::test]
async fn writes_need_the_token_and_bad_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let counts = state.store.counts().await.unwrap();
    let fc = json!({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": square(110.61, 35.30, 0.001),
        "properties": {"name": "x", "project_type": "土地整治", "accuracy": "illustrative"}}]});

    let (status, body) = call(&state, post_features("consolidation_projects", None, &fc)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _) = call(&state, post_features("consolidation_projects", Some("wrong"), &fc)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let bad = json!({"type": "FeatureCollection", "features": [
        fc["features"][0].clone(),
        {"type": "Feature", "geometry": square(110.61, 35.30, 0.001),
         "properties": {"name": "y", "project_type": "围湖造田", "accuracy": "illustrative"}}]});
    let (status, body) = call(&state, post_features("consolidation_projects", Some(TOKEN), &bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["error_en"].as_str().unwrap();
    assert!(message.contains("feature #2") && message.contains("project_type"), "{message}");

    let (status, body) = call(&state, post_features("nope", Some(TOKEN), &fc)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    assert_eq!(state.store.counts().await.unwrap(), counts, "rejected writes must change nothing");
    assert!(hits(&state, 110.6105, 35.3005).await.iter().all(|(l, _)| l != "consolidation_projects"));
}

#[tokio::test]
async fn locate_accepts_gcj02_input() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    // The county seat in WGS84 and the same place as an Amap (GCJ-02) app shows it.
    let wgs = landtrace_spatial::LonLat::new(110.775, 35.14).unwrap();
    let gcj = landtrace_spatial::wgs84_to_gcj02(wgs);
    let (status, body) = get(&state, &format!("/api/locate?lon={}&lat={}&crs=gcj02", gcj.lon(), gcj.lat())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!((body["point"]["lon"].as_f64().unwrap() - 110.775).abs() < 1e-6, "{body}");
    assert!((body["point"]["lat"].as_f64().unwrap() - 35.14).abs() < 1e-6, "{body}");
    let plain = hits(&state, 110.775, 35.14).await;
    let via_gcj: Vec<String> =
        body["hits"].as_array().unwrap().iter().map(|h| h["layer"].as_str().unwrap().to_owned()).collect();
    assert_eq!(via_gcj, plain.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>());
}

#[tokio::test]
async fn locate_reads_gauss_kruger_named_or_recognised_and_says_what_it_assumed() {
    use landtrace_spatial::{Crs, LonLat};
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let plain = hits(&state, 110.775, 35.14).await;
    let names = |body: &Value| -> Vec<String> {
        body["hits"].as_array().unwrap().iter().map(|h| h["layer"].as_str().unwrap().to_owned()).collect()
    };
    let wgs = LonLat::new(110.775, 35.14).unwrap();
    let numbered = Crs::GaussKruger(4525).from_wgs84(wgs).unwrap();
    let plain_gk = Crs::GaussKruger(4546).from_wgs84(wgs).unwrap();
    let web = Crs::WebMercator.from_wgs84(wgs).unwrap();
    let bd = Crs::Bd09.from_wgs84(wgs).unwrap();
    for (query, crs, assumed) in [
        (format!("lon={}&lat={}&crs=EPSG:4546", plain_gk.x, plain_gk.y), "EPSG:4546", None),
        (format!("lon={}&lat={}&crs=epsg:3857", web.x, web.y), "EPSG:3857", None),
        (format!("lon={}&lat={}&crs=bd09", bd.x, bd.y), "BD-09", None),
        // No CRS: the zone number in the easting names the zone.
        (format!("lon={}&lat={}", numbered.x, numbered.y), "EPSG:4525", Some("zone number 37")),
        // Northing first with no zone number: the county's zone is assumed.
        (format!("lon={}&lat={}", plain_gk.y, plain_gk.x), "EPSG:4546", Some("assumed the county's zone")),
    ] {
        let (status, body) = get(&state, &format!("/api/locate?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert!((body["point"]["lon"].as_f64().unwrap() - 110.775).abs() < 1e-7, "{query}: {body}");
        assert!((body["point"]["lat"].as_f64().unwrap() - 35.14).abs() < 1e-7, "{query}: {body}");
        assert_eq!(body["input"]["crs"], crs, "{query}");
        match assumed {
            Some(words) => assert!(body["input"]["assumed"].as_str().unwrap().contains(words), "{body}"),
            None => assert!(body["input"].get("assumed").is_none(), "{body}"),
        }
        assert_eq!(names(&body), plain.iter().map(|(l, _)| l.clone()).collect::<Vec<_>>(), "{query}");
    }
    // A zone-numbered CRS with a plain easting is refused, naming the fix.
    let (status, body) = get(&state, &format!("/api/locate?lon={}&lat={}&crs=EPSG:4525", plain_gk.x, plain_gk.y)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error_en"].as_str().unwrap().contains("lacks the zone number 37"), "{body}");
}

#[tokio::test]
async fn layers_lists_public_fields_only_and_unknown_routes_are_404() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let (status, body) = get(&state, "/api/layers").await;
    assert_eq!(status, StatusCode::OK);
    let origin = body["layers"].as_array().unwrap().iter().find(|l| l["layer"] == "origin_points").unwrap();
    let text = origin["fields"].to_string();
    assert!(text.contains("subject_name") && !text.contains("phone") && !text.contains("contact_name"), "{text}");
    let (status, body) = get(&state, "/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error_en"].as_str().unwrap().contains("/nope"));
}

#[path = "../../../tests/points.rs"]
mod points;

#[tokio::test]
async fn locate_answers_the_fixed_points_exactly() {
    use points::*;
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let layers_at = |hits: Vec<(String, Value)>| {
        hits.into_iter().map(|(l, h)| (l, h["details"]["grade"].clone())).collect::<Vec<_>>()
    };
    type Expected<'a> = &'a [(&'a str, Value)];
    let cases: [((f64, f64), Expected); 8] = [
        (
            P1_GRADE1_TRUCK_BAN,
            &[("county_boundaries", Value::Null), ("urban_grade_zones", json!(1)), ("truck_ban_zone", Value::Null)],
        ),
        (
            P2_GRADE2,
            &[("county_boundaries", Value::Null), ("urban_grade_zones", json!(2)), ("truck_ban_zone", Value::Null)],
        ),
        // The hole of grade 1 is the grade-2 island: grade 1 must not be reported there.
        (
            P3_GRADE1_HOLE,
            &[("county_boundaries", Value::Null), ("urban_grade_zones", json!(2)), ("truck_ban_zone", Value::Null)],
        ),
        (
            P4_EXPROPRIATION_10,
            &[
                ("county_boundaries", Value::Null),
                ("urban_grade_zones", json!(1)),
                ("truck_ban_zone", Value::Null),
                ("expropriation_areas", Value::Null),
            ],
        ),
        (P5_GRADE3_OUTSIDE_BAN, &[("county_boundaries", Value::Null), ("urban_grade_zones", json!(3))]),
        (P6_OUTSIDE_COUNTY, &[]),
        (P8_NEIGHBOUR_COUNTY, &[("county_boundaries", Value::Null)]),
        (P7_COUNTY_ONLY, &[("county_boundaries", Value::Null)]),
    ];
    for ((lon, lat), expected) in cases {
        let got = layers_at(hits(&state, lon, lat).await);
        let expected: Vec<(String, Value)> = expected.iter().map(|(l, g)| ((*l).to_owned(), g.clone())).collect();
        assert_eq!(got, expected, "at ({lon}, {lat})");
    }
    let (_, body) =
        get(&state, &format!("/api/locate?lon={}&lat={}", P4_EXPROPRIATION_10.0, P4_EXPROPRIATION_10.1)).await;
    let area = body["hits"].as_array().unwrap().iter().find(|h| h["layer"] == "expropriation_areas").unwrap();
    assert_eq!(area["properties"]["decision_no"], "临政发〔2023〕10号");
    assert_eq!(area["details"]["decision_date"], "2023-06-29");
}
