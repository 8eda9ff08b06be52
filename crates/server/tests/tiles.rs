//! Vector tiles in-process: TileJSON, encoding, HTTP caching semantics, errors,
//! and precise cache invalidation after an edit.

mod common;

use std::io::Read;
use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use landtrace_server::{AppState, app};
use landtrace_tiles::{TileCoord, mvt_decode};
use serde_json::{Value, json};
use tower::ServiceExt;

const TOKEN: &str = "tile-test-token";

async fn state(dir: &Path) -> AppState {
    common::bundled_state(dir, TOKEN).await
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

async fn send(state: &AppState, req: Request<Body>) -> Reply {
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply { status, headers, body }
}

async fn get(state: &AppState, uri: &str) -> Reply {
    send(state, Request::get(uri).header("host", "localhost:8080").body(Body::empty()).unwrap()).await
}

/// The tile containing a lon/lat at zoom z.
fn tile_at(lon: f64, lat: f64, z: u8) -> TileCoord {
    let p = geo::Rect::new((lon, lat), (lon, lat));
    landtrace_tiles::tiles_covering(p, z).next().unwrap()
}

fn url(set: &str, t: TileCoord) -> String {
    format!("/tiles/{set}/{}/{}/{}.mvt", t.z(), t.x(), t.y())
}

fn layer_counts(bytes: &[u8]) -> Vec<(String, usize)> {
    let tile = mvt_decode::decode(bytes).unwrap();
    tile.layers.iter().map(|l| (l.name.clone(), l.features.len())).collect()
}

#[tokio::test]
async fn tilejson_describes_the_public_layers() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let req = Request::get("/tiles/all.json").header("host", "example.test:9000").body(Body::empty()).unwrap();
    let reply = send(&state, req).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(doc["tilejson"], "3.0.0");
    assert_eq!(doc["tiles"][0], "http://example.test:9000/tiles/all/{z}/{x}/{y}.mvt");
    let ids: Vec<&str> = doc["vector_layers"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap()).collect();
    for layer in ["county_boundaries", "urban_grade_zones", "truck_ban_zone", "origin_points", "townships"] {
        assert!(ids.contains(&layer), "{layer} missing from {ids:?}");
    }
    let origin = doc["vector_layers"].as_array().unwrap().iter().find(|l| l["id"] == "origin_points").unwrap();
    let fields = origin["fields"].to_string();
    assert!(fields.contains("product") && !fields.contains("phone") && !fields.contains("contact"), "{fields}");
    let b = doc["bounds"].as_array().unwrap();
    assert!(b[0].as_f64().unwrap() < 110.5 && b[2].as_f64().unwrap() > 111.0, "bounds cover the county: {b:?}");
    let one = get(&state, "/tiles/urban_grade_zones.json").await;
    assert_eq!(one.status, StatusCode::OK, "every layer is a set of its own");
}

#[tokio::test]
async fn a_tile_over_the_county_seat_holds_the_zones_and_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let t = tile_at(110.775, 35.14, 12);
    let reply = get(&state, &url("all", t)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/vnd.mapbox-vector-tile");
    let counts = layer_counts(&reply.body);
    let names: Vec<&str> = counts.iter().map(|(n, _)| n.as_str()).collect();
    for layer in ["county_boundaries", "urban_grade_zones", "truck_ban_zone", "expropriation_areas"] {
        assert!(names.contains(&layer), "{layer} missing from {names:?}");
    }
    assert_eq!(counts.iter().find(|(n, _)| n == "urban_grade_zones").unwrap().1, 3);
    let dump = mvt_decode::dump(&reply.body);
    assert!(!dump.contains("contact") && !dump.contains("phone") && !dump.contains("示例联系人"), "{dump}");

    // Origin points across the county at z=9 carry products but no personal data.
    let reply = get(&state, &url("origin_points", tile_at(110.775, 35.14, 9))).await;
    assert_eq!(reply.status, StatusCode::OK);
    let dump = mvt_decode::dump(&reply.body);
    assert!(dump.contains("product") && !dump.contains("1380000") && !dump.contains("示例联系人"), "{dump}");
}

