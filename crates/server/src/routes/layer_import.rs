//! `POST /api/layers/{layer}/import`: a file of any accepted format into an
//! existing layer (the map client's import tool), or into a new user-defined
//! layer whose schema is inferred from the file (`new_layer=true`, as `landtrace
//! import NAME FILE --new-layer`), through the same reading path as `landtrace
//! import` (`landtrace_app::layer_import::read_file`) and the one write path. All
//! or nothing; a dry run writes (and creates) nothing.
//!
//! The body is the file's bytes. The query string:
//!
//! | parameter   | meaning                                                              |
//! |-------------|----------------------------------------------------------------------|
//! | `filename`  | required: the file's name; its extension picks the reader            |
//! | `crs`       | the coordinates' CRS (else declared by the file, else recognised)    |
//! | `encoding`  | a shapefile's attribute encoding when the file does not say          |
//! | `layer`     | the layer of a multi-layer source (GeoPackage, workbook)             |
//! | `fields`    | a field mapping as a JSON object: `{"target": "source field"}` or `{"target": {"value": …}}` (not with `new_layer`) |
//! | `dry_run`   | `true`: check and preview, store nothing                             |
//! | `repair`    | `true`: make invalid polygons valid (each change is a note)          |
//! | `new_layer` | `true`: create the path's layer (it must not exist) from the file    |
//! | `owner`     | new layer: the role that writes it (default: the caller's role; only an admin may name another) |
//! | `title_zh`  | new layer: its Chinese title (default: its name)                     |
//! | `title_en`  | new layer: its English title (default: its name)                     |
//! | `private`   | new layer: `true`: only its owner and admins read it (not tiled)     |
//! | `tiles`     | new layer: its tile set's zoom range `MIN-MAX` (default 12-18)       |
//! | `no_tiles`  | new layer: `true`: not drawn in tiles                                |
//! | `no_locate` | new layer: `true`: not answered by `/api/locate` (polygons are by default) |
//! | `personal`  | new layer: source fields to mark personal, comma-separated, besides those named like names, phones or ID numbers |
//!
//! The answer (200 for a dry run, 201 for an import, 400 when refused — then with
//! `error` and nothing stored): `{dry_run, layer, count, stored, ids, notes, crs,
//! problems: [{feature, field, message}], features (GeoJSON of what would be stored,
//! at most [`PREVIEW_FEATURES`]), preview_truncated, source_fields, target_fields}`.
//! With `new_layer` also `new_layer: true`, `definition` (the inferred
//! `UserLayerDef`: its fields' `title` is the source field's name when the column
//! is renamed), `inference` (what was inferred, in words), `target_fields` from
//! the definition, and after an import `created` (the layer as `GET /api/layers`
//! lists it); a file the schema cannot be inferred from (lines, no features, an
//! unknown `personal` field) is 400 with `error` and one problem. The new layer is
//! served at once, as after `POST /api/layers`.
//!
//! 401/403 by role before the body is read (for `new_layer`: 401 without a valid
//! token, 403 when `owner` is not the caller's role and the caller is no admin),
//! 413 over the import body limit; `new_layer` on a layer or tile set that exists:
//! 409, on a name no layer may have: 400. A repeat of a `new_layer` import with the
//! same `Idempotency-Key` is answered 409 (its layer exists), never stored twice.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use landtrace_app::Rulebooks;
use landtrace_app::layer_import::new_layer::{self, NewLayerOptions};
use landtrace_app::layer_import::{
    self, FieldMapping, ImportError, ImportProblem, ImportedFeature, ReadFileError, ReadOptions,
};
use landtrace_domain::LayerKind;
use landtrace_domain::input_limits::Door;
use landtrace_domain::schema::user_layers::{self, UserLayerDef, ZoomRange};
use landtrace_store::NewFeature;
use landtrace_store::geojson_io::geometry_to_geojson;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::auth::{require_layer_creator, require_writer};
use crate::error::AppError;
use crate::idempotency::{WriteKey, mark_replayed};
use crate::query::ApiQuery;
use crate::state::AppState;

/// At most this many features are drawn in an answer's preview.
pub const PREVIEW_FEATURES: usize = 5_000;

