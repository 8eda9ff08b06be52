//! Vector tiles: `GET /tiles/{set}/{z}/{x}/{y}.mvt` and `GET /tiles/{set}.json`
//! (TileJSON 3.0.0). Tiles are cut from the in-memory catalogue, cached, and
//! served with gzip, strong ETags and revalidation.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use geo::Rect;
use landtrace_app::tile_cut;
use landtrace_tiles::{ResolvedSet, TileCoord, TileSets, tilejson};
use serde_json::Value;

use crate::error::AppError;
use crate::serve::Peer;
use crate::state::AppState;
use crate::tile_cache::CachedTile;

/// Media type of Mapbox Vector Tiles.
pub const MVT_MEDIA_TYPE: &str = "application/vnd.mapbox-vector-tile";
/// Tiles may be cached but must be revalidated (ETag), so edits show at once.
const CACHE_CONTROL: &str = "public, no-cache";

fn parse_number(name: &str, raw: &str) -> Result<u32, AppError> {
    raw.parse().map_err(|_| AppError::BadRequest(format!("tile {name} {raw:?} is not a non-negative integer")))
}

/// `GET /tiles/{set}/{z}/{x}/{y}.mvt`.
pub async fn tile(
    State(state): State<AppState>,
    Path((set, z, x, y_file)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(y) = y_file.strip_suffix(".mvt") else {
        return Err(AppError::NotFound(format!("tiles are served as .mvt, not {y_file:?}")));
    };
    let tilesets = state.tilesets();
    let resolved = tilesets.set(&set).ok_or_else(|| unknown_set(&tilesets, &set))?;
    let tile = TileCoord::new(parse_number("z", &z)?, parse_number("x", &x)?, parse_number("y", y)?)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;

    let cached = match state.tile_cache.get(&set, tile) {
        Some(hit) => hit,
        None => {
            let generation = state.tile_cache.generation();
            let parts = tile_cut::collect(&*state.catalog.read().await, &resolved, tile);
            let tilesets = tilesets.clone();
            let raw = tokio::task::spawn_blocking(move || tile_cut::encode(&tilesets, tile, parts))
                .await
                .map_err(|e| AppError::Internal(format!("tile encoder failed: {e}")))?;
            let fresh = Arc::new(CachedTile::new(raw));
            state.tile_cache.put(&set, tile, fresh.clone(), generation);
            fresh
        }
    };
    Ok(respond(&cached, &headers))
}

pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |enc| {
            let mut parts = enc.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        },
    )
}

fn respond(tile: &CachedTile, headers: &HeaderMap) -> Response {
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    if tile.raw.is_empty() {
        return (StatusCode::NO_CONTENT, [cache]).into_response();
    }
    let etag = HeaderValue::from_str(&tile.etag).expect("hex etag is a valid header");
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == tile.etag || t.trim() == "*" || t.trim().strip_prefix("W/") == Some(&tile.etag));
    let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
    if matches {
        return (StatusCode::NOT_MODIFIED, [cache, vary, (header::ETAG, etag)]).into_response();
    }
    let content_type = (header::CONTENT_TYPE, HeaderValue::from_static(MVT_MEDIA_TYPE));
    if accepts_gzip(headers) {
        let encoding = (header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        (StatusCode::OK, [content_type, cache, vary, (header::ETAG, etag), encoding], Body::from(tile.gzip.clone()))
            .into_response()
    } else {
        (StatusCode::OK, [content_type, cache, vary, (header::ETAG, etag)], Body::from(tile.raw.clone()))
            .into_response()
    }
}

fn unknown_set(tilesets: &TileSets, set: &str) -> AppError {
    let set = landtrace_domain::input_limits::echo(set);
    AppError::NotFound(format!("no tile set named {set:?}; sets: {}", tilesets.set_names().join(", ")))
}

/// `GET /tiles/{set}.json`: TileJSON 3.0.0 for a set.
///
/// The tile URLs start with the configured public URL, or with `http://` and
/// the checked `Host` header (see [`crate::public_address`]).
pub async fn tilejson_doc(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    let Some(set) = file.strip_suffix(".json") else {
        return Err(AppError::NotFound(format!("no route for /tiles/{file}; TileJSON is at /tiles/{{set}}.json")));
    };
    let tilesets = state.tilesets();
    let resolved = tilesets.set(set).ok_or_else(|| unknown_set(&tilesets, set))?;
    let base = state.public.base_url(peer, &headers)?;
    let template = format!("{base}/tiles/{set}/{{z}}/{{x}}/{{y}}.mvt");
    let bounds = set_bounds(&state, &resolved).await;
    let center = [(bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0, 10.0];
    let mut doc = tilejson(set, &resolved, &template, bounds, center);
    // The set's MapLibre style (GET /styles/{id}.json), for clients that follow links;
    // TileJSON allows extra keys.
    if crate::routes::styles::style_ids(&state, None).iter().any(|id| id == set) {
        let style = crate::routes::styles::style_url(&base, set);
        doc["links"] = serde_json::json!([
            {"rel": "stylesheet", "type": crate::routes::styles::STYLE_MEDIA_TYPE, "href": style},
        ]);
    }
    Ok(Json(doc))
}

/// `[west, south, east, north]` of the features of a set's layers (the world when empty).
pub(crate) async fn set_bounds(state: &AppState, resolved: &ResolvedSet<'_>) -> [f64; 4] {
    let catalog = state.catalog.read().await;
    let extent =
        resolved.layers().filter_map(|(kind, _)| catalog.layer(kind).and_then(|l| l.extent())).reduce(|a, b| {
            Rect::new(
                (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
                (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
            )
        });
    extent.map_or([-180.0, -85.0511, 180.0, 85.0511], |r| [r.min().x, r.min().y, r.max().x, r.max().y])
}
