//! Accounts administrators manage over HTTP (issue 16): an admin adds a user
//! with a password, the user signs in and writes a layer their role owns with no
//! restart; wrong passwords, disabled accounts and revoked tokens are 401 (and
//! counted against the client), other roles 403 on the admin routes; no password
//! is in any answer or log line. A second server on the same store sees the
//! accounts too.

mod common;

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_server::auth::{Role, Users, hash_token, user_entry_toml};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::{GeoPackageStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const ADMIN: &str = "test-admin-token-0123456789";
const FILE_USER: &str = "file-user-token-0123456789";
const PASSWORD: &str = "猗氏镇-correct-horse";

async fn state_on(path: &Path) -> AppState {
    let store: Arc<dyn Store> = if path.exists() {
        Arc::new(GeoPackageStore::open(path).await.unwrap())
    } else {
        Arc::new(GeoPackageStore::create(path).await.unwrap())
    };
    state_over(store).await
}

async fn state_over(store: Arc<dyn Store>) -> AppState {
    let users = Users::parse(&user_entry_toml("wang.wu", Role::Land, &hash_token(FILE_USER)).unwrap()).unwrap();
    let options = AppOptions { admin_token: Some(ADMIN.to_owned()), users, ..AppOptions::default() };
    AppState::new(store, options).await.unwrap()
}

/// A request from `client` (the failed-sign-in limit counts per address).
fn request(method: &str, uri: &str, token: Option<&str>, body: Option<&Value>, client: [u8; 4]) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(uri).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let mut req = req.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).unwrap();
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from((client, 40000))));
    req
}

const HOME: [u8; 4] = [10, 0, 0, 1];

async fn call(state: &AppState, req: Request<Body>) -> (StatusCode, Value, String) {
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), text)
}

fn truck_pass(plate: &str) -> Value {
    json!({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null,
        "properties": {"plate": plate, "valid_from": "2026-01-01", "valid_to": "2026-12-31",
            "windows": "09:00-11:00", "area": "全区域", "pass_source": "纸质", "accuracy": "illustrative"}}]})
}