/// The extensions the route takes (the readers of `landtrace_gis::read`, and
/// GeoJSON); a `.txt` is a 建设用地报批 coordinate file when its first section
/// says so, else read as CSV.
const EXTENSIONS: [&str; 14] =
    ["zip", "gpkg", "kml", "kmz", "csv", "txt", "tsv", "xlsx", "ods", "geojson", "json", "gpx", "dxf", "fgb"];

/// The query string (see the module documentation).
#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    filename: Option<String>,
    crs: Option<String>,
    encoding: Option<String>,
    layer: Option<String>,
    fields: Option<String>,
    dry_run: Option<String>,
    repair: Option<String>,
    new_layer: Option<String>,
    owner: Option<String>,
    title_zh: Option<String>,
    title_en: Option<String>,
    private: Option<String>,
    tiles: Option<String>,
    no_tiles: Option<String>,
    no_locate: Option<String>,
    personal: Option<String>,
}

impl ImportQuery {
    /// The parameters that describe a new layer and mean nothing without `new_layer`.
    fn new_layer_parameters(&self) -> Vec<&'static str> {
        [
            ("owner", &self.owner),
            ("title_zh", &self.title_zh),
            ("title_en", &self.title_en),
            ("private", &self.private),
            ("tiles", &self.tiles),
            ("no_tiles", &self.no_tiles),
            ("no_locate", &self.no_locate),
            ("personal", &self.personal),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(name, _)| name)
        .collect()
    }
}

/// The handler (see the module documentation).
pub async fn import(
    State(state): State<AppState>,
    Path(layer): Path<String>,
    headers: HeaderMap,
    key: WriteKey,
    ApiQuery(query): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Response, AppError> {
    if flag(query.new_layer.as_deref(), "new_layer")? {
        return import_new_layer(state, layer, headers, query, body).await;
    }
    let given = query.new_layer_parameters();
    if !given.is_empty() {
        return Err(AppError::BadRequest(format!(
            "query parameters {} describe a new layer: add new_layer=true, or leave them out to import into {}",
            given.join(", "),
            landtrace_domain::input_limits::echo(&layer)
        )));
    }
    let kind = parse_layer(&layer)?;
    let (_, actor) = require_writer(&state, &headers, kind)?;
    let dry_run = flag(query.dry_run.as_deref(), "dry_run")?;
    let repair = flag(query.repair.as_deref(), "repair")?;
    let (file_name, extension) = file_name(query.filename.as_deref())?;
    let mapping = match query.fields.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(parse_mapping(text, kind)?),
    };
    if body.is_empty() {
        return Err(AppError::BadRequest(format!("the body is empty: send the bytes of {file_name}")));
    }
    let options = ReadOptions {
        crs: nonblank(query.crs),
        encoding: nonblank(query.encoding),
        layer: nonblank(query.layer),
        door: Door::Request,
    };
    let rules = if Rulebooks::has_rules(kind) {
        Some(crate::origin_state::write_rulebooks(&state, &actor, key.get()).await?)
    } else {
        None
    };
    // Reading (GDAL), mapping, repair and every check are CPU work: one worker of
    // the pool, held until the features are stored.
    let slot = state.cpu.slot().await;
    let work_actor = actor.clone();
    let prepared = slot
        .run(move || {
            let read = read_upload(kind, &body, &file_name, &extension, &options)?;
            let mut features = read.features;
            let mut notes = read.notes;
            if extension == "txt" && !notes.iter().any(|n| n.contains("coordinate file")) {
                notes.insert(0, "the .txt file was read as CSV (comma, semicolon or tab separated)".to_owned());
            }
            notes.extend(layer_import::map_and_repair(&mut features, mapping.as_ref(), repair));
            let preview = preview(&features);
            let count = features.len();
            let checked = layer_import::check_with(rules.as_ref(), kind, features, &work_actor);
            Ok::<_, AppError>(Prepared {
                count,
                notes,
                crs: read.crs,
                source_fields: read.source_fields,
                preview,
                checked,
            })
        })
        .await??;
    let mut answer = json!({
        "dry_run": dry_run,
        "layer": kind.table_name(),
        "count": prepared.count,
        "notes": prepared.notes,
        "crs": prepared.crs,
        "source_fields": prepared.source_fields,
        "target_fields": target_fields(kind),
        "features": prepared.preview.collection,
        "preview_truncated": prepared.preview.truncated,
        "problems": [],
        "stored": 0,
        "ids": [],
    });
    let checked: Vec<NewFeature> = match prepared.checked {
        Ok(checked) => checked,
        Err(ImportError::Refused(refused)) => {
            answer["problems"] = problems_json(&refused.problems);
            answer["error"] = json!(refused.to_string().lines().next().unwrap_or_default());
            answer["status"] = json!(400);
            return Ok((StatusCode::BAD_REQUEST, Json(answer)).into_response());
        }
        Err(ImportError::Write(e)) => return Err(write_error(e)),
    };
    if dry_run {
        return Ok(Json(answer).into_response());
    }
    let out = state.insert_keyed(kind, checked, &actor, key.get()).await?;
    drop(slot);
    answer["stored"] = json!(out.value.len());
    answer["ids"] = json!(out.value);
    Ok(mark_replayed((StatusCode::CREATED, Json(answer)).into_response(), out.replayed))
}

