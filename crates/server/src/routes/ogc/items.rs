//! `/collections/{collectionId}/items` and `/items/{featureId}`: reading
//! (Part 1, with Part 2 CRS and Part 3 filters) and writing (Part 4: POST,
//! PUT, PATCH, DELETE) the features of a layer.
//!
//! Reads come from the in-memory catalogue (or, with `as_of`/`datetime`, from
//! the layer's history, see [`landtrace_app::history`]). Every item carries its
//! version ([`landtrace_store::Feature::version`]) as a strong `ETag`; PUT,
//! PATCH and DELETE require `If-Match` (428 without it) and the store checks it
//! in the write's own transaction (412 on a stale one), so two editors never
//! overwrite each other unseen. Writes go through the same path as
//! `/api/layers/{layer}/features`: the layer's rulebook, validation, one
//! transaction, one audit row per feature.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use geo::{BoundingRect, Geometry, Intersects, Rect};
use landtrace_app::feature_filter::FeatureFilter;
use landtrace_app::users::may_see_personal;
use landtrace_domain::input_limits::echo;
use landtrace_domain::schema::privacy::public_properties;
use landtrace_domain::{GeometryKind, LayerKind};
use landtrace_store::geojson_io::{geometry_to_geojson, parse_features};
use landtrace_store::{Actor, Feature, NewFeature};
use serde_json::{Map, Value, json};

use super::crs::OgcCrs;
use super::{CollectionRead, Format, html, json_as, param, readable_collection};
use crate::auth::require_writer;
use crate::error::AppError;
use crate::idempotency::{WriteKey, mark_replayed};
use crate::serve::Peer;
use crate::state::AppState;

/// Items per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest page; a larger `limit` is answered with this many (Part 1).
pub const MAX_LIMIT: usize = 10_000;

/// The parameters `/items` takes besides the queryables (`name=value`).
pub const ITEMS_PARAMS: &[&str] =
    &["f", "bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "as_of", "filter", "filter-lang", "filter-crs"];

/// What an items request asks for, read and checked.
struct ItemsQuery {
    format: Format,
    crs: OgcCrs,
    bbox: Option<Rect<f64>>,
    limit: usize,
    offset: usize,
    as_of: Option<String>,
    filters: Vec<FeatureFilter>,
}

fn bad(message: String) -> AppError {
    AppError::BadRequest(message)
}

fn read_query(
    kind: LayerKind,
    pairs: &[(String, String)],
    headers: &HeaderMap,
    personal: bool,
) -> Result<ItemsQuery, AppError> {
    let format = Format::of(param(pairs, "f"), headers)?;
    let crs = param(pairs, "crs").map(|c| OgcCrs::parse(c, "crs")).transpose()?.unwrap_or(OgcCrs::CRS84);
    let bbox_crs = param(pairs, "bbox-crs").map(|c| OgcCrs::parse(c, "bbox-crs")).transpose()?.unwrap_or(OgcCrs::CRS84);
    let bbox = param(pairs, "bbox").map(|b| read_bbox(b, bbox_crs)).transpose()?;
    let limit = match param(pairs, "limit") {
        None => DEFAULT_LIMIT,
        Some(l) => match l.trim().parse::<usize>() {
            Ok(0) | Err(_) => {
                return Err(bad(format!("`limit` is a whole number from 1 to {MAX_LIMIT}, not {:?}", echo(l))));
            }
            Ok(n) => n.min(MAX_LIMIT),
        },
    };
    let offset = match param(pairs, "offset") {
        None => 0,
        Some(o) => {
            o.trim().parse::<usize>().map_err(|_| bad(format!("`offset` is a whole number ≥ 0, not {:?}", echo(o))))?
        }
    };
    let as_of = match (param(pairs, "as_of"), param(pairs, "datetime")) {
        (Some(_), Some(_)) => return Err(bad("give `as_of` or `datetime`, not both (they mean the same here)".into())),
        (Some(t), None) | (None, Some(t)) => Some(t.trim().to_owned()),
        (None, None) => None,
    };
    let filter_crs = param(pairs, "filter-crs").map(|c| OgcCrs::parse(c, "filter-crs")).transpose()?;
    let mut filters = Vec::new();
    if let Some(filter) = param(pairs, "filter") {
        let lang = param(pairs, "filter-lang").unwrap_or("cql2-text");
        let compiled = match lang {
            // `cql-text`: the pre-standard name GDAL's OAPIF driver (before 3.7)
            // sends; what it writes (comparisons, LIKE, AND/OR/NOT, IS NULL) is CQL2 text.
            "cql2-text" | "cql-text" => FeatureFilter::cql2_text(kind, filter, personal, filter_crs.map(|c| c.crs)),
            "cql2-json" => FeatureFilter::cql2_json(kind, filter, personal, filter_crs.map(|c| c.crs)),
            other => return Err(bad(format!("`filter-lang` is cql2-text or cql2-json, not {:?}", echo(other)))),
        };
        filters.push(compiled.map_err(|e| bad(format!("`filter`: {e}")))?);
    } else if param(pairs, "filter-lang").is_some() || filter_crs.is_some() {
        return Err(bad("`filter-lang` and `filter-crs` go with a `filter`".into()));
    }
    let equals: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(n, _)| !ITEMS_PARAMS.contains(&n.as_str()))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    if !equals.is_empty() {
        let compiled = FeatureFilter::equals(kind, &equals, personal).map_err(|e| {
            bad(format!("{e} (the parameters of /items are {} and the queryables)", ITEMS_PARAMS.join(", ")))
        })?;
        filters.push(compiled);
    }
    Ok(ItemsQuery { format, crs, bbox, limit, offset, as_of, filters })
}

