//! The household register (被征收户) of 临政发〔2023〕10号/11号 through the HTTP API:
//! the housing role reads it with every household's compensation computed line by
//! line (gazette lines 1536-1552 of the plan) and writes it through the audited
//! layer write path; anonymous callers and other roles get neither the layer nor its
//! rows; the progress per project carries counts only.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_domain::LayerKind;
use landtrace_server::auth::{Users, hash_token};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::bundled::read_bundled;
use landtrace_store::{Actor, GeoPackageStore, HistoryQuery, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const ADMIN: &str = "households-admin-token";
const HOUSING: &str = "households-housing-token";
const AGRI: &str = "households-agriculture-token";

async fn state(dir: &Path) -> AppState {
    let toml = format!(
        "[[user]]\nname = \"zhu.jian\"\nrole = \"housing\"\ntoken_sha256 = \"{}\"\n\n\
         [[user]]\nname = \"nong.yuan\"\nrole = \"agriculture\"\ntoken_sha256 = \"{}\"\n",
        hash_token(HOUSING),
        hash_token(AGRI)
    );
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("h.gpkg")).await.unwrap();
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    let options = AppOptions {
        admin_token: Some(ADMIN.to_owned()),
        users: Users::parse(&toml).unwrap(),
        ..AppOptions::default()
    };
    AppState::new(Arc::new(store), options).await.unwrap()
}

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Vec<u8>) {
    let mut request = Request::builder().method(method).uri(uri).header("host", "localhost:8080");
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let response = app(state.clone()).oneshot(request.body(body).unwrap()).await.unwrap();
    let status = response.status();
    (status, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

async fn json_call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let (status, bytes) = call(state, method, uri, token, body).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn yuan(v: &Value) -> String {
    v["yuan"].as_str().unwrap_or_default().to_owned()
}

fn household(no: &str, extra: Value) -> Value {
    let mut p = json!({"decision_no": "临政发〔2023〕11号", "household_no": no, "owner_name": "测试户壬",
        "owner_id_no": "测试证件-0099", "building_area_m2": 120.0, "appraised_value_yuan": 800000.0,
        "appraisal_ended_on": "2023-09-10", "accuracy": "illustrative", "source": "test"});
    p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    json!({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": p}]})
}

#[tokio::test]
async fn housing_reads_the_register_with_compensation_computed_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let uri = "/api/expropriation/households?decision_no=临政发〔2023〕10号&as_of=2023-09-11";
    let uri =
        uri.replace('〔', "%E3%80%94").replace('〕', "%E3%80%95").replace("临政发", "%E4%B8%B4%E6%94%BF%E5%8F%91");
    assert_eq!(json_call(&state, "GET", &uri, None, None).await.0, StatusCode::UNAUTHORIZED);
    let (status, body) = json_call(&state, "GET", &uri, Some(AGRI), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = json_call(&state, "GET", &uri, Some(HOUSING), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = body["households"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "the demo register of 10号: {body}");
    let first = rows.iter().find(|r| r["properties"]["household_no"] == "10-001").unwrap();
    assert_eq!(first["properties"]["owner_name"], "示例户甲", "the owning role sees the names");
    // 临政发〔2023〕10号 补偿方案 九（二）1 (gazette line 1536): 95 m² built on 120 m² of legal
    // land, two storeys or fewer: 3 000 × 120 = 360 000 less 1 200 × 25 = 30 000 → 330 000.
    // 十一 (line 1552): signed 09-25, handed over 09-30 = day 20 after 09-10 → 20 %.
    let a = &first["assessment"];
    assert_eq!(a["status"], "signed");
    assert_eq!(a["bonus_day"], 20);
    assert_eq!(a["provisional"], false);
    let lines: Vec<(String, String)> = a["compensation"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["item"].as_str().unwrap().to_owned(), yuan(&l["amount"])))
        .collect();
    assert_eq!(
        lines,
        [
            ("appraised_value".to_owned(), "330000.00".to_owned()),
            ("moving_fee".to_owned(), "1425.00".to_owned()),
            ("transition_fee".to_owned(), "5700.00".to_owned()),
            ("bonus".to_owned(), "66000.00".to_owned()),
        ]
    );
    assert_eq!(yuan(&a["compensation"]["total"]), "403125.00");
    assert!(a["compensation"]["area_basis"]["citation"]["clause"].as_str().unwrap().contains("1536"));
    // Line 1532: the valuation date; line 1580: the household's objection period from its receipt.
    assert_eq!(a["valuation_date"]["date"], "2023-06-29");
    assert_eq!(a["event_periods"][0]["end"], "2023-09-11");
    assert_eq!(a["event_periods"][0]["status"], "running");
    // 10-003: not signed, a compensation decision on 2024-01-10 (line 1586: review within 60 days).
    let third = rows.iter().find(|r| r["properties"]["household_no"] == "10-003").unwrap();
    assert_eq!(third["assessment"]["status"], "decision_made");
    assert_eq!(third["assessment"]["event_periods"][2]["end"], "2024-03-10");

    let id = first["id"].as_i64().unwrap();
    let (status, one) =
        json_call(&state, "GET", &format!("/api/expropriation/households/{id}"), Some(HOUSING), None).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["properties"]["household_no"], "10-001");
    assert_eq!(
        json_call(&state, "GET", &format!("/api/expropriation/households/{id}"), None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        json_call(&state, "GET", "/api/expropriation/households/999999", Some(HOUSING), None).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, body) =
        json_call(&state, "GET", "/api/expropriation/households?decision_no=12", Some(HOUSING), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn writes_go_through_the_audited_write_path_and_bad_records_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let path = "/api/layers/expropriation_households/features";
    let before = state.store.features(LayerKind::ExpropriationHouseholds).await.unwrap().len();
    // Another role, or nobody: refused.
    assert_eq!(
        call(&state, "POST", path, Some(AGRI), Some(household("11-099", json!({})))).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&state, "POST", path, None, Some(household("11-099", json!({})))).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Bad records: unknown decision, signing before the appraisal ended, a hand-over without
    // an agreement; each is answered 400 naming the field, and nothing is stored.
    for (extra, field) in [
        (json!({"decision_no": "临政发〔2023〕12号"}), "decision_no"),
        (json!({"agreement_signed_on": "2023-09-01"}), "agreement_signed_on"),
        (json!({"handed_over_on": "2023-09-20"}), "handed_over_on"),
        (json!({"storeys": 2.5}), "storeys"),
    ] {
        let (status, body) = call(&state, "POST", path, Some(HOUSING), Some(household("11-099", extra))).await;
        let text = String::from_utf8_lossy(&body);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {text}");
        assert!(text.contains(field), "{field}: {text}");
    }
    assert_eq!(state.store.features(LayerKind::ExpropriationHouseholds).await.unwrap().len(), before);
    // A good record: stored, audited with the housing user as actor.
    let (status, body) = call(
        &state,
        "POST",
        path,
        Some(HOUSING),
        Some(household("11-099", json!({"agreement_signed_on": "2023-10-01", "handed_over_on": "2023-10-01"}))),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    let id = serde_json::from_slice::<Value>(&body).unwrap()["ids"][0].as_i64().unwrap();
    let audit = state
        .store
        .history(&HistoryQuery {
            layer: Some(LayerKind::ExpropriationHouseholds),
            fid: Some(id),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "insert");
    assert!(audit[0].actor.contains("zhu.jian (housing)"), "{}", audit[0].actor);
    // Day 21 after 09-10: 10 % (十一, gazette line 1552).
    let (_, one) = json_call(&state, "GET", &format!("/api/expropriation/households/{id}"), Some(HOUSING), None).await;
    assert_eq!(one["assessment"]["compensation"]["bonus_percent"], 10, "{one}");
}

#[tokio::test]
async fn progress_has_counts_only_for_the_report_and_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let (status, body) = json_call(&state, "GET", "/api/expropriation/progress", None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let p = &body["progress"];
    // Demo register: 10号 has 4 households (2 signed, 2 not, 1 of them with a decision).
    assert_eq!(p[0]["decision_no"], "临政发〔2023〕10号");
    assert_eq!((p[0]["households"].as_u64(), p[0]["signed"].as_u64()), (Some(4), Some(2)));
    assert_eq!((p[0]["not_signed"].as_u64(), p[0]["decision_made"].as_u64()), (Some(2), Some(1)));
    assert_eq!((p[1]["households"].as_u64(), p[1]["signed"].as_u64()), (Some(2), Some(1)));
    let (status, csv) = call(&state, "GET", "/api/expropriation/progress?format=csv", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("已签约 (signed)") && csv.contains("临政发〔2023〕10号,壕村小区及油厂家属院,4,2,2,1,"),
        "{csv}"
    );
    let (status, xlsx) = call(&state, "GET", "/api/expropriation/progress?format=xlsx", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"));
    assert_eq!(
        call(&state, "GET", "/api/expropriation/progress?format=pdf", None, None).await.0,
        StatusCode::BAD_REQUEST
    );
    // The map's answer for a point in the 10号 area carries the same counts, nothing personal.
    let (status, at) =
        json_call(&state, "GET", "/api/land/expropriation?lon=110.779&lat=35.142&as_of=2023-10-01", None, None).await;
    assert_eq!(status, StatusCode::OK, "{at}");
    assert_eq!(at["projects"][0]["progress"]["signed"], 2, "{at}");
    for text in [body.to_string(), csv, at.to_string()] {
        assert!(!text.contains("示例户"), "no household name in a public answer: {text}");
    }
}
