//! The map client's files (`web/dist`) answered from their precompressed variants: brotli
//! when accepted, else gzip, else the file itself, each with the original's type,
//! `Vary: Accept-Encoding` and the cache policy of its kind (hashed assets immutable,
//! index.html revalidated). The bodies are decoded and compared with the originals.

use std::io::{Read, Write};
use std::path::Path;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use landtrace_server::{AppOptions, AppState, app};
use tower::ServiceExt;

const INDEX: &str = "<!doctype html><html lang=\"zh-CN\"><title>临猗县土地与溯源一张图</title>\
    <script type=\"module\" src=\"./assets/index-Ab12Cd34.js\"></script></html>";

/// A script of some size, so that its compressed forms are clearly smaller.
fn script() -> String {
    (0..400).map(|i| format!("export const layer{i} = {{ id: 'layer-{i}', visible: true }};\n")).collect()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes).unwrap();
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    w.write_all(bytes).unwrap();
    w.finish().unwrap()
}

/// A built client: index.html and a hashed script with both variants, a hashed image
/// without any (not compressible), a JSON file with only its gzip variant.
fn web_dir(root: &Path) {
    std::fs::create_dir_all(root.join("assets")).unwrap();
    let files = [("index.html", INDEX.to_owned()), ("assets/index-Ab12Cd34.js", script())];
    for (name, text) in &files {
        std::fs::write(root.join(name), text).unwrap();
        std::fs::write(root.join(format!("{name}.br")), brotli(text.as_bytes())).unwrap();
        std::fs::write(root.join(format!("{name}.gz")), gzip(text.as_bytes())).unwrap();
    }
    std::fs::write(root.join("assets/icon-Ef56Gh78.png"), b"\x89PNG\r\n\x1a\n not really").unwrap();
    let style = r#"{"version": 8, "sources": {}, "layers": []}"#.repeat(20);
    std::fs::write(root.join("plain.json"), &style).unwrap();
    std::fs::write(root.join("plain.json.gz"), gzip(style.as_bytes())).unwrap();
}

async fn state(dir: &Path) -> AppState {
    let web = dir.join("web");
    web_dir(&web);
    let store = landtrace_store::GeoPackageStore::create(&dir.join("t.gpkg")).await.unwrap();
    let options = AppOptions { web_dir: Some(web), ..AppOptions::default() };
    AppState::new(std::sync::Arc::new(store), options).await.unwrap()
}

/// GET `uri` as a browser with `accept_encoding` (none when `None`): status, headers, body bytes.
async fn get(state: &AppState, uri: &str, accept_encoding: Option<&str>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::get(uri)
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("host", "127.0.0.1:8080");
    if let Some(ae) = accept_encoding {
        req = req.header("accept-encoding", ae);
    }
    let res = app(state.clone()).oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// The body decoded by its Content-Encoding (none, br or gzip).
fn decoded(headers: &HeaderMap, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match headers.get("content-encoding").map(|v| v.to_str().unwrap()) {
        None => out.extend_from_slice(body),
        Some("br") => {
            brotli::Decompressor::new(body, 4096).read_to_end(&mut out).unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body).read_to_end(&mut out).unwrap();
        }
        Some(other) => panic!("unexpected content-encoding {other}"),
    }
    out
}