/// `new_layer=true`: the path's layer created from the file (see the module
/// documentation), as `landtrace import NAME FILE --new-layer`: read as
/// [`new_layer::reading_layer`], the definition inferred, the features conformed
/// to it, mapped and repaired, then checked (a dry run) or the layer created and
/// filled through [`AppState::create_layer_and_import`].
async fn import_new_layer(
    state: AppState,
    name: String,
    headers: HeaderMap,
    query: ImportQuery,
    body: Bytes,
) -> Result<Response, AppError> {
    let (user, actor, owner) = require_layer_creator(&state, &headers, nonblank(query.owner.clone()).as_deref())?;
    let dry_run = flag(query.dry_run.as_deref(), "dry_run")?;
    let repair = flag(query.repair.as_deref(), "repair")?;
    let options = new_layer_options(&name, owner, &query)?;
    refuse_new_name(&state, &name)?;
    let (file_name, extension) = file_name(query.filename.as_deref())?;
    if query.fields.as_deref().is_some_and(|f| !f.trim().is_empty()) {
        return Err(AppError::BadRequest(
            "query parameter `fields` maps a file into an existing layer's fields; a new layer takes the file's \
             own fields (rename them in the file, or create the layer with POST /api/layers first)"
                .into(),
        ));
    }
    if body.is_empty() {
        return Err(AppError::BadRequest(format!("the body is empty: send the bytes of {file_name}")));
    }
    let reading = new_layer::reading_layer(&name).map_err(|e| AppError::BadRequest(format!("layer {name}: {e}")))?;
    let read_options = ReadOptions {
        crs: nonblank(query.crs),
        encoding: nonblank(query.encoding),
        layer: nonblank(query.layer),
        door: Door::Request,
    };
    // Reading, inference, the checks and the write on one worker of the pool:
    // the write runs to completion there even when the request is dropped, and
    // the server takes the new layer in before the worker returns.
    let slot = state.cpu.slot().await;
    let runtime = tokio::runtime::Handle::current();
    let work_state = state.clone();
    let done = slot
        .run(move || {
            let read = read_upload(reading, &body, &file_name, &extension, &read_options)?;
            let mut features = read.features;
            let mut notes = read.notes;
            if extension == "txt" && !notes.iter().any(|n| n.contains("coordinate file")) {
                notes.insert(0, "the .txt file was read as CSV (comma, semicolon or tab separated)".to_owned());
            }
            let mut answer = json!({
                "dry_run": dry_run,
                "new_layer": true,
                "layer": options.name,
                "count": features.len(),
                "crs": read.crs,
                "source_fields": read.source_fields,
                "problems": [],
                "stored": 0,
                "ids": [],
            });
            let inferred = match new_layer::infer(&features, &options) {
                Ok(inferred) => inferred,
                Err(message) => {
                    let message = message.replace("--personal", "`personal`");
                    answer["notes"] = json!(notes);
                    answer["target_fields"] = json!([]);
                    let preview = preview(&features);
                    answer["features"] = preview.collection;
                    answer["preview_truncated"] = json!(preview.truncated);
                    answer["problems"] = json!([{ "feature": null, "field": null, "message": message }]);
                    answer["error"] = json!(format!("layer {} was not created: {message}", options.name));
                    answer["status"] = json!(400);
                    return Ok::<_, AppError>(NewLayerDone::Refused(answer));
                }
            };
            let def = inferred.def;
            new_layer::conform(&mut features, &def);
            notes.extend(layer_import::map_and_repair(&mut features, None, repair));
            let preview = preview(&features);
            answer["notes"] = json!(notes);
            answer["inference"] = json!(inferred.notes);
            answer["definition"] = json!(def);
            answer["target_fields"] = definition_fields(&def);
            answer["features"] = preview.collection;
            answer["preview_truncated"] = json!(preview.truncated);
            let out = runtime.block_on(work_state.create_layer_and_import(&def, features, &actor, dry_run));
            Ok(match out {
                Ok((kind, ids)) => NewLayerDone::Done { answer, kind, ids },
                Err(ImportError::Refused(refused)) => {
                    answer["problems"] = problems_json(&refused.problems);
                    let first = refused.to_string().lines().next().unwrap_or_default().to_owned();
                    answer["error"] = json!(format!("{first}; layer {} was not created", options.name));
                    answer["status"] = json!(400);
                    NewLayerDone::Refused(answer)
                }
                Err(ImportError::Write(e)) => NewLayerDone::Failed(e),
            })
        })
        .await??;
    drop(slot);
    match done {
        NewLayerDone::Refused(answer) => Ok((StatusCode::BAD_REQUEST, Json(answer)).into_response()),
        NewLayerDone::Failed(landtrace_app::write_path::WriteError::Store(landtrace_store::StoreError::Refused(m)))
            if m.contains("exists already") =>
        {
            Err(AppError::Conflict(m))
        }
        NewLayerDone::Failed(e) => Err(write_error(e)),
        NewLayerDone::Done { answer, .. } if dry_run => Ok(Json(answer).into_response()),
        NewLayerDone::Done { mut answer, kind, ids } => {
            tracing::info!(layer = %name, user = %user.name, role = %user.role, features = ids.len(), "layer created by an import");
            let mut created = crate::routes::layers::describe(&state, kind, Some(&user));
            created["count"] = json!(ids.len());
            answer["created"] = created;
            answer["stored"] = json!(ids.len());
            answer["ids"] = json!(ids);
            Ok((StatusCode::CREATED, Json(answer)).into_response())
        }
    }
}

