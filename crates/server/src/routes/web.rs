//! The built map client (`web/dist`) at `/`, and JSON 404s for unknown API paths.
//!
//! The web build writes `<file>.br` and `<file>.gz` next to every compressible file
//! (web/build-compress.js); a file is answered from the smallest one the client accepts
//! (brotli, then gzip, then the file itself; `Accept-Encoding` q-values respected), with
//! the original's `Content-Type` and `Vary: Accept-Encoding`. Hashed assets
//! (`/assets/…`) are immutable for a year; everything else (index.html, styles) is
//! revalidated on every use.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::error::AppError;
use crate::state::AppState;

const NOT_BUILT: &str = r#"<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>landtrace</title>
<h1>地图客户端尚未构建 / The map client is not built</h1>
<p>运行 / run: <code>npm --prefix web ci &amp;&amp; npm --prefix web run build</code>
（<code>scripts/run</code> 会自动构建 / does this for you）, then restart the server.</p>
<p>API: <a href="/health">/health</a>, <a href="/api/layers">/api/layers</a>,
<a href="/tiles/all.json">/tiles/all.json</a>.</p></html>"#;

/// Everything no route matched: API paths get a JSON 404; other paths are files
/// of the map client.
pub async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/api/") || path.starts_with("/tiles/") || path == "/api" || path == "/tiles" {
        return AppError::NotFound(format!("no route for {path}")).into_response();
    }
    let Some(dir) = state.web_dir.as_deref().filter(|d| d.join("index.html").is_file()) else {
        if path == "/" || path == "/index.html" {
            return (StatusCode::SERVICE_UNAVAILABLE, Html(NOT_BUILT)).into_response();
        }
        return AppError::NotFound(format!("no route for {path}")).into_response();
    };
    let service = ServeDir::new(dir).append_index_html_on_directories(true).precompressed_br().precompressed_gzip();
    match service.oneshot(request).await {
        Ok(response) if response.status() == StatusCode::NOT_FOUND => {
            AppError::NotFound(format!("no route or file for {path}")).into_response()
        }
        Ok(response) => {
            let (mut parts, body) = response.into_parts();
            // Hashed assets may be cached for long; index.html must be revalidated.
            let immutable = path.starts_with("/assets/");
            let policy = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
            parts.headers.insert(header::CACHE_CONTROL, policy.parse().expect("static header"));
            // The body depends on Accept-Encoding (a precompressed file or the original).
            parts.headers.insert(header::VARY, "accept-encoding".parse().expect("static header"));
            Response::from_parts(parts, Body::new(body))
        }
        Err(e) => AppError::Internal(format!("reading the map client: {e}")).into_response(),
    }
}
