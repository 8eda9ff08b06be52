//! The languages of the API: every error answer in Chinese by default and in
//! English by `Accept-Language`, always with both (`error_zh`, `error_en`), the
//! problems of a refused write in both, and `Content-Language` and `Vary`.

mod common;

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use landtrace_server::auth::{Users, hash_token};
use landtrace_server::messages::UNTRANSLATED;
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::bundled::read_bundled;
use landtrace_store::{Actor, GeoPackageStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const ADMIN: &str = "language-admin-token";
const HOUSING: &str = "housing-staff-token";

async fn state(dir: &Path) -> AppState {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("t.gpkg")).await.unwrap();
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    let users = Users::parse(&format!(
        "[[user]]\nname = \"zhu.jian\"\nrole = \"housing\"\ntoken_sha256 = \"{}\"\n",
        hash_token(HOUSING)
    ))
    .unwrap();
    let options = AppOptions { admin_token: Some(ADMIN.to_owned()), users, ..AppOptions::default() };
    AppState::new(Arc::new(store), options).await.unwrap()
}

/// One request: method, path, token, JSON body, `Accept-Language`.
async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<&str>,
    lang: Option<&str>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::builder().method(method).uri(uri).header("host", "localhost:8080");
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    if let Some(l) = lang {
        request = request.header("accept-language", l);
    }
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_owned()));
    let response = app(state.clone()).oneshot(request.body(body).unwrap()).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn text<'a>(body: &'a Value, key: &str) -> &'a str {
    body[key].as_str().unwrap_or_else(|| panic!("no {key} in {body}"))
}

#[tokio::test]
async fn the_same_error_in_chinese_by_default_and_in_english_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let uri = "/api/locate?lon=abc&lat=35.1";
    let mut seen = Vec::new();
    for (lang, want_en) in [
        (None, false),
        (Some("zh-CN"), false),
        (Some("zh-CN,zh;q=0.9,en;q=0.8"), false),
        (Some("en-US,en;q=0.9"), true),
        (Some("en"), true),
        (Some("zh;q=0.5, en;q=0.8"), true),
        (Some("en;q=0.3, zh-TW;q=0.6"), false),
        (Some("fr"), false),
    ] {
        let (status, headers, body) = call(&state, "GET", uri, None, None, lang).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{lang:?}: {body}");
        let (zh, en, error) = (text(&body, "error_zh"), text(&body, "error_en"), text(&body, "error"));
        assert_eq!(zh, "查询参数 `lon` = \"abc\" 不是数字", "{body}");
        assert_eq!(en, "query parameter `lon` = \"abc\" is not a number", "{body}");
        assert_eq!(error, if want_en { en } else { zh }, "{lang:?}");
        let content_language = headers.get(header::CONTENT_LANGUAGE).and_then(|v| v.to_str().ok());
        assert_eq!(content_language, Some(if want_en { "en" } else { "zh-CN" }), "{lang:?}");
        let vary: Vec<&str> = headers.get_all(header::VARY).iter().filter_map(|v| v.to_str().ok()).collect();
        assert!(vary.iter().any(|v| v.to_ascii_lowercase().contains("accept-language")), "{lang:?}: {vary:?}");
        assert_eq!(body["status"], 400);
        seen.push(error.to_owned());
    }
    assert!(seen.iter().any(|e| has_chinese(e)) && seen.iter().any(|e| !has_chinese(e)));
}

/// Method, path, token, body, expected status, a word the Chinese must hold.
type Case<'a> = (&'a str, String, Option<&'a str>, Option<String>, u16, &'a str);

