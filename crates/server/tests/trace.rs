//! Origin-point records and sponge-city runoff over HTTP: writes with checks and
//! roles, all-or-nothing spreadsheet imports (UTF-8 and GBK), the due report and
//! the weekly ledger on a fixed data set, the runoff estimate on a hand-worked
//! example, and privacy: an anonymous client never receives a contact name or
//! phone from any endpoint or tile.

mod common;
use common::collect_personal_values;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_domain::LayerKind;
use landtrace_server::auth::{Users, hash_token};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::bundled::read_bundled;
use landtrace_store::{Actor, GeoPackageStore, NewFeature, Store};
use serde_json::{Map, Value, json};
use tower::ServiceExt;

const ADMIN: &str = "trace-admin-token";
const AGRI: &str = "agriculture-staff-token";
const HOUSING: &str = "housing-staff-token";

fn users() -> Users {
    let toml = format!(
        "[[user]]\nname = \"nong.yuan\"\nrole = \"agriculture\"\ntoken_sha256 = \"{}\"\n\n\
         [[user]]\nname = \"zhu.jian\"\nrole = \"housing\"\ntoken_sha256 = \"{}\"\n",
        hash_token(AGRI),
        hash_token(HOUSING)
    );
    Users::parse(&toml).unwrap()
}

/// The bundled data; `keep_origin` false drops the demo origin points so a test
/// can work on a fixed set of its own.
async fn state(dir: &Path, keep_origin: bool) -> AppState {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("trace.gpkg")).await.unwrap();
    let mut layers = read_bundled(&data).unwrap();
    if !keep_origin {
        layers.retain(|(kind, _)| *kind != LayerKind::OriginPoints);
    }
    store.insert_many(layers, &Actor::bundled_data()).await.unwrap();
    let options = AppOptions { admin_token: Some(ADMIN.to_owned()), users: users(), ..AppOptions::default() };
    AppState::new(Arc::new(store), options).await.unwrap()
}

async fn call(state: &AppState, method: &str, uri: &str, token: Option<&str>, body: Body) -> (StatusCode, Vec<u8>) {
    let mut request = Request::builder().method(method).uri(uri).header("host", "localhost:8080");
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
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
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let (status, bytes) = call(state, method, uri, token, body).await;
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// A valid record near the county seat (猗氏镇, 110.775 35.14 is inside 临猗县).
fn record(subject: &str, product: &str, scale: f64, unit: &str) -> Value {
    json!({
        "lon": 110.7801, "lat": 35.1502,
        "subject_name": subject, "subject_type": "家庭农场", "product": product,
        "township": "猗氏镇", "contact_name": "测试联系人", "contact_phone": "13912345678",
        "grid_officer_name": "测试网格员", "grid_officer_phone": "0359-4028132",
        "collector_name": "测试采集员", "collector_phone": "13698765432",
        "scale": scale, "scale_unit": unit, "production_mode": "设施",
        "trace_means": "承诺达标合格证，追溯码", "collected_on": "2023-06-13",
    })
}

async fn origin_count(state: &AppState) -> usize {
    state.store.features(LayerKind::OriginPoints).await.unwrap().len()
}

#[tokio::test]
async fn a_record_is_checked_stored_and_flagged_below_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), false).await;
    let (status, body) =
        json_call(&state, "POST", "/api/trace/records", Some(AGRI), Some(record("甲农场", "生猪", 29.0, "头"))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let p = &body["properties"];
    assert_eq!(p["township_code"], "140821100");
    assert_eq!(p["industry"], "畜牧业");
    assert_eq!(p["trace_means"], "承诺达标合格证、追溯码");
    assert_eq!(p["threshold"]["mandatory"], false, "29 pigs are below 30: {body}");
    assert_eq!(p["created_by"], "nong.yuan (agriculture)");
    assert!(p["created_at"].as_str().unwrap().ends_with('Z'));

    let (_, body) =
        json_call(&state, "POST", "/api/trace/records", Some(AGRI), Some(record("乙农场", "生猪", 30.0, "头"))).await;
    assert_eq!(body["properties"]["threshold"]["mandatory"], true, "{body}");
    assert_eq!(origin_count(&state).await, 2);
}

