//! Photos of origin-point records over HTTP (issue 16): stored, listed and served to
//! agriculture staff and admins only; refused by content type and size; a resend
//! with its Idempotency-Key stored once — and so is a record sent again from the
//! map client's offline queue.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_domain::LayerKind;
use landtrace_server::auth::{Users, hash_token};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::bundled::read_bundled;
use landtrace_store::{Actor, GeoPackageStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const AGRI: &str = "agriculture-staff-token";
const HOUSING: &str = "housing-staff-token";
const ADMIN: &str = "admin-token-for-photos";

async fn state(dir: &Path) -> AppState {
    let toml = format!(
        "[[user]]\nname = \"nong.yuan\"\nrole = \"agriculture\"\ntoken_sha256 = \"{}\"\n\n\
         [[user]]\nname = \"zhu.jian\"\nrole = \"housing\"\ntoken_sha256 = \"{}\"\n",
        hash_token(AGRI),
        hash_token(HOUSING)
    );
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("photos.gpkg")).await.unwrap();
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    let options =
        AppOptions { users: Users::parse(&toml).unwrap(), admin_token: Some(ADMIN.into()), ..AppOptions::default() };
    AppState::new(Arc::new(store), options).await.unwrap()
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Vec<u8>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(uri).header("host", "localhost:8080");
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    if let Some(k) = key {
        request = request.header("idempotency-key", k);
    }
    let response = app(state.clone()).oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer { status, headers, bytes }
}

/// A small JPEG-signed file (the server tells the type by the first bytes).
fn jpeg(n: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0];
    v.extend((0..n).map(|i| (i % 251) as u8));
    v.extend([0xFF, 0xD9]);
    v
}

async fn a_record(state: &AppState) -> i64 {
    state.store.features(LayerKind::OriginPoints).await.unwrap()[0].id
}

#[tokio::test]
async fn photos_are_stored_listed_and_served_to_the_allowed_roles_only() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let id = a_record(&state).await;
    let url = format!("/api/trace/records/{id}/photos");
    let photo = jpeg(20_000);

    let a = call(&state, "POST", &url, Some(AGRI), Some("photo-1"), photo.clone()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json());
    let meta = a.json();
    assert_eq!(meta["record_id"], id);
    assert_eq!(meta["media_type"], "image/jpeg");
    assert_eq!(meta["bytes"], photo.len());
    assert_eq!(meta["created_by"], "nong.yuan (agriculture)");
    let photo_id = meta["id"].as_i64().unwrap();
    assert_eq!(meta["url"], format!("api/trace/photos/{photo_id}"));

    // Listed and fetched, byte for byte, privately cached.
    let list = call(&state, "GET", &url, Some(AGRI), None, vec![]).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json()["photos"].as_array().unwrap().len(), 1);
    assert_eq!(list.json()["photos"][0]["id"], photo_id);
    let got = call(&state, "GET", &format!("/api/trace/photos/{photo_id}"), Some(AGRI), None, vec![]).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.bytes, photo);
    assert_eq!(got.headers["content-type"], "image/jpeg");
    assert!(got.headers["cache-control"].to_str().unwrap().starts_with("private"));
    assert_eq!(got.headers["x-content-type-options"], "nosniff");
    // Admins see them too.
    let got = call(&state, "GET", &format!("/api/trace/photos/{photo_id}"), Some(ADMIN), None, vec![]).await;
    assert_eq!(got.status, StatusCode::OK);

    // Anonymous: 401; another role: 403 — for the list, the bytes and the upload.
    for (token, status) in [(None, StatusCode::UNAUTHORIZED), (Some(HOUSING), StatusCode::FORBIDDEN)] {
        let list = call(&state, "GET", &url, token, None, vec![]).await;
        assert_eq!(list.status, status);
        let got = call(&state, "GET", &format!("/api/trace/photos/{photo_id}"), token, None, vec![]).await;
        assert_eq!(got.status, status);
        assert!(!got.bytes.windows(photo.len().min(64)).any(|w| w == &photo[..64]), "no bytes to {token:?}");
        let up = call(&state, "POST", &url, token, None, jpeg(10)).await;
        assert_eq!(up.status, status);
        let del = call(&state, "DELETE", &format!("/api/trace/photos/{photo_id}"), token, None, vec![]).await;
        assert_eq!(del.status, status);
    }
    // Audited without bytes; deleted by the owning role.
    let audit = state.store.audit(5).await.unwrap();
    let row = audit.iter().find(|r| r.layer == "landtrace_record_photos" && r.fid == photo_id).unwrap();
    assert_eq!(row.actor, "nong.yuan (agriculture)");
    assert_eq!(row.after.as_ref().unwrap()["properties"]["bytes"], photo.len());
    let del = call(&state, "DELETE", &format!("/api/trace/photos/{photo_id}"), Some(AGRI), None, vec![]).await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    let got = call(&state, "GET", &format!("/api/trace/photos/{photo_id}"), Some(AGRI), None, vec![]).await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    assert!(state.store.photos(id).await.unwrap().is_empty());
}