/// What the worker of a new-layer import hands back.
enum NewLayerDone {
    /// Checked (and, unless a dry run, created and stored).
    Done { answer: Value, kind: LayerKind, ids: Vec<i64> },
    /// The file or a feature refused: the 400 answer; nothing created.
    Refused(Value),
    /// The store failed; nothing created, or the layer created empty.
    Failed(landtrace_app::write_path::WriteError),
}

/// The new layer's options from the query string; 400 naming a bad one.
fn new_layer_options(name: &str, owner: String, query: &ImportQuery) -> Result<NewLayerOptions, AppError> {
    let private = flag(query.private.as_deref(), "private")?;
    let no_tiles = flag(query.no_tiles.as_deref(), "no_tiles")?;
    let no_locate = flag(query.no_locate.as_deref(), "no_locate")?;
    let range = nonblank(query.tiles.clone());
    if no_tiles && range.is_some() {
        return Err(AppError::BadRequest("give either `tiles` (a zoom range) or `no_tiles`, not both".into()));
    }
    let tiles = match (private || no_tiles, range) {
        (true, _) => None,
        (false, Some(range)) => Some(parse_zoom_range(&range)?),
        (false, None) => Some(new_layer::DEFAULT_TILES),
    };
    let personal: Vec<String> = query
        .personal
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    Ok(NewLayerOptions {
        name: name.to_owned(),
        title_zh: nonblank(query.title_zh.clone()),
        title_en: nonblank(query.title_en.clone()),
        owner,
        public: !private,
        tiles,
        locate: no_locate.then_some(false),
        personal,
    })
}

/// `MIN-MAX`, e.g. `12-18`; 400 otherwise.
fn parse_zoom_range(text: &str) -> Result<ZoomRange, AppError> {
    let parsed =
        text.split_once('-').and_then(|(a, b)| Some((a.trim().parse::<u8>().ok()?, b.trim().parse::<u8>().ok()?)));
    match parsed {
        Some((min, max)) if min <= max && max <= 22 => Ok(ZoomRange { min, max }),
        _ => Err(AppError::BadRequest(format!(
            "query parameter `tiles` = {:?} is not a zoom range: give MIN-MAX with 0 <= MIN <= MAX <= 22, e.g. 12-18",
            landtrace_domain::input_limits::echo(text)
        ))),
    }
}

