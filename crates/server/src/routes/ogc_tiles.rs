//! OGC API - Tiles (<https://docs.ogc.org/is/20-057/20-057.html>) over the existing
//! vector tiles: `GET /tiles` (every tile set), `GET /collections/{collectionId}/tiles`
//! (the set of one layer), `GET /tileMatrixSets` and `GET /tileMatrixSets/WebMercatorQuad`.
//!
//! Each tileset's metadata names the WebMercatorQuad tile matrix set, its limits from the
//! set's zoom range and the extent of its features, and links to the `{z}/{x}/{y}` MVT
//! endpoint (`rel: item`, templated with `{tileMatrix}/{tileCol}/{tileRow}`), to the
//! TileJSON and, when there is one, to the MapLibre style. Only layers the caller may
//! read are shown (tile sets hold public layers only; checked again here).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use landtrace_app::users::{User, may_read};
use landtrace_domain::LayerKind;
use landtrace_tiles::{MAX_ZOOM, ResolvedSet, tiles_covering};
use serde_json::{Value, json};

use crate::auth::current_user;
use crate::error::AppError;
use crate::routes::styles;
use crate::routes::tiles::{MVT_MEDIA_TYPE, set_bounds};
use crate::serve::Peer;
use crate::state::AppState;

/// The identifier and URI of the one tile matrix set.
pub const WEB_MERCATOR_QUAD: &str = "WebMercatorQuad";
/// <http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad>.
pub const WEB_MERCATOR_QUAD_URI: &str = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad";
const EPSG_3857: &str = "http://www.opengis.net/def/crs/EPSG/0/3857";
const TILING_SCHEME_REL: &str = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme";

fn readable(resolved: &ResolvedSet<'_>, user: Option<&User>) -> bool {
    resolved.layers().all(|(kind, _)| may_read(user, kind))
}

