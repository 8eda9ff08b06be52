//! Base maps in-process: archives made by the test (an MBTiles of PNG tiles written
//! with sqlx, a PMTiles of gzip'd vector tiles written with the pmtiles writer),
//! the list, TileJSON, tiles as stored, missing tiles, and the settings refused at
//! start (GCJ-02 templates, files that are not archives, twice the same id).

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use landtrace_server::basemaps::{BasemapConfig, Basemaps};
use landtrace_server::{AppOptions, AppState, app};
use landtrace_store::GeoPackageStore;
use serde_json::Value;
use sqlx::{ConnectOptions as _, Connection as _};
use tower::ServiceExt;

/// A solid-colour 256×256 RGB PNG, written by hand (zlib by flate2, CRC-32 below).
fn png(rgb: [u8; 3]) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&256u32.to_be_bytes());
    ihdr.extend_from_slice(&256u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    // Each row: filter type 0, then 256 pixels.
    let row: Vec<u8> = std::iter::once(0).chain(rgb.iter().copied().cycle().take(256 * 3)).collect();
    let raw = row.repeat(256);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).unwrap();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Tiles by (z, x, y) in XYZ, with their bytes.
type Tiles<'a> = &'a [((u8, u32, u32), Vec<u8>)];

/// An MBTiles of PNG tiles at (z, x, y) in XYZ, stored in TMS rows as the format says.
async fn write_mbtiles(path: &Path, tiles: Tiles<'_>) {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path).create_if_missing(true);
    let mut db = options.connect().await.unwrap();
    for sql in [
        "CREATE TABLE metadata (name TEXT, value TEXT)",
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)",
    ] {
        sqlx::query(sql).execute(&mut db).await.unwrap();
    }
    for (name, value) in [
        ("name", "临猗县底图"),
        ("format", "png"),
        ("attribution", "© 临猗县自然资源局"),
        ("minzoom", "8"),
        ("maxzoom", "9"),
        ("bounds", "110.5,34.9,111.0,35.3"),
    ] {
        sqlx::query("INSERT INTO metadata VALUES (?, ?)").bind(name).bind(value).execute(&mut db).await.unwrap();
    }
    for ((z, x, y), data) in tiles {
        let row = (1u32 << z) - 1 - y;
        sqlx::query("INSERT INTO tiles VALUES (?, ?, ?, ?)")
            .bind(i64::from(*z))
            .bind(i64::from(*x))
            .bind(i64::from(row))
            .bind(data)
            .execute(&mut db)
            .await
            .unwrap();
    }
    db.close().await.unwrap();
}

/// A PMTiles of gzip'd vector tiles.
fn write_pmtiles(path: &Path, tiles: Tiles<'_>) {
    use pmtiles::{Compression, PmTilesWriter, TileCoord, TileId, TileType};
    let mut sorted: Vec<_> = tiles
        .iter()
        .map(|((z, x, y), d)| (u64::from(TileId::from(TileCoord::new(*z, *x, *y).unwrap())), (*z, *x, *y), d))
        .collect();
    sorted.sort_by_key(|t| t.0);
    let metadata = serde_json::json!({
        "name": "Roads", "attribution": "© OpenStreetMap contributors",
        "vector_layers": [{"id": "roads", "fields": {}}, {"id": "water", "fields": {}}],
    });
    let file = std::fs::File::create(path).unwrap();
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .precompressed(Compression::Gzip)
        .min_zoom(8)
        .max_zoom(9)
        .bounds(110.5, 34.9, 111.0, 35.3)
        .metadata(metadata.to_string())
        .create(std::io::BufWriter::new(file))
        .unwrap();
    for (_, (z, x, y), data) in sorted {
        writer.add_tile(TileCoord::new(z, x, y).unwrap(), &gzip(data)).unwrap();
    }
    writer.finalize().unwrap();
}

// 临猗县 (35.14°N, 110.77°E) at z8 and z9.
const Z8: (u8, u32, u32) = (8, 206, 102);
const Z9: (u8, u32, u32) = (9, 413, 204);
const RED: [u8; 3] = [220, 30, 30];
const BLUE: [u8; 3] = [30, 30, 220];
const MVT_A: &[u8] = b"\x1a\x0b\x0a\x05roads\x78\x02";
const MVT_B: &[u8] = b"\x1a\x0b\x0a\x05water\x78\x02";

