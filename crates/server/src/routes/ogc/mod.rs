//! OGC API – Features: the landing page, conformance, collections and
//! queryables here; items and their writes in [`items`]; HTML pages in [`html`];
//! CRS handling in [`crs`].
//!
//! Every layer the caller may read is a collection (built-in and user-defined,
//! on either store): its id is the layer's table name. Items are answered from
//! the in-memory catalogue, the same view `/api/locate` and the tiles use, so
//! both stores answer alike; filters (Part 3, CQL2) are evaluated there
//! against the layer's schema (`app::feature_filter`) and never become SQL.
//! Writes (Part 4) go through the one write path, with the feature's version as
//! its `ETag` and `If-Match` checked inside the write's transaction.

pub mod as_of;
pub mod crs;
pub mod html;
pub mod items;

use axum::Json;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use landtrace_app::users::{User, may_read, may_see_personal};
use landtrace_domain::LayerKind;
use serde_json::{Value, json};

use crate::auth::current_user;
use crate::error::AppError;
use crate::serve::Peer;
use crate::state::AppState;

/// The conformance classes this server implements.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
];

/// JSON or HTML, from `f` (first) or the `Accept` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON (GeoJSON for items).
    Json,
    /// A page for people.
    Html,
}

impl Format {
    /// `f=json|html` when given (400 for another value); else HTML when the
    /// client asks for `text/html` before any JSON type (browsers), else JSON
    /// (GIS clients, scripts, `curl`).
    pub fn of(f: Option<&str>, headers: &HeaderMap) -> Result<Format, AppError> {
        match f.map(str::trim) {
            Some("json" | "geojson" | "application/json" | "application/geo+json") => return Ok(Format::Json),
            Some("html" | "text/html") => return Ok(Format::Html),
            Some(other) => {
                return Err(AppError::BadRequest(format!(
                    "`f` is json or html, not {:?}",
                    landtrace_domain::input_limits::echo(other)
                )));
            }
            None => {}
        }
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
        // The first acceptable place of a media type (`;q=0` is "not acceptable").
        let position = |needle: &str| {
            accept.split(',').position(|part| {
                let mut pieces = part.split(';').map(str::trim);
                let refused = |p: &str| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0);
                pieces.next() == Some(needle) && !pieces.any(refused)
            })
        };
        let html = position("text/html");
        let json = [position("application/json"), position("application/geo+json")].into_iter().flatten().min();
        Ok(match (html, json) {
            (Some(h), Some(j)) if h < j => Format::Html,
            (Some(_), None) => Format::Html,
            _ => Format::Json,
        })
    }
}

/// The query parameters of a request as pairs; 400 for a query string that
/// does not read or names a parameter twice.
pub(crate) fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|e| AppError::BadRequest(format!("the query string cannot be read: {e}")))?;
    for (i, (name, _)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(n, _)| n == name) {
            return Err(AppError::BadRequest(format!(
                "query parameter `{}` is given twice",
                landtrace_domain::input_limits::echo(name)
            )));
        }
    }
    Ok(pairs)
}