/// `bbox=minx,miny,maxx,maxy` (or 6 numbers with heights, which are ignored) in
/// `crs` and its axis order, as a WGS84 rectangle.
fn read_bbox(text: &str, crs: OgcCrs) -> Result<Rect<f64>, AppError> {
    let numbers: Result<Vec<f64>, _> = text.split(',').map(|n| n.trim().parse::<f64>()).collect();
    let numbers = numbers
        .ok()
        .filter(|n| n.iter().all(|x| x.is_finite()))
        .ok_or_else(|| bad(format!("`bbox` is 4 (or 6) comma-separated numbers, not {:?}", echo(text))))?;
    let (a0, a1, b0, b1) = match numbers[..] {
        [a0, a1, b0, b1] => (a0, a1, b0, b1),
        [a0, a1, _, b0, b1, _] => (a0, a1, b0, b1),
        _ => return Err(bad(format!("`bbox` has 4 or 6 numbers, not {}", numbers.len()))),
    };
    if a0 > b0 || a1 > b1 {
        return Err(bad(format!("`bbox` {:?}: each minimum must not exceed its maximum", echo(text))));
    }
    // The box's outline, densified, converted: its WGS84 envelope.
    let steps = 8;
    let mut ring = Vec::new();
    for i in 0..=steps {
        let t = f64::from(i) / f64::from(steps);
        ring.push(geo::coord! { x: a0 + (b0 - a0) * t, y: a1 });
        ring.push(geo::coord! { x: a0 + (b0 - a0) * t, y: b1 });
        ring.push(geo::coord! { x: a0, y: a1 + (b1 - a1) * t });
        ring.push(geo::coord! { x: b0, y: a1 + (b1 - a1) * t });
    }
    let points = Geometry::MultiPoint(ring.into_iter().map(geo::Point::from).collect());
    let wgs84 = crs.to_wgs84(points, "`bbox`")?;
    wgs84.bounding_rect().ok_or_else(|| bad("`bbox` is empty".into()))
}

/// Every feature of `kind` now, ordered by id: from the catalogue, or for a
/// layer without geometry (which the catalogue does not hold) from the store.
async fn current(state: &AppState, kind: LayerKind) -> Result<Vec<Arc<Feature>>, AppError> {
    if kind.geometry() == GeometryKind::None {
        return Ok(state.store.features(kind).await?.into_iter().map(Arc::new).collect());
    }
    Ok(state.catalog.read().await.layer(kind).map(|l| l.all()).unwrap_or_default())
}

