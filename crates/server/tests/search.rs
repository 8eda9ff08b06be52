//! `GET /api/search` over HTTP on the bundled data: villages by name and code, the
//! gazette's OCR variants, document numbers however bracketed, plates for traffic
//! staff only, producers for agriculture staff only, positions typed in every CRS
//! form, the ranking, and 400s for bad input.

mod common;

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
use serde_json::{Value, json};
use tower::ServiceExt;

const TRAFFIC: &str = "traffic-staff-token-1";
const AGRI: &str = "agriculture-staff-token";
const ADMIN: &str = "admin-token-for-search-tests";

async fn state(dir: &Path) -> AppState {
    let toml = format!(
        "[[user]]\nname = \"jiao.jing\"\nrole = \"traffic\"\ntoken_sha256 = \"{}\"\n\n\
         [[user]]\nname = \"nong.yuan\"\nrole = \"agriculture\"\ntoken_sha256 = \"{}\"\n",
        hash_token(TRAFFIC),
        hash_token(AGRI)
    );
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("search.gpkg")).await.unwrap();
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    let options = AppOptions {
        users: Users::parse(&toml).unwrap(),
        admin_token: Some(ADMIN.to_owned()),
        ..AppOptions::default()
    };
    AppState::new(Arc::new(store), options).await.unwrap()
}