/// Every log line of the test, to look for secrets in.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn an_admin_adds_a_user_who_signs_in_and_writes_without_a_restart() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let dir = tempfile::tempdir().unwrap();
    let state = state_on(&dir.path().join("a.gpkg")).await;
    let mut answers = String::new();

    // The admin adds a traffic user with a password; too short a password is a 400 naming the field.
    let short = json!({"name": "li.si", "role": "traffic", "password": "short"});
    let (status, body, text) = call(&state, request("POST", "/api/admin/users", Some(ADMIN), Some(&short), HOME)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert_eq!(body["problems"][0]["field"], "password");
    let bad_role = json!({"name": "li.si", "role": "police", "password": PASSWORD});
    let (status, body, _) = call(&state, request("POST", "/api/admin/users", Some(ADMIN), Some(&bad_role), HOME)).await;
    assert_eq!((status, body["problems"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("role")));
    let new = json!({"name": "li.si", "role": "traffic", "password": PASSWORD});
    let (status, body, text) = call(&state, request("POST", "/api/admin/users", Some(ADMIN), Some(&new), HOME)).await;
    answers += &text;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    assert_eq!(
        (body["name"].as_str(), body["role"].as_str(), body["has_password"].as_bool()),
        (Some("li.si"), Some("traffic"), Some(true))
    );
    let (status, _, _) = call(&state, request("POST", "/api/admin/users", Some(ADMIN), Some(&new), HOME)).await;
    assert_eq!(status, StatusCode::CONFLICT, "the name is taken");
    let file_name = json!({"name": "wang.wu", "role": "traffic", "password": PASSWORD});
    let (status, _, _) = call(&state, request("POST", "/api/admin/users", Some(ADMIN), Some(&file_name), HOME)).await;
    assert_eq!(status, StatusCode::CONFLICT, "a users-file name is taken too");

    // The list shows both, the file user read-only; never a hash.
    let (status, body, text) = call(&state, request("GET", "/api/admin/users", Some(ADMIN), None, HOME)).await;
    answers += &text;
    assert_eq!(status, StatusCode::OK);
    let users = body["users"].as_array().unwrap();
    assert!(users.iter().any(|u| u["name"] == "wang.wu" && u["read_only"] == true && u["source"] == "file"));
    assert!(users.iter().any(|u| u["name"] == "li.si" && u["read_only"] == false));
    assert_eq!(body["roles"].as_array().unwrap().len(), Role::ALL.len());
    assert!(!text.contains("argon2"), "{text}");

    // The user signs in with name and password, and writes a truck pass at once.
    let sign_in = json!({"name": "li.si", "password": PASSWORD});
    let (status, session, text) = call(&state, request("POST", "/api/session", None, Some(&sign_in), HOME)).await;
    answers += &text;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let token = session["token"].as_str().unwrap().to_owned();
    assert_eq!((token.len(), session["role"].as_str()), (64, Some("traffic")));
    let (status, me, _) = call(&state, request("GET", "/api/me", Some(&token), None, HOME)).await;
    assert_eq!((status, me["user"].as_str()), (StatusCode::OK, Some("li.si")));
    let pass = truck_pass("晋M·A1234");
    let (status, body, text) =
        call(&state, request("POST", "/api/layers/truck_passes/features", Some(&token), Some(&pass), HOME)).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    assert_eq!(body["ids"].as_array().map(Vec::len), Some(1), "{body}");
    let audit = state.store.audit(1).await.unwrap();
    assert_eq!(audit[0].actor, "li.si (traffic)");
    // Not the role's layer: 403; the admin routes: 403.
    let (status, _, _) =
        call(&state, request("POST", "/api/layers/sponge_projects/features", Some(&token), Some(&pass), HOME)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for (method, uri, body) in [
        ("GET", "/api/admin/users", None),
        ("POST", "/api/admin/users", Some(json!({"name": "x.y", "role": "admin", "password": PASSWORD}))),
        ("PATCH", "/api/admin/users/li.si", Some(json!({"role": "admin"}))),
        ("POST", "/api/admin/users/li.si/tokens", None),
        ("DELETE", "/api/admin/users/li.si/tokens/1", None),
        ("GET", "/api/admin/users/audit", None),
    ] {
        let (status, _, text) = call(&state, request(method, uri, Some(&token), body.as_ref(), HOME)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {uri}: {text}");
        let (status, _, _) = call(&state, request(method, uri, None, body.as_ref(), HOME)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri} without a token");
        let (status, _, _) = call(&state, request(method, uri, Some(FILE_USER), body.as_ref(), HOME)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {uri} as a land user of the users file");
    }
    let (_, me, _) = call(&state, request("GET", "/api/me", Some(&token), None, HOME)).await;
    assert_eq!(me["role"], "traffic", "the refused role change changed nothing");

    // A wrong password is 401 and says nothing about which part was wrong.
    let wrong = json!({"name": "li.si", "password": "not-the-password"});
    let (status, wrong_body, _) = call(&state, request("POST", "/api/session", None, Some(&wrong), HOME)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let nobody = json!({"name": "nobody", "password": "not-the-password"});
    let (status, nobody_body, _) = call(&state, request("POST", "/api/session", None, Some(&nobody), HOME)).await;
    assert_eq!((status, &nobody_body["error"]), (StatusCode::UNAUTHORIZED, &wrong_body["error"]));

    // An API token: shown once, works, and once revoked is 401.
    let (status, issued, text) = call(
        &state,
        request("POST", "/api/admin/users/li.si/tokens", Some(ADMIN), Some(&json!({"label": "卡口系统"})), HOME),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let api_token = issued["token"].as_str().unwrap().to_owned();
    let (status, _, _) = call(&state, request("GET", "/api/me", Some(&api_token), None, HOME)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list, list_text) = call(&state, request("GET", "/api/admin/users", Some(ADMIN), None, HOME)).await;
    assert!(!list_text.contains(&api_token) && !list_text.contains(&hash_token(&api_token)), "shown once only");
    let li = list["users"].as_array().unwrap().iter().find(|u| u["name"] == "li.si").unwrap().clone();
    assert!(li["tokens"].as_array().unwrap().iter().any(|t| t["kind"] == "api" && t["label"] == "卡口系统"));
    let id = issued["id"].as_i64().unwrap();
    let uri = format!("/api/admin/users/li.si/tokens/{id}");
    let (status, _, _) = call(&state, request("DELETE", &uri, Some(ADMIN), None, HOME)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = call(&state, request("DELETE", &uri, Some(ADMIN), None, HOME)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = call(&state, request("GET", "/api/me", Some(&api_token), None, [10, 0, 0, 9])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked token");

    // Disabled: the session stops at once and signing in is refused.
    let disable = json!({"disabled": true});
    let (status, body, _) =
        call(&state, request("PATCH", "/api/admin/users/li.si", Some(ADMIN), Some(&disable), HOME)).await;
    assert_eq!((status, body["disabled"].as_bool()), (StatusCode::OK, Some(true)));
    let (status, _, _) = call(&state, request("GET", "/api/me", Some(&token), None, [10, 0, 0, 9])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a disabled user's session");
    let (status, _, _) = call(&state, request("POST", "/api/session", None, Some(&sign_in), [10, 0, 0, 9])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a disabled user signing in");
    // Enabled again with a new password: the old one no longer works.
    let reset = json!({"disabled": false, "password": "新的密码-0123456789"});
    let (status, _, _) =
        call(&state, request("PATCH", "/api/admin/users/li.si", Some(ADMIN), Some(&reset), HOME)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = call(&state, request("POST", "/api/session", None, Some(&sign_in), [10, 0, 0, 9])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let fresh = json!({"name": "li.si", "password": "新的密码-0123456789"});
    let (status, session2, _) = call(&state, request("POST", "/api/session", None, Some(&fresh), HOME)).await;
    assert_eq!(status, StatusCode::CREATED);
    let token2 = session2["token"].as_str().unwrap().to_owned();
    // A users-file user is read-only here; an unknown one is 404.
    let (status, _, _) =
        call(&state, request("PATCH", "/api/admin/users/wang.wu", Some(ADMIN), Some(&disable), HOME)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _, _) =
        call(&state, request("PATCH", "/api/admin/users/nobody", Some(ADMIN), Some(&disable), HOME)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An administrator account signs in and cannot lock itself out; the admin token may change it.
    let boss = json!({"name": "zhao.admin", "role": "admin", "password": PASSWORD});
    let (status, _, _) = call(&state, request("POST", "/api/admin/users", Some(ADMIN), Some(&boss), HOME)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, boss_session, _) = call(
        &state,
        request("POST", "/api/session", None, Some(&json!({"name": "zhao.admin", "password": PASSWORD})), HOME),
    )
    .await;
    let boss_token = boss_session["token"].as_str().unwrap().to_owned();
    for change in [json!({"disabled": true}), json!({"role": "land"})] {
        let (status, _, _) =
            call(&state, request("PATCH", "/api/admin/users/zhao.admin", Some(&boss_token), Some(&change), HOME)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{change}");
    }
    let (status, _, _) = call(&state, request("GET", "/api/admin/users", Some(&boss_token), None, HOME)).await;
    assert_eq!(status, StatusCode::OK, "an admin account manages users");
    let (status, _, _) = call(
        &state,
        request("PATCH", "/api/admin/users/zhao.admin", Some(ADMIN), Some(&json!({"disabled": true})), HOME),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Signing out ends the session.
    let (status, _, _) = call(&state, request("DELETE", "/api/session", Some(&token2), None, HOME)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = call(&state, request("GET", "/api/me", Some(&token2), None, [10, 0, 0, 9])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Every change is audited, who and what, without a secret.
    let (status, audit, audit_text) =
        call(&state, request("GET", "/api/admin/users/audit", Some(ADMIN), None, HOME)).await;
    assert_eq!(status, StatusCode::OK);
    let actions: Vec<&str> =
        audit["changes"].as_array().unwrap().iter().rev().map(|c| c["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "sign_in",
            "token_issued",
            "token_revoked",
            "update",
            "update",
            "sign_in",
            "create",
            "sign_in",
            "update",
            "sign_out"
        ]
    );
    let first = &audit["changes"].as_array().unwrap().last().unwrap();
    assert_eq!((first["actor"].as_str(), first["after"]["role"].as_str()), (Some("admin-token"), Some("traffic")));
    answers += &audit_text;

    // No password, hash or API token in any answer or log line.
    drop(_guard);
    let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("signed in") && logged.contains("failed sign-in"), "the log has the events");
    for secret in [PASSWORD, "新的密码-0123456789", "not-the-password", "argon2", api_token.as_str(), token.as_str()]
    {
        assert!(!logged.contains(secret), "{secret} in the log");
        assert!(!answers.contains(secret) || secret == token, "{secret} in an answer");
    }
}

#[tokio::test]
async fn wrong_passwords_are_counted_against_the_client() {
    let dir = tempfile::tempdir().unwrap();
    let state = state_on(&dir.path().join("t.gpkg")).await;
    let new = json!({"name": "zhao.liu", "role": "housing", "password": PASSWORD});
    let (status, _, _) = call(&state, request("POST", "/api/admin/users", Some(ADMIN), Some(&new), HOME)).await;
    assert_eq!(status, StatusCode::CREATED);
    let attacker = [192, 0, 2, 7];
    let wrong = json!({"name": "zhao.liu", "password": "guess-000000"});
    let mut statuses = Vec::new();
    for _ in 0..22 {
        statuses.push(call(&state, request("POST", "/api/session", None, Some(&wrong), attacker)).await.0);
    }
    assert!(statuses[..20].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert_eq!(statuses[21], StatusCode::TOO_MANY_REQUESTS);
    // Even the right password waits now, from that client; another client signs in.
    let right = json!({"name": "zhao.liu", "password": PASSWORD});
    let (status, _, _) = call(&state, request("POST", "/api/session", None, Some(&right), attacker)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, _, _) = call(&state, request("POST", "/api/session", None, Some(&right), HOME)).await;
    assert_eq!(status, StatusCode::CREATED);
    // A body that is not {name, password} is a 400 that does not echo it.
    let (status, _, text) =
        call(&state, request("POST", "/api/session", None, Some(&json!({"user": PASSWORD})), HOME)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!text.contains(PASSWORD), "{text}");
}

#[tokio::test]
async fn a_second_server_on_the_same_store_sees_accounts_and_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.gpkg");
    let a = state_on(&path).await;
    let b = state_on(&path).await;
    two_servers(a, b).await;
}

#[tokio::test]
async fn two_servers_on_one_postgis_database_share_accounts_and_sessions() {
    let Some(db) = common::postgis::test_db("accounts").await else { return };
    let store = || async { Arc::new(landtrace_store::PostGisStore::connect(&db.url).await.unwrap()) as Arc<dyn Store> };
    let a = state_over(store().await).await;
    let b = state_over(store().await).await;
    two_servers(a, b).await;
}

/// A adds an account; B signs it in; A accepts B's session at once; disabled on
/// A, B refuses the session within the poll interval.
async fn two_servers(a: AppState, b: AppState) {
    let new = json!({"name": "sun.qi", "role": "agriculture", "password": PASSWORD});
    let (status, _, _) = call(&a, request("POST", "/api/admin/users", Some(ADMIN), Some(&new), HOME)).await;
    assert_eq!(status, StatusCode::CREATED);
    // B signs the new user in (it checks the store's version first) …
    let sign_in = json!({"name": "sun.qi", "password": PASSWORD});
    let (status, session, text) = call(&b, request("POST", "/api/session", None, Some(&sign_in), HOME)).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    // … and A accepts B's session at once (an unknown token makes it look again).
    let token = session["token"].as_str().unwrap();
    let (status, me, _) = call(&a, request("GET", "/api/me", Some(token), None, HOME)).await;
    assert_eq!((status, me["role"].as_str()), (StatusCode::OK, Some("agriculture")));
    // Disabled on A: B refuses the session within the poll interval.
    let (status, _, _) =
        call(&a, request("PATCH", "/api/admin/users/sun.qi", Some(ADMIN), Some(&json!({"disabled": true})), HOME))
            .await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(landtrace_server::state::ACCOUNTS_POLL + std::time::Duration::from_millis(500)).await;
    let (status, _, _) = call(&b, request("GET", "/api/me", Some(token), None, HOME)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