#[tokio::test]
async fn gzip_etag_and_empty_tiles() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let path = url("all", tile_at(110.775, 35.14, 13));
    let plain = get(&state, &path).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    assert!(plain.headers[header::CACHE_CONTROL].to_str().unwrap().contains("no-cache"));
    let etag = plain.headers[header::ETAG].to_str().unwrap().to_owned();

    let req = Request::get(&path).header(header::ACCEPT_ENCODING, "gzip, br").body(Body::empty()).unwrap();
    let zipped = send(&state, req).await;
    assert_eq!(zipped.headers[header::CONTENT_ENCODING], "gzip");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped.body[..]).read_to_end(&mut unzipped).unwrap();
    assert_eq!(unzipped, plain.body);
    assert_eq!(zipped.headers[header::ETAG].to_str().unwrap(), etag);

    let req = Request::get(&path).header(header::IF_NONE_MATCH, &etag).body(Body::empty()).unwrap();
    let revalidated = send(&state, req).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());

    // Far from the county: nothing to draw.
    let empty = get(&state, "/tiles/all/12/0/0.mvt").await;
    assert_eq!(empty.status, StatusCode::NO_CONTENT);
    assert!(empty.body.is_empty());
}

#[tokio::test]
async fn bad_tile_requests_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    for (path, status, needle) in [
        ("/tiles/all/25/0/0.mvt", StatusCode::BAD_REQUEST, "zoom"),
        ("/tiles/all/3/8/0.mvt", StatusCode::BAD_REQUEST, "x 8"),
        ("/tiles/all/3/0/9.mvt", StatusCode::BAD_REQUEST, "y 9"),
        ("/tiles/all/a/0/0.mvt", StatusCode::BAD_REQUEST, "not a non-negative integer"),
        ("/tiles/all/-1/0/0.mvt", StatusCode::BAD_REQUEST, "not a non-negative integer"),
        ("/tiles/nope/1/0/0.mvt", StatusCode::NOT_FOUND, "no tile set named"),
        ("/tiles/all/1/0/0.png", StatusCode::NOT_FOUND, ".mvt"),
        ("/tiles/nope.json", StatusCode::NOT_FOUND, "no tile set named"),
        ("/tiles/all/1/0", StatusCode::NOT_FOUND, "no route"),
    ] {
        let reply = get(&state, path).await;
        assert_eq!(reply.status, status, "{path}");
        let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        let message = body["error_en"].as_str().unwrap_or_default().to_lowercase();
        assert!(message.contains(&needle.to_lowercase()), "{path}: {message:?}");
    }
}

#[tokio::test]
async fn an_edit_shows_in_the_next_tile_and_only_nearby_tiles_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    // An empty spot inside the county (fixed test point P7).
    let (lon, lat) = (110.65, 35.115);
    let here = tile_at(lon, lat, 14);
    let far = tile_at(110.775, 35.14, 14);
    let before = get(&state, &url("all", here)).await;
    let far_before = get(&state, &url("all", far)).await;
    assert_eq!(far_before.status, StatusCode::OK);
    assert!(state.tile_cache.get("all", far).is_some(), "served tiles are cached");
    if before.status == StatusCode::OK {
        assert!(!layer_counts(&before.body).iter().any(|(n, _)| n == "consolidation_projects"));
    }

    let d = 0.0005;
    let fc = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]]},
        "properties": {"name": "缓存测试项目", "project_type": "土地整治", "accuracy": "illustrative"}}]});
    let req = Request::post("/api/layers/consolidation_projects/features")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Body::from(fc.to_string()))
        .unwrap();
    assert_eq!(send(&state, req).await.status, StatusCode::CREATED);

    assert!(state.tile_cache.get("all", far).is_some(), "a tile far from the edit stays cached");
    let after = get(&state, &url("all", here)).await;
    assert_eq!(after.status, StatusCode::OK);
    let counts = layer_counts(&after.body);
    assert_eq!(counts.iter().find(|(n, _)| n == "consolidation_projects").map(|c| c.1), Some(1), "{counts:?}");
    let dump = mvt_decode::dump(&after.body);
    assert!(dump.contains("缓存测试项目"), "{dump}");
}
