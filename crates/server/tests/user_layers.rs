//! User-defined layers over HTTP, end to end, on both stores: 宗地 (`zongdi`, owned
//! by the land bureau) is created with `POST /api/layers`, filled by importing a
//! zipped GBK shapefile in Gauss-Krüger zone 37 made by `ogr2ogr` at test time,
//! answered by `/api/locate`, drawn in its own tile set (the MVT decoded and its
//! features counted), exported, and refused to other roles; a layer that is not
//! public (永久基本农田 `jbnt`) is invisible to anonymous users in the layer list,
//! locate, tiles and export. The personal field (权利人 `qlr`) reaches no anonymous
//! answer or tile. On PostGIS a second server on the same database sees the new
//! layer and its features through the change feed, also a layer made in one request
//! by `POST …/import?new_layer=true` (after a refused file that created nothing).
//!
//! The PostGIS run needs `LANDTRACE_TEST_DATABASE_URL` (mandatory in CI).

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_server::auth::{Role, Users, hash_token, user_entry_toml};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::{GeoPackageStore, Store};
use landtrace_tiles::{MvtValue, TileCoord, mvt_decode};
use serde_json::{Value, json};
use tower::ServiceExt;

const ADMIN: &str = "admin-token-0123456789";
const LAND: &str = "land-token-0123456789";
const FARMER: &str = "farmer-token-0123456789";
/// The personal value: a right holder's name, which no anonymous answer may hold.
const HOLDER: &str = "王建国";
/// Inside the first parcel, outside the second.
const INSIDE: (f64, f64) = (110.7705, 35.1405);

async fn state_over(store: Arc<dyn Store>) -> AppState {
    let users = Users::parse(&format!(
        "{}\n{}",
        user_entry_toml("li.si", Role::Land, &hash_token(LAND)).unwrap(),
        user_entry_toml("zhang.san", Role::Agriculture, &hash_token(FARMER)).unwrap()
    ))
    .unwrap();
    AppState::new(store, AppOptions { admin_token: Some(ADMIN.into()), users, ..AppOptions::default() }).await.unwrap()
}

struct Reply {
    status: StatusCode,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn send(state: &AppState, method: &str, uri: &str, token: Option<&str>, body: Vec<u8>) -> Reply {
    let mut req = Request::builder().method(method).uri(uri).header("host", "localhost:8080");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app(state.clone()).oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = res.status();
    Reply { status, body: res.into_body().collect().await.unwrap().to_bytes().to_vec() }
}

async fn get(state: &AppState, uri: &str, token: Option<&str>) -> Reply {
    send(state, "GET", uri, token, Vec::new()).await
}

fn definition(name: &str, title_zh: &str, public: bool) -> Value {
    json!({
        "name": name,
        "title_zh": title_zh,
        "title_en": "Cadastral parcels",
        "geometry": "MultiPolygon",
        "fields": [
            {"name": "zddm", "type": "Text", "required": true},
            {"name": "qlr", "type": "Text", "personal": true},
            {"name": "mj", "type": "Real"}
        ],
        "owner": "land",
        "public": public,
        "tiles": {"min": 10, "max": 16},
        "locate": true
    })
}

async fn create(state: &AppState, token: Option<&str>, def: &Value) -> Reply {
    send(state, "POST", "/api/layers", token, def.to_string().into_bytes()).await
}

fn ogr2ogr(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("ogr2ogr").args(args).current_dir(dir).output().expect("running ogr2ogr");
    assert!(out.status.success(), "ogr2ogr {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn zip(dir: &Path, zip_name: &str, members: &[&str]) {
    let script = "import sys, zipfile\n\
                  z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n\
                  [z.write(m) for m in sys.argv[2:]]\n\
                  z.close()\n";
    let mut args = vec!["-c", script, zip_name];
    args.extend_from_slice(members);
    let out = std::process::Command::new("python3").args(&args).current_dir(dir).output().expect("python3");
    assert!(out.status.success(), "zip: {}", String::from_utf8_lossy(&out.stderr));
}

/// Two parcels near the county seat as a zipped GBK shapefile in CGCS2000
/// Gauss-Krüger zone 37 (EPSG:4525), made by ogr2ogr.
fn parcels_shapefile(dir: &Path) -> Vec<u8> {
    let square = |x: f64, y: f64| json!([[[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]]]);
    let geojson = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"zddm": "140821001001GB00001", "qlr": HOLDER, "mj": 48521.5},
         "geometry": {"type": "Polygon", "coordinates": square(110.77, 35.14)}},
        {"type": "Feature", "properties": {"zddm": "140821001001GB00002", "qlr": "李秀英", "mj": 47900.0},
         "geometry": {"type": "Polygon", "coordinates": square(110.773, 35.14)}}
    ]});
    std::fs::write(dir.join("zd.geojson"), geojson.to_string()).unwrap();
    ogr2ogr(dir, &["-f", "ESRI Shapefile", "-lco", "ENCODING=GBK", "-t_srs", "EPSG:4525", "zd.shp", "zd.geojson"]);
    zip(dir, "zd.zip", &["zd.shp", "zd.shx", "zd.dbf", "zd.prj", "zd.cpg"]);
    std::fs::read(dir.join("zd.zip")).unwrap()
}