/// A bad request of each family of errors, across the routes: each answer has a
/// Chinese rendering from the catalogue (not the untranslated lead) and its
/// English, and `Accept-Language: en` gives the English.
#[tokio::test]
async fn every_family_of_errors_has_its_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let point = |props: Value| {
        json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[110.61, 35.30], [110.611, 35.30], [110.611, 35.301], [110.61, 35.301], [110.61, 35.30]]]},
            "properties": props}]})
        .to_string()
    };
    let unknown_field =
        point(json!({"name": "项目", "project_type": "土地整治", "accuracy": "illustrative", "colour": "red"}));
    let unknown_value = point(json!({"name": "项目", "project_type": "土地整治", "accuracy": "guessed"}));
    let self_crossing = json!({"type": "Polygon", "coordinates": [[[110.7, 35.1], [110.71, 35.11], [110.71, 35.1], [110.7, 35.11], [110.7, 35.1]]]}).to_string();
    let truck = |at: &str| json!({"lon": 110.77, "lat": 35.14, "at": at, "vehicle": {"class": "重型"}}).to_string();
    let cases: Vec<Case> = vec![
        ("GET", "/api/locate?lat=35.1".into(), None, None, 400, "缺少查询参数"),
        ("GET", "/collections/county_boundaries/items?colour=red".into(), None, None, 400, "不能在图层"),
        ("GET", "/api/locate?lon=190&lat=35.1".into(), None, None, 400, "经度"),
        ("GET", "/api/locate?lon=110.7&lat=35.1&as_of=yesterday".into(), None, None, 400, "RFC 3339"),
        ("GET", "/api/locate?lon=110.7&lat=35.1&as_of=2023-05-01T08:00:00".into(), None, None, 400, "时区偏移"),
        ("GET", "/api/locate?lon=110.7&lat=35.1&crs=EPSG:99999999x".into(), None, None, 400, "坐标系"),
        ("POST", "/api/truck-ban/check".into(), None, Some(truck("2023-06-01 06:00")), 400, "RFC 3339"),
        ("POST", "/api/truck-ban/check".into(), None, Some("{\"lon\": 1".into()), 400, "请求体"),
        ("POST", "/api/land/valuation".into(), None, Some(json!({"geometry": self_crossing}).to_string()), 400, ""),
        ("GET", "/api/nowhere".into(), None, None, 404, "没有"),
        ("GET", "/collections/nothing_here".into(), None, None, 404, "没有名为"),
        ("GET", "/tiles/nothing_here.json".into(), None, None, 404, "瓦片集"),
        ("GET", "/api/trace/records/999999".into(), Some(ADMIN), None, 404, "产地记录"),
        ("DELETE", "/api/locate".into(), None, None, 405, "请求方法"),
        (
            "POST",
            "/api/layers/consolidation_projects/features".into(),
            None,
            Some(unknown_value.clone()),
            401,
            "Authorization",
        ),
        ("GET", "/api/me".into(), None, None, 401, "未登录"),
        ("GET", "/api/me".into(), Some("not-a-token"), None, 401, "令牌无效"),
        (
            "POST",
            "/api/layers/consolidation_projects/features".into(),
            Some(HOUSING),
            Some(unknown_value.clone()),
            403,
            "无权写入",
        ),
        ("GET", "/api/audit".into(), Some(HOUSING), None, 403, "审计记录"),
        (
            "POST",
            "/api/layers/consolidation_projects/features".into(),
            Some(ADMIN),
            Some(unknown_field),
            400,
            "不是图层",
        ),
        (
            "POST",
            "/api/layers/consolidation_projects/features".into(),
            Some(ADMIN),
            Some(unknown_value),
            400,
            "不允许取值",
        ),
        ("GET", "/api/layers/no_such_layer/export?format=csv".into(), Some(ADMIN), None, 404, "图层"),
        // The routes of issue 16's other parts.
        ("GET", "/api/search?q=".into(), None, None, 400, "缺少查询参数 `q`"),
        ("GET", "/api/search?q=x&limit=ten".into(), None, None, 400, "整数"),
        ("GET", "/api/dashboard?figure=nope".into(), None, None, 400, "须为以下之一"),
        ("GET", "/basemaps/nope.json".into(), None, None, 404, "底图"),
        ("GET", "/api/trace/photos/999999".into(), Some(ADMIN), None, 404, "照片"),
        ("GET", "/api/admin/users".into(), None, None, 401, "管理用户需要"),
    ];
    for (method, uri, token, body, want, needle) in cases {
        let (status, _, zh_body) = call(&state, method, &uri, token, body.as_deref(), None).await;
        assert_eq!(status.as_u16(), want, "{method} {uri}: {zh_body}");
        let (zh, en) = (text(&zh_body, "error_zh"), text(&zh_body, "error_en"));
        assert!(!zh.contains(UNTRANSLATED), "{method} {uri}: no template for {en:?}");
        assert!(has_chinese(zh) && zh.contains(needle), "{method} {uri}: {zh:?} should hold {needle:?}");
        assert_eq!(text(&zh_body, "error"), zh);
        // English (it may quote a Chinese name or title).
        assert!(en.chars().next().is_some_and(|c| c.is_ascii()), "{en:?}");
        let (_, _, en_body) = call(&state, method, &uri, token, body.as_deref(), Some("en-US,en;q=0.9")).await;
        assert_eq!(text(&en_body, "error"), en, "{method} {uri}");
        assert_eq!(text(&en_body, "error_zh"), zh, "{method} {uri}");
    }
}

