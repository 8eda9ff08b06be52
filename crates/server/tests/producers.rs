//! The producer register (种养殖主体) and the traceability rules of issue 15 over HTTP
//! (临政办发〔2023〕19号): identifiers (credit code checked, platform identifiers in
//! sequence), bases judged together (gazette line 2852), duplicates refused or merged,
//! phones of every area code, tanks in m² (line 2842), 以商品生产为目的 (line 2838), the
//! phases in the due report (line 2834) and completeness in the ledger (line 2852).

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

async fn state(dir: &Path) -> AppState {
    let toml = format!(
        "[[user]]\nname = \"nong.yuan\"\nrole = \"agriculture\"\ntoken_sha256 = \"{}\"\n\n\
         [[user]]\nname = \"zhu.jian\"\nrole = \"housing\"\ntoken_sha256 = \"{}\"\n",
        hash_token(AGRI),
        hash_token(HOUSING)
    );
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("producers.gpkg")).await.unwrap();
    let mut layers = read_bundled(&data).unwrap();
    layers.retain(|(kind, _)| *kind != LayerKind::OriginPoints);
    store.insert_many(layers, &Actor::bundled_data()).await.unwrap();
    let options = AppOptions { users: Users::parse(&toml).unwrap(), ..AppOptions::default() };
    AppState::new(Arc::new(store), options).await.unwrap()
}

async fn call(
    state: &AppState,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri).header("host", "localhost:8080");
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let response = app(state.clone()).oneshot(request.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into())))
}

async fn count(state: &AppState, kind: LayerKind) -> usize {
    state.store.features(kind).await.unwrap().len()
}

/// A valid record in 猗氏镇 at (lon, lat).
fn record(subject: &str, product: &str, scale: f64, unit: &str, lon: f64, lat: f64) -> Value {
    json!({
        "lon": lon, "lat": lat,
        "subject_name": subject, "subject_type": "家庭农场", "product": product,
        "township": "猗氏镇", "contact_name": "测试联系人", "contact_phone": "13912345678",
        "scale": scale, "scale_unit": unit, "collected_on": "2023-06-13",
    })
}

