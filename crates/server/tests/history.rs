//! Every layer versioned, over HTTP, on both stores: `/api/locate?as_of=` answers
//! the grade zones as they were (none before 临政发〔2023〕8号 took effect on
//! 2023-05-01, all from that day; a zone edited today in its old shape for a date
//! before the edit), `GET /api/audit` is for admins only (401/403/200, pages), and
//! `POST …/features/{id}/restore?version=` puts a feature back as an audit row
//! recorded it, with one new audit row (a deleted one comes back with a new id).
//!
//! The PostGIS run needs `LANDTRACE_TEST_DATABASE_URL` (mandatory in CI).

mod common;

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use geo::{Geometry, InteriorPoint};
use http_body_util::BodyExt;
use landtrace_domain::LayerKind;
use landtrace_domain::units::instant::{Instant, parse_rfc3339};
use landtrace_server::auth::{Role, Users, hash_token, user_entry_toml};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::bundled::read_bundled;
use landtrace_store::geojson_io::feature_to_geojson;
use landtrace_store::{Actor, Feature, GeoPackageStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const ADMIN: &str = "admin-token-0123456789";
const LAND: &str = "land-token-0123456789";
const FARMER: &str = "farmer-token-0123456789";

async fn state_over(store: Arc<dyn Store>) -> AppState {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    let users = Users::parse(&format!(
        "{}\n{}",
        user_entry_toml("li.si", Role::Land, &hash_token(LAND)).unwrap(),
        user_entry_toml("zhang.san", Role::Agriculture, &hash_token(FARMER)).unwrap()
    ))
    .unwrap();
    AppState::new(store, AppOptions { admin_token: Some(ADMIN.into()), users, ..AppOptions::default() }).await.unwrap()
}

async fn send(state: &AppState, method: &str, uri: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = if body.is_null() { Body::empty() } else { Body::from(body.to_string()) };
    let res = app(state.clone()).oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn get(state: &AppState, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
    send(state, "GET", uri, token, Value::Null).await
}

/// The ids of the urban grade zones hit at `(lon, lat)`, as of `as_of` (or now).
async fn urban_hits(state: &AppState, (lon, lat): (f64, f64), as_of: Option<&str>) -> Vec<(i64, Value)> {
    let extra = as_of.map_or(String::new(), |a| format!("&as_of={a}"));
    let (status, body) = get(state, &format!("/api/locate?lon={lon}&lat={lat}{extra}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    if as_of.is_some() {
        let rules = body["as_of"]["rules"].as_array().unwrap();
        let urban = rules.iter().find(|r| r["layer"] == "urban_grade_zones").unwrap();
        assert_eq!(urban["rule"], "valid_time", "{urban}");
        assert!(urban["note"].as_str().unwrap().contains("临政发〔2023〕8号"), "{urban}");
        assert!(!urban["note_zh"].as_str().unwrap().is_empty());
    }
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["layer"] == "urban_grade_zones")
        .map(|h| (h["id"].as_i64().unwrap(), h["properties"]["grade"].clone()))
        .collect()
}

async fn zone(state: &AppState, id: i64) -> Option<Feature> {
    state.store.features(LayerKind::UrbanGradeZones).await.unwrap().into_iter().find(|f| f.id == id)
}

async fn audit_of(state: &AppState, id: i64) -> Vec<Value> {
    let (status, body) = get(state, &format!("/api/audit?layer=urban_grade_zones&fid={id}"), Some(ADMIN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["records"].as_array().unwrap().clone()
}

/// A small square far from the point, for "the zone was redrawn".
fn elsewhere() -> Value {
    let (lon, lat, d) = (110.61, 35.30, 0.001);
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]})
}

async fn history_story(state: &AppState) {
    let zones = state.store.features(LayerKind::UrbanGradeZones).await.unwrap();
    assert!(zones.len() >= 2, "the bundled data has urban grade zones");
    let old = zones[0].clone();
    let Some(Geometry::MultiPolygon(mp)) = &old.geometry else { panic!("a zone") };
    let p = mp.interior_point().unwrap();
    let at = (p.x(), p.y());

    // The 2023 grade zones are in force from 2023-05-01: none the day before.
    let started = std::time::Instant::now();
    assert!(urban_hits(state, at, Some("2023-04-30")).await.is_empty());
    eprintln!("first as-of locate (rebuilding the zone layers): {:?}", started.elapsed());
    let started = std::time::Instant::now();
    assert!(urban_hits(state, at, Some("2023-04-30")).await.is_empty());
    eprintln!("the same as-of locate again (cached): {:?}", started.elapsed());
    let old_grade = old.properties["grade"].clone();
    assert_eq!(urban_hits(state, at, Some("2023-05-01")).await, [(old.id, old_grade.clone())]);
    assert_eq!(urban_hits(state, at, None).await, [(old.id, old_grade.clone())]);
    let (status, body) = get(state, &format!("/api/locate?lon={}&lat={}&as_of=soon", at.0, at.1), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // The zone is redrawn elsewhere with another grade today.
    let new_grade = if old_grade == json!(1) { 2 } else { 1 };
    let mut props = old.properties.clone();
    props.insert("grade".into(), json!(new_grade));
    let edit = json!({"type": "Feature", "geometry": elsewhere(), "properties": props});
    let uri = format!("/api/layers/urban_grade_zones/features/{}", old.id);
    let (status, body) = send(state, "PUT", &uri, Some(LAND), edit).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(urban_hits(state, at, None).await.is_empty(), "now the zone is elsewhere");
    // For a day before the edit it is answered in its old shape and grade…
    assert_eq!(urban_hits(state, at, Some("2023-06-01")).await, [(old.id, old_grade.clone())]);
    // …and as of an instant after the edit in its new one.
    let edited_at = audit_of(state, old.id).await.last().unwrap()["at"].as_str().unwrap().to_owned();
    let edited = parse_rfc3339(&edited_at).unwrap().unix_ms().div_euclid(1000);
    let after_edit = Instant::from_unix_seconds(edited + 1).unwrap().to_rfc3339_utc();
    assert!(urban_hits(state, at, Some(&after_edit)).await.is_empty(), "{after_edit}");

    // The audit trail: admins only.
    let (status, _) = get(state, "/api/audit", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = get(state, "/api/audit", Some(LAND)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = get(state, "/api/audit?layer=urban_grade_zones&limit=1", Some(ADMIN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let first = body["records"][0].clone();
    assert_eq!(first["action"], "insert");
    let next = body["next"].as_str().unwrap();
    assert_eq!(next, format!("/api/audit?layer=urban_grade_zones&limit=1&after_id={}", first["id"]));
    let (_, page) = get(state, next, Some(ADMIN)).await;
    assert!(page["records"][0]["id"].as_i64() > first["id"].as_i64(), "{page}");
    for bad in ["limit=0", "limit=1001", "fid=x", "since=yesterday", "layer=nope"] {
        let (status, body) = get(state, &format!("/api/audit?{bad}"), Some(ADMIN)).await;
        assert!(status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND, "{bad}: {status} {body}");
    }
    let (_, window) = get(state, "/api/audit?layer=urban_grade_zones&until=2023-05-01", Some(ADMIN)).await;
    assert_eq!(window["records"], json!([]), "nothing was written in 2023");
    assert_eq!(window["next"], Value::Null);

    // Restore: put the zone back as the bundled data wrote it.
    let rows = audit_of(state, old.id).await;
    assert_eq!(rows.iter().map(|r| r["action"].as_str().unwrap()).collect::<Vec<_>>(), ["insert", "update"]);
    let version = rows[0]["id"].as_i64().unwrap();
    let restore = |v: String| format!("/api/layers/urban_grade_zones/features/{}/restore{v}", old.id);
    let (status, _) = send(state, "POST", &restore(format!("?version={version}")), None, Value::Null).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = send(state, "POST", &restore(format!("?version={version}")), Some(FARMER), Value::Null).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(state, "POST", &restore(String::new()), Some(LAND), Value::Null).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send(state, "POST", &restore("?version=999999999".into()), Some(LAND), Value::Null).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let other = audit_of(state, zones[1].id).await[0]["id"].as_i64().unwrap();
    let (status, _) = send(state, "POST", &restore(format!("?version={other}")), Some(LAND), Value::Null).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a version of another feature");
    let (status, body) = send(state, "POST", &restore(format!("?version={version}")), Some(LAND), Value::Null).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["restored"].as_i64(), body["id"].as_i64()), (Some(old.id), Some(old.id)));
    let now = zone(state, old.id).await.unwrap();
    assert_eq!(feature_to_geojson(&now, &now.properties), feature_to_geojson(&old, &old.properties));
    let rows = audit_of(state, old.id).await;
    assert_eq!(rows.len(), 3, "one new audit row");
    assert_eq!((rows[2]["action"].as_str(), rows[2]["actor"].as_str()), (Some("update"), Some("li.si (land)")));
    assert_eq!(urban_hits(state, at, None).await, [(old.id, old_grade)], "the catalogue has it back");

    // A deleted zone comes back as a new feature.
    let gone = zones[1].clone();
    let uri = format!("/api/layers/urban_grade_zones/features/{}", gone.id);
    let (status, _) = send(state, "DELETE", &uri, Some(LAND), Value::Null).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let deleted = audit_of(state, gone.id).await.last().unwrap()["id"].as_i64().unwrap();
    let uri = format!("/api/layers/urban_grade_zones/features/{}/restore?version={deleted}", gone.id);
    let (status, body) = send(state, "POST", &uri, Some(LAND), Value::Null).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let new_id = body["id"].as_i64().unwrap();
    assert_ne!(new_id, gone.id);
    let back = zone(state, new_id).await.unwrap();
    assert_eq!((&back.geometry, &back.properties), (&gone.geometry, &gone.properties));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_as_of_audit_and_restore_on_the_geopackage_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = GeoPackageStore::create(&dir.path().join("t.gpkg")).await.unwrap();
    history_story(&state_over(Arc::new(store)).await).await;
}

mod postgis {
    use super::*;
    use crate::common::postgis::test_db;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn history_as_of_audit_and_restore_on_postgis() {
        let Some(db) = test_db("hist").await else { return };
        let store = landtrace_store::PostGisStore::connect(&db.url).await.unwrap();
        history_story(&state_over(Arc::new(store)).await).await;
    }
}