fn encoding(headers: &HeaderMap) -> Option<&str> {
    headers.get("content-encoding").map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn a_hashed_script_comes_as_brotli_gzip_or_itself_by_accept_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let original = script().into_bytes();
    let uri = "/assets/index-Ab12Cd34.js";
    let cases = [
        (Some("gzip, deflate, br, zstd"), Some("br")), // what Chromium sends
        (Some("br"), Some("br")),
        (Some("gzip"), Some("gzip")),
        (Some("br;q=0, gzip"), Some("gzip")),
        (Some("gzip;q=1, br;q=0.5"), Some("gzip")),
        (Some("deflate"), None),
        (Some("identity"), None),
        (None, None),
    ];
    for (accept, expected) in cases {
        let (status, headers, body) = get(&state, uri, accept).await;
        assert_eq!(status, StatusCode::OK, "{accept:?}");
        assert_eq!(encoding(&headers), expected, "Accept-Encoding {accept:?}");
        assert_eq!(headers["content-type"], "text/javascript", "{accept:?}");
        assert_eq!(headers["vary"], "accept-encoding", "{accept:?}");
        assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable", "{accept:?}");
        assert_eq!(headers["content-length"], body.len().to_string().as_str(), "{accept:?}");
        if expected.is_some() {
            assert!(body.len() * 4 < original.len(), "{accept:?}: {} of {} bytes", body.len(), original.len());
        }
        assert_eq!(decoded(&headers, &body), original, "Accept-Encoding {accept:?}: the body is not the file");
    }
}

#[tokio::test]
async fn the_page_is_compressed_and_revalidated() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    for uri in ["/", "/index.html"] {
        for (accept, expected) in [(Some("gzip, deflate, br"), Some("br")), (Some("gzip"), Some("gzip")), (None, None)]
        {
            let (status, headers, body) = get(&state, uri, accept).await;
            assert_eq!(status, StatusCode::OK, "{uri} {accept:?}");
            assert_eq!(encoding(&headers), expected, "{uri} {accept:?}");
            assert!(
                headers["content-type"].to_str().unwrap().starts_with("text/html"),
                "{uri}: {:?}",
                headers["content-type"]
            );
            assert_eq!(headers["vary"], "accept-encoding");
            assert_eq!(headers["cache-control"], "no-cache", "{uri}: the page names the current hashed assets");
            assert_eq!(String::from_utf8(decoded(&headers, &body)).unwrap(), INDEX, "{uri} {accept:?}");
        }
    }
}

#[tokio::test]
async fn files_without_a_variant_are_sent_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let (status, headers, body) = get(&state, "/assets/icon-Ef56Gh78.png", Some("gzip, deflate, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(encoding(&headers), None);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(body, b"\x89PNG\r\n\x1a\n not really");

    // Only a gzip variant: gzip even when brotli is preferred.
    let style = r#"{"version": 8, "sources": {}, "layers": []}"#.repeat(20);
    let (status, headers, body) = get(&state, "/plain.json", Some("br, gzip")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(encoding(&headers), Some("gzip"));
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(decoded(&headers, &body), style.as_bytes());

    // A missing file is still the JSON 404, whatever the client accepts.
    let (status, headers, _) = get(&state, "/assets/missing-00000000.js", Some("br, gzip")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["content-type"], "application/json");
}

/// API answers travel gzip'd to a client that accepts it, from 1 KiB on; without
/// `Accept-Encoding` or below 1 KiB they come as they are; what already has its
/// encoding (a precompressed file) is not encoded twice.
#[tokio::test]
async fn api_answers_are_gzipped_when_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    // The OpenAPI document: tens of KiB of JSON.
    let (status, plain_headers, plain) = get(&state, "/api?f=json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(encoding(&plain_headers), None);
    assert!(plain.len() > 10_000, "{} bytes", plain.len());
    let (status, headers, body) = get(&state, "/api?f=json", Some("gzip, deflate, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(encoding(&headers), Some("gzip"));
    assert!(body.len() * 3 < plain.len(), "{} → {} bytes", plain.len(), body.len());
    assert_eq!(decoded(&headers, &body), plain);
    // A small answer is not worth it.
    let (_, headers, body) = get(&state, "/health", Some("gzip")).await;
    assert_eq!(encoding(&headers), None, "{}", String::from_utf8_lossy(&body));
    assert!(body.len() < 1024);
    // A precompressed file keeps its one encoding.
    let (_, headers, body) = get(&state, "/assets/index-Ab12Cd34.js", Some("gzip")).await;
    assert_eq!(encoding(&headers), Some("gzip"));
    assert_eq!(decoded(&headers, &body), script().into_bytes());
}
