//! OGC API – Features over the bundled data, in-process on a real GeoPackage:
//! the landing page and its negotiation, conformance, collections, items with
//! paging, bbox, CRS and filters, and Part 4 writes guarded by ETags.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_server::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

const TOKEN: &str = "ogc-admin-token";

async fn call(state: &AppState, mut req: Request<Body>) -> (StatusCode, HeaderMap, Value, String) {
    req.headers_mut().entry("host").or_insert(axum::http::HeaderValue::from_static("gis.example:8080"));
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null), text)
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, HeaderMap, Value, String) {
    call(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn write(method: &str, uri: &str, if_match: Option<&str>, body: &Value) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/geo+json")
        .header("authorization", format!("Bearer {TOKEN}"));
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn the_landing_page_is_the_map_for_browsers_and_json_for_clients() {
    let dir = tempfile::tempdir().unwrap();
    let web = dir.path().join("web");
    std::fs::create_dir(&web).unwrap();
    std::fs::write(web.join("index.html"), "<!doctype html><title>地图</title>").unwrap();
    let store = landtrace_store::GeoPackageStore::create(&dir.path().join("t.gpkg")).await.unwrap();
    let options = landtrace_server::AppOptions { web_dir: Some(web), ..Default::default() };
    let state = AppState::new(std::sync::Arc::new(store), options).await.unwrap();
    let (status, headers, body, _) = get(&state, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    let rels: Vec<&str> = body["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.contains(&rel), "{rels:?}");
    }
    let browser = Request::get("/").header("accept", "text/html,application/xhtml+xml,*/*;q=0.8").body(Body::empty());
    let (_, headers, _, text) = call(&state, browser.unwrap()).await;
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"), "{text}");
    assert!(text.contains("地图"), "the map client's page: {text}");
    let refused = Request::get("/").header("accept", "text/html;q=0, application/json;q=0.5").body(Body::empty());
    let (_, headers, _, _) = call(&state, refused.unwrap()).await;
    assert_eq!(headers["content-type"], "application/json", "text/html;q=0 is not acceptable");
    let weighted = Request::get("/").header("accept", "text/html;q=0.9, */*;q=0.8").body(Body::empty());
    let (_, headers, _, _) = call(&state, weighted.unwrap()).await;
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"), "q=0.9 is acceptable");
    let (_, headers, _, _) = get(&state, "/?f=json").await;
    assert_eq!(headers["content-type"], "application/json");
    let (status, _, body, _) = get(&state, "/?f=xml").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _, body, _) = get(&state, "/?foo=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error_en"].as_str().unwrap().contains("foo"), "{body}");

    let (status, _, body, _) = get(&state, "/conformance").await;
    assert_eq!(status, StatusCode::OK);
    let classes = body["conformsTo"].as_array().unwrap();
    assert!(classes.contains(&json!("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core")));
    assert!(classes.contains(&json!("http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete")));
}

#[tokio::test]
async fn every_readable_layer_is_a_collection_with_its_crs_list() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let (status, _, body, _) = get(&state, "/collections").await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = body["collections"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    for kind in landtrace_domain::LayerKind::ALL.iter().filter(|k| k.is_public()) {
        assert!(ids.contains(&kind.table_name()), "{} missing from {ids:?}", kind.table_name());
    }
    let (status, _, zones, _) = get(&state, "/collections/urban_grade_zones").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(zones["title"], "城区土地级别");
    assert_eq!(zones["storageCrs"], "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
    assert!(zones["crs"].as_array().unwrap().contains(&json!("http://www.opengis.net/def/crs/EPSG/0/4546")));
    assert_eq!(zones["extent"]["spatial"]["bbox"][0].as_array().unwrap().len(), 4);
    let (status, _, _, html) = get(&state, "/collections/urban_grade_zones?f=html").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("城区土地级别") && html.contains("Urban land-grade zones"));
    let (status, _, body, _) = get(&state, "/collections/no_such_layer").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn items_page_with_next_and_prev_links_and_match_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let stored = state.store.features(landtrace_domain::LayerKind::Villages).await.unwrap();
    assert!(stored.len() > 20, "the bundled villages");
    let (status, headers, page1, _) = get(&state, "/collections/villages/items?limit=10").await;
    assert_eq!(status, StatusCode::OK, "{page1}");
    assert_eq!(headers["content-type"], "application/geo+json");
    assert_eq!(headers["content-crs"], "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
    assert_eq!(page1["numberMatched"], stored.len());
    assert_eq!(page1["numberReturned"], 10);
    let next =
        page1["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").unwrap()["href"].as_str().unwrap();
    assert!(next.contains("offset=10"), "{next}");
    let path = &next[next.find("/collections").unwrap()..];
    let (_, _, page2, _) = get(&state, path).await;
    assert_eq!(page2["features"][0]["id"], stored[10].id);
    assert!(page2["links"].as_array().unwrap().iter().any(|l| l["rel"] == "prev"));
    // Walking every page gives every stored feature once, in id order.
    let mut seen = Vec::new();
    let mut uri = "/collections/villages/items?limit=7".to_owned();
    loop {
        let (_, _, page, _) = get(&state, &uri).await;
        seen.extend(page["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()));
        match page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next") {
            Some(l) => {
                let href = l["href"].as_str().unwrap();
                uri = href[href.find("/collections").unwrap()..].to_owned();
            }
            None => break,
        }
    }
    assert_eq!(seen, stored.iter().map(|f| f.id).collect::<Vec<_>>());
    // A limit over the maximum is answered with the maximum; a bad one is a 400.
    let (status, _, _, _) = get(&state, "/collections/villages/items?limit=999999").await;
    assert_eq!(status, StatusCode::OK);
    for bad in ["limit=0", "limit=-3", "offset=x", "bbox=1,2,3", "bbox=3,2,1,0", "crs=EPSG:999999", "unknown_param=1"] {
        let (status, _, body, _) = get(&state, &format!("/collections/villages/items?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {}", body["error_en"]);
    }
}

#[tokio::test]
async fn bbox_and_crs_follow_part_2() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let (_, _, all, _) = get(&state, "/collections/village_clinics/items?limit=10000").await;
    let all = all["features"].as_array().unwrap().clone();
    let (w, s, e, n) = (110.70, 35.08, 110.85, 35.20);
    let inside = |f: &Value| {
        let c = &f["geometry"]["coordinates"];
        let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        x >= w && x <= e && y >= s && y <= n
    };
    let expected: Vec<&Value> = all.iter().filter(|f| inside(f)).collect();
    assert!(!expected.is_empty() && expected.len() < all.len());
    let (_, _, boxed, _) =
        get(&state, &format!("/collections/village_clinics/items?limit=10000&bbox={w},{s},{e},{n}")).await;
    assert_eq!(boxed["numberMatched"], expected.len());
    // The same box in EPSG:4326 is lat/lon.
    let uri = format!(
        "/collections/village_clinics/items?limit=10000&bbox={s},{w},{n},{e}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326"
    );
    let (_, _, latlon, _) = get(&state, &uri).await;
    assert_eq!(latlon["numberMatched"], expected.len());
    // Output in CGCS2000 / 3-degree Gauss-Krüger CM 111E: northing, easting.
    let uri = "/collections/village_clinics/items?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/4546";
    let (status, headers, gk, _) = get(&state, uri).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-crs"], "<http://www.opengis.net/def/crs/EPSG/0/4546>");
    let c = &gk["features"][0]["geometry"]["coordinates"];
    let (north, east) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
    let lonlat = &all[0]["geometry"]["coordinates"];
    let expected = landtrace_spatial::Crs::GaussKruger(4546)
        .from_wgs84(landtrace_spatial::LonLat::new(lonlat[0].as_f64().unwrap(), lonlat[1].as_f64().unwrap()).unwrap())
        .unwrap();
    assert!((north - expected.y).abs() < 1e-6 && (east - expected.x).abs() < 1e-6, "{north} {east} {expected:?}");
}

#[tokio::test]
async fn part_4_writes_need_the_current_etag() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let zone = |name: &str, d: f64| {
        let (lon, lat) = (110.61, 35.30);
        json!({"type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]},
            "properties": {"name": name, "project_type": "土地整治", "accuracy": "illustrative"}})
    };
    let uri = "/collections/consolidation_projects/items";
    // Anonymous writes are refused before the body is read.
    let anonymous = Request::post(uri).body(Body::from(zone("x", 0.001).to_string())).unwrap();
    assert_eq!(call(&state, anonymous).await.0, StatusCode::UNAUTHORIZED);
    let (status, headers, created, _) = call(&state, write("POST", uri, None, &zone("编辑测试", 0.001))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let location = headers["location"].to_str().unwrap().to_owned();
    let item = &location[location.find("/collections").unwrap()..];
    let etag1 = headers["etag"].to_str().unwrap().to_owned();
    let (status, headers, feature, _) = get(&state, item).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["etag"].to_str().unwrap(), etag1);
    assert_eq!(feature["properties"]["name"], "编辑测试");

    // Without If-Match: 428; with a made-up one: 412; nothing changes.
    let audit = state.store.audit_all().await.unwrap().len();
    let (status, _, body, _) = call(&state, write("PUT", item, None, &zone("改", 0.002))).await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED, "{body}");
    let (status, _, body, _) = call(&state, write("PUT", item, Some("\"0000000000000000\""), &zone("改", 0.002))).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("changed by someone else"), "{body}");
    assert_eq!(state.store.audit_all().await.unwrap().len(), audit);

    // Editor A replaces with the current version; editor B, still holding it, is refused.
    let (status, headers, _, _) = call(&state, write("PUT", item, Some(&etag1), &zone("甲改", 0.002))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let etag2 = headers["etag"].to_str().unwrap().to_owned();
    assert_ne!(etag1, etag2);
    let patch = json!({"properties": {"name": "乙改"}});
    let (status, _, body, _) = call(&state, write("PATCH", item, Some(&etag1), &patch)).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{body}");
    let (status, headers, _, _) = call(&state, write("PATCH", item, Some(&etag2), &patch)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let etag3 = headers["etag"].to_str().unwrap().to_owned();
    let (_, _, feature, _) = get(&state, item).await;
    assert_eq!(feature["properties"]["name"], "乙改");
    assert_eq!(feature["properties"]["project_type"], "土地整治", "a merge patch keeps what it does not name");
    // A patch that breaks the layer's rules is refused as any write is.
    let bad = json!({"properties": {"project_type": "不存在的类型"}});
    let audit = state.store.audit_all().await.unwrap().len();
    let (status, _, body, _) = call(&state, write("PATCH", item, Some(&etag3), &bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("project_type"), "the refusal names the field: {body}");
    let (_, headers, _, _) = get(&state, item).await;
    assert_eq!(headers["etag"].to_str().unwrap(), etag3, "the refused patch changed nothing");
    // A refused new feature (a value its layer does not allow, a body that is not
    // one Feature, a position outside every CRS) stores nothing.
    let before = state.store.features(landtrace_domain::LayerKind::ConsolidationProjects).await.unwrap();
    let mut wrong = zone("错误", 0.001);
    wrong["properties"]["project_type"] = json!("不存在的类型");
    let not_one = json!({"type": "FeatureCollection", "features": [zone("a", 0.001)]});
    let mut far = zone("远", 0.001);
    far["geometry"]["coordinates"][0][0] = json!([500.0, 95.0]);
    for body in [wrong, not_one, far] {
        let (status, _, answer, _) = call(&state, write("POST", uri, None, &body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert!(!answer["error_en"].as_str().unwrap_or("").is_empty(), "{answer}");
    }
    assert_eq!(state.store.features(landtrace_domain::LayerKind::ConsolidationProjects).await.unwrap(), before);
    assert_eq!(state.store.audit_all().await.unwrap().len(), audit, "no audit row for refused writes");

    let (status, _, _, _) = call(&state, write("DELETE", item, Some(&etag2), &Value::Null)).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (status, _, _, _) = call(&state, write("DELETE", item, Some(&etag3), &Value::Null)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(get(&state, item).await.0, StatusCode::NOT_FOUND);
    let history = state.store.audit_all().await.unwrap();
    let fid: i64 = item.rsplit('/').next().unwrap().parse().unwrap();
    let actions: Vec<&str> = history
        .iter()
        .filter(|a| a.fid == fid && a.layer == "consolidation_projects")
        .map(|a| a.action.as_str())
        .collect();
    assert_eq!(actions, ["insert", "update", "update", "delete"]);
}

#[tokio::test]
async fn personal_fields_never_reach_anonymous_readers() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let stored = state.store.features(landtrace_domain::LayerKind::OriginPoints).await.unwrap();
    let personal = common::collect_personal_values(&stored);
    assert!(!personal.is_empty());
    for uri in ["/collections/origin_points/items?limit=10000", "/collections/origin_points/items?limit=10000&f=html"] {
        let (status, _, _, text) = get(&state, uri).await;
        assert_eq!(status, StatusCode::OK);
        for value in &personal {
            assert!(!text.contains(value.as_str()), "{value} leaked at {uri}");
        }
    }
    let (_, _, schema, _) = get(&state, "/collections/origin_points/queryables").await;
    for field in landtrace_domain::LayerKind::OriginPoints.fields().iter().filter(|f| f.personal) {
        assert!(schema["properties"].get(field.name).is_none(), "{} is queryable anonymously", field.name);
    }
    let signed_in =
        Request::get("/collections/origin_points/items?limit=10000").header("authorization", format!("Bearer {TOKEN}"));
    let (_, _, _, text) = call(&state, signed_in.body(Body::empty()).unwrap()).await;
    assert!(personal.iter().any(|v| text.contains(v.as_str())), "the owner (admin) sees them");
}

/// Everything the store holds, for comparing before and after.
async fn snapshot(state: &AppState) -> (Vec<Vec<landtrace_store::Feature>>, usize) {
    let mut layers = Vec::new();
    for kind in landtrace_domain::LayerKind::ALL {
        layers.push(state.store.features(kind).await.unwrap());
    }
    (layers, state.store.audit_all().await.unwrap().len())
}

#[tokio::test]
async fn cql2_injection_attempts_are_errors_or_literals_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let before = snapshot(&state).await;
    let texts = [
        "name = 'x'' OR 1=1 --'",
        "name = 'a'; DROP TABLE urban_grade_zones; --",
        "name = 'a''; DROP TABLE urban_grade_zones; --'",
        "grade = 1; DELETE FROM landtrace_audit",
        "name = 'x' /* comment */ OR grade = 1",
        "pg_sleep(10) = 1",
        "sqlite_version() = '3'",
        "ST_Intersects(geometry, geometry)",
        "\"grade\"; DROP TABLE x",
        "grade = (SELECT 1)",
        "landtrace_audit.id = 1",
        "name LIKE '%'' OR ''a''=''a'",
        "S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 0))) OR 1=1; --",
    ];
    let mut statuses = Vec::new();
    for text in texts {
        let query: String = serde_urlencoded::to_string([("filter", text)]).unwrap();
        let (status, _, body, _) = get(&state, &format!("/collections/urban_grade_zones/items?{query}")).await;
        assert!(status == StatusCode::OK || status == StatusCode::BAD_REQUEST, "{text}: {status} {}", body["error_en"]);
        if status == StatusCode::OK {
            // A literal: a name with quotes and keywords in it matches no zone.
            assert!(body["numberMatched"].as_u64().unwrap() <= 3, "{text}");
        } else {
            assert!(body["error_en"].as_str().unwrap().contains("filter"), "{text}: {body}");
        }
        statuses.push((text, status));
    }
    // The quoted attempt is one string literal compared with the names: no match.
    let query = serde_urlencoded::to_string([("filter", texts[0])]).unwrap();
    let (status, _, body, _) = get(&state, &format!("/collections/urban_grade_zones/items?{query}")).await;
    assert_eq!((status, body["numberMatched"].as_u64()), (StatusCode::OK, Some(0)), "{}", body["error_en"]);
    // The same through CQL2 JSON and through a `name=value` parameter.
    let json_filter = json!({"op": "=", "args": [{"property": "name"}, "x' OR '1'='1"]}).to_string();
    let query = serde_urlencoded::to_string([("filter", json_filter.as_str()), ("filter-lang", "cql2-json")]).unwrap();
    let (status, _, body, _) = get(&state, &format!("/collections/urban_grade_zones/items?{query}")).await;
    assert_eq!((status, body["numberMatched"].as_u64()), (StatusCode::OK, Some(0)), "{}", body["error_en"]);
    let query = serde_urlencoded::to_string([("name", "x' OR 1=1 --")]).unwrap();
    let (status, _, body, _) = get(&state, &format!("/collections/urban_grade_zones/items?{query}")).await;
    assert_eq!((status, body["numberMatched"].as_u64()), (StatusCode::OK, Some(0)), "{}", body["error_en"]);
    // An unknown property is a 400 naming it.
    let (status, _, body, _) = get(&state, "/collections/urban_grade_zones/items?filter=nosuchfield%3D1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error_en"].as_str().unwrap().contains("nosuchfield"), "{body}");
    assert_eq!(snapshot(&state).await, before, "the stored data is unchanged: {statuses:?}");
}

#[tokio::test]
async fn filters_select_what_the_rules_say() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let stored = state.store.features(landtrace_domain::LayerKind::UrbanGradeZones).await.unwrap();
    let grade_1 = stored.iter().filter(|f| f.properties["grade"] == 1).count();
    for uri in [
        "/collections/urban_grade_zones/items?filter=grade%3D1",
        "/collections/urban_grade_zones/items?grade=1",
        "/collections/urban_grade_zones/items?filter=grade%20%3C%202",
    ] {
        let (status, _, body, _) = get(&state, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {}", body["error_en"]);
        assert_eq!(body["numberMatched"], grade_1, "{uri}");
    }
    // Spatial: the zones meeting a point in the county seat, as /api/locate finds them.
    let (_, _, located, _) = get(&state, "/api/locate?lon=110.7745&lat=35.1405").await;
    let expected = located["hits"].as_array().unwrap().iter().filter(|z| z["layer"] == "urban_grade_zones").count();
    let filter = serde_urlencoded::to_string([("filter", "S_INTERSECTS(geometry, POINT(110.7745 35.1405))")]).unwrap();
    let (status, _, body, _) = get(&state, &format!("/collections/urban_grade_zones/items?{filter}")).await;
    assert_eq!(status, StatusCode::OK, "{}", body["error_en"]);
    assert_eq!(body["numberMatched"], expected);
}

#[tokio::test]
async fn items_as_of_a_date_answer_the_layer_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let state = common::bundled_state(dir.path(), TOKEN).await;
    let item = "/collections/urban_grade_zones/items/1";
    let (_, headers, before, _) = get(&state, item).await;
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let mut edited = before.clone();
    edited["properties"]["name"] = json!("改过的一级地");
    edited.as_object_mut().unwrap().remove("links");
    let (status, _, body, _) = call(&state, write("PUT", item, Some(&etag), &edited)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let (_, _, now, _) = get(&state, "/collections/urban_grade_zones/items").await;
    let (status, _, then, _) = get(&state, "/collections/urban_grade_zones/items?as_of=2023-06-01").await;
    assert_eq!(status, StatusCode::OK, "{}", then["error_en"]);
    let name_of = |page: &Value| {
        page["features"].as_array().unwrap().iter().find(|f| f["id"] == 1).unwrap()["properties"]["name"].clone()
    };
    assert_eq!(name_of(&now), "改过的一级地");
    assert_eq!(name_of(&then), before["properties"]["name"], "the zone as it was on 2023-06-01");
    assert_eq!(then["features"][0]["geometry"], before["geometry"]);
    assert!(then["as_of"]["note"].as_str().unwrap().len() > 10, "the rule is said: {}", then["as_of"]);
    // `datetime` with one instant means the same; before the grades were in force there were none.
    let (_, _, earlier, _) = get(&state, "/collections/urban_grade_zones/items?datetime=2023-04-30").await;
    assert_eq!(earlier["numberMatched"], 0);
    let (_, _, one, _) = get(&state, &format!("{item}?as_of=2023-06-01")).await;
    assert_eq!(one["properties"]["name"], before["properties"]["name"]);
    let (status, _, body, _) = get(&state, "/collections/urban_grade_zones/items?datetime=2023-01-01/2023-06-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