#[tokio::test]
async fn bad_photos_are_refused_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let id = a_record(&state).await;
    let url = format!("/api/trace/records/{id}/photos");
    let history = state.store.audit_all().await.unwrap().len();

    // Not an image, whatever it is called: 415.
    for body in [b"GIF89a.....".to_vec(), b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(), b"%PDF-1.7".to_vec()] {
        let a = call(&state, "POST", &url, Some(AGRI), None, body).await;
        assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", a.json());
        assert!(a.json()["error"].as_str().unwrap().contains("image/jpeg"));
    }
    // Empty: 400. Over 5 MiB: 413.
    let a = call(&state, "POST", &url, Some(AGRI), None, vec![]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = call(&state, "POST", &url, Some(AGRI), None, jpeg(5 * 1024 * 1024)).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.json());
    // A PNG and a WebP are taken.
    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[0u8; 100][..]].concat();
    let a = call(&state, "POST", &url, Some(AGRI), None, png).await;
    assert_eq!((a.status, a.json()["media_type"].as_str()), (StatusCode::CREATED, Some("image/png")));
    let webp = [&b"RIFF\x64\0\0\0WEBPVP8 "[..], &[0u8; 100][..]].concat();
    let a = call(&state, "POST", &url, Some(AGRI), None, webp).await;
    assert_eq!((a.status, a.json()["media_type"].as_str()), (StatusCode::CREATED, Some("image/webp")));
    assert_eq!(state.store.audit_all().await.unwrap().len(), history + 2, "only the two images were written");

    // Unknown record, unknown photo: 404; a bad id: 400.
    let a = call(&state, "POST", "/api/trace/records/999999/photos", Some(AGRI), None, jpeg(10)).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = call(&state, "GET", "/api/trace/records/999999/photos", Some(AGRI), None, vec![]).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = call(&state, "GET", "/api/trace/photos/999999", Some(AGRI), None, vec![]).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = call(&state, "DELETE", "/api/trace/photos/999999", Some(AGRI), None, vec![]).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = call(&state, "GET", "/api/trace/photos/abc", Some(AGRI), None, vec![]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(state.store.audit_all().await.unwrap().len(), history + 2);
}

#[tokio::test]
async fn a_resent_photo_or_record_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let id = a_record(&state).await;
    let url = format!("/api/trace/records/{id}/photos");
    let photo = jpeg(3000);
    let first = call(&state, "POST", &url, Some(AGRI), Some("queued-photo-7"), photo.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert!(!first.headers.contains_key("idempotent-replayed"));
    let again = call(&state, "POST", &url, Some(AGRI), Some("queued-photo-7"), photo.clone()).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(state.store.photos(id).await.unwrap().len(), 1);
    // The same key for another photo is refused.
    let other = call(&state, "POST", &url, Some(AGRI), Some("queued-photo-7"), jpeg(10)).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(state.store.photos(id).await.unwrap().len(), 1);
    // Deleting the record deletes its photos.
    let photo_id = first.json()["id"].as_i64().unwrap();
    let del = call(&state, "DELETE", &format!("/api/trace/records/{id}"), Some(AGRI), None, vec![]).await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    let got = call(&state, "GET", &format!("/api/trace/photos/{photo_id}"), Some(AGRI), None, vec![]).await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);

    // A record from the offline queue, sent twice with its key (the answer to the
    // first was lost): stored once, the second answer replays the first.
    let record = json!({
        "lon": 110.7712, "lat": 35.1466,
        "subject_name": "离线测试农场", "subject_type": "家庭农场", "product": "韭菜",
        "township": "猗氏镇", "contact_name": "测试联系人", "contact_phone": "13912345678",
        "scale": 20, "scale_unit": "亩", "collected_on": "2023-06-13",
    });
    let before = state.store.features(LayerKind::OriginPoints).await.unwrap().len();
    let body = record.to_string().into_bytes();
    let first = call(&state, "POST", "/api/trace/records", Some(AGRI), Some("rec-offline-1"), body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.json());
    let again = call(&state, "POST", "/api/trace/records", Some(AGRI), Some("rec-offline-1"), body).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.json());
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(state.store.features(LayerKind::OriginPoints).await.unwrap().len(), before + 1);
}
