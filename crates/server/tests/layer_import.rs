//! `POST /api/layers/{layer}/import` in-process: a zipped GBK shapefile in
//! Gauss-Krüger zone 37 made by `ogr2ogr` at test time (dry run, then import), a CSV
//! with Chinese headers and a field mapping, a refused file that changes nothing, and
//! 401/403/413 before the body is read. With `new_layer=true`: a layer inferred from
//! a GeoJSON of parcels (dry run creates nothing; the import is listed and located at
//! once, its personal field kept from anonymous answers), and every refusal — no
//! token, another role's layer, a name taken, lines, a bad polygon — creates nothing.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_domain::LayerKind;
use landtrace_server::auth::{Role, Users, hash_token, user_entry_toml};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::bundled::read_bundled;
use landtrace_store::{Actor, GeoPackageStore, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const TRAFFIC: &str = "traffic-token-0123456789";
const FARMER: &str = "farmer-token-0123456789";

async fn state(dir: &Path) -> AppState {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let store = GeoPackageStore::create(&dir.join("t.gpkg")).await.unwrap();
    store.insert_many(read_bundled(&data).unwrap(), &Actor::bundled_data()).await.unwrap();
    let users = Users::parse(&format!(
        "{}\n{}",
        user_entry_toml("wang.wu", Role::Traffic, &hash_token(TRAFFIC)).unwrap(),
        user_entry_toml("zhang.san", Role::Agriculture, &hash_token(FARMER)).unwrap()
    ))
    .unwrap();
    AppState::new(Arc::new(store), AppOptions { users, ..AppOptions::default() }).await.unwrap()
}

async fn call(state: &AppState, req: Request<Body>) -> (StatusCode, Value) {
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// A POST of `body` to the import route of `layer` with the query `query`.
fn upload(layer: &str, token: Option<&str>, query: &str, body: Vec<u8>) -> Request<Body> {
    let mut req = Request::post(format!("/api/layers/{layer}/import?{query}"));
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    req.body(Body::from(body)).unwrap()
}

async fn count(state: &AppState, kind: LayerKind) -> u64 {
    state.store.counts().await.unwrap().iter().find(|c| c.kind == kind).unwrap().count
}

fn ogr2ogr(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("ogr2ogr").args(args).current_dir(dir).output().expect("running ogr2ogr");
    assert!(out.status.success(), "ogr2ogr {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Zips `members` of `dir` into `dir/zip_name` with Python's zipfile.
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

/// Percent-encodes `text` for a query string.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Three freight sources in WGS84, with Chinese names.
fn points() -> Value {
    let features: Vec<Value> = [("临猗县苹果基地", 110.77, 35.14), ("猗氏镇冷库", 110.603, 35.301), ("北辛乡物流园", 110.512, 35.087)]
        .iter()
        .map(|(name, lon, lat)| {
            json!({"type": "Feature", "properties": {"name": name, "category": "果品", "accuracy": "illustrative", "source": "http-import"},
                   "geometry": {"type": "Point", "coordinates": [lon, lat]}})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

#[tokio::test]
async fn a_zipped_gbk_shapefile_is_previewed_then_imported() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let before = count(&state, LayerKind::FreightSources).await;
    std::fs::write(dir.path().join("src.geojson"), points().to_string()).unwrap();
    ogr2ogr(
        dir.path(),
        &["-f", "ESRI Shapefile", "-lco", "ENCODING=GBK", "-t_srs", "EPSG:4525", "z37.shp", "src.geojson"],
    );
    zip(dir.path(), "z37.zip", &["z37.shp", "z37.shx", "z37.dbf", "z37.prj", "z37.cpg"]);
    let bytes = std::fs::read(dir.path().join("z37.zip")).unwrap();

    // The dry run: notes, CRS, the preview in WGS84 with the Chinese names; nothing stored.
    let (status, body) =
        call(&state, upload("freight_sources", Some(TRAFFIC), "filename=z37.zip&dry_run=true", bytes.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["dry_run"].as_bool(), body["count"].as_u64()), (Some(true), Some(3)), "{body}");
    assert_eq!(body["crs"], "EPSG:4525", "{body}");
    let notes = body["notes"].to_string();
    assert!(notes.contains("attributes read as GB18030"), "{notes}");
    assert!(!notes.contains("landtrace-import-"), "no server folder in the notes: {notes}");
    assert_eq!(body["problems"], json!([]));
    let features = body["features"]["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    assert_eq!(features[0]["properties"]["name"], "临猗县苹果基地");
    let c = &features[0]["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap() - 110.77).abs() < 1e-7 && (c[1].as_f64().unwrap() - 35.14).abs() < 1e-7, "{c}");
    let sources: Vec<&str> = body["source_fields"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(sources.contains(&"name") && sources.contains(&"category"), "{sources:?}");
    assert!(body["target_fields"].as_array().unwrap().iter().any(|f| f["name"] == "name" && f["required"] == true));
    assert_eq!(count(&state, LayerKind::FreightSources).await, before, "a dry run writes nothing");

    // The import: 201, the count stored, the store and the catalogue up to date.
    let (status, body) = call(&state, upload("freight_sources", Some(TRAFFIC), "filename=z37.zip", bytes)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["stored"], 3, "{body}");
    assert_eq!(count(&state, LayerKind::FreightSources).await, before + 3);
    let audit = state.store.audit(1).await.unwrap();
    assert_eq!(audit[0].actor, "wang.wu (traffic)");

    // A GeoPackage of two layers: one must be named (`layer`).
    ogr2ogr(dir.path(), &["-f", "GPKG", "two.gpkg", "src.geojson", "-nln", "a"]);
    ogr2ogr(dir.path(), &["-f", "GPKG", "-update", "two.gpkg", "src.geojson", "-nln", "b"]);
    let bytes = std::fs::read(dir.path().join("two.gpkg")).unwrap();
    let (status, body) =
        call(&state, upload("freight_sources", Some(TRAFFIC), "filename=two.gpkg&dry_run=true", bytes.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let error = body["error_en"].as_str().unwrap();
    assert!(error.contains("holds 2 layers (a, b)") && error.contains("the `layer` option"), "{error}");
    assert!(!error.contains("landtrace-import-"), "{error}");
    let (status, body) =
        call(&state, upload("freight_sources", Some(TRAFFIC), "filename=two.gpkg&dry_run=true&layer=b", bytes)).await;
    assert_eq!((status, body["count"].as_u64()), (StatusCode::OK, Some(3)), "{body}");
}

#[tokio::test]
async fn a_csv_with_chinese_headers_is_mapped_and_a_refused_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let before = count(&state, LayerKind::FreightSources).await;
    let csv = "企业名称,类别,经度,纬度\n临猗果业,果品,110.77,35.14\n,冷链,110.60,35.30\n猗氏物流,物流,110.51,35.08\n";
    let mapping = json!({"name": "企业名称", "category": "类别", "accuracy": {"value": "illustrative"}});
    let fields = encode(&mapping.to_string());
    // Row 2 has no name, so all three are refused.
    let query = format!("filename=points.txt&dry_run=false&fields={fields}");
    let (status, body) = call(&state, upload("freight_sources", Some(TRAFFIC), &query, csv.as_bytes().to_vec())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["problems"],
        json!([{"feature": 2, "field": "name", "message": "field \"name\" is required in layer freight_sources",
                "message_zh": "图层 freight_sources 必须填写字段 \"name\"",
                "message_en": "field \"name\" is required in layer freight_sources"}])
    );
    assert_eq!(body["count"], 3);
    assert_eq!(body["features"]["features"].as_array().unwrap().len(), 3, "the preview shows every feature");
    assert!(body["notes"].to_string().contains("read as CSV"), "{body}");
    assert_eq!(count(&state, LayerKind::FreightSources).await, before, "a refused import stores nothing");

    // Without the bad row it is imported, the mapped fields only.
    let csv = "企业名称,类别,经度,纬度\n临猗果业,果品,110.77,35.14\n";
    let query = format!("filename=points.csv&fields={fields}");
    let (status, body) = call(&state, upload("freight_sources", Some(TRAFFIC), &query, csv.as_bytes().to_vec())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["features"]["features"][0]["properties"],
        json!({"name": "临猗果业", "category": "果品", "accuracy": "illustrative"})
    );
    assert_eq!(count(&state, LayerKind::FreightSources).await, before + 1);

    // An unreadable file, an unknown format and a mapping to no field: 400, nothing stored.
    let (status, body) =
        call(&state, upload("freight_sources", Some(TRAFFIC), "filename=x.geojson", b"{\"type\":".to_vec())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("not valid GeoJSON"), "{body}");
    let (status, body) = call(&state, upload("freight_sources", Some(TRAFFIC), "filename=x.exe", b"MZ".to_vec())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = call(
        &state,
        upload(
            "freight_sources",
            Some(TRAFFIC),
            &format!("filename=x.csv&fields={}", encode(r#"{"colour": "a"}"#)),
            csv.as_bytes().to_vec(),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("`colour` is not a field"), "{body}");
    assert_eq!(count(&state, LayerKind::FreightSources).await, before + 1);
}

#[tokio::test]
async fn anonymous_wrong_role_and_oversized_uploads_are_refused_before_the_body_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let body = points().to_string().into_bytes();
    let (status, _) = call(&state, upload("freight_sources", None, "filename=p.geojson", body.clone())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, answer) = call(&state, upload("freight_sources", Some(FARMER), "filename=p.geojson", body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(answer["error_en"].as_str().unwrap().contains("agriculture"), "{answer}");
    let req = Request::post("/api/layers/freight_sources/import?filename=big.zip")
        .header("authorization", format!("Bearer {TRAFFIC}"))
        .header("content-length", (65 * 1024 * 1024).to_string())
        .body(Body::empty())
        .unwrap();
    let (status, answer) = call(&state, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    let (status, _) = call(&state, upload("no_such_layer", Some(TRAFFIC), "filename=p.geojson", b"{}".to_vec())).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Two parcels near the county seat with a code, an area and a right holder (a
/// personal field by its name), and `extra` features after them.
fn parcels(extra: &[Value]) -> Vec<u8> {
    let square = |x: f64, y: f64| json!([[[x, y], [x + 0.002, y], [x + 0.002, y + 0.002], [x, y + 0.002], [x, y]]]);
    let mut features = vec![
        json!({"type": "Feature", "properties": {"ZDDM": "140821001001GB00001", "权利人": "王建国", "MJ": 48521.5},
               "geometry": {"type": "Polygon", "coordinates": square(110.77, 35.14)}}),
        json!({"type": "Feature", "properties": {"ZDDM": "140821001001GB00002", "权利人": "李秀英", "MJ": 47900},
               "geometry": {"type": "Polygon", "coordinates": square(110.773, 35.14)}}),
    ];
    features.extend_from_slice(extra);
    json!({"type": "FeatureCollection", "features": features}).to_string().into_bytes()
}

async fn get(state: &AppState, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut req = Request::get(uri).header("host", "localhost:8080");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    call(state, req.body(Body::empty()).unwrap()).await
}

/// Whether `GET /api/layers` (as `token`) lists `name`.
async fn listed(state: &AppState, name: &str, token: Option<&str>) -> Option<Value> {
    let (_, body) = get(state, "/api/layers", token).await;
    body["layers"].as_array().unwrap().iter().find(|l| l["layer"] == name).cloned()
}

/// Nothing of the layer `name` exists: not a layer, not listed, not in the store.
async fn nothing_created(state: &AppState, name: &str) {
    assert!(LayerKind::from_table_name(name).is_none(), "{name} is no layer");
    assert!(listed(state, name, Some(TRAFFIC)).await.is_none(), "{name} is not listed");
    assert!(!state.store.layer_definitions().await.unwrap().iter().any(|d| d.name == name), "{name} is not stored");
}

#[tokio::test]
async fn a_new_layer_is_inferred_previewed_then_created_and_served_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let query = "filename=zongdi.geojson&new_layer=true&title_zh=%E5%AE%97%E5%9C%B0&tiles=10-16";

    // The dry run: the inferred definition and the preview; nothing created.
    let (status, body) =
        call(&state, upload("zongdi_http", Some(TRAFFIC), &format!("{query}&dry_run=true"), parcels(&[]))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["dry_run"].as_bool(), body["new_layer"].as_bool()), (Some(true), Some(true)), "{body}");
    assert_eq!((body["count"].as_u64(), body["stored"].as_u64()), (Some(2), Some(0)), "{body}");
    let def = &body["definition"];
    assert_eq!(
        (&def["name"], &def["title_zh"], &def["geometry"], &def["owner"], &def["public"], &def["locate"]),
        (&json!("zongdi_http"), &json!("宗地"), &json!("MultiPolygon"), &json!("traffic"), &json!(true), &json!(true)),
        "{def}"
    );
    assert_eq!(def["tiles"], json!({"min": 10, "max": 16}));
    let fields: Vec<(&str, &str, bool)> = body["target_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap(), f["personal"].as_bool().unwrap()))
        .collect();
    assert_eq!(fields, [("mj", "Real", false), ("zddm", "Text", false), ("field_3", "Text", true)], "{body}");
    assert_eq!(body["target_fields"][2]["title"], "权利人");
    assert!(body["inference"].to_string().contains("field_3 (from 权利人): text, personal"), "{body}");
    assert_eq!(body["features"]["features"][0]["properties"]["zddm"], "140821001001GB00001");
    assert_eq!(body["problems"], json!([]));
    nothing_created(&state, "zongdi_http").await;

    // The import: 201, the layer listed, located and tiled at once.
    let (status, body) = call(&state, upload("zongdi_http", Some(TRAFFIC), query, parcels(&[]))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["stored"], 2, "{body}");
    assert_eq!((&body["created"]["layer"], &body["created"]["count"]), (&json!("zongdi_http"), &json!(2)), "{body}");
    let layer = listed(&state, "zongdi_http", None).await.expect("listed to everyone");
    assert_eq!((&layer["title"], &layer["user_defined"], &layer["count"]), (&json!("宗地"), &json!(true), &json!(2)));
    assert_eq!(layer["tiles"]["set"], "zongdi_http", "{layer}");
    let (status, located) = get(&state, "/api/locate?lon=110.7705&lat=35.1405", None).await;
    assert_eq!(status, StatusCode::OK, "{located}");
    let hit = located["hits"].as_array().unwrap().iter().find(|h| h["layer"] == "zongdi_http").cloned();
    let hit = hit.unwrap_or_else(|| panic!("the new layer is located: {located}"));
    assert_eq!(hit["properties"]["zddm"], "140821001001GB00001", "{hit}");
    assert!(!located.to_string().contains("王建国"), "no personal field reaches an anonymous caller: {located}");
    let (status, _) = get(&state, "/tiles/zongdi_http.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(state.store.audit(1).await.unwrap()[0].actor, "wang.wu (traffic)");

    // Again: the layer exists now.
    let (status, body) = call(&state, upload("zongdi_http", Some(TRAFFIC), query, parcels(&[]))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("exists already"), "{body}");
}

#[tokio::test]
async fn a_refused_new_layer_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let new = "filename=p.geojson&new_layer=true";

    // No token: 401 before the body is read (not 413 for the announced size).
    let req = Request::post(format!("/api/layers/anon_http/import?{new}"))
        .header("content-length", (65 * 1024 * 1024).to_string())
        .body(Body::empty())
        .unwrap();
    let (status, body) = call(&state, req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _) = call(&state, upload("anon_http", None, new, parcels(&[]))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    nothing_created(&state, "anon_http").await;

    // Another role as owner: 403, also before the body is read.
    let req = Request::post(format!("/api/layers/farm_http/import?{new}&owner=traffic"))
        .header("authorization", format!("Bearer {FARMER}"))
        .header("content-length", (65 * 1024 * 1024).to_string())
        .body(Body::empty())
        .unwrap();
    let (status, body) = call(&state, req).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("agriculture"), "{body}");
    nothing_created(&state, "farm_http").await;
    // The parameter means nothing to the other writes: still 403 before the body is read.
    let req = Request::post("/api/layers/freight_sources/features?new_layer=true&owner=agriculture")
        .header("authorization", format!("Bearer {FARMER}"))
        .header("content-length", (65 * 1024 * 1024).to_string())
        .body(Body::empty())
        .unwrap();
    let (status, body) = call(&state, req).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // A name taken by a built-in layer (409) or kept for the platform (400).
    let (status, body) = call(&state, upload("freight_sources", Some(TRAFFIC), new, parcels(&[]))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("freight_sources exists already"), "{body}");
    let (status, body) = call(&state, upload("landtrace_x", Some(TRAFFIC), new, parcels(&[]))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // A line: no layer is inferred, nothing created (neither by a dry run).
    let line = json!({"type": "Feature", "properties": {"ZDDM": "x"},
                      "geometry": {"type": "LineString", "coordinates": [[110.7, 35.1], [110.8, 35.2]]}});
    for dry_run in ["true", "false"] {
        let query = format!("{new}&dry_run={dry_run}");
        let (status, body) =
            call(&state, upload("lines_http", Some(TRAFFIC), &query, parcels(std::slice::from_ref(&line)))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let error = body["error_en"].as_str().unwrap();
        assert!(error.contains("lines") && error.contains("features 3") && error.contains("not created"), "{error}");
        assert_eq!(body["problems"].as_array().unwrap().len(), 1, "{body}");
        nothing_created(&state, "lines_http").await;
    }

    // A self-crossing polygon: every feature is checked before the layer is
    // created, so nothing is created; with `repair` the file goes in.
    let bowtie = json!({"type": "Feature", "properties": {"ZDDM": "bow"},
        "geometry": {"type": "Polygon", "coordinates": [[[110.78, 35.14], [110.782, 35.142], [110.782, 35.14], [110.78, 35.142], [110.78, 35.14]]]}});
    let (status, body) =
        call(&state, upload("bowtie_http", Some(TRAFFIC), new, parcels(std::slice::from_ref(&bowtie)))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let problems = body["problems"].as_array().unwrap();
    assert!(!problems.is_empty() && problems.iter().all(|p| p["feature"] == 3), "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("bowtie_http was not created"), "{body}");
    nothing_created(&state, "bowtie_http").await;
    let (status, body) =
        call(&state, upload("bowtie_http", Some(TRAFFIC), &format!("{new}&repair=true"), parcels(&[bowtie]))).await;
    assert_eq!((status, body["stored"].as_u64()), (StatusCode::CREATED, Some(3)), "{body}");

    // New-layer options without new_layer, and a mapping with it: 400.
    let (status, body) =
        call(&state, upload("freight_sources", Some(TRAFFIC), "filename=p.geojson&owner=traffic", parcels(&[]))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error_en"].as_str().unwrap().contains("new_layer=true"), "{body}");
    let (status, body) =
        call(&state, upload("mapped_http", Some(TRAFFIC), &format!("{new}&fields=%7B%7D"), parcels(&[]))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    nothing_created(&state, "mapped_http").await;
}