/// Feature `fid` of `kind` now, as [`current`] reads it.
async fn current_one(state: &AppState, kind: LayerKind, fid: i64) -> Result<Option<Arc<Feature>>, AppError> {
    if kind.geometry() == GeometryKind::None {
        return Ok(current(state, kind).await?.into_iter().find(|f| f.id == fid));
    }
    Ok(state.catalog.read().await.layer(kind).and_then(|l| l.get(fid).cloned()))
}

/// The features of `kind` a request reads: now, or as they were at `as_of`.
async fn source(
    state: &AppState,
    kind: LayerKind,
    as_of: Option<&str>,
    bbox: Option<Rect<f64>>,
) -> Result<(Vec<Arc<Feature>>, Option<Value>), AppError> {
    let mut about = None;
    let features = match as_of {
        None if kind.geometry() == GeometryKind::None => current(state, kind).await?,
        None => {
            let catalog = state.catalog.read().await;
            let Some(layer) = catalog.layer(kind) else { return Ok((Vec::new(), None)) };
            match bbox {
                Some(area) => {
                    return Ok((layer.intersecting(area).into_iter().filter(|f| meets(f, area)).collect(), None));
                }
                None => layer.all(),
            }
        }
        Some(at) => {
            let (features, said) = super::as_of::features(state, kind, at).await?;
            about = Some(said);
            features
        }
    };
    let features = match bbox {
        Some(area) => features.into_iter().filter(|f| meets(f, area)).collect(),
        None => features,
    };
    Ok((features, about))
}

/// Whether a feature's geometry meets `area` (attribute-only features never do).
fn meets(f: &Feature, area: Rect<f64>) -> bool {
    f.geometry.as_ref().is_some_and(|g| g.intersects(&area))
}

/// The properties `user` may see of a `kind` feature.
fn visible(kind: LayerKind, f: &Feature, personal: bool) -> Map<String, Value> {
    if personal { f.properties.clone() } else { public_properties(kind, &f.properties) }
}

/// A feature as GeoJSON in `crs`.
fn to_geojson(kind: LayerKind, f: &Feature, crs: OgcCrs, personal: bool) -> Result<Value, AppError> {
    let geometry = f.geometry.as_ref().map(|g| crs.from_wgs84(g)).transpose()?;
    Ok(json!({
        "type": "Feature",
        "id": f.id,
        "geometry": geometry.as_ref().map(geometry_to_geojson),
        "properties": visible(kind, f, personal),
    }))
}

fn content_crs(response: &mut Response, crs: OgcCrs) {
    if let Ok(value) = HeaderValue::from_str(&format!("<{}>", crs.uri())) {
        response.headers_mut().insert("Content-Crs", value);
    }
}

