//! The OpenAPI document (`GET /api`) against the router and the PyPI
//! `openapi-spec-validator`; OGC API - Tiles metadata; the MapLibre styles for QGIS.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use landtrace_server::openapi::{MEDIA_TYPE, ROUTES, Served};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::bundled::read_bundled;
use landtrace_store::{Actor, GeoPackageStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const TOKEN: &str = "openapi-test-token";
const HOST: &str = "gis.example.test:8080";

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

async fn send(state: &AppState, method: &str, uri: &str, token: Option<&str>, body: Vec<u8>) -> Reply {
    let mut req = Request::builder().method(method).uri(uri).header("host", HOST);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = app(state.clone()).oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply { status, headers, body }
}

async fn get(state: &AppState, uri: &str) -> Reply {
    send(state, "GET", uri, None, Vec::new()).await
}

/// The bundled data, with the map client's directory `web_dir`.
async fn state_with_web(dir: &Path, web_dir: Option<PathBuf>) -> AppState {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("t.gpkg")).await.unwrap();
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    let options = AppOptions { admin_token: Some(TOKEN.to_owned()), web_dir, ..AppOptions::default() };
    AppState::new(Arc::new(store), options).await.unwrap()
}

fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

// ----- the route list against the router --------------------------------------------------

/// `(method, router path)` of every `.route("…", …)` written in this crate's source:
/// axum cannot list a router's routes, so the source is read instead.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src];
    let mut found = BTreeSet::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (start, _) in text.match_indices(".route(") {
            // rustfmt may break the line after the parenthesis.
            let Some(rest) = text[start + ".route(".len()..].trim_start().strip_prefix('"') else { continue };
            let route_path = &rest[..rest.find('"').unwrap()];
            // The call's arguments, to its closing parenthesis.
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap();
            let call = &rest[..end];
            for method in ["get", "post", "put", "patch", "delete"] {
                let needle = format!("{method}(");
                let called = call.match_indices(&needle).any(|(i, _)| {
                    !call[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.' || c == ':')
                });
                if called {
                    found.insert((method.to_owned(), route_path.to_owned()));
                }
            }
        }
    }
    assert!(found.len() > 30, "the source reading found too few routes: {found:?}");
    found
}

/// A documented path with each path parameter replaced by its example.
fn concrete_path(path: &str, operation: &Value) -> String {
    let mut out = path.to_owned();
    for p in operation["parameters"].as_array().unwrap().iter().filter(|p| p["in"] == "path") {
        let example = match &p["example"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out = out.replace(&format!("{{{}}}", p["name"].as_str().unwrap()), &example);
    }
    assert!(!out.contains('{'), "{path}: a path parameter has no example");
    out
}

#[test]
fn every_route_of_the_router_is_documented_and_no_pending_one_is_routed() {
    let documented: BTreeMap<(String, String), Served> =
        ROUTES.iter().map(|r| ((r.method.to_owned(), r.router_path.to_owned()), r.served)).collect();
    assert_eq!(documented.len(), ROUTES.len(), "a (method, path) is listed twice in openapi::ROUTES");
    let in_source = routes_in_source();
    for (method, path) in &in_source {
        match documented.get(&(method.clone(), path.clone())) {
            None => panic!("{} {path} is routed but not in openapi::ROUTES: document it there", method.to_uppercase()),
            Some(Served::Pending(by)) => panic!(
                "{} {path} is routed now: in openapi::ROUTES change Served::Pending({by:?}) to Served::Routed",
                method.to_uppercase()
            ),
            Some(_) => {}
        }
    }
    for route in ROUTES.iter().filter(|r| !matches!(r.served, Served::Pending(_))) {
        assert!(
            in_source.contains(&(route.method.to_owned(), route.router_path.to_owned())),
            "{} {} is in openapi::ROUTES as routed, but no .route(…) in crates/server/src serves it",
            route.method.to_uppercase(),
            route.router_path
        );
    }
}

#[tokio::test]
async fn every_routed_entry_is_answered_by_its_route_not_by_the_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let state = state_with_web(dir.path(), None).await;
    for route in ROUTES.iter().filter(|r| r.is_routed()) {
        let operation = (route.operation)();
        let uri = concrete_path(route.path, &operation);
        let method = Method::from_bytes(route.method.to_uppercase().as_bytes()).unwrap();
        // No token and an empty body: nothing is written.
        let reply = send(&state, method.as_str(), &uri, None, Vec::new()).await;
        let what = format!("{method} {uri}: {} {}", reply.status, String::from_utf8_lossy(&reply.body));
        assert_ne!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{what}");
        if reply.status == StatusCode::NOT_FOUND {
            let message = reply.json()["error_en"].as_str().unwrap_or_default().to_owned();
            assert!(!message.starts_with("no route"), "answered by the fallback: {what}");
        }
        let documented = operation["responses"].as_object().unwrap();
        assert!(
            documented.contains_key(reply.status.as_str()),
            "{what}: the status is not among the documented responses {:?}",
            documented.keys().collect::<Vec<_>>()
        );
    }
}