struct Fixture {
    _dir: tempfile::TempDir,
    state: AppState,
    mbtiles: PathBuf,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mbtiles = dir.path().join("Linyi County.mbtiles");
    write_mbtiles(&mbtiles, &[(Z8, png(RED)), (Z9, png(BLUE))]).await;
    let pmtiles = dir.path().join("roads.pmtiles");
    write_pmtiles(&pmtiles, &[(Z8, MVT_A.to_vec()), (Z9, MVT_B.to_vec())]);
    let config = BasemapConfig {
        archives: vec![mbtiles.display().to_string(), format!("vec={}", pmtiles.display())],
        templates: vec!["osm=https://tile.openstreetmap.org/{z}/{x}/{y}.png".into()],
        tianditu_key: Some("0123456789abcdef0123456789abcdef".into()),
    };
    let basemaps = Basemaps::open(&config).await.unwrap();
    let store = GeoPackageStore::create(&dir.path().join("t.gpkg")).await.unwrap();
    let options = AppOptions { basemaps: Arc::new(basemaps), ..AppOptions::default() };
    let state = AppState::new(Arc::new(store), options).await.unwrap();
    Fixture { _dir: dir, state, mbtiles }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
    fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

async fn get_with(state: &AppState, uri: &str, gzip: bool) -> Reply {
    let mut req = Request::get(uri).header("host", "gis.test:8080");
    if gzip {
        req = req.header(header::ACCEPT_ENCODING, "gzip, br");
    }
    let res = app(state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply { status, headers, body }
}

async fn get(state: &AppState, uri: &str) -> Reply {
    get_with(state, uri, false).await
}

#[tokio::test]
async fn the_list_names_every_base_map() {
    let f = fixture().await;
    let reply = get(&f.state, "/basemaps").await;
    assert_eq!(reply.status, StatusCode::OK);
    let list = reply.json()["basemaps"].as_array().unwrap().clone();
    let ids: Vec<&str> = list.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["linyi-county", "vec", "osm", "tianditu-vec", "tianditu-img"]);
    let local = &list[0];
    assert_eq!(local["title"], "临猗县底图");
    assert_eq!(local["kind"], "raster");
    assert_eq!(local["source"], "archive");
    assert_eq!(local["attribution"], "© 临猗县自然资源局");
    assert_eq!(local["tilejson"], "http://gis.test:8080/basemaps/linyi-county.json");
    assert_eq!((local["minzoom"].as_u64(), local["maxzoom"].as_u64()), (Some(8), Some(9)));
    assert_eq!(list[1]["kind"], "vector");
    assert_eq!(list[1]["title"], "Roads");
    assert_eq!(list[2]["source"], "template");
    assert_eq!(list[2]["layers"][0][0], "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    let tdt = &list[3];
    assert_eq!(tdt["layers"].as_array().unwrap().len(), 2, "the map and its annotation");
    assert!(tdt["layers"][1][0].as_str().unwrap().contains("LAYER=cva&"));
    assert!(tdt["attribution"].as_str().unwrap().contains("天地图"));
}

#[tokio::test]
async fn tilejson_of_archives() {
    let f = fixture().await;
    let doc = get(&f.state, "/basemaps/linyi-county.json").await.json();
    assert_eq!(doc["tilejson"], "3.0.0");
    assert_eq!(doc["tiles"][0], "http://gis.test:8080/basemaps/linyi-county/{z}/{x}/{y}");
    assert_eq!(doc["bounds"], serde_json::json!([110.5, 34.9, 111.0, 35.3]));
    assert!(doc.get("vector_layers").is_none());
    let doc = get(&f.state, "/basemaps/vec.json").await.json();
    assert_eq!(doc["vector_layers"][1]["id"], "water");
    assert_eq!(doc["attribution"], "© OpenStreetMap contributors");
    let doc = get(&f.state, "/basemaps/tianditu-img.json").await.json();
    assert!(doc["tiles"][0].as_str().unwrap().starts_with("https://t0.tianditu.gov.cn/img_w/wmts?"));
    let missing = get(&f.state, "/basemaps/nope.json").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&missing.body).contains("linyi-county"), "the message lists the base maps");
}

