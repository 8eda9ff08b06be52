//! `GET /api/layers` (what is stored), `POST /api/layers` (a user-defined layer,
//! for the admin or the role that will own it) and `POST /api/layers/{layer}/features`
//! (an all-or-nothing GeoJSON import, for the admin and the role that owns the layer).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use landtrace_app::users::{Role, User, may_read, may_see_personal, owns};
use landtrace_domain::{LayerKind, UserLayerDef};
use landtrace_store::StoreError;
use landtrace_store::geojson_io::parse_features;
use serde_json::{Value, json};

use crate::auth::{current_user, require_user, require_writer};
use crate::error::AppError;
use crate::idempotency::{WriteKey, mark_replayed};
use crate::state::AppState;

/// Lists every layer the caller may read with its title, geometry type, fields
/// (personal ones only to the owning role and admins, marked `personal`), count,
/// the role that writes it (`owner`; admins write every layer), whether it is public, answered by `/api/locate` and in which tile
/// set it is drawn, and `user_defined` for the layers the bureaus defined (their
/// own data, not the bundled demo data). A user-defined layer that is not public
/// is listed to its owning role and admins only.
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, AppError> {
    let user = current_user(&state, &headers)?;
    let counts = state.store.counts().await?;
    let layers: Vec<Value> = counts
        .iter()
        .filter(|c| may_read(user.as_ref(), c.kind))
        .map(|c| {
            let mut layer = describe(&state, c.kind, user.as_ref());
            layer["count"] = json!(c.count);
            layer
        })
        .collect();
    Ok(Json(json!({ "layers": layers })))
}

/// One layer as `GET /api/layers` lists it (without its count), for `user`.
pub(crate) fn describe(state: &AppState, kind: LayerKind, user: Option<&User>) -> Value {
    let personal = may_see_personal(user, kind);
    let fields: Vec<Value> = kind
        .fields()
        .iter()
        .filter(|f| personal || !f.personal)
        .map(|f| {
            let mut field = json!({ "name": f.name, "type": f.ty, "required": f.required });
            if f.personal {
                field["personal"] = json!(true);
            }
            field
        })
        .collect();
    // The role that writes it (besides admins, who write every layer).
    let owner = match kind.user_def() {
        Some(def) => def.owner.as_str(),
        None => Role::ALL.iter().find(|r| **r != Role::Admin && owns(**r, kind)).unwrap_or(&Role::Admin).as_str(),
    };
    let tilesets = state.tilesets();
    let tiles = tilesets.layer(kind).filter(|_| tilesets.layers_of_kind(kind).contains(&kind.table_name())).map(|c| {
        json!({
            "set": kind.table_name(),
            "tilejson": format!("/tiles/{}.json", kind.table_name()),
            "minzoom": c.minzoom(),
            "maxzoom": c.maxzoom(),
        })
    });
    json!({
        "layer": kind.table_name(),
        "title": kind.title_zh(),
        "title_en": kind.title_en(),
        "geometry": kind.geometry().ogc_name(),
        "fields": fields,
        "owner": owner,
        "public": kind.is_public(),
        "locate": kind.is_zone(),
        "tiles": tiles,
        "user_defined": kind.user_def().is_some(),
    })
}

/// The keys a definition may have, each level: a typo is refused rather than
/// silently left out (a `"publc": false` would publish the layer).
const DEFINITION_KEYS: [&str; 9] =
    ["name", "title_zh", "title_en", "geometry", "fields", "owner", "public", "tiles", "locate"];
const FIELD_KEYS: [&str; 5] = ["name", "title", "type", "required", "personal"];
const ZOOM_KEYS: [&str; 2] = ["min", "max"];