#[tokio::test]
async fn bad_records_are_refused_with_every_problem_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), false).await;
    let mut bad = record("丙农场", "韭菜", 1.0, "头");
    bad["contact_phone"] = json!("12345");
    bad["township"] = json!("嵋杨镇");
    bad["lon"] = json!(110.2);
    let (status, body) = json_call(&state, "POST", "/api/trace/records", Some(ADMIN), Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let fields: Vec<&str> = body["problems"].as_array().unwrap().iter().filter_map(|p| p["field"].as_str()).collect();
    for f in ["contact_phone", "scale_unit", "position"] {
        assert!(fields.contains(&f), "{f} missing in {body}");
    }
    assert!(body["error_zh"].as_str().unwrap().contains("嵋阳镇"), "a suggestion for the unknown township: {body}");
    // In a neighbouring county of 运城市 (盐湖区): inside a boundary of the layer, not in 临猗县.
    let mut neighbour = record("壬农场", "韭菜", 1.0, "亩");
    neighbour["lon"] = json!(111.00);
    neighbour["lat"] = json!(35.03);
    let (status, body) = json_call(&state, "POST", "/api/trace/records", Some(ADMIN), Some(neighbour)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["problems"][0]["field"], "position", "{body}");
    assert_eq!(origin_count(&state).await, 0);
}

#[tokio::test]
async fn an_ocr_variant_township_maps_to_the_official_code() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), false).await;
    let mut r = record("丁合作社", "芹菜", 0.5, "亩");
    r["township"] = json!("崞阳镇");
    r["lon"] = json!(110.80);
    r["lat"] = json!(35.20);
    let (status, body) = json_call(&state, "POST", "/api/trace/records", Some(ADMIN), Some(r)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["properties"]["township_code"], "140821101");
    assert_eq!(body["properties"]["township_name"], "嵋阳镇");
    assert_eq!(body["properties"]["threshold"]["mandatory"], true, "0.5 亩 is at the threshold");
    assert!(body["notes"].to_string().contains("崞阳镇"), "{body}");
}