fn page_link(base: &str, path: &str, pairs: &[(String, String)], offset: usize, rel: &str, f: &str) -> Value {
    let mut pairs: Vec<(String, String)> = pairs.iter().filter(|(n, _)| n != "offset" && n != "f").cloned().collect();
    pairs.push(("f".into(), f.into()));
    if offset > 0 {
        pairs.push(("offset".into(), offset.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    let media = if f == "html" { "text/html" } else { "application/geo+json" };
    json!({ "href": format!("{base}{path}?{query}"), "rel": rel, "type": media })
}

/// `GET /collections/{collectionId}/items`.
pub async fn items(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Peer(peer): Peer,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let CollectionRead { pairs, user, kind, base } =
        CollectionRead::new(&state, &id, peer, raw.as_deref(), &headers, None)?;
    let personal = may_see_personal(user.as_ref(), kind);
    let q = read_query(kind, &pairs, &headers, personal)?;
    let (mut features, about) = source(&state, kind, q.as_of.as_deref(), q.bbox).await?;
    if !q.filters.is_empty() {
        features.retain(|f| q.filters.iter().all(|filter| filter.matches(f)));
    }
    let matched = features.len();
    let page: Vec<Value> = features
        .iter()
        .skip(q.offset)
        .take(q.limit)
        .map(|f| to_geojson(kind, f, q.crs, personal))
        .collect::<Result<_, _>>()?;
    let path = format!("/collections/{}/items", kind.table_name());
    let f = if q.format == Format::Html { "html" } else { "json" };
    let mut links = vec![
        page_link(&base, &path, &pairs, q.offset, "self", f),
        page_link(&base, &path, &pairs, q.offset, "alternate", if f == "html" { "json" } else { "html" }),
        json!({ "href": format!("{base}/collections/{}", kind.table_name()), "rel": "collection", "type": "application/json" }),
    ];
    if q.offset + page.len() < matched {
        links.push(page_link(&base, &path, &pairs, q.offset + q.limit, "next", f));
    }
    if q.offset > 0 {
        links.push(page_link(&base, &path, &pairs, q.offset.saturating_sub(q.limit), "prev", f));
    }
    let mut body = json!({
        "type": "FeatureCollection",
        "features": page,
        "numberMatched": matched,
        "numberReturned": page.len(),
        "timeStamp": landtrace_app::clock::now_rfc3339(),
        "links": links,
    });
    if let Some(about) = about {
        body["as_of"] = about;
    }
    let mut response = match q.format {
        Format::Json => json_as(&body, "application/geo+json"),
        Format::Html => html::items(kind, &body, q.crs),
    };
    content_crs(&mut response, q.crs);
    Ok(response)
}

/// `GET /collections/{collectionId}/items/{featureId}`, with its version as `ETag`.
pub async fn item(
    State(state): State<AppState>,
    Path((id, fid)): Path<(String, String)>,
    Peer(peer): Peer,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let read =
        CollectionRead::new(&state, &id, peer, raw.as_deref(), &headers, Some(&["f", "crs", "as_of", "datetime"]))?;
    let (kind, pairs) = (read.kind, &read.pairs);
    let fid = feature_id(kind, &fid)?;
    let format = read.format(&headers)?;
    let crs = param(pairs, "crs").map(|c| OgcCrs::parse(c, "crs")).transpose()?.unwrap_or(OgcCrs::CRS84);
    let as_of = param(pairs, "as_of").or(param(pairs, "datetime"));
    let feature = match as_of {
        None => current_one(&state, kind, fid).await?,
        Some(at) => super::as_of::features(&state, kind, at).await?.0.into_iter().find(|f| f.id == fid),
    };
    let feature = feature.ok_or_else(|| not_found(kind, fid))?;
    let base = &read.base;
    let personal = read.personal();
    let mut body = to_geojson(kind, &feature, crs, personal)?;
    let path = format!("{base}/collections/{}/items/{fid}", kind.table_name());
    body["links"] = json!([
        { "href": format!("{path}?f=json"), "rel": "self", "type": "application/geo+json" },
        { "href": format!("{path}?f=html"), "rel": "alternate", "type": "text/html" },
        { "href": format!("{base}/collections/{}", kind.table_name()), "rel": "collection", "type": "application/json" },
    ]);
    let mut response = match format {
        Format::Json => json_as(&body, "application/geo+json"),
        Format::Html => html::item(kind, &body, crs),
    };
    content_crs(&mut response, crs);
    if as_of.is_none() {
        set_etag(&mut response, &feature);
    }
    Ok(response)
}

fn feature_id(kind: LayerKind, text: &str) -> Result<i64, AppError> {
    text.parse::<i64>().map_err(|_| {
        AppError::NotFound(format!(
            "{} has no feature {:?}: feature ids are whole numbers",
            kind.table_name(),
            echo(text)
        ))
    })
}

fn not_found(kind: LayerKind, fid: i64) -> AppError {
    AppError::NotFound(format!("{} has no feature {fid}", kind.table_name()))
}

fn set_etag(response: &mut Response, feature: &Feature) {
    if let Ok(value) = HeaderValue::from_str(&format!("\"{}\"", feature.version())) {
        response.headers_mut().insert(header::ETAG, value);
    }
}

/// The version `If-Match` names: 428 without the header; `None` for `*` (any
/// version); 400 for a list or a malformed value.
fn if_match(headers: &HeaderMap, kind: LayerKind, fid: i64) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(AppError::PreconditionRequired(format!(
            "changing feature {fid} of {} needs an `If-Match` header with the feature's ETag (GET \
             /collections/{}/items/{fid} answers it), so that another editor's change is not overwritten unseen",
            kind.table_name(),
            kind.table_name()
        )));
    };
    let text = value.to_str().map_err(|_| bad("`If-Match` is not ASCII text".into()))?.trim();
    if text == "*" {
        return Ok(None);
    }
    let tag = text.strip_prefix("W/").unwrap_or(text);
    match tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') && !inner.is_empty() => Ok(Some(inner.to_owned())),
        _ => Err(bad(format!("`If-Match` is one ETag in quotes, as GET answered it, not {:?}", echo(text)))),
    }
}