#[tokio::test]
async fn raster_tiles_come_as_stored_in_xyz_rows() {
    let f = fixture().await;
    let (z, x, y) = Z8;
    let reply = get(&f.state, &format!("/basemaps/linyi-county/{z}/{x}/{y}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header(header::CONTENT_TYPE), Some("image/png"));
    assert_eq!(reply.body, png(RED));
    // With an extension, and the other zoom.
    let (z, x, y) = Z9;
    let reply = get(&f.state, &format!("/basemaps/linyi-county/{z}/{x}/{y}.png")).await;
    assert_eq!(reply.body, png(BLUE));
    // The TMS row of the same tile is another tile: nothing there.
    let tms = (1u32 << z) - 1 - y;
    let reply = get(&f.state, &format!("/basemaps/linyi-county/{z}/{x}/{tms}")).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(reply.body.is_empty());
}

#[tokio::test]
async fn gzip_vector_tiles_keep_their_encoding() {
    let f = fixture().await;
    let (z, x, y) = Z9;
    let zipped = get_with(&f.state, &format!("/basemaps/vec/{z}/{x}/{y}.pbf"), true).await;
    assert_eq!(zipped.status, StatusCode::OK);
    assert_eq!(zipped.header(header::CONTENT_TYPE), Some("application/vnd.mapbox-vector-tile"));
    assert_eq!(zipped.header(header::CONTENT_ENCODING), Some("gzip"));
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(&zipped.body[..]).read_to_end(&mut inflated).unwrap();
    assert_eq!(inflated, MVT_B);
    let plain = get(&f.state, &format!("/basemaps/vec/{z}/{x}/{y}")).await;
    assert_eq!(plain.header(header::CONTENT_ENCODING), None);
    assert_eq!(plain.body, MVT_B, "inflated for a client without gzip");
    let (z, x, y) = Z8;
    assert_eq!(get(&f.state, &format!("/basemaps/vec/{z}/{x}/{y}")).await.body, MVT_A);
    assert_eq!(get(&f.state, "/basemaps/vec/3/1/1").await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn bad_tile_requests() {
    let f = fixture().await;
    for (uri, status) in [
        ("/basemaps/linyi-county/8/256/0", StatusCode::BAD_REQUEST),
        ("/basemaps/linyi-county/25/0/0", StatusCode::BAD_REQUEST),
        ("/basemaps/linyi-county/x/0/0", StatusCode::BAD_REQUEST),
        ("/basemaps/nope/8/0/0", StatusCode::NOT_FOUND),
        // A template base map is fetched from its own server.
        ("/basemaps/osm/8/0/0", StatusCode::NOT_FOUND),
    ] {
        assert_eq!(get(&f.state, uri).await.status, status, "{uri}");
    }
}

#[tokio::test]
async fn without_base_maps_the_list_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let store = GeoPackageStore::create(&dir.path().join("t.gpkg")).await.unwrap();
    let state = AppState::new(Arc::new(store), AppOptions::default()).await.unwrap();
    assert_eq!(get(&state, "/basemaps").await.json(), serde_json::json!({"basemaps": []}));
    // The map client's own parameters are taken by the landing page (`/?basemap=…`).
    let uri = "/?basemap=https%3A%2F%2Ftile.example.org%2F%7Bz%7D%2F%7Bx%7D%2F%7By%7D.png&lang=en";
    assert_eq!(get(&state, uri).await.status, StatusCode::OK);
    assert_eq!(get(&state, "/?basemaps=county").await.status, StatusCode::BAD_REQUEST);
    let reply = get(&state, "/basemaps/linyi/8/0/0").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&reply.body).contains("--basemap"));
}

#[tokio::test]
async fn settings_refused_at_start() {
    let f = fixture().await;
    let open = |archives: Vec<String>, templates: Vec<&str>, key: Option<&str>| {
        let config = BasemapConfig {
            archives,
            templates: templates.into_iter().map(str::to_owned).collect(),
            tianditu_key: key.map(str::to_owned),
        };
        async move { Basemaps::open(&config).await.unwrap_err() }
    };
    let err = open(vec![], vec!["https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=8"], None).await;
    assert!(err.contains("GCJ-02") && err.contains("高德"), "{err}");
    let err = open(vec![], vec!["https://rt1.map.gtimg.com/realtimerender?z={z}&x={x}&y={y}"], None).await;
    assert!(err.contains("GCJ-02") && err.contains("腾讯"), "{err}");
    let err = open(vec![], vec!["https://maponline1.bdimg.com/tile/?x={x}&y={y}&z={z}"], None).await;
    assert!(err.contains("百度"), "{err}");
    let err = open(vec![], vec!["https://tile.example.org/{z}/{x}.png"], None).await;
    assert!(err.contains("{y}"), "{err}");
    let err = open(vec![], vec![], Some("not a key!")).await;
    assert!(err.contains("--tianditu-key"), "{err}");
    let mb = f.mbtiles.display().to_string();
    let err = open(vec![mb.clone(), mb.clone()], vec![], None).await;
    assert!(err.contains("two base maps named \"linyi-county\""), "{err}");
    let text = f.mbtiles.with_extension("txt");
    std::fs::write(&text, "hello").unwrap();
    let err = open(vec![text.display().to_string()], vec![], None).await;
    assert!(err.contains(".mbtiles or .pmtiles"), "{err}");
    let fake = f.mbtiles.with_file_name("fake.pmtiles");
    std::fs::write(&fake, "not an archive at all").unwrap();
    let err = open(vec![fake.display().to_string()], vec![], None).await;
    assert!(err.contains("not a PMTiles"), "{err}");
    let fake = f.mbtiles.with_file_name("fake.mbtiles");
    std::fs::write(&fake, "not an archive at all").unwrap();
    let err = open(vec![fake.display().to_string()], vec![], None).await;
    assert!(err.contains("fake.mbtiles"), "{err}");
    let err = open(vec!["/nonexistent/a.mbtiles".into()], vec![], None).await;
    assert!(err.contains("no such file"), "{err}");
}