#[tokio::test]
async fn writes_need_the_agriculture_role_and_updates_keep_the_creation_stamp() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), false).await;
    let r = record("戊农场", "肉牛", 5.0, "头");
    assert_eq!(
        json_call(&state, "POST", "/api/trace/records", None, Some(r.clone())).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        json_call(&state, "POST", "/api/trace/records", Some(HOUSING), Some(r.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let (_, created) = json_call(&state, "POST", "/api/trace/records", Some(ADMIN), Some(r.clone())).await;
    let id = created["id"].as_i64().unwrap();

    let mut changed = r;
    changed["scale"] = json!(4);
    changed["updated_on"] = json!("2023-07-01");
    let (status, body) = json_call(&state, "PUT", &format!("/api/trace/records/{id}"), Some(AGRI), Some(changed)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["properties"]["created_by"], "admin-token");
    assert_eq!(body["properties"]["updated_by"], "nong.yuan (agriculture)");
    assert_eq!(body["properties"]["threshold"]["mandatory"], false, "4 beef cattle are below 5");
    let audit = state.store.audit(1).await.unwrap();
    assert_eq!(audit[0].action, "update");
    assert_eq!(audit[0].before.as_ref().unwrap()["properties"]["scale"], 5.0);
    assert_eq!(audit[0].after.as_ref().unwrap()["properties"]["scale"], 4.0);

    let uri = format!("/api/trace/records/{id}");
    assert_eq!(json_call(&state, "DELETE", &uri, Some(HOUSING), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(json_call(&state, "DELETE", &uri, Some(AGRI), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(json_call(&state, "GET", &uri, None, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        json_call(&state, "PUT", &uri, Some(AGRI), Some(record("x", "生猪", 40.0, "头"))).await.0,
        StatusCode::NOT_FOUND
    );
}

const CSV_HEADER: &str = "序号,种养殖主体名称,主体类型,产品名称,乡镇,村,经度,纬度,联系人,联系方式,种养规模,规模单位,生产方式,追溯方式,采集日期\n";

fn csv_row(n: usize, subject: &str, product: &str, scale: &str, unit: &str, phone: &str) -> String {
    format!(
        "{n},{subject},家庭农场,{product},临晋镇,,110.60,35.15,示例人,{phone},{scale},{unit},露地,承诺达标合格证,2023-06-14\n"
    )
}

#[tokio::test]
async fn spreadsheet_imports_are_all_or_nothing_in_utf8_and_gbk() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), false).await;
    let good = format!(
        "{CSV_HEADER}{}{}",
        csv_row(1, "己农场", "豇豆", "0.49", "亩", "13900001111"),
        csv_row(2, "庚农场", "乌鸡", "1000", "只", "0359-4021234")
    );
    let bad = format!("{good}{}", csv_row(3, "辛农场", "肉羊", "60", "亩", "110"));

    let (status, body) = call(&state, "POST", "/api/trace/import", Some(AGRI), Body::from(bad)).await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(rows[0]["line"], 4);
    assert_eq!(origin_count(&state).await, 0, "a rejected import stores nothing");

    let (status, body) =
        call(&state, "POST", "/api/trace/import?dry_run=true", Some(AGRI), Body::from(good.clone())).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert_eq!(origin_count(&state).await, 0, "a dry run stores nothing");

    let (gbk, _, lossy) = encoding_rs::GBK.encode(&good);
    assert!(!lossy);
    let (status, body) = call(&state, "POST", "/api/trace/import", Some(AGRI), Body::from(gbk.into_owned())).await;
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["encoding"], "gbk", "{body}");
    assert_eq!(body["imported"], 2);
    assert_eq!(body["not_mandatory"], 1, "0.49 亩 is flagged, 1000 black-bone chickens are not: {body}");
    let stored = state.store.features(LayerKind::OriginPoints).await.unwrap();
    assert_eq!(stored[0].properties["subject_name"], "己农场");
    assert_eq!(stored[0].properties["township_code"], "140821102");

    let (status, _) = call(&state, "POST", "/api/trace/import", None, Body::from(good)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The fixed data set of the ledger and due tests: (subject, product, township
/// code, collected_on, updated_on).
const FIXED: &[(&str, &str, &str, &str, Option<&str>)] = &[
    ("甲", "豇豆", "140821100", "2023-06-05", None),               // W23
    ("甲", "豇豆", "140821100", "2023-06-14", None),               // second base, W24: same subject
    ("乙", "豇豆", "140821100", "2023-06-18", Some("2023-09-20")), // Sunday of W24
    ("丙", "生猪", "140821100", "2023-06-19", None),               // W25
    ("丁", "生猪", "140821102", "2023-06-12", Some("2023-11-05")), // W24, 临晋镇
    ("戊", "鳊鱼", "140821102", "2023-06-01", None),               // W22
];

async fn fixed_state(dir: &Path) -> AppState {
    let state = state(dir, false).await;
    let features: Vec<NewFeature> = FIXED
        .iter()
        .map(|(subject, product, town, collected, updated)| {
            let (unit, industry, scale) = match *product {
                "生猪" => ("头", "畜牧业", 50.0),
                "鳊鱼" => ("亩", "渔业", 12.0),
                _ => ("亩", "种植业", 2.0),
            };
            let mut p = Map::new();
            for (k, v) in [
                ("subject_name", json!(subject)),
                ("subject_type", json!("种养殖户")),
                ("product", json!(product)),
                ("industry", json!(industry)),
                ("township_code", json!(town)),
                ("scale", json!(scale)),
                ("scale_unit", json!(unit)),
                ("collected_on", json!(collected)),
                ("updated_on", json!(updated)),
                ("contact_name", json!("固定联系人")),
                ("contact_phone", json!("13811112222")),
                ("accuracy", json!("illustrative")),
            ] {
                p.insert(k.into(), v);
            }
            NewFeature { geometry: Some(geo::Point::new(110.70, 35.15).into()), properties: p }
        })
        .collect();
    state.insert(LayerKind::OriginPoints, features, &Actor("test".into())).await.unwrap();
    state
}

fn town<'a>(ledger: &'a Value, code: &str) -> &'a Value {
    ledger["rows"].as_array().unwrap().iter().find(|r| r["township_code"] == code).unwrap()
}

fn count(row: &Value, product: &str) -> (i64, i64, i64) {
    let c = row["counts"].as_array().unwrap().iter().find(|c| c["product"] == product).unwrap();
    (c["this_week"].as_i64().unwrap(), c["last_week"].as_i64().unwrap(), c["change"].as_i64().unwrap())
}

#[tokio::test]
async fn the_weekly_ledger_counts_subjects_per_township_and_product() {
    let dir = tempfile::tempdir().unwrap();
    let state = fixed_state(dir.path()).await;
    let (status, ledger) = json_call(&state, "GET", "/api/trace/ledger?week=2023-W24", None, None).await;
    assert_eq!(status, StatusCode::OK, "{ledger}");
    assert_eq!(ledger["from"], "2023-06-12");
    assert_eq!(ledger["to"], "2023-06-18");
    let yishi = town(&ledger, "140821100");
    assert_eq!(count(yishi, "豇豆"), (2, 1, 1), "甲 (two bases) and 乙 by Sunday; 甲 the week before");
    assert_eq!(count(yishi, "生猪"), (0, 0, 0), "丙 is collected in W25");
    let linjin = town(&ledger, "140821102");
    assert_eq!(count(linjin, "生猪"), (1, 0, 1));
    assert_eq!(count(linjin, "鳊鱼"), (1, 1, 0));

    let (status, csv) = call(&state, "GET", "/api/trace/ledger?week=2023-W24&format=csv", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains("无变化"), "{csv}");
    let (status, html) = call(&state, "GET", "/api/trace/ledger?week=2023-W24&format=html", None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(html).unwrap().contains("每周调度台账"));
    for bad in ["2023-W54", "2023-24", "2023-W24&format=pdf"] {
        let (status, body) = json_call(&state, "GET", &format!("/api/trace/ledger?week={bad}"), None, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

#[tokio::test]
async fn the_due_report_lists_overdue_records_by_township() {
    let dir = tempfile::tempdir().unwrap();
    let state = fixed_state(dir.path()).await;
    // 2023-12-05: 丁 (pigs, updated 2023-11-05) is due 2023-12-05, not overdue yet;
    // 丙 (pigs, 2023-06-19) and 戊 (fish, 2023-06-01) are monthly and overdue;
    // the cowpea records are overdue after their crop cycle.
    let (status, due) = json_call(&state, "GET", "/api/trace/due?as_of=2023-12-05", None, None).await;
    assert_eq!(status, StatusCode::OK, "{due}");
    let overdue_of = |code: &str| -> Vec<String> {
        let t = due["townships"].as_array().unwrap().iter().find(|t| t["code"] == code).unwrap();
        t["overdue"].as_array().unwrap().iter().map(|r| r["subject_name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(overdue_of("140821102"), ["戊"], "丁 is due on 2023-12-05 itself: {due}");
    let yishi = overdue_of("140821100");
    assert!(yishi.contains(&"丙".to_owned()) && yishi.contains(&"甲".to_owned()), "{due}");
    let (_, due) = json_call(&state, "GET", "/api/trace/due?as_of=2023-12-06", None, None).await;
    let linjin = due["townships"].as_array().unwrap().iter().find(|t| t["code"] == "140821102").unwrap();
    assert_eq!(linjin["count"], 2, "丁 is overdue from 2023-12-06: {due}");
    assert_eq!(
        json_call(&state, "GET", "/api/trace/due?as_of=2023-13-01", None, None).await.0,
        StatusCode::BAD_REQUEST
    );

    let (_, listed) = json_call(&state, "GET", "/api/trace/records?due=current&as_of=2023-12-05", None, None).await;
    let names: Vec<&str> = listed["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["subject_name"].as_str())
        .collect();
    assert!(names.contains(&"丁"), "{listed}");
    assert!(!names.contains(&"戊"), "{listed}");
}

#[tokio::test]
async fn anonymous_clients_never_receive_contact_names_or_phones() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), true).await;
    let (status, _) =
        json_call(&state, "POST", "/api/trace/records", Some(AGRI), Some(record("隐私测试农场", "韭菜", 3.0, "亩")))
            .await;
    assert_eq!(status, StatusCode::CREATED);
    let features = state.store.features(LayerKind::OriginPoints).await.unwrap();
    let mut secrets = collect_personal_values(&features);
    // The producer register (issue 15): a producer's name and contacts are personal.
    let producers = state.store.features(LayerKind::Producers).await.unwrap();
    assert!(!producers.is_empty(), "the demo data has producers");
    for p in &producers {
        for def in LayerKind::Producers.fields().iter().filter(|d| d.personal) {
            if let Some(v) =
                p.properties.get(def.name).and_then(Value::as_str).filter(|v| !v.is_empty() && *v != "demo")
            {
                secrets.push(v.to_owned());
            }
        }
    }
    assert!(secrets.len() > 300, "the demo data has contacts to protect: {}", secrets.len());
    let phone = regex_like_phone();

    let mut uris: Vec<String> = [
        "/api/layers",
        "/api/trace/options",
        "/api/trace/producers",
        "/api/trace/records",
        "/api/trace/records?due=overdue&as_of=2023-12-01",
        "/api/trace/due?as_of=2023-12-01",
        "/api/trace/ledger?week=2023-W30",
        "/api/trace/ledger?week=2023-W30&format=csv",
        "/api/trace/ledger?week=2023-W30&format=html",
        "/api/truck-ban/freight-sources",
        "/api/sponge/coefficients",
        "/api/sponge/curve",
        "/tiles/all.json",
        "/tiles/origin_points.json",
        // The search box: 示例, 示例联系人, ZT140821, 138, 合作社, 家庭农场.
        "/api/search?q=%E7%A4%BA%E4%BE%8B&limit=50",
        "/api/search?q=%E7%A4%BA%E4%BE%8B%E8%81%94%E7%B3%BB%E4%BA%BA&limit=50",
        "/api/search?q=ZT140821&limit=50",
        "/api/search?q=138&limit=50",
        "/api/search?q=%E5%90%88%E4%BD%9C%E7%A4%BE&limit=50",
        "/api/search?q=%E5%AE%B6%E5%BA%AD%E5%86%9C%E5%9C%BA&limit=50",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    uris.extend(features.iter().map(|f| format!("/api/trace/records/{}", f.id)));
    uris.extend(producers.iter().map(|f| format!("/api/trace/producers/{}", f.id)));
    uris.extend(["/collections/producers/items".to_owned(), "/collections/producers/items/1".to_owned()]);
    for f in features.iter().step_by(7) {
        if let Some(geo::Geometry::Point(p)) = &f.geometry {
            uris.push(format!("/api/locate?lon={}&lat={}", p.x(), p.y()));
        }
    }
    // Every tile that holds an origin point, in every set that carries them.
    for z in [8u8, 10, 12, 14] {
        let mut tiles: Vec<(u32, u32)> = features
            .iter()
            .filter_map(|f| match &f.geometry {
                Some(geo::Geometry::Point(p)) => Some(tile_of(p.x(), p.y(), z)),
                _ => None,
            })
            .collect();
        tiles.sort_unstable();
        tiles.dedup();
        for (x, y) in tiles {
            for set in ["all", "origin_points"] {
                uris.push(format!("/tiles/{set}/{z}/{x}/{y}.mvt"));
            }
        }
    }
    let mut scanned = 0;
    for uri in &uris {
        let (status, body) = call(&state, "GET", uri, None, Body::empty()).await;
        assert!(status.is_success(), "{uri}: {status}");
        let text = String::from_utf8_lossy(&body);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{uri} leaks {s:?} to an anonymous client");
        }
        assert!(!phone(&text), "{uri} carries something that looks like a phone number");
        scanned += 1;
    }
    assert!(scanned > 300, "{scanned} responses scanned");
    households_reach_no_anonymous_client(&state).await;

    // Signed in as agriculture staff the same record shows its contacts.
    let id = features.last().unwrap().id;
    let (_, mine) = json_call(&state, "GET", &format!("/api/trace/records/{id}"), Some(AGRI), None).await;
    assert_eq!(mine["properties"]["contact_phone"], "13912345678");
    let (_, other) = json_call(&state, "GET", &format!("/api/trace/records/{id}"), Some(HOUSING), None).await;
    assert!(other["properties"].get("contact_phone").is_none(), "housing staff do not see farm contacts");
}

/// The household register of the expropriation projects (被征收户, issue 15): not
/// public, owned by the housing role. Anonymous clients get neither the layer nor
/// its rows from any route (layer list, OGC collections and items, export, tiles,
/// locate, the register and the expropriation answers); the progress carries
/// counts only; agriculture staff are refused; housing staff see the names.
async fn households_reach_no_anonymous_client(state: &AppState) {
    let kind = LayerKind::ExpropriationHouseholds;
    let households = state.store.features(kind).await.unwrap();
    let mut secrets: Vec<String> = households
        .iter()
        .flat_map(|f| {
            kind.fields()
                .iter()
                .filter(|d| d.personal)
                .filter_map(|d| f.properties.get(d.name).and_then(Value::as_str).map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect();
    secrets.sort();
    secrets.dedup();
    assert!(secrets.len() >= 12, "the demo register has names and ID numbers to protect: {secrets:?}");
    let table = kind.table_name();
    let id = households[0].id;
    let mut uris: Vec<String> = [
        "/api/layers".to_owned(),
        "/collections".to_owned(),
        format!("/collections/{table}"),
        format!("/collections/{table}/items"),
        format!("/collections/{table}/items/{id}"),
        format!("/collections/{table}/queryables"),
        format!("/collections/{table}/tiles"),
        format!("/api/layers/{table}/export?format=csv"),
        format!("/api/layers/{table}/export?format=geojson"),
        "/api/expropriation/households".to_owned(),
        format!("/api/expropriation/households/{id}"),
        "/api/expropriation/progress".to_owned(),
        "/api/expropriation/progress?format=csv".to_owned(),
        "/api/land/expropriation?lon=110.779&lat=35.142".to_owned(),
        "/api/locate?lon=110.779&lat=35.142".to_owned(),
        "/api/audit".to_owned(),
        "/tiles".to_owned(),
        "/tiles/all.json".to_owned(),
        "/styles".to_owned(),
        "/api".to_owned(),
    ]
    .to_vec();
    for z in [10u8, 12, 14] {
        let (x, y) = tile_of(110.779, 35.142, z);
        uris.push(format!("/tiles/all/{z}/{x}/{y}.mvt"));
    }
    for uri in &uris {
        let (status, body) = call(state, "GET", uri, None, Body::empty()).await;
        let text = String::from_utf8_lossy(&body);
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{uri} leaks {s:?} of the household register to an anonymous client");
        }
        // The layer itself is not named to anonymous clients (the register's own
        // routes and the OpenAPI document name it in their refusals and paths).
        let own_route = uri.contains(table) || uri.starts_with("/api/expropriation/households") || uri == "/api";
        if status.is_success() && !own_route {
            assert!(!text.contains(table), "{uri} names the household register to an anonymous client");
        }
        if uri.starts_with("/api/expropriation/households") {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        }
        if uri.starts_with(&format!("/collections/{table}")) || uri.starts_with(&format!("/api/layers/{table}")) {
            assert!(!status.is_success(), "{uri}: {status}");
        }
    }
    let (status, _) = call(state, "GET", "/api/expropriation/households", Some(AGRI), Body::empty()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "agriculture staff do not read the household register");
    let (status, body) = call(state, "GET", &format!("/collections/{table}/items"), Some(AGRI), Body::empty()).await;
    assert!(!status.is_success(), "agriculture staff get no OGC items of the register: {status}");
    assert!(!String::from_utf8_lossy(&body).contains(secrets[0].as_str()));
    let (status, mine) = json_call(state, "GET", "/api/expropriation/households", Some(HOUSING), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(mine.to_string().contains("示例户甲"), "housing staff see the names: {mine}");
}

/// Whether `text` holds a mainland mobile number or a 0359 landline (digits not
/// part of a longer number).
fn regex_like_phone() -> impl Fn(&str) -> bool {
    |text: &str| {
        let b = text.as_bytes();
        let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        (0..b.len()).any(|i| {
            let starts = !digit(i.wrapping_sub(1)) || i == 0;
            let mobile = starts
                && b[i] == b'1'
                && b.get(i + 1).is_some_and(|c| (b'3'..=b'9').contains(c))
                && (i..i + 11).all(digit)
                && !digit(i + 11);
            let landline =
                starts && b[i..].starts_with(b"0359") && (i + 4..i + 11).all(|j| digit(j) || b.get(j) == Some(&b'-'));
            mobile || landline
        })
    }
}

fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    (x as u32, y as u32)
}

#[tokio::test]
async fn the_runoff_estimate_matches_the_hand_worked_example() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), false).await;
    // A 2 ha project west of the demo projects, with two facilities of its own.
    let ring = [(110.700, 35.100), (110.7015, 35.100), (110.7015, 35.1013), (110.700, 35.1013), (110.700, 35.100)];
    let garden = geo::Polygon::new(
        geo::LineString::from(vec![
            (110.7001, 35.1001),
            (110.7003, 35.1001),
            (110.7003, 35.1002),
            (110.7001, 35.1002),
            (110.7001, 35.1001),
        ]),
        vec![],
    );
    let facility = |geometry: geo::Geometry, props: Value| NewFeature {
        geometry: Some(geometry),
        properties: props.as_object().unwrap().clone(),
    };
    state
        .insert(
            LayerKind::SpongeFacilities,
            vec![
                facility(geo::Point::new(110.7010, 35.1010).into(), json!({"name": "调蓄池A", "kind": "调蓄池", "volume_m3": 150.0, "status": "建成", "accuracy": "illustrative"})),
                facility(garden.into(), json!({"name": "下沉绿地B", "kind": "下沉式绿地", "area_m2": 400.0, "storage_depth_m": 0.2, "status": "建成", "accuracy": "illustrative"})),
            ],
            &Actor("test".into()),
        )
        .await
        .unwrap();
    let geometry =
        json!({"type": "Polygon", "coordinates": [ring.iter().map(|(x, y)| json!([x, y])).collect::<Vec<_>>()]});
    let body = json!({"geometry": geometry, "surfaces": "屋面=6000;混凝土或沥青路面=5000;绿地=7000;透水铺装=2000"});
    let (status, out) = json_call(&state, "POST", "/api/sponge/runoff", None, Some(body.clone())).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let e = &out["estimate"];
    // φ = (6000·0.90 + 5000·0.90 + 7000·0.15 + 2000·0.45) / 20000 = 11850 / 20000 = 0.5925
    assert!((e["composite_phi"].as_f64().unwrap() - 0.5925).abs() < 1e-9, "{e}");
    // H(80 %) = 21.0 mm (the bundled curve, an assumption); V = 10 · 21 · 0.5925 · 2 = 248.85 m³
    assert!((e["required_volume_m3"].as_f64().unwrap() - 248.85).abs() < 1e-6, "{e}");
    // 150 m³ + 400 m² × 0.2 m = 230 m³ < 248.85 m³
    assert!((e["provided_volume_m3"].as_f64().unwrap() - 230.0).abs() < 1e-6, "{e}");
    assert_eq!(e["meets_target"], false);
    // 230 / (10 · 0.5925 · 2) = 19.409 mm → between 75 % (17 mm) and 80 % (21 mm): 78.01 %
    assert!((e["achieved_percent"].as_f64().unwrap() - 78.01).abs() < 0.01, "{e}");
    assert!(out["assumptions"].to_string().contains("assumption"), "{out}");
    assert!(!e["working"].as_array().unwrap().is_empty());
    // No project type: held to the new-project target, said to be an assumption.
    assert!(out["assumptions"].to_string().contains("假定按新建项目"), "{out}");

    // 临政办发〔2023〕11号 line 2274: a rebuild (改建) has no number to fail; a 新建 project fails 80 %.
    let mut rebuilt = body.clone();
    rebuilt["project_type"] = json!("改建");
    let (status, out) = json_call(&state, "POST", "/api/sponge/runoff", None, Some(rebuilt)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let e = &out["estimate"];
    assert_eq!(
        (&e["meets_target"], &e["target_percent"], &e["required_volume_m3"]),
        (&Value::Null, &Value::Null, &Value::Null),
        "{e}"
    );
    assert_eq!(e["achieved_percent_text"], "78.0%");
    assert!(!e["working"].to_string().contains("未达到"), "{e}");
    assert_eq!(out["target"]["basis"], "none");
    assert_eq!(out["target"]["citation"]["document"], "临政办发〔2023〕11号");
    assert!(out["target"]["citation"]["clause"].as_str().unwrap().contains("第2274行"), "{out}");
    let mut new = body.clone();
    new["project_type"] = json!("新建");
    let (status, out) = json_call(&state, "POST", "/api/sponge/runoff", None, Some(new)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!((&out["estimate"]["meets_target"], &out["target"]["basis"]), (&json!(false), &json!("gazette")));
    let mut wrong = body.clone();
    wrong["project_type"] = json!("翻建");
    let (status, out) = json_call(&state, "POST", "/api/sponge/runoff", None, Some(wrong)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{out}");
    assert!(out.to_string().contains("project_type"), "{out}");

    for bad in [
        json!({"surfaces": "屋面=100"}),
        json!({"geometry": geometry, "surfaces": "屋顶花园=100"}),
        json!({"geometry": geometry}),
        json!({"geometry": geometry, "surfaces": "屋面=-5"}),
    ] {
        let (status, body) = json_call(&state, "POST", "/api/sponge/runoff", None, Some(bad.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

#[tokio::test]
async fn every_demo_sponge_project_has_an_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), false).await;
    let projects = state.store.features(LayerKind::SpongeProjects).await.unwrap();
    assert!(!projects.is_empty());
    for p in &projects {
        let (status, out) =
            json_call(&state, "GET", &format!("/api/sponge/projects/{}/runoff", p.id), None, None).await;
        assert_eq!(status, StatusCode::OK, "{out}");
        assert!(!out["estimate"]["facilities"].as_array().unwrap().is_empty(), "{out}");
        assert_eq!(out["project"]["accuracy"], "illustrative");
        // 临政办发〔2023〕11号 line 2274: the target follows the project type.
        let e = &out["estimate"];
        match out["project"]["project_type"].as_str() {
            Some("新建") => assert_eq!(e["target_percent"], 80.0, "{out}"),
            Some("改建" | "扩建") => {
                assert_eq!((&e["target_percent"], &e["meets_target"]), (&Value::Null, &Value::Null), "{out}")
            }
            other => panic!("demo project type {other:?}"),
        }
    }
    assert_eq!(
        json_call(&state, "GET", "/api/sponge/projects/99999/runoff", None, None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_new_village_is_known_to_the_next_record() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), false).await;
    let mut r = record("癸农场", "韭菜", 1.0, "亩");
    r["village"] = json!("测试新村");
    let (status, body) = json_call(&state, "POST", "/api/trace/records", Some(ADMIN), Some(r.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the village is not known yet: {body}");
    assert!(body["problems"].to_string().contains("village"), "{body}");

    let village = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null,
        "properties": {"code": "140821100999", "name": "测试新村", "township_code": "140821100"}}]});
    let (status, body) = json_call(&state, "POST", "/api/layers/villages/features", Some(ADMIN), Some(village)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = json_call(&state, "POST", "/api/trace/records", Some(ADMIN), Some(r)).await;
    assert_eq!(status, StatusCode::CREATED, "the cached division names were refreshed: {body}");
    assert_eq!(body["properties"]["village_code"], "140821100999");
}

#[tokio::test]
async fn housing_staff_track_waterlogging_points_and_facilities() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path(), false).await;
    let points = state.store.features(LayerKind::WaterloggingPoints).await.unwrap();
    let open = points.iter().find(|f| f.properties["status"] != "已消除").expect("a point still to fix");
    let uri = format!("/api/layers/waterlogging_points/features/{}", open.id);
    let mut props = open.properties.clone();
    props.insert("status".into(), json!("已消除"));
    props.insert("eliminated_on".into(), json!("2024-05-31"));
    let geometry = landtrace_store::geojson_io::geometry_to_geojson(open.geometry.as_ref().unwrap());
    let fixed = json!({"type": "Feature", "geometry": geometry, "properties": props});

    assert_eq!(json_call(&state, "PUT", &uri, Some(AGRI), Some(fixed.clone())).await.0, StatusCode::FORBIDDEN);
    let mut bad = fixed.clone();
    bad["properties"]["status"] = json!("差不多");
    assert_eq!(json_call(&state, "PUT", &uri, Some(HOUSING), Some(bad)).await.0, StatusCode::BAD_REQUEST);
    let unchanged = state.store.features(LayerKind::WaterloggingPoints).await.unwrap();
    assert_eq!(unchanged, points, "a refused update changes nothing");

    let (status, body) = json_call(&state, "PUT", &uri, Some(HOUSING), Some(fixed.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let after = state.store.features(LayerKind::WaterloggingPoints).await.unwrap();
    let changed = after.iter().find(|f| f.id == open.id).unwrap();
    assert_eq!(changed.properties["status"], "已消除");
    assert_eq!(changed.properties["eliminated_on"], "2024-05-31");
    let audit = state.store.audit(1).await.unwrap();
    assert_eq!((audit[0].action.as_str(), audit[0].actor.as_str()), ("update", "zhu.jian (housing)"));

    let missing = "/api/layers/waterlogging_points/features/999999";
    assert_eq!(json_call(&state, "PUT", missing, Some(HOUSING), Some(fixed)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(json_call(&state, "DELETE", missing, Some(HOUSING), None).await.0, StatusCode::NOT_FOUND);

    let facility = state.store.features(LayerKind::SpongeFacilities).await.unwrap()[0].id;
    let uri = format!("/api/layers/sponge_facilities/features/{facility}");
    assert_eq!(json_call(&state, "DELETE", &uri, None, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(json_call(&state, "DELETE", &uri, Some(HOUSING), None).await.0, StatusCode::NO_CONTENT);
    assert!(state.store.features(LayerKind::SpongeFacilities).await.unwrap().iter().all(|f| f.id != facility));
}