async fn get(state: &AppState, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::builder().uri(uri).header("host", "localhost:8080");
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let response = app(state.clone()).oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// The answer to `q` (URL-encoded here), 200 expected.
async fn search(state: &AppState, q: &str, token: Option<&str>) -> Value {
    let uri = format!("/api/search?q={}&limit=50", urlencode(q));
    let (status, body) = get(state, &uri, token).await;
    assert_eq!(status, StatusCode::OK, "{q}: {body}");
    assert_eq!(body["query"], q);
    body
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn results(answer: &Value) -> &Vec<Value> {
    answer["results"].as_array().unwrap()
}

fn first(answer: &Value) -> &Value {
    results(answer).first().unwrap_or_else(|| panic!("no result: {answer}"))
}

fn near(point: &Value, lon: f64, lat: f64, tolerance: f64) -> bool {
    (point[0].as_f64().unwrap() - lon).abs() < tolerance && (point[1].as_f64().unwrap() - lat).abs() < tolerance
}

#[tokio::test]
async fn villages_by_name_code_and_ocr_variant() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    for q in ["曹家营", "曹家营村", "140821101208", "嵋阳镇曹家营村"] {
        let answer = search(&state, q, None).await;
        let hit = first(&answer);
        assert_eq!(hit["kind"], "division", "{q}: {answer}");
        assert_eq!(hit["layer"], "villages", "{q}");
        assert_eq!(hit["title"], "曹家营村委会", "{q}");
        assert_eq!(hit["match"], "exact", "{q}");
        assert_eq!(hit["properties"]["township_code"], "140821101");
        assert!(hit["subtitle"].as_str().unwrap().contains("嵋阳镇"), "{hit}");
        // No village boundaries: the village's clinic (嵋阳镇曹家营村卫生室) stands in.
        let clinics = state.store.features(LayerKind::VillageClinics).await.unwrap();
        let clinic = clinics.iter().find(|f| f.properties["village_code"] == "140821101208").unwrap();
        let geo::Geometry::Point(p) = clinic.geometry.clone().unwrap() else { panic!("clinic is a point") };
        assert!(near(&hit["point"], p.x(), p.y(), 1e-9), "{hit}");
        assert!(hit["note"].as_str().unwrap().contains("卫生室"), "{hit}");
    }
    // The township by its gazette OCR variants (公报 lines 3027, 3071, 3392).
    for q in ["崞阳镇", "峒阳镇", "嵎阳镇"] {
        let answer = search(&state, q, None).await;
        let hit = first(&answer);
        assert_eq!((hit["kind"].as_str(), hit["title"].as_str()), (Some("division"), Some("嵋阳镇")), "{q}");
        assert_eq!(hit["layer"], "townships");
        assert!(hit["id"].as_i64().is_some());
        assert!(hit["note"].as_str().unwrap().contains(q), "{hit}");
        assert!(hit["point"].is_array());
    }
    // As the gazette writes the clinic's village (line 3027).
    let answer = search(&state, "崞阳镇曹家营村", None).await;
    assert_eq!(first(&answer)["title"], "曹家营村委会");
    assert!(first(&answer)["note"].as_str().unwrap().contains("崞阳镇"));
    // The official name is no variant.
    let answer = search(&state, "嵋阳镇", None).await;
    assert_eq!(first(&answer)["title"], "嵋阳镇");
    assert!(first(&answer).get("note").is_none(), "{answer}");
}

#[tokio::test]
async fn ranking_is_exact_then_prefix_then_contains() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let answer = search(&state, "王村", None).await;
    let hits = results(&answer);
    assert_eq!(hits[0]["title"], "王村村委会", "{answer}");
    assert_eq!(hits[0]["match"], "exact");
    assert!(hits.len() > 2, "{answer}");
    let rank = |m: &Value| ["exact", "prefix", "contains"].iter().position(|r| m == r).unwrap();
    let ranks: Vec<usize> = hits.iter().map(|h| rank(&h["match"])).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    assert!(ranks.contains(&2), "some only contain it: {answer}");
    // The limit holds, and ids are not repeated.
    let (status, body) = get(&state, "/api/search?q=%E6%9D%91&limit=5", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(results(&body).len(), 5);
    let (_, body) = get(&state, "/api/search?q=%E6%9D%91", None).await;
    assert_eq!(results(&body).len(), 10, "10 by default");
}

#[tokio::test]
async fn features_and_documents_however_bracketed() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let areas = state.store.features(LayerKind::ExpropriationAreas).await.unwrap();
    let area = areas.iter().find(|f| f.properties["decision_no"] == "临政发〔2023〕10号").unwrap();
    for q in [
        "临政发〔2023〕10号",
        "临政发[2023]10号",
        "临政发(2023)10号",
        "临政发（2023）10号",
        "临政发2023 10号",
        "临政发202310号",
    ] {
        let answer = search(&state, q, None).await;
        let hit = first(&answer);
        assert_eq!(hit["kind"], "document", "{q}: {answer}");
        assert_eq!(hit["title"], "临政发〔2023〕10号", "{q}");
        assert_eq!(hit["match"], "exact", "{q}");
        assert_eq!((hit["layer"].as_str(), hit["id"].as_i64()), (Some("expropriation_areas"), Some(area.id)), "{q}");
        assert!(hit["bbox"].is_array());
        // The point is inside the area: the click panel there names it.
        let (_, located) =
            get(&state, &format!("/api/locate?lon={}&lat={}", hit["point"][0], hit["point"][1]), None).await;
        assert!(
            located["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["layer"] == "expropriation_areas" && h["id"] == area.id),
            "{located}"
        );
    }
    // Not 11号, and not 1号 either.
    let answer = search(&state, "临政发[2023]11号", None).await;
    assert_eq!(first(&answer)["title"], "临政发〔2023〕11号");
    // A document many features carry: one result for the layer, the box of them all.
    let answer = search(&state, "临政办发[2023]18号", None).await;
    let hit = first(&answer);
    assert_eq!((hit["kind"].as_str(), hit["layer"].as_str()), (Some("document"), Some("freight_sources")));
    assert!(hit.get("id").is_none());
    assert_eq!(hit["subtitle"], "24 个要素");
    // Features by name: the expropriation project, a clinic, an enterprise.
    let answer = search(&state, "鑫星小区", None).await;
    let hit = first(&answer);
    assert_eq!((hit["kind"].as_str(), hit["layer"].as_str()), (Some("feature"), Some("expropriation_areas")));
    assert_eq!(hit["match"], "contains");
    let answer = search(&state, "黄斗景村卫生室", None).await;
    assert_eq!(first(&answer)["layer"], "village_clinics", "{answer}");
    assert!(first(&answer)["point"].is_array() && first(&answer).get("bbox").is_none());
}

#[tokio::test]
async fn plates_for_traffic_staff_only() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    for q in ["晋M·X0001", "晋MX0001", "晋m x0001"] {
        let answer = search(&state, q, Some(TRAFFIC)).await;
        let hit = first(&answer);
        assert_eq!((hit["kind"].as_str(), hit["title"].as_str()), (Some("plate"), Some("晋M·X0001")), "{q}");
        assert_eq!(hit["layer"], "truck_passes");
        assert!(hit["subtitle"].as_str().unwrap().contains("2023-06-01"), "{hit}");
        assert!(hit["bbox"].is_array(), "the ban zone is shown: {hit}");
        let admin = search(&state, q, Some(ADMIN)).await;
        assert_eq!(first(&admin)["kind"], "plate");
        for token in [None, Some(AGRI)] {
            let answer = search(&state, q, token).await;
            assert!(results(&answer).iter().all(|h| h["kind"] != "plate"), "{token:?}: {answer}");
            assert!(!answer["results"].to_string().contains("X0001"), "{answer}");
        }
    }
    let answer = search(&state, "晋M", Some(TRAFFIC)).await;
    assert_eq!(results(&answer).iter().filter(|h| h["kind"] == "plate").count(), 3, "{answer}");
}

