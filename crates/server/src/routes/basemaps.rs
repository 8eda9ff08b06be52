//! Base maps (see [`crate::basemaps`]): `GET /basemaps` (the list),
//! `GET /basemaps/{id}.json` (TileJSON) and `GET /basemaps/{id}/{z}/{x}/{y}` (a
//! tile of an archive on this server's disk, as stored: gzip'd vector tiles with
//! `Content-Encoding: gzip`; 204 where the archive has no tile, as `/tiles` answers
//! an empty one).

use std::io::Read as _;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use landtrace_tiles::TileCoord;
use serde_json::{Value, json};

use crate::basemaps::{Basemap, Source, entry, tilejson};
use crate::error::AppError;
use crate::serve::Peer;
use crate::state::AppState;

/// Archives do not change while the server runs; a restart may bring a new one.
const CACHE_CONTROL: &str = "public, max-age=3600";

fn find<'a>(state: &'a AppState, id: &str) -> Result<&'a Basemap, AppError> {
    state.basemaps.get(id).ok_or_else(|| {
        let id = landtrace_domain::input_limits::echo(id);
        let ids = state.basemaps.ids();
        AppError::NotFound(if ids.is_empty() {
            format!(
                "no base map named {id:?}: this server has none (serve --basemap FILE, --basemap-url, --tianditu-key)"
            )
        } else {
            format!("no base map named {id:?}; base maps: {}", ids.join(", "))
        })
    })
}

/// `GET /basemaps`: every base map this server offers.
pub async fn list(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    let base = state.public.base_url(peer, &headers)?;
    let list: Vec<Value> = state.basemaps.list.iter().map(|m| entry(m, &base)).collect();
    Ok(Json(json!({ "basemaps": list })))
}

/// `GET /basemaps/{id}.json`: TileJSON 3.0.0 of one base map.
pub async fn tilejson_doc(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    let Some(id) = file.strip_suffix(".json") else {
        return Err(AppError::NotFound(format!(
            "no route for /basemaps/{}; TileJSON is at /basemaps/{{id}}.json",
            landtrace_domain::input_limits::echo(&file)
        )));
    };
    let map = find(&state, id)?;
    let base = state.public.base_url(peer, &headers)?;
    Ok(Json(tilejson(map, &base)))
}

fn number(name: &str, raw: &str) -> Result<u32, AppError> {
    raw.parse().map_err(|_| {
        AppError::BadRequest(format!(
            "tile {name} {:?} is not a non-negative integer",
            landtrace_domain::input_limits::echo(raw)
        ))
    })
}

/// `GET /basemaps/{id}/{z}/{x}/{y}` (the row may carry an extension: `.png`, `.pbf` …).
pub async fn tile(
    State(state): State<AppState>,
    Path((id, z, x, y_file)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let map = find(&state, &id)?;
    let Source::Archive(archive) = &map.source else {
        return Err(AppError::NotFound(format!(
            "base map {id:?} is drawn from its own tile server (its TileJSON names the URLs), not from this one"
        )));
    };
    let y = y_file.split_once('.').map_or(y_file.as_str(), |(y, _)| y);
    let tile = TileCoord::new(number("z", &z)?, number("x", &x)?, number("y", y)?)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    let Some(stored) = archive.tile(tile.z(), tile.x(), tile.y()).await.map_err(AppError::Internal)? else {
        return Ok((StatusCode::NO_CONTENT, [cache]).into_response());
    };
    let content_type = (header::CONTENT_TYPE, HeaderValue::from_static(archive.content_type));
    if !stored.gzip {
        return Ok((StatusCode::OK, [content_type, cache], Body::from(stored.bytes)).into_response());
    }
    let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
    if crate::routes::tiles::accepts_gzip(&headers) {
        let encoding = (header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        return Ok((StatusCode::OK, [content_type, cache, vary, encoding], Body::from(stored.bytes)).into_response());
    }
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(&stored.bytes[..])
        .read_to_end(&mut raw)
        .map_err(|e| AppError::Internal(format!("base map {id}: a gzip tile does not inflate: {e}")))?;
    Ok((StatusCode::OK, [content_type, cache, vary], Body::from(raw)).into_response())
}