/// The tileset metadata of `set`.
async fn tileset(state: &AppState, base: &str, set: &str, resolved: &ResolvedSet<'_>) -> Value {
    let bounds = set_bounds(state, resolved).await;
    let limits: Vec<Value> = (resolved.minzoom()..=resolved.maxzoom().min(MAX_ZOOM))
        .filter_map(|z| {
            let corner = |lon: f64, lat: f64| tiles_covering(geo::Rect::new((lon, lat), (lon, lat)), z).next();
            let (nw, se) = (corner(bounds[0], bounds[3])?, corner(bounds[2], bounds[1])?);
            Some(json!({
                "tileMatrix": z.to_string(),
                "minTileRow": nw.y(), "maxTileRow": se.y(),
                "minTileCol": nw.x(), "maxTileCol": se.x(),
            }))
        })
        .collect();
    // A layer's own set is also its collection's; a composite set (`all`) is in the list.
    let self_href = match LayerKind::from_table_name(set) {
        Some(_) => format!("{base}/collections/{set}/tiles"),
        None => format!("{base}/tiles"),
    };
    let mut links = vec![
        json!({"rel": "self", "type": "application/json", "href": self_href, "title": set}),
        json!({"rel": "item", "type": MVT_MEDIA_TYPE, "templated": true,
            "href": format!("{base}/tiles/{set}/{{tileMatrix}}/{{tileCol}}/{{tileRow}}.mvt")}),
        json!({"rel": TILING_SCHEME_REL, "type": "application/json",
            "href": format!("{base}/tileMatrixSets/{WEB_MERCATOR_QUAD}")}),
        json!({"rel": "describedby", "type": "application/json", "title": "TileJSON",
            "href": format!("{base}/tiles/{set}.json")}),
    ];
    if styles::style_ids(state, None).iter().any(|id| id == set) {
        links.push(json!({"rel": "stylesheet", "type": styles::STYLE_MEDIA_TYPE,
            "href": styles::style_url(base, set)}));
    }
    let layers: Vec<Value> = resolved
        .layers()
        .map(|(kind, config)| {
            json!({"id": kind.table_name(), "title": kind.title_zh(), "dataType": "vector",
                "minTileMatrix": config.minzoom().to_string(), "maxTileMatrix": config.maxzoom().to_string()})
        })
        .collect();
    json!({
        "id": set,
        "title": resolved.title().unwrap_or(set),
        "description": resolved.description().unwrap_or_default(),
        "dataType": "vector",
        "crs": EPSG_3857,
        "tileMatrixSetId": WEB_MERCATOR_QUAD,
        "tileMatrixSetURI": WEB_MERCATOR_QUAD_URI,
        "tileMatrixSetLimits": limits,
        "boundingBox": {"lowerLeft": [bounds[0], bounds[1]], "upperRight": [bounds[2], bounds[3]],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
        "layers": layers,
        "links": links,
    })
}

/// `GET /tiles`: every tile set the caller may read.
pub async fn list(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    let user = current_user(&state, &headers)?;
    let base = state.public.base_url(peer, &headers)?;
    let tilesets = state.tilesets();
    let mut sets = Vec::new();
    for name in tilesets.set_names() {
        let Some(resolved) = tilesets.set(name) else { continue };
        if readable(&resolved, user.as_ref()) {
            sets.push(tileset(&state, &base, name, &resolved).await);
        }
    }
    Ok(Json(json!({
        "tilesets": sets,
        "links": [
            {"rel": "self", "type": "application/json", "href": format!("{base}/tiles")},
            {"rel": TILING_SCHEME_REL, "type": "application/json", "href": format!("{base}/tileMatrixSets")},
        ],
    })))
}

/// `GET /collections/{collectionId}/tiles`: the tile set of one layer (its own set).
pub async fn of_collection(
    State(state): State<AppState>,
    Path(collection): Path<String>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    let user = current_user(&state, &headers)?;
    let kind = LayerKind::from_table_name(&collection)
        .filter(|k| may_read(user.as_ref(), *k))
        .ok_or_else(|| crate::routes::layers::unknown_layer(&collection))?;
    let name = kind.table_name();
    let tilesets = state.tilesets();
    let resolved = tilesets.set(name).filter(|r| readable(r, user.as_ref())).ok_or_else(|| {
        AppError::NotFound(format!("the collection {name} has no vector tiles (it is not public or has no zoom range)"))
    })?;
    let base = state.public.base_url(peer, &headers)?;
    let set = tileset(&state, &base, name, &resolved).await;
    Ok(Json(json!({
        "tilesets": [set],
        "links": [{"rel": "self", "type": "application/json", "href": format!("{base}/collections/{name}/tiles")}],
    })))
}

/// `GET /tileMatrixSets`.
pub async fn matrix_sets(
    Peer(peer): Peer,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    let base = state.public.base_url(peer, &headers)?;
    Ok(Json(json!({"tileMatrixSets": [{
        "id": WEB_MERCATOR_QUAD, "title": "Google Maps Compatible for the World", "uri": WEB_MERCATOR_QUAD_URI,
        "links": [{"rel": "self", "type": "application/json", "href": format!("{base}/tileMatrixSets/{WEB_MERCATOR_QUAD}")}],
    }]})))
}

/// Half the side of the Web Mercator world in metres.
const HALF_WORLD_M: f64 = 20_037_508.342_789_244;

/// `GET /tileMatrixSets/WebMercatorQuad`: its definition (OGC 2D Tile Matrix Set 2.0 JSON).
pub async fn matrix_set(Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    if id != WEB_MERCATOR_QUAD {
        let id = landtrace_domain::input_limits::echo(&id);
        return Err(AppError::NotFound(format!("no tile matrix set {id:?}; the only one is {WEB_MERCATOR_QUAD}")));
    }
    let matrices: Vec<Value> = (0..=MAX_ZOOM)
        .map(|z| {
            let n = 1u64 << z;
            let cell = 2.0 * HALF_WORLD_M / (256.0 * n as f64);
            json!({
                "id": z.to_string(),
                "scaleDenominator": cell / 0.000_28,
                "cellSize": cell,
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": [-HALF_WORLD_M, HALF_WORLD_M],
                "tileWidth": 256, "tileHeight": 256,
                "matrixWidth": n, "matrixHeight": n,
            })
        })
        .collect();
    Ok(Json(json!({
        "id": WEB_MERCATOR_QUAD,
        "title": "Google Maps Compatible for the World",
        "uri": WEB_MERCATOR_QUAD_URI,
        "crs": EPSG_3857,
        "orderedAxes": ["E", "N"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "tileMatrices": matrices,
    })))
}