fn tile_at(lon: f64, lat: f64, z: u8) -> TileCoord {
    landtrace_tiles::tiles_covering(geo::Rect::new((lon, lat), (lon, lat)), z).next().unwrap()
}

fn locate_uri() -> String {
    format!("/api/locate?lon={}&lat={}", INSIDE.0, INSIDE.1)
}

fn hit_layers(reply: &Reply) -> Vec<String> {
    reply.json()["hits"].as_array().unwrap().iter().map(|h| h["layer"].as_str().unwrap().to_owned()).collect()
}

fn listed(reply: &Reply, layer: &str) -> Option<Value> {
    reply.json()["layers"].as_array().unwrap().iter().find(|l| l["layer"] == layer).cloned()
}

/// The whole story on one store.
async fn user_defined_layer_story(state: &AppState, dir: &Path) {
    // Who may create: 401 anonymous, 403 another role, 400 a bad definition.
    let zongdi = definition("zongdi", "宗地", true);
    assert_eq!(create(state, None, &zongdi).await.status, StatusCode::UNAUTHORIZED);
    let refused = create(state, Some(FARMER), &zongdi).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert!(refused.text().contains("set \\\"owner\\\": \\\"agriculture\\\""), "{}", refused.text());
    let mut bad = zongdi.clone();
    bad["name"] = json!("Zongdi");
    let reply = create(state, Some(LAND), &bad).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.text().contains("layer name \\\"Zongdi\\\" is not allowed"), "{}", reply.text());
    let mut typo = zongdi.clone();
    typo["publc"] = json!(false);
    let reply = create(state, Some(LAND), &typo).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.text().contains("unknown key \\\"publc\\\""), "{}", reply.text());
    let mut point_locate = zongdi.clone();
    point_locate["geometry"] = json!("Point");
    let reply = create(state, Some(LAND), &point_locate).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.text().contains("only a polygon layer"), "{}", reply.text());
    let reply = create(state, Some(LAND), &json!({"name": "all", "title_zh": "全部", "title_en": "", "geometry": "MultiPolygon", "fields": [], "owner": "land", "public": true})).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "a tile set's name: {}", reply.text());
    let before = get(state, "/api/layers", None).await;
    assert!(listed(&before, "zongdi").is_none(), "nothing refused was created");

    // The land bureau creates it: 201, listed at once, its own tile set.
    let reply = create(state, Some(LAND), &zongdi).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let created = reply.json();
    assert_eq!((created["layer"].as_str(), created["user_defined"].as_bool()), (Some("zongdi"), Some(true)));
    assert_eq!(created["tiles"]["set"], "zongdi");
    assert_eq!(create(state, Some(ADMIN), &zongdi).await.status, StatusCode::CONFLICT, "the name is taken");
    // An admin creates a layer for the land bureau that is not public.
    let reply = create(state, Some(ADMIN), &definition("jbnt", "永久基本农田", false)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["tiles"], Value::Null, "a layer that is not public is not tiled");

    // Filled by a shapefile import: refused to agriculture, stored for land.
    let zipped = parcels_shapefile(dir);
    let import = |layer: &str| format!("/api/layers/{layer}/import?filename=zd.zip");
    let reply = send(state, "POST", &import("zongdi"), Some(FARMER), zipped.clone()).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());
    let reply = send(state, "POST", &import("zongdi"), None, zipped.clone()).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    for layer in ["zongdi", "jbnt"] {
        let reply = send(state, "POST", &import(layer), Some(LAND), zipped.clone()).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        assert_eq!(reply.json()["stored"], 2, "{}", reply.text());
        assert_eq!(reply.json()["crs"], "EPSG:4525");
    }

    // Listed with titles, flags and the public fields; jbnt to its owner only.
    let anonymous = get(state, "/api/layers", None).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    let layer = listed(&anonymous, "zongdi").expect("zongdi is listed");
    assert_eq!(
        (&layer["title"], &layer["title_en"], &layer["geometry"], &layer["owner"]),
        (&json!("宗地"), &json!("Cadastral parcels"), &json!("MULTIPOLYGON"), &json!("land"))
    );
    assert_eq!(
        (&layer["public"], &layer["locate"], &layer["user_defined"]),
        (&json!(true), &json!(true), &json!(true))
    );
    assert_eq!(layer["count"], 2);
    assert_eq!((&layer["tiles"]["minzoom"], &layer["tiles"]["maxzoom"]), (&json!(10), &json!(16)));
    let names: Vec<&str> = layer["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["zddm", "mj"], "no personal field to anonymous users");
    assert!(listed(&anonymous, "jbnt").is_none(), "a layer that is not public is not listed to anonymous users");
    assert!(listed(&get(state, "/api/layers", Some(FARMER)).await, "jbnt").is_none());
    let owner = get(state, "/api/layers", Some(LAND)).await;
    assert_eq!(listed(&owner, "jbnt").expect("listed to its owner")["count"], 2);
    let fields = listed(&owner, "zongdi").unwrap()["fields"].clone();
    assert!(fields.as_array().unwrap().iter().any(|f| f["name"] == "qlr" && f["personal"] == true), "{fields}");

    // Locate answers zongdi to everyone, jbnt to its owner only; no personal field.
    let reply = get(state, &locate_uri(), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(hit_layers(&reply), ["zongdi"], "{}", reply.text());
    let hit = &reply.json()["hits"][0];
    assert_eq!((&hit["properties"]["zddm"], &hit["user_defined"]), (&json!("140821001001GB00001"), &json!(true)));
    assert_eq!(hit["illustrative"], false, "the bureau's own data is not demo data");
    assert!(!reply.text().contains(HOLDER) && !reply.text().contains("qlr"), "{}", reply.text());
    assert_eq!(hit_layers(&get(state, &locate_uri(), Some(FARMER)).await), ["zongdi"]);
    assert_eq!(hit_layers(&get(state, &locate_uri(), Some(LAND)).await), ["zongdi", "jbnt"]);

    // Tiles: its own set with TileJSON; both parcels in the tile at z14, no personal field.
    let doc = get(state, "/tiles/zongdi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.text());
    let doc = doc.json();
    assert_eq!((&doc["minzoom"], &doc["maxzoom"]), (&json!(10), &json!(16)));
    assert_eq!(doc["vector_layers"][0]["id"], "zongdi");
    assert_eq!(doc["vector_layers"][0]["fields"], json!({"zddm": "String", "mj": "Number"}));
    assert!(doc["attribution"].as_str().unwrap().contains("not demo data"), "{doc}");
    let t = tile_at(INSIDE.0, INSIDE.1, 14);
    let reply = get(state, &format!("/tiles/zongdi/14/{}/{}.mvt", t.x(), t.y()), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let tile = mvt_decode::decode(&reply.body).unwrap();
    let layer = tile.layer("zongdi").expect("a zongdi layer in the tile");
    assert_eq!(layer.features.len(), 2);
    let mut codes: Vec<&MvtValue> = layer.features.iter().filter_map(|f| f.property("zddm")).collect();
    codes.sort_by_key(|v| format!("{v:?}"));
    assert_eq!(codes, [&MvtValue::from("140821001001GB00001"), &MvtValue::from("140821001001GB00002")]);
    assert!(layer.features.iter().all(|f| f.property("qlr").is_none()));
    assert!(!reply.body.windows(HOLDER.len()).any(|w| w == HOLDER.as_bytes()), "the holder's name in a tile");
    let t9 = tile_at(INSIDE.0, INSIDE.1, 9);
    let below = get(state, &format!("/tiles/zongdi/9/{}/{}.mvt", t9.x(), t9.y()), None).await;
    assert_eq!(below.status, StatusCode::NO_CONTENT, "below the layer's zoom range");
    assert_eq!(get(state, "/tiles/jbnt.json", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(state, "/tiles/jbnt.json", Some(LAND)).await.status, StatusCode::NOT_FOUND, "never tiled");
    assert_eq!(
        get(state, &format!("/tiles/jbnt/14/{}/{}.mvt", t.x(), t.y()), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(get(state, "/tiles/nope.json", None).await.text().contains("zongdi"), "listed among the sets");

    // Export: the public fields to anyone, the personal ones to the owner; jbnt to its owner only.
    let export = |layer: &str| format!("/api/layers/{layer}/export?format=geojson");
    let reply = get(state, &export("zongdi"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let features = reply.json()["features"].as_array().unwrap().clone();
    assert_eq!(features.len(), 2);
    assert!(!reply.text().contains(HOLDER) && features[0]["properties"].get("qlr").is_none(), "{}", reply.text());
    let reply = get(state, &export("zongdi"), Some(LAND)).await;
    assert!(reply.text().contains(HOLDER), "the owner's export holds the personal field");
    let reply = get(state, &export("jbnt"), None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text());
    let error = reply.json()["error_en"].as_str().unwrap().to_owned();
    let (_, known) = error.split_once("; layers: ").expect("the 404 names the layers");
    assert!(known.contains("zongdi") && !known.contains("jbnt"), "the 404 names public layers only: {error}");
    assert_eq!(get(state, &export("jbnt"), Some(FARMER)).await.status, StatusCode::NOT_FOUND);
    let reply = get(state, &export("jbnt"), Some(LAND)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["features"].as_array().unwrap().len(), 2);

    // A write through the features route of the new layer shows in the tiles at once.
    let feature = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"zddm": "140821001001GB00003", "qlr": HOLDER},
        "geometry": {"type": "MultiPolygon", "coordinates": [[[[110.7705, 35.1425], [110.7715, 35.1425], [110.7715, 35.1435], [110.7705, 35.1425]]]]}}]});
    let reply =
        send(state, "POST", "/api/layers/zongdi/features", Some(FARMER), feature.to_string().into_bytes()).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = send(state, "POST", "/api/layers/zongdi/features", Some(LAND), feature.to_string().into_bytes()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let reply = get(state, &format!("/tiles/zongdi/14/{}/{}.mvt", t.x(), t.y()), None).await;
    assert_eq!(mvt_decode::decode(&reply.body).unwrap().layer("zongdi").unwrap().features.len(), 3);

    // Nothing anonymous holds the personal values.
    for uri in ["/api/layers".to_owned(), locate_uri(), export("zongdi"), "/tiles/zongdi.json".to_owned()] {
        assert!(!get(state, &uri, None).await.text().contains(HOLDER), "{uri}");
    }
}

#[tokio::test]
async fn a_user_defined_layer_on_the_geopackage_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = GeoPackageStore::create(&dir.path().join("t.gpkg")).await.unwrap();
    let state = state_over(Arc::new(store)).await;
    user_defined_layer_story(&state, dir.path()).await;

    // A server started later on the same file serves the layer from the start.
    drop(state);
    let store = GeoPackageStore::open(&dir.path().join("t.gpkg")).await.unwrap();
    let again = state_over(Arc::new(store)).await;
    assert_eq!(hit_layers(&get(&again, &locate_uri(), None).await), ["zongdi"]);
    assert_eq!(get(&again, "/tiles/zongdi.json", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_layer_definition_is_authenticated_before_its_body_is_read_and_kept_small() {
    let dir = tempfile::tempdir().unwrap();
    let store = GeoPackageStore::create(&dir.path().join("t.gpkg")).await.unwrap();
    let state = state_over(Arc::new(store)).await;
    // A declared 2 MiB body: anonymous is refused before it is read (401, not 413) …
    let big = |token: Option<&str>| {
        let mut req = Request::post("/api/layers").header("content-length", (2 * 1024 * 1024).to_string());
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        req.body(Body::empty()).unwrap()
    };
    let status = |req: Request<Body>| {
        let router = app(state.clone());
        async move { router.oneshot(req).await.unwrap().status() }
    };
    assert_eq!(status(big(None)).await, StatusCode::UNAUTHORIZED);
    // … and a signed-in user's is over the limit of a small body (413), nothing created.
    assert_eq!(status(big(Some(LAND))).await, StatusCode::PAYLOAD_TOO_LARGE);
    let reply = create(&state, Some(LAND), &json!("not an object")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.text().contains("does not read"), "{}", reply.text());
    let layers = get(&state, "/api/layers", Some(ADMIN)).await.json();
    assert!(layers["layers"].as_array().unwrap().iter().all(|l| l["user_defined"] == false), "{layers}");
}

mod postgis {
    use super::*;
    use crate::common::postgis::test_db;

    /// Polls `check` until it holds, for at most ten seconds.
    async fn eventually<F: AsyncFn() -> bool>(what: &str, check: F) {
        let start = Instant::now();
        while !check().await {
            assert!(start.elapsed() < Duration::from_secs(10), "not seen within 10 s: {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_user_defined_layer_on_postgis_and_a_second_server_sees_it() {
        let Some(db) = test_db("ul").await else { return };
        let dir = tempfile::tempdir().unwrap();
        let a = state_over(Arc::new(landtrace_store::PostGisStore::connect(&db.url).await.unwrap())).await;
        let b = state_over(Arc::new(landtrace_store::PostGisStore::connect(&db.url).await.unwrap())).await;
        user_defined_layer_story(&a, dir.path()).await;

        // B learnt of both layers and their features from the change feed alone.
        eventually("zongdi listed by B", async || {
            listed(&get(&b, "/api/layers", None).await, "zongdi").is_some_and(|l| l["count"] == 3)
        })
        .await;
        eventually("zongdi answered by B's locate", async || {
            hit_layers(&get(&b, &locate_uri(), None).await) == ["zongdi"]
        })
        .await;
        assert_eq!(hit_layers(&get(&b, &locate_uri(), Some(LAND)).await), ["zongdi", "jbnt"]);
        let t = tile_at(INSIDE.0, INSIDE.1, 14);
        let reply = get(&b, &format!("/tiles/zongdi/14/{}/{}.mvt", t.x(), t.y()), None).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(mvt_decode::decode(&reply.body).unwrap().layer("zongdi").unwrap().features.len(), 3);
        assert!(listed(&get(&b, "/api/layers", None).await, "jbnt").is_none());
        drop((a, b));
    }

    /// `POST …/import?new_layer=true` on PostGIS: a refused file creates nothing, a
    /// good one creates the layer and fills it in one request; the other server takes
    /// it in from the change feed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_layer_made_by_an_import_on_postgis_is_seen_by_a_second_server() {
        let Some(db) = test_db("ul").await else { return };
        let a = state_over(Arc::new(landtrace_store::PostGisStore::connect(&db.url).await.unwrap())).await;
        let b = state_over(Arc::new(landtrace_store::PostGisStore::connect(&db.url).await.unwrap())).await;
        let square = |x: f64| json!([[[x, 35.14], [x + 0.002, 35.14], [x + 0.002, 35.142], [x, 35.142], [x, 35.14]]]);
        let parcel = |x: f64, code: &str| {
            json!({"type": "Feature", "properties": {"ZDDM": code, "权利人": HOLDER},
                   "geometry": {"type": "Polygon", "coordinates": square(x)}})
        };
        let bowtie = json!({"type": "Feature", "properties": {"ZDDM": "bow"}, "geometry": {"type": "Polygon",
            "coordinates": [[[110.78, 35.14], [110.782, 35.142], [110.782, 35.14], [110.78, 35.142], [110.78, 35.14]]]}});
        let file =
            |features: Vec<Value>| json!({"type": "FeatureCollection", "features": features}).to_string().into_bytes();
        let uri = "/api/layers/xinjian/import?filename=xinjian.geojson&new_layer=true&owner=land";

        let reply = send(&a, "POST", uri, Some(LAND), file(vec![parcel(110.77, "A"), bowtie])).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        assert!(a.store.layer_definitions().await.unwrap().iter().all(|d| d.name != "xinjian"), "nothing created");
        assert!(listed(&get(&a, "/api/layers", Some(ADMIN)).await, "xinjian").is_none());

        let reply = send(&a, "POST", uri, Some(LAND), file(vec![parcel(110.77, "A"), parcel(110.773, "B")])).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        assert_eq!(reply.json()["stored"], 2);
        assert_eq!(hit_layers(&get(&a, &locate_uri(), None).await), ["xinjian"]);
        eventually("xinjian listed by B", async || {
            listed(&get(&b, "/api/layers", None).await, "xinjian").is_some_and(|l| l["count"] == 2)
        })
        .await;
        eventually("xinjian answered by B's locate", async || {
            hit_layers(&get(&b, &locate_uri(), None).await) == ["xinjian"]
        })
        .await;
        assert!(!get(&b, &locate_uri(), None).await.text().contains(HOLDER), "the personal field stays with its owner");
        drop((a, b));
    }
}