// ----- the document ------------------------------------------------------------------------

/// `/collections/{a layer}/items`: a collection's own items path.
fn is_collection_items(path: &str) -> bool {
    path.strip_prefix("/collections/")
        .and_then(|rest| rest.strip_suffix("/items"))
        .is_some_and(|id| !id.contains('/') && !id.starts_with('{'))
}

#[tokio::test]
async fn the_document_lists_every_route_with_security_and_is_served_as_openapi_json() {
    let dir = tempfile::tempdir().unwrap();
    let state = state_with_web(dir.path(), None).await;
    for uri in ["/api", "/api?f=json"] {
        let reply = get(&state, uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert_eq!(reply.headers[header::CONTENT_TYPE], MEDIA_TYPE, "{uri}");
        let doc = reply.json();
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["servers"][0]["url"], format!("http://{HOST}"));
        assert_eq!(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
        for route in ROUTES.iter().filter(|r| r.is_routed() || matches!(r.served, Served::Pending(_))) {
            let op = &doc["paths"][route.path][route.method];
            assert!(op.is_object(), "{} {} missing from the document", route.method, route.path);
            assert!(!op["responses"].as_object().unwrap().is_empty());
        }
        // Besides the routes, one items path per readable collection, with its
        // queryables as `name=value` parameters (what GDAL's OAPIF driver reads).
        let generic: Vec<&String> =
            doc["paths"].as_object().unwrap().keys().filter(|p| !is_collection_items(p)).collect();
        let count: usize = generic.iter().map(|p| doc["paths"][p.as_str()].as_object().unwrap().len()).sum();
        assert_eq!(count, ROUTES.iter().filter(|r| r.is_routed() || matches!(r.served, Served::Pending(_))).count());
        let zones = &doc["paths"]["/collections/urban_grade_zones/items"]["get"]["parameters"];
        let names: Vec<&str> = zones.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"grade") && names.contains(&"filter") && !names.contains(&"collectionId"), "{names:?}");
        let origin = &doc["paths"]["/collections/origin_points/items"]["get"]["parameters"];
        for field in landtrace_domain::LayerKind::OriginPoints.fields().iter().filter(|f| f.personal) {
            assert!(
                !origin.as_array().unwrap().iter().any(|p| p["name"] == field.name),
                "{} listed anonymously",
                field.name
            );
        }
        // Writes need the token; the OGC item changes need If-Match.
        let put = &doc["paths"]["/api/layers/{layer}/features/{id}"]["put"];
        assert_eq!(put["security"], json!([{"bearerAuth": []}]));
        assert!(put["responses"]["401"].is_object() && put["responses"]["403"].is_object());
        let patch = &doc["paths"]["/collections/{collectionId}/items/{featureId}"]["patch"];
        assert!(patch["requestBody"]["content"]["application/merge-patch+json"].is_object());
        assert!(patch["responses"]["412"].is_object() && patch["responses"]["428"].is_object());
        let items = &doc["paths"]["/collections/{collectionId}/items"]["get"];
        let limit = items["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "limit").unwrap();
        assert_eq!((&limit["schema"]["default"], &limit["schema"]["maximum"]), (&json!(100), &json!(10000)));
        assert!(items["responses"]["200"]["headers"]["Content-Crs"].is_object());
    }
    let bad = get(&state, "/api?f=xml").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_document_passes_the_pypi_openapi_spec_validator() {
    let has_validator = std::process::Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_validator {
        assert!(!in_ci(), "CI: python3 lacks openapi-spec-validator (scripts/test installs it)");
        eprintln!(
            "skipped: python3 lacks openapi-spec-validator (python3 -m pip install openapi-spec-validator==0.9.0)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let state = state_with_web(dir.path(), None).await;
    let reply = get(&state, "/api").await;
    assert_eq!(reply.status, StatusCode::OK);
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &reply.body).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--schema", "3.0"])
        .arg(&file)
        .output()
        .expect("python3");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("OK"), "openapi-spec-validator: {text}");
}

// ----- OGC API - Tiles ---------------------------------------------------------------------

fn user_layer(name: &str, public: bool, geometry: &str) -> Vec<u8> {
    json!({
        "name": name, "title_zh": "宗地", "title_en": "Parcels", "geometry": geometry,
        "fields": [{"name": "zddm", "type": "Text"}],
        "owner": "land", "public": public, "tiles": {"min": 10, "max": 16}, "locate": false,
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn tilesets_describe_web_mercator_quad_with_links_to_the_tiles_tilejson_and_style() {
    let dir = tempfile::tempdir().unwrap();
    let state = state_with_web(dir.path(), None).await;
    let created =
        send(&state, "POST", "/api/layers", Some(TOKEN), user_layer("oapi_private", false, "MultiPolygon")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&created.body));

    let reply = get(&state, "/tiles").await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    let sets = doc["tilesets"].as_array().unwrap();
    let ids: Vec<&str> = sets.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"all") && ids.contains(&"urban_grade_zones"), "{ids:?}");
    assert!(!ids.contains(&"oapi_private"), "a private layer has no public tiles: {ids:?}");
    let all = sets.iter().find(|s| s["id"] == "all").unwrap();
    assert_eq!(all["tileMatrixSetURI"], "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad");
    assert_eq!(all["dataType"], "vector");
    assert_eq!(all["crs"], "http://www.opengis.net/def/crs/EPSG/0/3857");
    let limits = all["tileMatrixSetLimits"].as_array().unwrap();
    assert_eq!(
        (limits[0]["tileMatrix"].as_str(), limits.last().unwrap()["tileMatrix"].as_str()),
        (Some("0"), Some("18"))
    );
    let z12 = limits.iter().find(|l| l["tileMatrix"] == "12").unwrap();
    assert!(z12["minTileCol"].as_u64() <= z12["maxTileCol"].as_u64() && z12["maxTileCol"].as_u64().unwrap() < 4096);
    let link = |rel: &str| all["links"].as_array().unwrap().iter().find(|l| l["rel"] == rel).cloned();
    let item = link("item").unwrap();
    assert_eq!(item["href"], format!("http://{HOST}/tiles/all/{{tileMatrix}}/{{tileCol}}/{{tileRow}}.mvt"));
    assert_eq!(item["templated"], true);
    assert_eq!(link("describedby").unwrap()["href"], format!("http://{HOST}/tiles/all.json"));
    assert_eq!(link("stylesheet").unwrap()["href"], format!("http://{HOST}/styles/all.json"));

    // The item template fetches a real tile of the county at z 12.
    let (col, row) = (z12["minTileCol"].as_u64().unwrap(), z12["minTileRow"].as_u64().unwrap());
    let tile = get(&state, &format!("/tiles/all/12/{col}/{row}.mvt")).await;
    assert!(tile.status == StatusCode::OK || tile.status == StatusCode::NO_CONTENT, "{}", tile.status);

    let one = get(&state, "/collections/urban_grade_zones/tiles").await;
    assert_eq!(one.status, StatusCode::OK);
    let one = one.json();
    assert_eq!(one["tilesets"][0]["id"], "urban_grade_zones");
    assert_eq!(one["tilesets"][0]["tileMatrixSetLimits"][0]["tileMatrix"], "8");
    let self_link = one["tilesets"][0]["links"].as_array().unwrap().iter().find(|l| l["rel"] == "self").cloned();
    assert_eq!(self_link.unwrap()["href"], format!("http://{HOST}/collections/urban_grade_zones/tiles"));
    for missing in ["/collections/nope/tiles", "/collections/oapi_private/tiles"] {
        assert_eq!(get(&state, missing).await.status, StatusCode::NOT_FOUND, "{missing}");
    }
    let as_admin = send(&state, "GET", "/collections/oapi_private/tiles", Some(TOKEN), Vec::new()).await;
    assert_eq!(as_admin.status, StatusCode::NOT_FOUND, "a private layer has no tile set, even for its owner");

    let tms = get(&state, "/tileMatrixSets/WebMercatorQuad").await.json();
    assert_eq!(tms["crs"], "http://www.opengis.net/def/crs/EPSG/0/3857");
    assert_eq!(tms["tileMatrices"][0]["matrixWidth"], 1);
    assert_eq!(get(&state, "/tileMatrixSets").await.json()["tileMatrixSets"][0]["id"], "WebMercatorQuad");
    assert_eq!(get(&state, "/tileMatrixSets/WorldCRS84Quad").await.status, StatusCode::NOT_FOUND);

    // TileJSON links to its style and stays TileJSON.
    let tilejson = get(&state, "/tiles/all.json").await.json();
    assert_eq!(tilejson["tilejson"], "3.0.0");
    assert_eq!(tilejson["links"][0]["href"], format!("http://{HOST}/styles/all.json"));
    assert_eq!(tilejson["links"][0]["rel"], "stylesheet");
}

// ----- styles --------------------------------------------------------------------------------

/// Writes the style templates as the web build does (`node web/build-styles.js`);
/// `None` (skipped, with the reason printed) when Node is missing outside CI.
fn built_web_dir(root: &Path) -> Option<PathBuf> {
    let web = root.join("web");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/build-styles.js");
    match std::process::Command::new("node").arg(&script).arg(web.join("styles")).output() {
        Ok(out) if out.status.success() => Some(web),
        Ok(out) => panic!("web/build-styles.js failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => {
            assert!(!in_ci(), "CI: node is needed to build the style templates: {e}");
            eprintln!("skipped: node is not installed ({e}); web/build-styles.js writes the style templates");
            None
        }
    }
}

fn assert_self_contained(style: &Value, tiles: &str) {
    assert_eq!(style["version"], 8);
    assert!(style.get("sprite").is_none() && style.get("glyphs").is_none(), "{style}");
    let sources = style["sources"].as_object().unwrap();
    assert_eq!(sources.len(), 1, "{sources:?}");
    let (id, source) = sources.iter().next().unwrap();
    assert_eq!(source["type"], "vector");
    assert_eq!(source["tiles"], json!([tiles]));
    for layer in style["layers"].as_array().unwrap() {
        if layer["type"] != "background" {
            assert_eq!(&layer["source"], id, "{layer}");
            assert!(layer["source-layer"].is_string(), "{layer}");
        }
    }
    let text = style.to_string();
    assert!(!text.contains("__LANDTRACE_") && !text.contains("feature-state"), "{text}");
}

#[tokio::test]
async fn styles_are_self_contained_maplibre_styles_with_absolute_tile_urls() {
    let root = tempfile::tempdir().unwrap();
    let Some(web) = built_web_dir(root.path()) else { return };
    let state = state_with_web(root.path(), Some(web)).await;
    let created =
        send(&state, "POST", "/api/layers", Some(TOKEN), user_layer("oapi_parcels", true, "MultiPolygon")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&created.body));

    let all = get(&state, "/styles/all.json").await;
    assert_eq!(all.status, StatusCode::OK, "{}", String::from_utf8_lossy(&all.body));
    let all = all.json();
    assert_self_contained(&all, &format!("http://{HOST}/tiles/all/{{z}}/{{x}}/{{y}}.mvt"));
    let tilejson = get(&state, "/tiles/all.json").await.json();
    let tiled: BTreeSet<&str> =
        tilejson["vector_layers"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    for layer in all["layers"].as_array().unwrap().iter().filter(|l| l["type"] != "background") {
        assert!(tiled.contains(layer["source-layer"].as_str().unwrap()), "{layer} draws a layer not in the tiles");
    }
    let ids: Vec<&str> = all["layers"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"origin_points:points") && ids.contains(&"urban_grade_zones:fill"), "{ids:?}");
    assert_eq!(all["sources"]["lt"]["maxzoom"], 18);

    let user = get(&state, "/styles/oapi_parcels.json").await;
    assert_eq!(user.status, StatusCode::OK, "{}", String::from_utf8_lossy(&user.body));
    let user = user.json();
    assert_self_contained(&user, &format!("http://{HOST}/tiles/oapi_parcels/{{z}}/{{x}}/{{y}}.mvt"));
    assert_eq!(user["layers"][0]["paint"]["fill-color"], "#e8590c", "the first user-defined layer's colour");
    assert_eq!(
        (&user["sources"]["user:oapi_parcels"]["minzoom"], &user["sources"]["user:oapi_parcels"]["maxzoom"]),
        (&json!(10), &json!(16))
    );

    let list = get(&state, "/styles").await.json();
    let ids: Vec<&str> = list["styles"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["all", "oapi_parcels"]);
    assert_eq!(list["styles"][1]["links"][0]["href"], format!("http://{HOST}/styles/oapi_parcels.json"));
    let tilejson = get(&state, "/tiles/oapi_parcels.json").await.json();
    assert_eq!(tilejson["links"][0]["href"], format!("http://{HOST}/styles/oapi_parcels.json"));

    for missing in ["/styles/nope.json", "/styles/urban_grade_zones.json", "/styles/all"] {
        assert_eq!(get(&state, missing).await.status, StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn without_the_built_map_client_a_style_is_404_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let state = state_with_web(dir.path(), None).await;
    let reply = get(&state, "/styles/all.json").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.json()["error_en"].as_str().unwrap().contains("map client is not built"), "{}", reply.json());
    assert_eq!(get(&state, "/styles").await.json()["styles"][0]["id"], "all", "the list does not need the files");
}
