//! Photos of origin-point records (issue 16): the base photographed in the field,
//! attached to its record and shown only to the roles that see the record's
//! personal fields (agriculture staff and admins) — never to anonymous users,
//! never in tiles. Log lines name photo and record ids and sizes, never content.
//!
//! - `POST /api/trace/records/{id}/photos`: the image file as the body (JPEG, PNG
//!   or WebP, told by its bytes; at most [`BodyKind::Photo`]); 201 with the
//!   photo's metadata. `Idempotency-Key` makes a resend store it once.
//! - `GET /api/trace/records/{id}/photos`: the record's photos (metadata and URLs).
//! - `GET /api/trace/photos/{photo_id}`: the bytes (`Cache-Control: private`).
//! - `DELETE /api/trace/photos/{photo_id}`: the owning role (agriculture) or admins.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use landtrace_domain::LayerKind;
use landtrace_domain::input_limits::{BodyKind, PHOTO_MEDIA_TYPES, sniff_photo};
use landtrace_store::{NewPhoto, Outcome, PhotoMeta, StoreError};
use serde_json::{Value, json};

use crate::auth::{may_see_personal, require_user, require_writer};
use crate::error::AppError;
use crate::idempotency::{WriteKey, mark_replayed};
use crate::state::AppState;

const KIND: LayerKind = LayerKind::OriginPoints;

/// The signed-in user who may see photos: 401 without a token, 403 for a role
/// that does not see the records' personal fields.
fn require_viewer(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let (user, _) = require_user(state, headers, "record photos")?;
    if may_see_personal(Some(&user), KIND) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "the role {} may not see the photos of origin-point records (agriculture staff and admins may)",
            user.role
        )))
    }
}

async fn require_record(state: &AppState, id: i64) -> Result<(), AppError> {
    let catalog = state.catalog.read().await;
    match catalog.layer(KIND).and_then(|l| l.get(id)) {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound(format!("no origin-point record with id {id}"))),
    }
}

fn photo_json(meta: &PhotoMeta) -> Value {
    let mut v = json!(meta);
    v["url"] = json!(format!("api/trace/photos/{}", meta.id));
    v
}

/// A photo write on its own task (see [`AppState::detached`]): photos are not
/// features, so the catalogue has nothing to re-read.
async fn run_write<F, Fut>(state: &AppState, write: F) -> Result<Outcome<PhotoMeta>, StoreError>
where
    F: FnOnce(std::sync::Arc<dyn landtrace_store::Store>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<Outcome<PhotoMeta>, StoreError>> + Send + 'static,
{
    AppState::detached(write(state.store.clone())).await
}

/// `POST /api/trace/records/{id}/photos`.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    key: WriteKey,
    body: Bytes,
) -> Result<Response, AppError> {
    let (_, actor) = require_writer(&state, &headers, KIND)?;
    if body.is_empty() {
        return Err(AppError::BadRequest("the body is empty: send the photo's bytes (JPEG, PNG or WebP)".into()));
    }
    let Some(media_type) = sniff_photo(&body) else {
        return Err(AppError::UnsupportedMediaType(format!(
            "the body is not a photo: only {} files are stored (told by their content, not their name)",
            PHOTO_MEDIA_TYPES.join(", ")
        )));
    };
    // Over the limit the body was refused while it arrived (413); this repeats the rule.
    debug_assert!(body.len() as u64 <= BodyKind::Photo.max_bytes());
    require_record(&state, id).await?;
    let photo = NewPhoto { record_id: id, media_type: media_type.to_owned(), data: body.to_vec() };
    let key = key.get().cloned();
    let writer = actor.clone();
    let out = run_write(&state, move |store| async move { store.add_photo_keyed(photo, &writer, key.as_ref()).await })
        .await
        .map_err(|e| match e {
            StoreError::NotFound { .. } => AppError::NotFound(format!("no origin-point record with id {id}")),
            e => e.into(),
        })?;
    if !out.replayed {
        tracing::info!(record = id, photo = out.value.id, bytes = out.value.bytes, actor = %actor.0, "record photo stored");
    }
    let response = (StatusCode::CREATED, Json(photo_json(&out.value))).into_response();
    Ok(mark_replayed(response, out.replayed))
}

/// `GET /api/trace/records/{id}/photos`.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    require_viewer(&state, &headers)?;
    require_record(&state, id).await?;
    let photos = state.store.photos(id).await?;
    let photos: Vec<Value> = photos.iter().map(photo_json).collect();
    Ok(Json(json!({ "record_id": id, "photos": photos })))
}

/// `GET /api/trace/photos/{photo_id}`: the photo's bytes.
pub async fn fetch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    require_viewer(&state, &headers)?;
    let Some((meta, data)) = state.store.photo(id).await? else {
        return Err(AppError::NotFound(format!("no record photo with id {id}")));
    };
    let mut response = data.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&meta.media_type)));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", meta.sha256)) {
        h.insert(header::ETAG, etag);
    }
    Ok(response)
}

fn content_type(stored: &str) -> &'static str {
    PHOTO_MEDIA_TYPES.into_iter().find(|t| *t == stored).unwrap_or("application/octet-stream")
}

/// `DELETE /api/trace/photos/{photo_id}`.
pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    key: WriteKey,
) -> Result<Response, AppError> {
    let (_, actor) = require_writer(&state, &headers, KIND)?;
    let key = key.get().cloned();
    let writer = actor.clone();
    let out = run_write(&state, move |store| async move { store.delete_photo_keyed(id, &writer, key.as_ref()).await })
        .await
        .map_err(|e| match e {
            StoreError::NotFound { .. } => AppError::NotFound(format!("no record photo with id {id}")),
            e => e.into(),
        })?;
    if !out.replayed {
        tracing::info!(photo = id, record = out.value.record_id, actor = %actor.0, "record photo deleted");
    }
    Ok(mark_replayed(StatusCode::NO_CONTENT.into_response(), out.replayed))
}
