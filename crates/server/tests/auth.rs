//! Users, roles and layer ownership over HTTP: the admin token, a users file,
//! 401 for missing or wrong tokens, 403 for a layer the role does not own.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_server::auth::{Role, Users, hash_token, user_entry_toml};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::bundled::read_bundled;
use landtrace_store::{Actor, GeoPackageStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const ADMIN: &str = "test-admin-token";
const FARMER: &str = "farmer-token-0123456789";
const PLANNER: &str = "planner-token-9876543210";

async fn state(dir: &Path, admin_token: Option<&str>, users: Users) -> AppState {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("t.gpkg")).await.unwrap();
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    let options = AppOptions { admin_token: admin_token.map(str::to_owned), users, ..AppOptions::default() };
    AppState::new(Arc::new(store), options).await.unwrap()
}

fn users() -> Users {
    let text = format!(
        "# staff\n{}\n{}",
        user_entry_toml("zhang.san", Role::Agriculture, &hash_token(FARMER)).unwrap(),
        user_entry_toml("li.si", Role::Land, &hash_token(PLANNER)).unwrap()
    );
    Users::parse(&text).unwrap()
}

async fn call(state: &AppState, req: Request<Body>) -> (StatusCode, Value) {
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn post(layer: &str, authorization: Option<&str>, body: &Value) -> Request<Body> {
    let mut req = Request::post(format!("/api/layers/{layer}/features")).header("content-type", "application/json");
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    req.body(Body::from(body.to_string())).unwrap()
}

fn me(authorization: Option<&str>) -> Request<Body> {
    let mut req = Request::get("/api/me");
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    req.body(Body::empty()).unwrap()
}

fn origin_point() -> Value {
    json!({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [110.77, 35.14]},
        "properties": {"subject_name": "测试家庭农场", "subject_type": "家庭农场", "product": "韭菜",
                       "township_code": "140821100", "contact_name": "示例联系人", "contact_phone": "13800000000",
                       "scale": 12.5, "scale_unit": "亩", "accuracy": "illustrative"}}]})
}

fn grade_zone() -> Value {
    let (lon, lat, d) = (110.61, 35.30, 0.001);
    json!({"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]},
        "properties": {"grade": 1, "accuracy": "illustrative"}}]})
}

#[tokio::test]
async fn roles_write_only_the_layers_they_own() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), Some(ADMIN), users()).await;
    let counts = state.store.counts().await.unwrap();

    // The agriculture user writes origin points, audited under their name.
    let (status, body) = call(&state, post("origin_points", Some(&format!("Bearer {FARMER}")), &origin_point())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let audit = state.store.audit(1).await.unwrap();
    assert_eq!((audit[0].actor.as_str(), audit[0].layer.as_str()), ("zhang.san (agriculture)", "origin_points"));

    // …but not the land bureau's grade zones: 403 naming the role and the layer.
    let (status, body) =
        call(&state, post("urban_grade_zones", Some(&format!("Bearer {FARMER}")), &grade_zone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let message = body["error_en"].as_str().unwrap();
    assert!(message.contains("agriculture") && message.contains("urban_grade_zones"), "{message}");
    assert!(message.contains("origin_points"), "says what the role may write: {message}");

    // The land user is refused on origin points; the scheme name is case-insensitive.
    let (status, _) = call(&state, post("origin_points", Some(&format!("bearer {PLANNER}")), &origin_point())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The admin token writes anything, audited as before (another product: the same one
    // at the same place would repeat the farmer's record, issue 15).
    let mut another = origin_point();
    another["features"][0]["properties"]["product"] = json!("芹菜");
    let (status, body) = call(&state, post("origin_points", Some(&format!("Bearer {ADMIN}")), &another)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(state.store.audit(1).await.unwrap()[0].actor, "admin-token");

    let after = state.store.counts().await.unwrap();
    let origin = |c: &[landtrace_store::LayerCount]| {
        c.iter().find(|c| c.kind == landtrace_domain::LayerKind::OriginPoints).unwrap().count
    };
    assert_eq!(origin(&after), origin(&counts) + 2);
    let grades = |c: &[landtrace_store::LayerCount]| {
        c.iter().find(|c| c.kind == landtrace_domain::LayerKind::UrbanGradeZones).unwrap().count
    };
    assert_eq!(grades(&after), grades(&counts), "the refused write changed nothing");
}

#[tokio::test]
async fn missing_wrong_and_malformed_tokens_are_401() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), Some(ADMIN), users()).await;
    for (authorization, expect) in [
        (None, "needs an `Authorization: Bearer <token>` header"),
        (Some("Bearer wrong-token"), "not valid"),
        (Some(FARMER), "malformed"),
        (Some("Basic emhhbmc6c2Fu"), "malformed"),
        (Some("Bearer "), "malformed"),
    ] {
        let (status, body) = call(&state, post("origin_points", authorization, &origin_point())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{authorization:?}: {body}");
        assert!(body["error_en"].as_str().unwrap().contains(expect), "{authorization:?}: {body}");
    }

    let (status, body) = call(&state, me(Some(&format!("Bearer {FARMER}")))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"user": "zhang.san", "role": "agriculture", "layers": ["origin_points", "producers"]}));
    let (status, body) = call(&state, me(Some(&format!("Bearer {ADMIN}")))).await;
    assert_eq!((status, &body["user"], &body["role"]), (StatusCode::OK, &json!("admin"), &json!("admin")));
    let (status, _) = call(&state, me(None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(&state, me(Some("Bearer nope"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn users_without_an_admin_token_and_a_server_without_either() {
    let dir = tempfile::tempdir().unwrap();
    let state_users = state(dir.path(), None, users()).await;
    let (status, body) =
        call(&state_users, post("urban_grade_zones", Some(&format!("Bearer {PLANNER}")), &grade_zone())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) =
        call(&state_users, post("urban_grade_zones", Some(&format!("Bearer {ADMIN}")), &grade_zone())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no admin token configured");

    let dir = tempfile::tempdir().unwrap();
    let closed = state(dir.path(), None, Users::default()).await;
    let (status, body) = call(&closed, post("origin_points", None, &origin_point())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["error_en"].as_str().unwrap().contains("writes are disabled"), "{body}");
}

#[test]
fn users_file_errors_name_the_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.toml");
    std::fs::write(
        &path,
        format!("[[user]]\nname = \"wang\"\nrole = \"police\"\ntoken_sha256 = \"{}\"\n", hash_token("x")),
    )
    .unwrap();
    let err = Users::load(&path).unwrap_err().to_string();
    assert!(err.contains("line 3") && err.contains("users.toml") && err.contains("police"), "{err}");
    assert!(err.contains("traffic"), "lists the roles: {err}");

    std::fs::write(&path, "[[user]]\nname = \"wang\"\nrole = \"traffic\"\ntoken_sha256 = \"plain-token\"\n").unwrap();
    let err = Users::load(&path).unwrap_err().to_string();
    assert!(err.contains("line 4") && err.contains("token_sha256") && err.contains("64 hex"), "{err}");
    assert!(!err.contains("plain-token"), "the error never repeats what may be a token: {err}");

    let err = Users::load(&dir.path().join("missing.toml")).unwrap_err().to_string();
    assert!(err.contains("cannot read") && err.contains("missing.toml"), "{err}");
}