/// The CRS of a request body: `Content-Crs` (`<uri>`), else CRS84.
fn body_crs(headers: &HeaderMap) -> Result<OgcCrs, AppError> {
    match headers.get("Content-Crs") {
        None => Ok(OgcCrs::CRS84),
        Some(v) => {
            let text = v.to_str().map_err(|_| bad("`Content-Crs` is not ASCII text".into()))?;
            OgcCrs::parse(text.trim().trim_start_matches('<').trim_end_matches('>'), "Content-Crs")
        }
    }
}

/// One GeoJSON Feature of a request body, its geometry in WGS84.
fn one_feature(kind: LayerKind, body: &[u8], crs: OgcCrs) -> Result<NewFeature, AppError> {
    let text = std::str::from_utf8(body).map_err(|e| bad(format!("the body is not UTF-8 text: {e}")))?;
    let value: Value = serde_json::from_str(landtrace_domain::input_limits::strip_bom(text))
        .map_err(|e| bad(format!("the body is not a GeoJSON Feature: {e}")))?;
    if value.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(bad("the body is one GeoJSON Feature (\"type\": \"Feature\"); import collections with POST \
             /api/layers/{layer}/features"
            .into()));
    }
    let mut features = parse_features(kind, text).map_err(|e| bad(e.to_string()))?;
    let mut feature = features.pop().ok_or_else(|| bad("the body holds no feature".into()))?;
    if let Some(g) = feature.geometry.take() {
        feature.geometry = Some(crs.to_wgs84(g, "the feature's geometry")?);
    }
    Ok(feature)
}

fn refuse_origin_replace(kind: LayerKind) -> Result<(), AppError> {
    if kind == LayerKind::OriginPoints {
        return Err(bad(
            "origin-point records are replaced through PUT /api/trace/records/{id} (it keeps their creation stamp)"
                .into(),
        ));
    }
    Ok(())
}

/// The collection a write names and the writer's actor: 401/403 as every
/// write (the middleware checked the same before the body was read), 404 for
/// an unknown collection.
fn writer(state: &AppState, id: &str, headers: &HeaderMap) -> Result<(LayerKind, Actor), AppError> {
    let (user, actor) = require_writer(state, headers, super::named(id)?)?;
    Ok((readable_collection(state, id, Some(&user))?, actor))
}

/// The feature a replace or patch names, with the version `If-Match` expects.
fn replaced(state: &AppState, id: &str, fid: &str, headers: &HeaderMap) -> Result<Change, AppError> {
    let (kind, actor) = writer(state, id, headers)?;
    let fid = feature_id(kind, fid)?;
    refuse_origin_replace(kind)?;
    let expected = if_match(headers, kind, fid)?;
    Ok(Change { kind, actor, fid, expected })
}

/// A change of one feature, authorised.
struct Change {
    kind: LayerKind,
    actor: Actor,
    fid: i64,
    expected: Option<String>,
}

/// `POST /collections/{collectionId}/items`: adds one feature (GeoJSON, in
/// `Content-Crs` or CRS84). 201 with `Location` and `ETag`.
pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Peer(peer): Peer,
    headers: HeaderMap,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let (kind, actor) = writer(&state, &id, &headers)?;
    let feature = one_feature(kind, &body, body_crs(&headers)?)?;
    let features =
        crate::origin_state::check_new_features(&state, None, kind, vec![feature], &actor, key.get()).await?;
    let warnings = landtrace_app::write_path::write_warnings(kind, features.iter().map(|f| &f.properties));
    let out = state.insert_keyed(kind, features, &actor, key.get()).await?;
    let fid = *out.value.first().ok_or_else(|| AppError::Internal("the insert returned no id".into()))?;
    let base = state.public.base_url(peer, &headers)?;
    let location = format!("{base}/collections/{}/items/{fid}", kind.table_name());
    let mut answer = json!({ "id": fid, "href": location });
    if !warnings.is_empty() {
        answer["warnings"] = json!(warnings);
    }
    let mut response = (StatusCode::CREATED, axum::Json(answer)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    if let Some(stored) = current_one(&state, kind, fid).await? {
        set_etag(&mut response, &stored);
    }
    Ok(mark_replayed(response, out.replayed))
}