#[tokio::test]
async fn producers_for_agriculture_staff_only() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    for q in ["ZT140821-000001", "zt140821000001", "示例蔬菜种植户甲"] {
        let answer = search(&state, q, Some(AGRI)).await;
        let hit = first(&answer);
        assert_eq!((hit["kind"].as_str(), hit["layer"].as_str()), (Some("producer"), Some("producers")), "{q}");
        assert_eq!(hit["title"], "临猗县示例蔬菜种植户甲");
        assert_eq!(hit["properties"]["contact_phone"], "13800000901", "the owning role sees the contacts");
        assert!(hit["subtitle"].as_str().unwrap().contains("七级镇"), "{hit}");
        for token in [None, Some(TRAFFIC)] {
            let answer = search(&state, q, token).await;
            assert!(results(&answer).iter().all(|h| h["kind"] != "producer"), "{token:?}: {answer}");
            let text = answer["results"].to_string();
            for secret in ["示例蔬菜种植户甲", "13800000901", "示例联系人甲", "ZT140821"] {
                assert!(!text.contains(secret), "{token:?} {secret}: {answer}");
            }
        }
    }
}

#[tokio::test]
async fn no_personal_field_reaches_anonymous_answers() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let records = state.store.features(LayerKind::OriginPoints).await.unwrap();
    let secrets = common::collect_personal_values(&records);
    assert!(secrets.len() > 100);
    let subject = records[0].properties["subject_name"].as_str().unwrap().to_owned();
    let answer = search(&state, &subject, None).await;
    let hit = first(&answer);
    assert_eq!((hit["layer"].as_str(), hit["id"].as_i64()), (Some("origin_points"), Some(records[0].id)));
    assert_eq!(hit["properties"]["subject_name"], subject.as_str());
    assert!(hit["properties"].get("contact_name").is_none(), "{hit}");
    for q in [subject.as_str(), "示例", "示例联系人", "村", "138", "合作社"] {
        let text = search(&state, q, None).await["results"].to_string();
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{q}: {secret}");
        }
    }
    // The owning role sees them.
    let answer = search(&state, &subject, Some(AGRI)).await;
    assert!(first(&answer)["properties"].get("contact_name").is_some());
}

