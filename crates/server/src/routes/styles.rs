//! MapLibre styles for desktop GIS: `GET /styles` and `GET /styles/{id}.json`.
//!
//! The style has one home, the map client's `web/src/map-style.js`; the web build
//! (`web/build-styles.js`) writes it as templates into `web/dist/styles/`: `all.json`
//! (the `all` set) and `user-layers.json` (the generic style of a user-defined layer per
//! geometry, and the colours by the layer's place among them). Here the templates get
//! this server's public address ([`crate::public_address`]), the layer's table name and
//! colour, and each vector source the set's absolute tile URL and zoom range, so QGIS's
//! vector-tile layer can load the style from its URL. Without `web/dist` (the client
//! not built) a style is 404 saying so.

use std::path::PathBuf;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use landtrace_app::users::may_read;
use landtrace_domain::LayerKind;
use serde_json::{Value, json};

use crate::auth::current_user;
use crate::error::AppError;
use crate::serve::Peer;
use crate::state::AppState;

/// Media type of a MapLibre/Mapbox style.
pub const STYLE_MEDIA_TYPE: &str = "application/vnd.mapbox.style+json";
/// The style of the `all` set.
pub const ALL: &str = "all";
const BASE: &str = "__LANDTRACE_BASE__";
const LAYER: &str = "__LANDTRACE_LAYER__";
const COLOR: &str = "__LANDTRACE_COLOR__";

/// The ids of the styles `user` may read: `all` (when the set exists) and every
/// user-defined layer with a tile set of its own.
pub fn style_ids(state: &AppState, user: Option<&landtrace_app::users::User>) -> Vec<String> {
    let tilesets = state.tilesets();
    let mut ids = Vec::new();
    if tilesets.set(ALL).is_some() {
        ids.push(ALL.to_owned());
    }
    for kind in state.layers() {
        if kind.user_def().is_some() && may_read(user, kind) && tilesets.set(kind.table_name()).is_some() {
            ids.push(kind.table_name().to_owned());
        }
    }
    ids
}

/// The URL of a style.
pub fn style_url(base: &str, id: &str) -> String {
    format!("{base}/styles/{id}.json")
}

/// `GET /styles`: the styles the caller may read.
pub async fn list(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    let user = current_user(&state, &headers)?;
    let base = state.public.base_url(peer, &headers)?;
    let tilesets = state.tilesets();
    let styles: Vec<Value> = style_ids(&state, user.as_ref())
        .into_iter()
        .map(|id| {
            let title = tilesets.set(&id).and_then(|s| s.title().map(str::to_owned)).unwrap_or_else(|| id.clone());
            json!({
                "id": id,
                "title": title,
                "links": [
                    {"rel": "stylesheet", "type": STYLE_MEDIA_TYPE, "href": style_url(&base, &id)},
                    {"rel": "describedby", "type": "application/json", "href": format!("{base}/tiles/{id}.json")},
                ],
            })
        })
        .collect();
    Ok(Json(json!({ "styles": styles, "links": [{"rel": "self", "href": format!("{base}/styles")}] })))
}

fn not_built(dir: Option<PathBuf>) -> AppError {
    let at = dir.map(|d| format!(" ({} has none)", d.display())).unwrap_or_default();
    AppError::NotFound(format!(
        "the map client is not built{at}: styles are written by its build (npm --prefix web ci && npm --prefix \
         web run build)"
    ))
}

/// Reads a template of `web/dist/styles/` with its placeholders filled in.
fn template(state: &AppState, file: &str, fill: &[(&str, &str)]) -> Result<Value, AppError> {
    let dir = state.web_dir.as_deref().map(|d| d.join("styles"));
    let path = dir.as_ref().map(|d| d.join(file)).filter(|p| p.is_file()).ok_or_else(|| not_built(dir.clone()))?;
    let mut text = std::fs::read_to_string(&path)
        .map_err(|e| AppError::Internal(format!("reading the style template {}: {e}", path.display())))?;
    for (placeholder, value) in fill {
        // Inside JSON strings: the value escaped as JSON string content.
        let escaped = serde_json::to_string(value).expect("a string serialises");
        text = text.replace(placeholder, &escaped[1..escaped.len() - 1]);
    }
    serde_json::from_str(&text)
        .map_err(|e| AppError::Internal(format!("the style template {} is not JSON: {e}", path.display())))
}

/// `GET /styles/{id}.json`: the style of the `all` set or of a user-defined layer.
pub async fn style(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Peer(peer): Peer,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    let unknown = |id: &str| {
        let id = landtrace_domain::input_limits::echo(id);
        AppError::NotFound(format!("no style named {id:?}; GET /styles lists them"))
    };
    let Some(id) = file.strip_suffix(".json") else {
        return Err(AppError::NotFound(format!(
            "no route for /styles/{}; styles are at /styles/{{id}}.json",
            landtrace_domain::input_limits::echo(&file)
        )));
    };
    let user = current_user(&state, &headers)?;
    if !style_ids(&state, user.as_ref()).iter().any(|s| s == id) {
        return Err(unknown(id));
    }
    let base = state.public.base_url(peer, &headers)?;
    let mut style = if id == ALL {
        template(&state, "all.json", &[(BASE, &base)])?
    } else {
        let kind = LayerKind::from_table_name(id).ok_or_else(|| unknown(id))?;
        let users: Vec<LayerKind> = state.layers().into_iter().filter(|k| k.user_def().is_some()).collect();
        let set = template(&state, "user-layers.json", &[(BASE, &base), (LAYER, id)])?;
        let colors: Vec<&str> = set["colors"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let place = users.iter().position(|k| *k == kind).unwrap_or(0);
        let color = colors.get(place % colors.len().max(1)).copied().unwrap_or("#e8590c");
        let geometry = kind.geometry().ogc_name().unwrap_or("NONE");
        let mut style = set["geometries"].get(geometry).cloned().ok_or_else(|| {
            AppError::NotFound(format!("a layer of geometry {geometry} has no style; it is not drawn on the map"))
        })?;
        fill_color(&mut style, color);
        style
    };
    absolute_sources(&state, &mut style, id, &base);
    Ok(Json(style))
}

/// Replaces the colour placeholder in every string of `value`.
fn fill_color(value: &mut Value, color: &str) {
    match value {
        Value::String(s) if s.contains(COLOR) => *s = s.replace(COLOR, color),
        Value::Array(items) => items.iter_mut().for_each(|v| fill_color(v, color)),
        Value::Object(map) => map.values_mut().for_each(|v| fill_color(v, color)),
        _ => {}
    }
}

/// Every vector source: the set's absolute tile URL and zoom range (no `url`, so that
/// the style needs nothing else).
fn absolute_sources(state: &AppState, style: &mut Value, set: &str, base: &str) {
    let tilesets = state.tilesets();
    let resolved = tilesets.set(set);
    let Some(sources) = style.get_mut("sources").and_then(Value::as_object_mut) else { return };
    for source in sources.values_mut().filter(|s| s["type"] == "vector") {
        let Some(object) = source.as_object_mut() else { continue };
        object.remove("url");
        object.insert("tiles".into(), json!([format!("{base}/tiles/{set}/{{z}}/{{x}}/{{y}}.mvt")]));
        if let Some(r) = &resolved {
            object.insert("minzoom".into(), json!(r.minzoom()));
            object.insert("maxzoom".into(), json!(r.maxzoom()));
        }
    }
}