/// A new layer's name must be free: 409 when a layer or tile set has it, 400
/// when no layer may have it (a built-in's or the platform's own table names).
fn refuse_new_name(state: &AppState, name: &str) -> Result<(), AppError> {
    if let Some(kind) = LayerKind::from_table_name(name) {
        return Err(AppError::Conflict(format!(
            "a layer called {name} exists already ({}): import into it without new_layer, or choose another name",
            kind.title_zh()
        )));
    }
    crate::routes::layers::refuse_taken(state, name)?;
    if user_layers::is_reserved_layer_name(name) {
        return Err(AppError::BadRequest(format!(
            "{} is kept for the platform's own tables; choose another name",
            landtrace_domain::input_limits::echo(name)
        )));
    }
    Ok(())
}

/// A definition's fields as `target_fields`: `[{name, type, required, personal, title}]`.
fn definition_fields(def: &UserLayerDef) -> Value {
    Value::Array(
        def.fields
            .iter()
            .map(|f| {
                json!({ "name": f.name, "title": f.title, "type": f.ty, "required": f.required, "personal": f.personal })
            })
            .collect(),
    )
}

/// What the worker hands back.
struct Prepared {
    count: usize,
    notes: Vec<String>,
    crs: Option<String>,
    source_fields: Vec<String>,
    preview: Preview,
    checked: Result<Vec<NewFeature>, ImportError>,
}

/// What a file read from the body holds.
struct ReadUpload {
    features: Vec<ImportedFeature>,
    notes: Vec<String>,
    crs: Option<String>,
    source_fields: Vec<String>,
}

/// Writes the body to a file of its own in a new temporary folder (named as the
/// client named it, so the reader picks its format and names its layer) and reads
/// it through the one reading path. The folder is removed on return.
fn read_upload(
    kind: LayerKind,
    body: &[u8],
    file_name: &str,
    extension: &str,
    options: &ReadOptions,
) -> Result<ReadUpload, AppError> {
    let dir = tempfile::Builder::new()
        .prefix("landtrace-import-")
        .tempdir()
        .map_err(|e| AppError::Internal(format!("making a folder for the upload: {e}")))?;
    // A `.txt` coordinate file is read by the CSV reader.
    let stored_name = match extension {
        "txt" => format!("{}.csv", file_name.trim_end_matches(".txt")),
        _ => file_name.to_owned(),
    };
    let path = dir.path().join(&stored_name);
    std::fs::write(&path, body).map_err(|e| AppError::Busy {
        message: format!("the server could not keep the uploaded file on its disk ({e}); try again later"),
        retry_after_s: 30,
    })?;
    let read = layer_import::read_file(kind, &path, options, &mut |_, _| {});
    // Messages name the file as the client did, not the server's folder, and this
    // door's option rather than the command line's.
    let hide = |text: String| {
        text.replace(&format!("{}/", dir.path().display()), "").replace("with --layer", "with the `layer` option")
    };
    let read = read.map_err(|e| read_error(e, &hide))?;
    let source_fields = read.source_fields();
    Ok(ReadUpload {
        features: read.features,
        notes: read.notes.into_iter().map(hide).collect(),
        crs: read.crs,
        source_fields,
    })
}

/// A file that cannot be read: 400 (413 over a limit), the problems listed.
fn read_error(e: ReadFileError, hide: &dyn Fn(String) -> String) -> AppError {
    match e {
        ReadFileError::Limit(limit) => AppError::PayloadTooLarge(hide(limit.to_string())),
        ReadFileError::Io { .. } => AppError::Internal(e.to_string()),
        other => AppError::BadRequest(hide(other.to_string())),
    }
}

/// A write that failed for another reason than its features' problems.
fn write_error(e: landtrace_app::write_path::WriteError) -> AppError {
    use landtrace_app::write_path::WriteError;
    match e {
        WriteError::Refused(refused) => AppError::Refused(refused),
        WriteError::Store(store) => AppError::Store(store),
        WriteError::Rulebook(rules) => AppError::Internal(rules.to_string()),
    }
}

/// The preview: the features as they would be stored (mapped, repaired, in
/// EPSG:4326), each with its number in the file as its id.
struct Preview {
    collection: Value,
    truncated: bool,
}