#[tokio::test]
async fn positions_in_every_crs_form() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let one = |answer: &Value| {
        assert_eq!(results(answer).len(), 1, "{answer}");
        assert_eq!(first(answer)["kind"], "coordinate");
        first(answer).clone()
    };
    // CGCS2000 3° Gauss-Krüger with the zone number, pasted northing first.
    let hit = one(&search(&state, "3890148.98 37479039.53", None).await);
    assert_eq!(hit["crs_used"], "EPSG:4525");
    assert!(near(&hit["point"], 110.77, 35.14, 1e-6), "{hit}");
    assert!(hit["note"].as_str().unwrap().contains("northing first"), "{hit}");
    // Named, easting first, without the zone number.
    let hit = one(&search(&state, "EPSG:4546 479039.53 3890148.98", None).await);
    assert_eq!(hit["crs_used"], "EPSG:4546");
    assert!(near(&hit["point"], 110.77, 35.14, 1e-6), "{hit}");
    // GCJ-02 from a phone app: converted, as /api/locate converts it.
    let hit = one(&search(&state, "gcj02: 110.78,35.139", None).await);
    assert_eq!(hit["crs_used"], "GCJ-02");
    let (_, located) = get(&state, "/api/locate?lon=110.78&lat=35.139&crs=gcj02", None).await;
    assert!(near(
        &hit["point"],
        located["point"]["lon"].as_f64().unwrap(),
        located["point"]["lat"].as_f64().unwrap(),
        1e-12
    ));
    assert!(!near(&hit["point"], 110.78, 35.139, 1e-3), "shifted by some hundred metres: {hit}");
    // Lat/lon or lon/lat by range.
    for q in ["35.14, 110.77", "35.14 110.77", "110.77,35.14", "110.77 , 35.14"] {
        let hit = one(&search(&state, q, None).await);
        assert_eq!(hit["crs_used"], "EPSG:4326", "{q}");
        assert_eq!(hit["point"], json!([110.77, 35.14]), "{q}");
        assert_eq!(hit["note"].as_str().is_some_and(|n| n.contains("lat, lon")), q.starts_with("35"), "{q}: {hit}");
    }
    // Two numbers that are no position: said, no result.
    let answer = search(&state, "500 600", None).await;
    assert!(results(&answer).is_empty(), "{answer}");
    assert!(answer["note"].as_str().unwrap().contains("500"), "{answer}");
}