#[tokio::test]
async fn the_problems_of_a_refused_write_are_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let record = json!({
        "subject_type": "种植", "subject_name": "丙农场", "product": "韭菜", "scale": 1.0, "scale_unit": "头",
        "township": "嵋杨镇", "village": "东村", "contact_name": "张三", "contact_phone": "12345",
        "lon": 110.2, "lat": 35.14,
    })
    .to_string();
    for lang in [None, Some("en")] {
        let (status, headers, body) =
            call(&state, "POST", "/api/trace/records", Some(ADMIN), Some(&record), lang).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(headers.get(header::CONTENT_LANGUAGE).is_some());
        let problems = body["problems"].as_array().unwrap();
        assert!(problems.len() >= 2, "{body}");
        for p in problems {
            let (zh, en) = (text(p, "message_zh"), text(p, "message_en"));
            assert!(has_chinese(zh) && !zh.contains(UNTRANSLATED), "{p}");
            assert!(en.chars().any(|c| c.is_ascii_alphabetic()) && !en.contains('（'), "{p}");
        }
        let error = text(&body, "error");
        let lead = if lang.is_none() { "记录无效：" } else { "the record is invalid: " };
        assert!(error.starts_with(lead), "{error}");
    }
    // A layer write refused by the store's schema check: field and message in both.
    let bad = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "geometry": {"type": "Point", "coordinates": [110.77, 35.14]},
        "properties": {"name": "测试", "category": "果品", "accuracy": "guessed"}}]});
    let (status, _, body) =
        call(&state, "POST", "/api/layers/freight_sources/features", Some(ADMIN), Some(&bad.to_string()), None).await;
    assert!(status.is_client_error(), "{body}");
    assert!(!text(&body, "error_zh").contains(UNTRANSLATED), "{body}");
}

#[tokio::test]
async fn answers_without_errors_keep_their_headers() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let (status, headers, _) = call(&state, "GET", "/api/locate?lon=110.77&lat=35.14", None, None, Some("en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::CONTENT_LANGUAGE).is_none(), "a 200 answer carries both languages itself");
}

/// The rules' prose in an answer — the rounding rule, the day convention, the
/// note — is given in Chinese next to the English.
#[tokio::test]
async fn rule_notes_carry_their_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let request = json!({"decision_no": "临政发〔2023〕10号", "appraised_value_yuan": 800000,
                         "building_area_m2": 120, "signed_day_after_appraisal": 12})
    .to_string();
    let (status, _, body) =
        call(&state, "POST", "/api/land/expropriation/compensation", None, Some(&request), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for key in ["rounding_zh", "day_convention_zh"] {
        assert!(has_chinese(text(&body, key)), "{key}: {body}");
    }
    for key in ["rounding", "day_convention"] {
        assert!(text(&body, key).starts_with(|c: char| c.is_ascii()), "{key}: {body}");
    }
    assert!(has_chinese(text(&body, "note")), "{body}");
}

/// A located zone's `accuracy` is named in Chinese beside the value.
#[tokio::test]
async fn located_zones_name_their_accuracy_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let (status, _, body) = call(&state, "GET", "/api/locate?lon=110.77&lat=35.14", None, None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let hits = body["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{body}");
    for hit in hits {
        let want = match hit["properties"]["accuracy"].as_str() {
            Some("surveyed") => Some("实测"),
            Some("official") => Some("官方"),
            Some("approximate") => Some("大致"),
            Some("illustrative") => Some("示例（虚构）"),
            _ => None,
        };
        assert_eq!(hit["accuracy_zh"].as_str(), want, "{hit}");
    }
    assert!(hits.iter().any(|h| h["accuracy_zh"].is_string()), "{body}");
}