/// 204 with the feature's new version as `ETag`.
async fn changed(state: &AppState, kind: LayerKind, fid: i64, replayed: bool) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(Some(stored)) = current_one(state, kind, fid).await {
        set_etag(&mut response, &stored);
    }
    mark_replayed(response, replayed)
}

/// `PUT /collections/{collectionId}/items/{featureId}`: replaces the feature
/// (geometry and every attribute) when `If-Match` names its current version.
pub async fn replace(
    State(state): State<AppState>,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let Change { kind, actor, fid, expected } = replaced(&state, &id, &fid, &headers)?;
    let feature = one_feature(kind, &body, body_crs(&headers)?)?;
    let out = state.update_keyed(kind, fid, feature, &actor, key.get(), expected.as_deref()).await?;
    Ok(changed(&state, kind, fid, out.replayed).await)
}

/// `PATCH /collections/{collectionId}/items/{featureId}`: a JSON merge patch
/// (RFC 7396) of the feature (`properties` members set or, with null, cleared;
/// `geometry` replaced), when `If-Match` names its current version.
pub async fn patch(
    State(state): State<AppState>,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let Change { kind, actor, fid, expected } = replaced(&state, &id, &fid, &headers)?;
    let patch: Value =
        serde_json::from_slice(&body).map_err(|e| bad(format!("the body is not a JSON merge patch: {e}")))?;
    let Some(patch) = patch.as_object() else { return Err(bad("the merge patch is a JSON object".into())) };
    if let Some(key) = patch.keys().find(|k| !matches!(k.as_str(), "type" | "id" | "geometry" | "properties")) {
        return Err(bad(format!("the merge patch may set `geometry` and `properties`, not {:?}", echo(key))));
    }
    let current = current_one(&state, kind, fid).await?.ok_or_else(|| not_found(kind, fid))?;
    if let Some(expected) = &expected
        && *expected != current.version()
    {
        return Err(landtrace_store::StoreError::VersionMismatch {
            layer: kind.table_name(),
            fid,
            expected: expected.clone(),
            current: current.version(),
        }
        .into());
    }
    let mut properties = current.properties.clone();
    match patch.get("properties") {
        None => {}
        Some(Value::Object(changes)) => {
            for (name, value) in changes {
                if value.is_null() {
                    properties.remove(name);
                } else {
                    properties.insert(name.clone(), value.clone());
                }
            }
        }
        Some(_) => return Err(bad("`properties` of a merge patch is an object".into())),
    }
    let geometry = match patch.get("geometry") {
        None => current.geometry.clone(),
        Some(Value::Null) => None,
        Some(g) => {
            let text = json!({ "type": "Feature", "geometry": g, "properties": {} }).to_string();
            let parsed = one_feature(kind, text.as_bytes(), body_crs(&headers)?)?;
            parsed.geometry
        }
    };
    let feature = NewFeature { geometry, properties };
    // The store checks the version again inside its transaction: a change that
    // lands between this read and the write is still refused.
    let out = state.update_keyed(kind, fid, feature, &actor, key.get(), Some(&current.version())).await?;
    Ok(changed(&state, kind, fid, out.replayed).await)
}

/// `DELETE /collections/{collectionId}/items/{featureId}` when `If-Match` names
/// its current version. 204.
pub async fn remove(
    State(state): State<AppState>,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
    key: WriteKey,
) -> Result<Response, AppError> {
    let (kind, actor) = writer(&state, &id, &headers)?;
    let fid = feature_id(kind, &fid)?;
    let expected = if_match(&headers, kind, fid)?;
    let out = state.delete_keyed(kind, fid, &actor, key.get(), expected.as_deref()).await?;
    Ok(mark_replayed(StatusCode::NO_CONTENT.into_response(), out.replayed))
}