fn preview(features: &[ImportedFeature]) -> Preview {
    let shown: Vec<Value> = features
        .iter()
        .take(PREVIEW_FEATURES)
        .map(|f| {
            json!({
                "type": "Feature",
                "id": f.number,
                "geometry": f.geometry.as_ref().map(geometry_to_geojson),
                "properties": f.properties,
            })
        })
        .collect();
    Preview {
        collection: json!({ "type": "FeatureCollection", "features": shown }),
        truncated: features.len() > PREVIEW_FEATURES,
    }
}

/// `[{feature, field, message}]`.
fn problems_json(problems: &[ImportProblem]) -> Value {
    Value::Array(
        problems.iter().map(|p| json!({ "feature": p.feature, "field": p.field, "message": p.message })).collect(),
    )
}

/// The layer's fields a mapping may fill: `[{name, type, required}]`.
fn target_fields(kind: LayerKind) -> Value {
    Value::Array(
        kind.fields().iter().map(|f| json!({ "name": f.name, "type": f.ty, "required": f.required })).collect(),
    )
}

fn parse_layer(name: &str) -> Result<LayerKind, AppError> {
    LayerKind::from_table_name(name).ok_or_else(|| {
        let known: Vec<&str> = LayerKind::ALL.iter().map(|k| k.table_name()).collect();
        let name = landtrace_domain::input_limits::echo(name);
        AppError::NotFound(format!("no layer named {name:?}; layers: {}", known.join(", ")))
    })
}

/// `true`/`false` (also `1`/`0`), absent: false.
fn flag(value: Option<&str>, name: &str) -> Result<bool, AppError> {
    match value.map(str::trim) {
        None | Some("" | "false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(other) => Err(AppError::BadRequest(format!(
            "query parameter `{name}` = {:?} must be true or false",
            landtrace_domain::input_limits::echo(other)
        ))),
    }
}

fn nonblank(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty() && v != "auto")
}

/// The upload's file name, safe to use in a folder of its own (its last path
/// component; anything but letters, digits, `-`, `_` and `.` becomes `_`), and its
/// extension in lower case, which must be one the readers take.
fn file_name(given: Option<&str>) -> Result<(String, String), AppError> {
    let given = given.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| {
        AppError::BadRequest(format!(
            "query parameter `filename` is missing (e.g. filename=points.csv); it names the file and its format: {}",
            EXTENSIONS.map(|e| format!(".{e}")).join(", ")
        ))
    })?;
    let last = given.rsplit(['/', '\\']).next().unwrap_or(given);
    let safe: String = last
        .chars()
        .take(100)
        .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    let (stem, extension) = safe.rsplit_once('.').unwrap_or((safe.as_str(), ""));
    let extension = extension.to_ascii_lowercase();
    if !EXTENSIONS.contains(&extension.as_str()) {
        return Err(AppError::BadRequest(format!(
            "{:?} is not a file the import reads; it takes {} (a shapefile or MapInfo table zipped with its \
             companion files, a file geodatabase as a .zip)",
            landtrace_domain::input_limits::echo(last),
            EXTENSIONS.map(|e| format!(".{e}")).join(", ")
        )));
    }
    let stem = stem.trim_matches('.');
    let stem = if stem.is_empty() { "upload" } else { stem };
    Ok((format!("{stem}.{extension}"), extension))
}

/// The `fields` parameter: a JSON object of target fields.
fn parse_mapping(text: &str, kind: LayerKind) -> Result<FieldMapping, AppError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| AppError::BadRequest(format!("query parameter `fields` is not JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(AppError::BadRequest(
            "query parameter `fields` must be a JSON object of target fields, e.g. {\"name\": \"企业名称\"}".into(),
        ));
    };
    let object: Map<String, Value> = object;
    FieldMapping::from_json(&object, kind).map_err(|e| AppError::BadRequest(format!("query parameter `fields`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_their_extension_and_lose_their_folders() {
        assert_eq!(file_name(Some("../../etc/点位.CSV")).unwrap(), ("点位.csv".into(), "csv".into()));
        assert_eq!(file_name(Some("C:\\data\\z37 (1).zip")).unwrap(), ("z37__1_.zip".into(), "zip".into()));
        assert_eq!(file_name(Some(".zip")).unwrap(), ("upload.zip".into(), "zip".into()));
        assert!(file_name(Some("x.exe")).is_err());
        assert!(file_name(None).is_err());
        assert!(flag(Some("true"), "dry_run").unwrap() && !flag(None, "dry_run").unwrap());
        assert!(flag(Some("yes"), "dry_run").is_err());
    }
}
