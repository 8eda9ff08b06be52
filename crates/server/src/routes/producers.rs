//! Agriculture staff: the producer register (种养殖主体, 临政办发〔2023〕19号).
//!
//! A producer has a unified social credit code or an identifier the platform assigns;
//! its bases/plots are the origin-point records carrying that identifier. Reads are open
//! to everyone, but the producer's name and contacts (personal) only to signed-in
//! agriculture staff and admins; writes need that role and go through the one write path.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use landtrace_app::origin_producers::{ProducerRefused, prepare_producer, producer_json};
use landtrace_domain::LayerKind;
use landtrace_domain::traceability::producer::{ID_KINDS, PLATFORM_ID_PREFIX};
use landtrace_domain::traceability::record::{COMMODITY_BASIS, SCOPE_BASIS, SEPARATE_BASES_BASIS};
use landtrace_store::Feature;
use serde_json::{Map, Value, json};

use crate::auth::{current_user, may_see_personal, require_writer};
use crate::error::AppError;
use crate::idempotency::{WriteKey, mark_replayed};
use crate::origin_state::{View, divisions, records, today_in_county};
use crate::state::AppState;

const KIND: LayerKind = LayerKind::Producers;

/// Every producer, ordered by id (a layer without geometry: read from the store, not
/// kept in the catalogue).
async fn producers(state: &AppState) -> Result<Vec<Feature>, AppError> {
    Ok(state.store.features(KIND).await?)
}

/// A producer by feature id (digits, shorter than a credit code) or by identifier.
async fn find(state: &AppState, key: &str) -> Result<Feature, AppError> {
    let all = producers(state).await?;
    let key = key.trim();
    let by_id = (key.len() < 15).then(|| key.parse::<i64>().ok()).flatten();
    let found = all.iter().find(|f| match by_id {
        Some(id) => f.id == id,
        None => f.properties.get("producer_id").and_then(Value::as_str).is_some_and(|p| p.eq_ignore_ascii_case(key)),
    });
    found.cloned().ok_or_else(|| AppError::NotFound(format!("未登记的种养殖主体「{key}」（no producer {key:?}）")))
}

fn personal(state: &AppState, headers: &HeaderMap) -> Result<bool, AppError> {
    let user = current_user(state, headers)?;
    Ok(may_see_personal(user.as_ref(), KIND))
}

/// Where the rules of the answers are written.
fn rules() -> Value {
    json!({
        "scope": SCOPE_BASIS,
        "for_market": COMMODITY_BASIS,
        "bases_together": SEPARATE_BASES_BASIS,
        "identifier": format!(
            "统一社会信用代码（GB 32100-2015，校验位按模 31 核验）；无代码的由平台按序分配 {PLATFORM_ID_PREFIX}nnnnnn \
             （a credit code, checked; else a platform identifier in sequence）"
        ),
        "id_kinds": ID_KINDS,
    })
}

/// How the producer answers show records today: with or without personal fields, the
/// county's divisions and update cycles, thresholds weighed per producer.
fn today_view<'a>(
    state: &'a AppState,
    divisions: &'a landtrace_domain::traceability::Divisions,
    personal: bool,
) -> View<'a> {
    View { personal, divisions, cycles: &state.rules.cycles, as_of: today_in_county(), thresholds: None }
}

/// `GET /api/trace/producers`: every producer with its bases' summary.
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, AppError> {
    let personal = personal(&state, &headers)?;
    let divisions = divisions(&state).await?;
    let records = records(&state).await;
    let records: Vec<&Feature> = records.iter().map(AsRef::as_ref).collect();
    let view = today_view(&state, &divisions, personal);
    let all: Vec<Value> = producers(&state)
        .await?
        .iter()
        .map(|p| {
            let mut v = producer_json(p, &records, view);
            v.as_object_mut().map(|m| m.remove("bases"));
            v
        })
        .collect();
    Ok(Json(json!({ "total": all.len(), "personal_fields": personal, "producers": all, "rules": rules() })))
}

/// `GET /api/trace/producers/{id}`: one producer (by feature id or identifier) with its
/// bases, each with its collection threshold weighed with the others (gazette line 2852).
pub async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Result<Json<Value>, AppError> {
    let personal = personal(&state, &headers)?;
    let divisions = divisions(&state).await?;
    let producer = find(&state, &key).await?;
    let records = records(&state).await;
    let records: Vec<&Feature> = records.iter().map(AsRef::as_ref).collect();
    let view = today_view(&state, &divisions, personal);
    let mut out = producer_json(&producer, &records, view);
    out["rules"] = rules();
    Ok(Json(out))
}

fn body_object(body: &Bytes) -> Result<Map<String, Value>, AppError> {
    match crate::routes::land::json_body::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(AppError::BadRequest("the body must be a JSON object with the producer's fields".into())),
        Err(e) => Err(e),
    }
}

fn refused(r: ProducerRefused) -> Response {
    match r {
        ProducerRefused::Problems(problems) => {
            let summary: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect();
            (
                StatusCode::BAD_REQUEST,
                Json(json!({
                    "error": format!("the producer is invalid: {}", summary.join("; ")),
                    "status": 400,
                    "problems": problems,
                })),
            )
                .into_response()
        }
        ProducerRefused::Exists { id, producer_id } => (
            StatusCode::CONFLICT,
            Json(json!({
                "error": format!("编号 {producer_id} 已登记为种养殖主体 {id}（producer {producer_id} is already registered as {id}）"),
                "status": 409,
                "existing_id": id,
            })),
        )
            .into_response(),
    }
}

async fn write(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
    previous: Option<Feature>,
    key: &WriteKey,
) -> Result<Response, AppError> {
    let (_, actor) = require_writer(state, headers, KIND)?;
    let body = body_object(body)?;
    let divisions = divisions(state).await?;
    let all = producers(state).await?;
    let existing: Vec<&Feature> = all.iter().collect();
    let feature = match prepare_producer(&body, &divisions, &actor, &existing, previous.as_ref()) {
        Ok(f) => f,
        Err(r) => return Ok(refused(r)),
    };
    let (status, id, replayed) = match &previous {
        None => {
            let out = state.insert_keyed(KIND, vec![feature.clone()], &actor, key.get()).await?;
            (StatusCode::CREATED, out.value.first().copied().unwrap_or_default(), out.replayed)
        }
        Some(p) => {
            let out = state.update_keyed(KIND, p.id, feature.clone(), &actor, key.get(), None).await?;
            (StatusCode::OK, p.id, out.replayed)
        }
    };
    tracing::info!(producer = id, actor = %actor.0, "producer written");
    let stored = if replayed {
        find(state, &id.to_string()).await?
    } else {
        Feature { id, geometry: None, properties: feature.properties }
    };
    let records = records(state).await;
    let records: Vec<&Feature> = records.iter().map(AsRef::as_ref).collect();
    let view = today_view(state, &divisions, true);
    Ok(mark_replayed((status, Json(producer_json(&stored, &records, view))).into_response(), replayed))
}

/// `POST /api/trace/producers`: registers a producer (agriculture staff, admins); without
/// a credit code the platform assigns the next identifier.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    write(&state, &headers, &body, None, &key).await
}

/// `PUT /api/trace/producers/{id}`: replaces a producer's fields (its identifier is kept
/// unless a credit code is given).
pub async fn replace(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(key_text): Path<String>,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let previous = find(&state, &key_text).await?;
    write(&state, &headers, &body, Some(previous), &key).await
}