#[tokio::test]
async fn producers_are_registered_with_a_checked_code_or_a_platform_identifier() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let before = count(&state, LayerKind::Producers).await;
    // No credit code: the platform assigns the next identifier of the register (the demo
    // data holds ZT140821-000001 and -000002).
    let (status, body) = call(
        &state,
        "POST",
        "/api/trace/producers",
        Some(AGRI),
        Some(json!({"name": "测试家庭农场", "subject_type": "家庭农场", "township": "猗氏镇",
                    "contact_phone": "0351-7654321", "for_market": "是"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["properties"]["producer_id"], "ZT140821-000003");
    assert_eq!(body["properties"]["id_kind"], "平台编号");
    assert_eq!(body["properties"]["created_by"], "nong.yuan (agriculture)");
    // A published credit code (华为技术有限公司) is kept as the identifier.
    let (status, body) = call(
        &state,
        "POST",
        "/api/trace/producers",
        Some(AGRI),
        Some(json!({"name": "测试企业", "subject_type": "农产品生产企业", "uscc": "914403001922038216"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["properties"]["producer_id"], "914403001922038216");
    assert_eq!(body["properties"]["subject_type"], "企业");
    // The same code again: 409 naming the registered producer; a wrong check character: 400.
    let (status, body) = call(
        &state,
        "POST",
        "/api/trace/producers",
        Some(AGRI),
        Some(json!({"name": "再登记", "subject_type": "企业", "producer_id": "914403001922038216"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["error_zh"].as_str().unwrap().contains("已登记"));
    let (status, body) = call(
        &state,
        "POST",
        "/api/trace/producers",
        Some(AGRI),
        Some(json!({"name": "错码", "subject_type": "企业", "producer_id": "914403001922038217"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["problems"][0]["field"], "producer_id");
    assert!(body["problems"][0]["message"].as_str().unwrap().contains("校验位"));
    // Roles: anonymous 401, housing staff 403; nothing stored by any refusal.
    let p = json!({"name": "x", "subject_type": "企业"});
    assert_eq!(call(&state, "POST", "/api/trace/producers", None, Some(p.clone())).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&state, "POST", "/api/trace/producers", Some(HOUSING), Some(p)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(count(&state, LayerKind::Producers).await, before + 2);
    // Listed and shown by id or identifier; names and phones only to the owning role.
    let (_, list) = call(&state, "GET", "/api/trace/producers", Some(AGRI), None).await;
    assert_eq!(list["total"], before + 2);
    let (status, one) = call(&state, "GET", "/api/trace/producers/ZT140821-000003", None, None).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert!(one["properties"].get("name").is_none() && one["properties"].get("contact_phone").is_none(), "{one}");
    let (_, one) = call(&state, "GET", "/api/trace/producers/ZT140821-000003", Some(AGRI), None).await;
    assert_eq!(one["properties"]["contact_phone"], "0351-7654321");
    assert_eq!(call(&state, "GET", "/api/trace/producers/ZT140821-999999", None, None).await.0, StatusCode::NOT_FOUND);
}

/// 临政办发〔2023〕19号 五、(二), gazette line 2852: 种养殖主体有多个基地或在同一个基地有多个地块，
/// 总计达到规模标准的，要分别进行采集.
#[tokio::test]
async fn bases_below_the_threshold_alone_are_collected_when_together_they_reach_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let (_, p) = call(
        &state,
        "POST",
        "/api/trace/producers",
        Some(AGRI),
        Some(json!({"name": "两块地农户", "subject_type": "农户"})),
    )
    .await;
    let pid = p["properties"]["producer_id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for (scale, lon) in [(0.2, 110.7801), (0.3, 110.7901)] {
        let mut r = record("两块地农户", "豇豆", scale, "亩", lon, 35.1502);
        r["producer_id"] = json!(pid);
        let (status, body) = call(&state, "POST", "/api/trace/records", Some(AGRI), Some(r)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.push(body["id"].as_i64().unwrap());
    }
    let (_, one) = call(&state, "GET", &format!("/api/trace/producers/{pid}"), None, None).await;
    assert_eq!(one["summary"]["bases"], 2, "{one}");
    assert_eq!(one["summary"]["mandatory_only_together"], 2, "{one}");
    for base in one["bases"].as_array().unwrap() {
        let t = &base["properties"]["threshold"];
        assert_eq!(t["mandatory"], true, "{t}");
        assert_eq!(t["aggregate"]["total"], 0.5);
        assert!(t["note"].as_str().unwrap().contains("合计 0.5 亩"), "{t}");
        assert!(t["basis"].as_array().unwrap().iter().any(|b| b.as_str().unwrap().contains("第2852行")), "{t}");
    }
    // The record answers say the same.
    let (_, r) = call(&state, "GET", &format!("/api/trace/records/{}", ids[0]), None, None).await;
    assert_eq!(r["properties"]["threshold"]["aggregate"]["bases"], 2, "{r}");
    // A record naming an unregistered producer is refused on its field.
    let mut r = record("无名", "豇豆", 1.0, "亩", 110.80, 35.16);
    r["producer_id"] = json!("ZT140821-000099");
    let (status, body) = call(&state, "POST", "/api/trace/records", Some(AGRI), Some(r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["problems"][0]["field"], "producer_id");
}

/// Issue 15: the same producer, product and position submitted twice is refused with the
/// record it repeats (409), or merged into it when the request confirms (`?merge=<id>`).
#[tokio::test]
async fn a_repeated_submission_is_refused_or_merged_never_stored_twice() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let first = record("重复农场", "韭菜", 3.0, "亩", 110.7801, 35.1502);
    let (status, body) = call(&state, "POST", "/api/trace/records", Some(AGRI), Some(first)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().unwrap();
    // About 5 m away: the same base.
    let again = record("重复农场", "韭菜", 4.0, "亩", 110.7801, 35.15025);
    let (status, body) = call(&state, "POST", "/api/trace/records", Some(AGRI), Some(again.clone())).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["existing_id"], id);
    assert!(body["assumption"].as_str().unwrap().contains("10 米"), "{body}");
    assert_eq!(count(&state, LayerKind::OriginPoints).await, 1);
    // Confirmed: the stored record is updated through the write path.
    let (status, body) = call(&state, "POST", &format!("/api/trace/records?merge={id}"), Some(AGRI), Some(again)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["id"].as_i64(), body["merged_into"].as_i64()), (Some(id), Some(id)));
    assert_eq!(body["properties"]["scale"], 4.0);
    assert_eq!(count(&state, LayerKind::OriginPoints).await, 1);
    // Another product at the same place, or the same product 50 m away, is a new record.
    let other = record("重复农场", "芹菜", 3.0, "亩", 110.7801, 35.1502);
    assert_eq!(call(&state, "POST", "/api/trace/records", Some(AGRI), Some(other)).await.0, StatusCode::CREATED);
    let far = record("重复农场", "韭菜", 3.0, "亩", 110.7801, 35.1507);
    assert_eq!(call(&state, "POST", "/api/trace/records", Some(AGRI), Some(far)).await.0, StatusCode::CREATED);
    assert_eq!(count(&state, LayerKind::OriginPoints).await, 3);
    let (status, _) = call(&state, "POST", "/api/trace/records?merge=abc", Some(AGRI), Some(json!({}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A merge into a record the submission does not repeat is refused and changes nothing.
    let unrelated = record("别的农场", "韭菜", 9.0, "亩", 110.7801, 35.1502);
    let (status, body) =
        call(&state, "POST", &format!("/api/trace/records?merge={id}"), Some(AGRI), Some(unrelated)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error_zh"].as_str().unwrap().contains("不能合并"), "{body}");
    assert_eq!(count(&state, LayerKind::OriginPoints).await, 3);
}

/// Phones (四、采集内容, line 2848) of any area code; tanks in m² (三、3, line 2842);
/// 以商品生产为目的 (三, line 2838); phases (二、(二), line 2834); completeness (五、(二), line 2852).
#[tokio::test]
async fn phones_tanks_scope_phases_and_completeness_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let mut r = record("太原联系人农场", "乌鳢", 200.0, "平方米", 110.7801, 35.1502);
    r["contact_phone"] = json!("0351-7654321");
    r["collector_phone"] = json!("0359-4028132 转 801");
    r["industrialised"] = json!("是");
    let (status, body) = call(&state, "POST", "/api/trace/records", Some(AGRI), Some(r)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let p = &body["properties"];
    assert_eq!(
        (p["contact_phone"].as_str(), p["collector_phone"].as_str()),
        (Some("0351-7654321"), Some("0359-4028132-801"))
    );
    assert_eq!(p["threshold"]["mandatory"], true, "200 m² of tanks reach 0.3 亩: {body}");
    assert!(p["threshold"]["note"].as_str().unwrap().contains("假定"), "for_market not given: {body}");
    assert_eq!(p["completeness"]["total"], 19);
    assert!(p["completeness"]["missing"].as_array().unwrap().contains(&json!("网格员姓名")));
    let mut r = record("自用农户", "韭菜", 3.0, "亩", 110.7901, 35.1602);
    r["for_market"] = json!("否");
    let (_, body) = call(&state, "POST", "/api/trace/records", Some(AGRI), Some(r)).await;
    assert_eq!(body["properties"]["threshold"]["mandatory"], false, "{body}");
    let mut r = record("坏电话农场", "韭菜", 3.0, "亩", 110.80, 35.17);
    r["grid_officer_phone"] = json!("010-6234567");
    let (status, body) = call(&state, "POST", "/api/trace/records", Some(AGRI), Some(r)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["problems"][0]["field"], "grid_officer_phone");
    assert!(body["problems"][0]["message"].as_str().unwrap().contains("8 位本地号码"), "{body}");

    let (_, due) = call(&state, "GET", "/api/trace/due?as_of=2023-07-01", None, None).await;
    assert_eq!(due["phase"]["code"], "collection", "{due}");
    let (_, due) = call(&state, "GET", "/api/trace/due?as_of=2024-03-01", None, None).await;
    assert_eq!(due["phase"]["name"], "日常维护、动态更新和推广运用阶段");
    assert!(due["phase"]["basis"].as_str().unwrap().contains("第2834行"));

    let (_, ledger) = call(&state, "GET", "/api/trace/ledger?week=2023-W24", None, None).await;
    let yishi = ledger["rows"].as_array().unwrap().iter().find(|r| r["township_code"] == "140821100").unwrap();
    assert_eq!(yishi["records"], 2, "{yishi}");
    assert_eq!(yishi["complete_records"], 0);
    assert!(yishi["completeness_percent"].as_f64().unwrap() < 100.0);
}

/// Issue 15: a spreadsheet row repeating a stored record or an earlier row (same producer,
/// product and position) is refused on its position; nothing of the file is stored.
#[tokio::test]
async fn spreadsheet_rows_repeating_a_record_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let header =
        "种养殖主体名称,主体类型,产品名称,乡镇,经度,纬度,联系人,联系方式,种养规模,规模单位,采集日期,以商品生产为目的\n";
    let row = |subject: &str, lat: &str| {
        format!("{subject},家庭农场,韭菜,临晋镇,110.60,{lat},示例人,0351-7654321,2,亩,2023-06-14,是\n")
    };
    let csv = format!("{header}{}{}{}", row("甲", "35.15"), row("乙", "35.15"), row("甲", "35.15002"));
    let request = Request::builder()
        .method("POST")
        .uri("/api/trace/import")
        .header("host", "localhost:8080")
        .header("authorization", format!("Bearer {AGRI}"))
        .body(Body::from(csv.clone()))
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["rows"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["rows"][0]["line"], 4, "{body}");
    assert_eq!(body["rows"][0]["problems"][0]["field"], "position");
    assert!(body["rows"][0]["problems"][0]["message"].as_str().unwrap().contains("与第 2 行重复"), "{body}");
    assert_eq!(count(&state, LayerKind::OriginPoints).await, 0);
    // Once 甲 is stored, the same row again repeats the stored record.
    let (status, _) =
        call(&state, "POST", "/api/trace/records", Some(AGRI), Some(record("甲", "韭菜", 2.0, "亩", 110.60, 35.15)))
            .await;
    assert_eq!(status, StatusCode::CREATED);
    let request = Request::builder()
        .method("POST")
        .uri("/api/trace/import")
        .header("host", "localhost:8080")
        .header("authorization", format!("Bearer {AGRI}"))
        .body(Body::from(format!("{header}{}", row("甲", "35.15001"))))
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert!(body["rows"][0]["problems"][0]["message"].as_str().unwrap().contains("已有记录"), "{body}");
    assert_eq!(count(&state, LayerKind::OriginPoints).await, 1);
    // A row naming a producer that is not in the register is refused on producer_id.
    let request = Request::builder()
        .method("POST")
        .uri("/api/trace/import")
        .header("host", "localhost:8080")
        .header("authorization", format!("Bearer {AGRI}"))
        .body(Body::from(format!(
            "{},主体编号\n{}",
            header.trim_end(),
            row("丙", "35.16").replace('\n', ",ZT140821-000099\n")
        )))
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["rows"][0]["problems"][0]["field"], "producer_id", "{body}");
    assert!(body["rows"][0]["problems"][0]["message"].as_str().unwrap().contains("未登记"), "{body}");
    assert_eq!(count(&state, LayerKind::OriginPoints).await, 1);
}

/// The generic layer door writes producers through the same rules: an identifier is
/// required there (the producer routes assign platform ones), a wrong credit code is
/// refused on its field, and nothing is stored by a refusal.
#[tokio::test]
async fn the_generic_layer_door_checks_producers_too() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let before = count(&state, LayerKind::Producers).await;
    let feature = |props: Value| json!({"type": "Feature", "geometry": null, "properties": props});
    for (props, field) in [
        (
            json!({"name": "无编号", "subject_type": "企业", "id_kind": "平台编号", "accuracy": "approximate"}),
            "producer_id",
        ),
        (
            json!({"producer_id": "914403001922038217", "id_kind": "统一社会信用代码", "name": "错码", "subject_type": "企业",
                   "accuracy": "approximate"}),
            "producer_id",
        ),
    ] {
        let (status, body) =
            call(&state, "POST", "/api/layers/producers/features", Some(AGRI), Some(feature(props))).await;
        assert!(status.is_client_error(), "{status}: {body}");
        assert!(body.to_string().contains(field), "{body}");
    }
    assert_eq!(count(&state, LayerKind::Producers).await, before);
    let good = json!({"producer_id": "91440300708461136T", "id_kind": "统一社会信用代码", "name": "腾讯测试",
                      "subject_type": "企业", "accuracy": "approximate"});
    let (status, body) = call(&state, "POST", "/api/layers/producers/features", Some(AGRI), Some(feature(good))).await;
    assert!(status.is_success(), "{status}: {body}");
    assert_eq!(count(&state, LayerKind::Producers).await, before + 1);
}

/// Issue 15, one write path: a record repeating a stored one is refused by every door
/// that stores new features (the generic layer write, OGC API – Features, the file
/// import), not only by `/api/trace/records`; a write retried with its idempotency key
/// is still answered from the first write.
#[tokio::test]
async fn every_door_refuses_a_repeated_record() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let first = record("各门重复农场", "芹菜", 3.0, "亩", 110.7811, 35.1512);
    let (status, body) = call(&state, "POST", "/api/trace/records", Some(AGRI), Some(first.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let stored = body["id"].as_i64().unwrap();
    // The same record, 3 m away, as a GeoJSON feature.
    let mut props = first.as_object().unwrap().clone();
    props.remove("lon");
    props.remove("lat");
    props.insert("accuracy".into(), json!("approximate"));
    let feature = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [110.7811, 35.15123]},
                         "properties": props});
    let collection = json!({"type": "FeatureCollection", "features": [feature.clone()]});
    for (method, uri, body) in [
        ("POST", "/api/layers/origin_points/features", collection.clone()),
        ("POST", "/collections/origin_points/items", feature.clone()),
        ("POST", "/api/layers/origin_points/import?filename=again.geojson", collection.clone()),
    ] {
        let (status, answer) = call(&state, method, uri, Some(AGRI), Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {}", answer["error_en"]);
        let text = answer.to_string();
        assert!(text.contains(&format!("重复提交：与已有记录 {stored}")), "{uri}: {text}");
        assert_eq!(count(&state, LayerKind::OriginPoints).await, 1, "{uri} stored a duplicate");
    }
    // A new record with an idempotency key, retried with the same key: one record, and
    // the retry is answered from the first write, not refused as its own duplicate.
    let mut other = feature.clone();
    other["properties"]["product"] = json!("韭菜");
    let body = json!({"type": "FeatureCollection", "features": [other]}).to_string();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let request = Request::builder()
            .method("POST")
            .uri("/api/layers/origin_points/features")
            .header("host", "localhost:8080")
            .header("authorization", format!("Bearer {AGRI}"))
            .header("idempotency-key", "issue-15-retry-0001")
            .body(Body::from(body.clone()))
            .unwrap();
        let response = app(state.clone()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        ids.push(serde_json::from_slice::<Value>(&bytes).unwrap()["ids"].clone());
    }
    assert_eq!(ids[0], ids[1]);
    assert_eq!(count(&state, LayerKind::OriginPoints).await, 2);
}

/// Issue 15: a producer identifier is unique in the register, kept so by the store: a
/// second producer with a taken identifier through the generic layer write is refused
/// (409, Chinese first) and nothing is stored.
#[tokio::test]
async fn a_taken_producer_identifier_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let before = count(&state, LayerKind::Producers).await;
    let taken = state.store.features(LayerKind::Producers).await.unwrap()[0].properties["producer_id"].clone();
    let again = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null,
        "properties": {"producer_id": taken, "id_kind": "平台编号", "name": "另一主体", "subject_type": "家庭农场",
                       "accuracy": "illustrative"}}]});
    let (status, body) = call(&state, "POST", "/api/layers/producers/features", Some(AGRI), Some(again)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", body["error_en"]);
    assert!(body["error_zh"].as_str().unwrap().starts_with("该编号已被"), "{}", body["error_en"]);
    assert_eq!(count(&state, LayerKind::Producers).await, before);
}