fn unknown_keys(value: &Value, allowed: &[&str], at: &str) -> Result<(), AppError> {
    let Some(object) = value.as_object() else { return Ok(()) };
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(AppError::BadRequest(format!(
            "{at} has an unknown key {:?}; the keys are: {}",
            landtrace_domain::input_limits::echo(key),
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

/// Reads a layer definition from a request body: JSON of [`UserLayerDef`], no
/// unknown keys, then its checks ([`UserLayerDef::check`]); 400 naming the problem.
fn read_definition(body: &[u8]) -> Result<UserLayerDef, AppError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("the body is not a JSON layer definition: {e}")))?;
    unknown_keys(&value, &DEFINITION_KEYS, "the definition")?;
    if let Some(fields) = value.get("fields").and_then(Value::as_array) {
        for (i, field) in fields.iter().enumerate() {
            unknown_keys(field, &FIELD_KEYS, &format!("field {}", i + 1))?;
        }
    }
    if let Some(tiles) = value.get("tiles") {
        unknown_keys(tiles, &ZOOM_KEYS, "tiles")?;
    }
    let def: UserLayerDef = serde_json::from_value(value).map_err(|e| {
        AppError::BadRequest(format!(
            "the layer definition does not read: {e} (expected name, title_zh, title_en, geometry: Point | \
             MultiPolygon | Any | None, fields: [{{name, title, type: Text | Integer | Real | Date, required, personal}}], \
             owner, public, tiles: {{min, max}} or null, locate)"
        ))
    })?;
    def.check().map_err(|e| AppError::BadRequest(format!("the layer definition is refused: {e}")))?;
    Ok(def)
}

/// `POST /api/layers`: creates a user-defined layer from a JSON [`UserLayerDef`]
/// (its definition and table in one transaction) and serves it at once: listed,
/// answered by `/api/locate` when defined so, tiled when public with a zoom range,
/// open to `…/import`, `…/features` and `…/export`. 201 with the layer as
/// `GET /api/layers` lists it. 401 without a valid token (before the body is
/// read); 403 when the owner is not the caller's role (admins may name any
/// role); 400 for a definition that does not read or is refused, naming the
/// problem; 409 when the name is taken by a layer, a table or a tile set.
pub async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, AppError> {
    let (user, actor) = require_user(&state, &headers, "creating a layer")?;
    let def = read_definition(&body)?;
    if user.role != Role::Admin && def.owner != user.role.as_str() {
        return Err(AppError::Forbidden(format!(
            "the role {} may create only layers it owns itself: set \"owner\": \"{}\" (an admin may name any role)",
            user.role, user.role
        )));
    }
    refuse_taken(&state, &def.name)?;
    let name = def.name.clone();
    let kind = match state.create_layer(def, &actor).await {
        Ok(kind) => kind,
        // Taken meanwhile (another server), or a table of that name exists.
        Err(StoreError::Refused(message)) if message.contains("exists already") => {
            return Err(AppError::Conflict(message));
        }
        Err(StoreError::Refused(message)) => return Err(AppError::BadRequest(message)),
        Err(e) => return Err(e.into()),
    };
    tracing::info!(layer = %name, user = %user.name, role = %user.role, "layer created");
    let mut layer = describe(&state, kind, Some(&user));
    layer["count"] = json!(0);
    Ok((StatusCode::CREATED, Json(layer)).into_response())
}

/// 409 when `name` is taken by a layer this server serves or by a tile set.
pub(crate) fn refuse_taken(state: &AppState, name: &str) -> Result<(), AppError> {
    if state.layers().iter().any(|k| k.table_name() == name) {
        return Err(AppError::Conflict(format!("a layer called {name} exists already; choose another name")));
    }
    if state.tilesets().set(name).is_some() {
        return Err(AppError::Conflict(format!(
            "{name} is the name of a tile set (/tiles/{name}.json); choose another name"
        )));
    }
    Ok(())
}

/// The layer named in a path; 404 naming the layers for an unknown one.
pub(crate) fn parse_layer(name: &str) -> Result<LayerKind, AppError> {
    LayerKind::from_table_name(name).ok_or_else(|| unknown_layer(name))
}

/// The 404 of a layer that does not exist, or that the caller may not read:
/// names the public layers only.
pub(crate) fn unknown_layer(name: &str) -> AppError {
    let known: Vec<&str> = LayerKind::all().into_iter().filter(|k| k.is_public()).map(|k| k.table_name()).collect();
    let name = landtrace_domain::input_limits::echo(name);
    AppError::NotFound(format!("no layer named {name:?}; layers: {}", known.join(", ")))
}

/// Imports a GeoJSON FeatureCollection into a layer; all or nothing. 401 without a
/// valid token, 403 when the user's role does not own the layer (both before the
/// body is read). With an `Idempotency-Key`, a repeat answers with the first
/// import's ids and writes nothing.
pub async fn insert(
    State(state): State<AppState>,
    Path(layer): Path<String>,
    headers: HeaderMap,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    // A large import takes one worker of the CPU pool for parsing and checking
    // its features (and holds it while the store validates and writes them); a
    // small write is parsed in place and does not wait for a worker.
    let slot = if body.len() > SMALL_WRITE_BYTES { Some(state.cpu.slot().await) } else { None };
    let features = match &slot {
        Some(slot) => slot.run(move || parse_body(kind, &body)).await??,
        None => parse_body(kind, &body)?,
    };
    // The one write path: the layer's rulebook (origin-point records: phones,
    // divisions, thresholds, the county boundary), as through every other door.
    let features =
        crate::origin_state::check_new_features(&state, slot.as_ref(), kind, features, &actor, key.get()).await?;
    let warnings = landtrace_app::write_path::write_warnings(kind, features.iter().map(|f| &f.properties));
    let out = state.insert_keyed(kind, features, &actor, key.get()).await?;
    drop(slot);
    let mut body = json!({ "layer": kind.table_name(), "inserted": out.value.len(), "ids": out.value });
    if !warnings.is_empty() {
        body["warnings"] = json!(warnings);
    }
    Ok(mark_replayed((StatusCode::CREATED, Json(body)).into_response(), out.replayed))
}

/// Bodies up to this size are parsed in place (microseconds), without waiting
/// for a worker of the CPU pool.
const SMALL_WRITE_BYTES: usize = 256 * 1024;

fn parse_body(kind: LayerKind, body: &[u8]) -> Result<Vec<landtrace_store::NewFeature>, AppError> {
    let text =
        std::str::from_utf8(body).map_err(|e| AppError::BadRequest(format!("the body is not UTF-8 text: {e}")))?;
    parse_features(kind, text).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// `PUT /api/layers/{layer}/features/{id}`: replaces one feature (a GeoJSON
/// Feature: geometry and every attribute), validated first and audited with its
/// before and after. 404 for an unknown id.
pub async fn replace(
    State(state): State<AppState>,
    Path((layer, id)): Path<(String, i64)>,
    headers: HeaderMap,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    if kind == LayerKind::OriginPoints {
        return Err(AppError::BadRequest(
            "origin-point records are replaced through PUT /api/trace/records/{id} (it keeps their creation stamp)"
                .into(),
        ));
    }
    let slot = if body.len() > SMALL_WRITE_BYTES { Some(state.cpu.slot().await) } else { None };
    let mut features = match &slot {
        Some(slot) => slot.run(move || parse_body(kind, &body)).await??,
        None => parse_body(kind, &body)?,
    };
    if features.len() != 1 {
        return Err(AppError::BadRequest(format!(
            "expected one GeoJSON Feature to replace feature {id}, got {}",
            features.len()
        )));
    }
    let feature = features.remove(0);
    let out = state.update_keyed(kind, id, feature, &actor, key.get(), None).await?;
    drop(slot);
    Ok(mark_replayed(Json(json!({ "layer": kind.table_name(), "updated": id })).into_response(), out.replayed))
}

/// `DELETE /api/layers/{layer}/features/{id}`: removes one feature (audited).
pub async fn remove(
    State(state): State<AppState>,
    Path((layer, id)): Path<(String, i64)>,
    headers: HeaderMap,
    key: WriteKey,
) -> Result<Response, AppError> {
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    let out = state.delete_keyed(kind, id, &actor, key.get(), None).await?;
    Ok(mark_replayed(StatusCode::NO_CONTENT.into_response(), out.replayed))
}