#[tokio::test]
async fn bad_input_is_400() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let long = urlencode(&"村".repeat(101));
    for (uri, says) in [
        ("/api/search".to_owned(), "`q` is missing"),
        ("/api/search?q=".to_owned(), "`q` is missing"),
        ("/api/search?q=%20%20".to_owned(), "`q` is missing"),
        (format!("/api/search?q={long}"), "101 characters"),
        ("/api/search?q=%EF%BC%88%EF%BC%89".to_owned(), "no letters or digits"),
        ("/api/search?q=x&limit=0".to_owned(), "`limit`"),
        ("/api/search?q=x&limit=51".to_owned(), "`limit`"),
        ("/api/search?q=x&limit=ten".to_owned(), "`limit`"),
        ("/api/search?q=a&q=b".to_owned(), "cannot be read"),
    ] {
        let (status, body) = get(&state, &uri, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert!(body["error_en"].as_str().unwrap().contains(says), "{uri}: {body}");
    }
    let (status, _) = get(&state, "/api/search?q=x", Some("not-a-token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // 100 characters are searched.
    let (status, _) = get(&state, &format!("/api/search?q={}", urlencode(&"村".repeat(100))), None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_write_is_found_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    assert!(results(&search(&state, "示例新积水点", None).await).is_empty());
    let feature = NewFeature {
        geometry: Some(geo::Point::new(110.775, 35.142).into()),
        properties: serde_json::from_value(
            json!({"name": "示例新积水点", "status": "待治理", "accuracy": "illustrative"}),
        )
        .unwrap(),
    };
    let ids = state.insert(LayerKind::WaterloggingPoints, vec![feature], &Actor("test".into())).await.unwrap();
    let answer = search(&state, "示例新积水点", None).await;
    assert_eq!(
        (first(&answer)["layer"].as_str(), first(&answer)["id"].as_i64()),
        (Some("waterlogging_points"), Some(ids[0]))
    );
    assert_eq!(first(&answer)["point"], json!([110.775, 35.142]));
}

/// How long a search over the bundled data takes (the index built once). Run with
/// `cargo nextest run -p landtrace-server --test search --run-ignored only` (add
/// `--release` for the figure docs/benchmarks.md gives); prints, asserts nothing.
#[tokio::test]
#[ignore = "a measurement, not a check"]
async fn search_speed() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let started = std::time::Instant::now();
    search(&state, "warm up: builds the index", None).await;
    println!("first search (builds the index): {:?}", started.elapsed());
    let divisions = landtrace_app::origin_records::divisions_from(
        state.store.features(LayerKind::Townships).await.unwrap().iter().map(|f| &f.properties),
        state.store.features(LayerKind::Villages).await.unwrap().iter().map(|f| &f.properties),
    )
    .unwrap();
    let catalog = state.catalog.read().await;
    let sources = landtrace_app::search::SearchSources {
        catalog: &catalog,
        divisions: &divisions,
        passes: &state.store.features(LayerKind::TruckPasses).await.unwrap(),
        producers: &state.store.features(LayerKind::Producers).await.unwrap(),
    };
    let started = std::time::Instant::now();
    let index = landtrace_app::search::SearchIndex::build(sources);
    println!("index of {} entries built in {:?}", index.len(), started.elapsed());
    for q in ["曹家营", "村", "临政发[2023]10号", "晋M·X0001", "鑫星小区", "3890148.98 37479039.53", "zzz"]
    {
        let n = 1000;
        let started = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(index.search(std::hint::black_box(q), 10, None));
        }
        println!("{q}: {:?} per search", started.elapsed() / n);
    }
}

async fn post(state: &AppState, uri: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let request = Request::builder()
        .method("POST")
        .uri(uri)
        .header("host", "localhost:8080")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn user_defined_layers_by_their_text_fields_personal_ones_for_their_owner() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    for (name, title, public) in [("zongdi", "宗地", true), ("neibu", "内部宗地", false)] {
        let def = json!({"name": name, "title_zh": title, "title_en": name, "geometry": "MultiPolygon",
            "owner": "land", "public": public, "locate": true,
            "fields": [{"name": "zddm", "type": "Text", "required": true},
                       {"name": "qlr", "type": "Text", "personal": true}]});
        let (status, body) = post(&state, "/api/layers", ADMIN, def).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let square = json!([[
            [110.7700, 35.1400],
            [110.7710, 35.1400],
            [110.7710, 35.1410],
            [110.7700, 35.1410],
            [110.7700, 35.1400]
        ]]);
        let features = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "geometry": {"type": "MultiPolygon", "coordinates": [square]},
            "properties": {"zddm": format!("140821-{name}-0001"), "qlr": format!("示例权利人{name}")}}]});
        let (status, body) = post(&state, &format!("/api/layers/{name}/features"), ADMIN, features).await;
        assert!(status.is_success(), "{body}");
    }
    // By a public text field: the title is it, the place the parcel.
    let answer = search(&state, "140821-zongdi-0001", None).await;
    let hit = first(&answer);
    assert_eq!((hit["kind"].as_str(), hit["layer"].as_str()), (Some("feature"), Some("zongdi")));
    assert_eq!(hit["title"], "140821-zongdi-0001");
    assert!(hit["properties"].get("qlr").is_none(), "{hit}");
    let bbox = hit["bbox"].as_array().unwrap();
    assert!((bbox[0].as_f64().unwrap() - 110.77).abs() < 1e-9, "{hit}");
    // The personal field: never matched, nor shown, for anyone but the owner and admins.
    for token in [None, Some(TRAFFIC), Some(AGRI)] {
        let answer = search(&state, "示例权利人zongdi", token).await;
        assert!(results(&answer).is_empty(), "{token:?}: {answer}");
    }
    let answer = search(&state, "示例权利人zongdi", Some(ADMIN)).await;
    assert_eq!(first(&answer)["properties"]["qlr"], "示例权利人zongdi");
    // A layer that is not public: only for its owner and admins.
    assert!(results(&search(&state, "140821-neibu-0001", None).await).is_empty());
    assert!(results(&search(&state, "140821-neibu-0001", Some(TRAFFIC)).await).is_empty());
    assert_eq!(first(&search(&state, "140821-neibu-0001", Some(ADMIN)).await)["layer"], "neibu");
}