/// The value of `name` in `pairs`.
pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Refuses parameters other than `allowed` (Part 1: an unknown parameter is a 400).
fn only(pairs: &[(String, String)], allowed: &[&str]) -> Result<(), AppError> {
    match pairs.iter().find(|(n, _)| !allowed.contains(&n.as_str())) {
        Some((name, _)) => Err(AppError::BadRequest(format!(
            "unknown query parameter `{}`; this resource takes: {}",
            landtrace_domain::input_limits::echo(name),
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

/// A JSON answer with its media type.
pub(crate) fn json_as(value: &Value, media_type: &'static str) -> Response {
    let mut response = Json(value).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

fn link(href: String, rel: &str, media_type: &str, title: &str) -> Value {
    json!({ "href": href, "rel": rel, "type": media_type, "title": title })
}

/// The collection `id` for `user`: 404 for an unknown layer and for one the
/// caller may not read (not told apart, so a private layer's name does not leak).
pub(crate) fn readable_collection(state: &AppState, id: &str, user: Option<&User>) -> Result<LayerKind, AppError> {
    named(id).and_then(|kind| {
        if state.layers().contains(&kind) && may_read(user, kind) { Ok(kind) } else { Err(no_collection(id)) }
    })
}

/// The layer a collection id names (readable or not): 404 for none.
pub(crate) fn named(id: &str) -> Result<LayerKind, AppError> {
    LayerKind::from_table_name(id).ok_or_else(|| no_collection(id))
}

fn no_collection(id: &str) -> AppError {
    AppError::NotFound(format!(
        "no collection named {:?}; the collections are listed at /collections",
        landtrace_domain::input_limits::echo(id)
    ))
}

/// What every `/collections/{id}/…` read starts with: the query's parameters
/// (only `allowed` ones, when given), the caller, the collection they may
/// read and the public address links start with.
pub(crate) struct CollectionRead {
    pub(crate) pairs: Vec<(String, String)>,
    pub(crate) user: Option<User>,
    pub(crate) kind: LayerKind,
    pub(crate) base: String,
}

impl CollectionRead {
    pub(crate) fn new(
        state: &AppState,
        id: &str,
        peer: Option<std::net::SocketAddr>,
        raw: Option<&str>,
        headers: &HeaderMap,
        allowed: Option<&[&str]>,
    ) -> Result<CollectionRead, AppError> {
        let pairs = query_pairs(raw)?;
        if let Some(allowed) = allowed {
            only(&pairs, allowed)?;
        }
        let user = current_user(state, headers)?;
        let kind = readable_collection(state, id, user.as_ref())?;
        let base = state.public.base_url(peer, headers)?;
        Ok(CollectionRead { pairs, user, kind, base })
    }

    /// Whether the caller sees the collection's personal fields.
    pub(crate) fn personal(&self) -> bool {
        may_see_personal(self.user.as_ref(), self.kind)
    }

    /// The answer's format (`f`, then `Accept`).
    pub(crate) fn format(&self, headers: &HeaderMap) -> Result<Format, AppError> {
        Format::of(param(&self.pairs, "f"), headers)
    }
}

/// `GET /`: the landing page. Browsers (and `f=html`) get the map client; GIS
/// clients and scripts (and `f=json`) the OGC API landing page with its links.
pub async fn landing(
    State(state): State<AppState>,
    Peer(peer): Peer,
    RawQuery(raw): RawQuery,
    request: Request,
) -> Result<Response, AppError> {
    let pairs = query_pairs(raw.as_deref())?;
    // `lang` and `basemap` are the map client's own (`/?lang=en`, `/?basemap=…`).
    only(&pairs, &["f", "lang", "basemap"])?;
    if Format::of(param(&pairs, "f"), request.headers())? == Format::Html {
        return Ok(crate::routes::web::fallback(State(state), request).await);
    }
    let base = state.public.base_url(peer, request.headers())?;
    let body = json!({
        "title": "landtrace 临猗县地理数据平台",
        "description": "临猗县（山西省运城市）自然资源、交通、农业、住建图层的 OGC API – Features 服务。\
                        OGC API – Features of the land, traffic, agriculture and housing layers of Linyi County, \
                        Shanxi. Demo layers hold illustrative data (示意数据).",
        "links": [
            link(format!("{base}/?f=json"), "self", "application/json", "this document"),
            link(format!("{base}/"), "alternate", "text/html", "地图 / the map client"),
            link(format!("{base}/api"), "service-desc", "application/vnd.oai.openapi+json;version=3.0", "OpenAPI 3.0"),
            link(format!("{base}/conformance"), "conformance", "application/json", "conformance classes"),
            link(format!("{base}/collections"), "data", "application/json", "图层 / collections"),
            link(format!("{base}/tiles"), "tilesets-vector", "application/json", "矢量瓦片 / vector tile sets"),
            link(format!("{base}/styles"), "styles", "application/json", "样式 / MapLibre styles"),
        ],
    });
    Ok(json_as(&body, "application/json"))
}

/// `GET /conformance`.
pub async fn conformance(
    State(_state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let pairs = query_pairs(raw.as_deref())?;
    only(&pairs, &["f"])?;
    let body = json!({ "conformsTo": CONFORMANCE });
    Ok(match Format::of(param(&pairs, "f"), &headers)? {
        Format::Json => json_as(&body, "application/json"),
        Format::Html => html::conformance(CONFORMANCE),
    })
}

/// One collection's description.
fn describe(state: &AppState, kind: LayerKind, base: &str, extent: Option<geo::Rect<f64>>) -> Value {
    let id = kind.table_name();
    let mut links = vec![
        link(format!("{base}/collections/{id}?f=json"), "self", "application/json", "this collection"),
        link(format!("{base}/collections/{id}?f=html"), "alternate", "text/html", "this collection as a page"),
        link(format!("{base}/collections/{id}/items?f=json"), "items", "application/geo+json", "要素 / items"),
        link(format!("{base}/collections/{id}/items?f=html"), "items", "text/html", "要素 / items as a page"),
        link(
            format!("{base}/collections/{id}/queryables"),
            "http://www.opengis.net/def/rel/ogc/1.0/queryables",
            "application/schema+json",
            "可查询字段 / queryables",
        ),
    ];
    if let Some(tiles) = state.tilesets().layer(kind).filter(|_| kind.is_public()) {
        let _ = tiles;
        links.push(link(
            format!("{base}/collections/{id}/tiles"),
            "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
            "application/json",
            "矢量瓦片 / vector tiles",
        ));
    }
    let mut collection = json!({
        "id": id,
        "title": kind.title_zh(),
        "description": format!("{} / {}", kind.title_zh(), kind.title_en()),
        "itemType": "feature",
        "links": links,
        "crs": crs::offered(),
        "storageCrs": crs::CRS84,
    });
    if let Some(r) = extent {
        collection["extent"] =
            json!({ "spatial": { "bbox": [[r.min().x, r.min().y, r.max().x, r.max().y]], "crs": crs::CRS84 } });
    }
    collection
}

async fn readable_layers(state: &AppState, user: Option<&User>) -> Vec<LayerKind> {
    state.layers().into_iter().filter(|k| may_read(user, *k)).collect()
}

/// `GET /collections`: every layer the caller may read.
pub async fn collections(
    State(state): State<AppState>,
    Peer(peer): Peer,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let pairs = query_pairs(raw.as_deref())?;
    only(&pairs, &["f"])?;
    let user = current_user(&state, &headers)?;
    let base = state.public.base_url(peer, &headers)?;
    let kinds = readable_layers(&state, user.as_ref()).await;
    let catalog = state.catalog.read().await;
    let described: Vec<Value> =
        kinds.iter().map(|k| describe(&state, *k, &base, catalog.layer(*k).and_then(|l| l.extent()))).collect();
    drop(catalog);
    let body = json!({
        "links": [
            link(format!("{base}/collections?f=json"), "self", "application/json", "this document"),
            link(format!("{base}/collections?f=html"), "alternate", "text/html", "this document as a page"),
        ],
        "collections": described,
        "crs": crs::offered(),
    });
    Ok(match Format::of(param(&pairs, "f"), &headers)? {
        Format::Json => json_as(&body, "application/json"),
        Format::Html => html::collections(&body),
    })
}

/// `GET /collections/{collectionId}`.
pub async fn collection(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Peer(peer): Peer,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let read = CollectionRead::new(&state, &id, peer, raw.as_deref(), &headers, Some(&["f"]))?;
    let extent = state.catalog.read().await.layer(read.kind).and_then(|l| l.extent());
    let body = describe(&state, read.kind, &read.base, extent);
    Ok(match read.format(&headers)? {
        Format::Json => json_as(&body, "application/json"),
        Format::Html => html::collection(read.kind, &body),
    })
}

/// `GET /collections/{collectionId}/queryables`: the JSON Schema of what a
/// filter may name (personal fields only for the roles that see them).
pub async fn queryables(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Peer(peer): Peer,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let read = CollectionRead::new(&state, &id, peer, raw.as_deref(), &headers, Some(&["f"]))?;
    let url = format!("{}/collections/{}/queryables", read.base, read.kind.table_name());
    let schema = landtrace_app::feature_filter::queryables(read.kind, &url, read.personal());
    Ok(match read.format(&headers)? {
        Format::Json => json_as(&schema, "application/schema+json"),
        Format::Html => html::queryables(read.kind, &schema),
    })
}

/// Adds to the OpenAPI document one `/collections/{id}/items` path per
/// collection the caller may read, with a query parameter per queryable
/// property (Part 1's `name=value` filters, as `/req/core/fc-filters` wants them
/// declared). GDAL's OAPIF driver reads these to know which properties it may
/// send to the server (and, with `filter-lang` offering `cql-text`, sends its
/// `-where` as CQL text instead of filtering on the client).
pub fn add_collection_item_paths(state: &AppState, user: Option<&User>, doc: &mut Value) {
    let Some(generic) = doc["paths"]["/collections/{collectionId}/items"]["get"].as_object().cloned() else { return };
    for kind in state.layers().into_iter().filter(|k| may_read(user, *k)) {
        let personal = may_see_personal(user, kind);
        let mut operation = Value::Object(generic.clone());
        let id = kind.table_name();
        operation["operationId"] = json!(format!("items_{id}"));
        operation["summary"] = json!(format!("{} / {}", kind.title_zh(), kind.title_en()));
        let Some(parameters) = operation["parameters"].as_array_mut() else { continue };
        parameters.retain(|p| p["in"] != "path");
        for field in kind.fields().iter().filter(|f| personal || !f.personal) {
            let schema = match field.ty {
                landtrace_domain::FieldType::Integer => json!({"type": "integer"}),
                landtrace_domain::FieldType::Real => json!({"type": "number"}),
                landtrace_domain::FieldType::Date => json!({"type": "string", "format": "date"}),
                landtrace_domain::FieldType::Text => json!({"type": "string"}),
            };
            parameters.push(json!({
                "name": field.name, "in": "query", "required": false, "schema": schema,
                "description": format!("Only features whose {} equals this value.", field.name),
            }));
        }
        doc["paths"][format!("/collections/{id}/items")] = json!({ "get": operation });
    }
}
