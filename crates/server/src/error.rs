//! The one place where errors become HTTP responses.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use landtrace_store::StoreError;
use serde_json::{Map, Value, json};

use crate::language::Lang;
use crate::messages::{Bilingual, bilingual};

/// An error answered to an HTTP client: a status and a message for people.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The request is malformed or its content invalid (400).
    #[error("{0}")]
    BadRequest(String),
    /// No such resource (404).
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with what exists, e.g. a name taken (409).
    #[error("{0}")]
    Conflict(String),
    /// Credentials missing or wrong (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but the role may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// The request body did not arrive in time (408).
    #[error("{0}")]
    RequestTimeout(String),
    /// The request (its body, or the work it asks for) is over a limit (413).
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The body is not of a media type the route takes (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Understood, but one part of it is over a limit or cannot be processed (422).
    #[error("{0}")]
    Unprocessable(String),
    /// A change of a versioned resource without `If-Match` (428): the client
    /// must say which version it changes, so that it cannot overwrite another
    /// editor's change unseen.
    #[error("{0}")]
    PreconditionRequired(String),
    /// The client must wait before trying again (429, `Retry-After`).
    #[error("{message}")]
    TooManyRequests {
        /// For people.
        message: String,
        /// Seconds to wait.
        retry_after_s: u64,
    },
    /// The server is too busy or the request took too long; nothing was changed
    /// unless the message says otherwise (503, `Retry-After`).
    #[error("{message}")]
    Busy {
        /// For people.
        message: String,
        /// Seconds to wait.
        retry_after_s: u64,
    },
    /// A write refused by its layer's rules (400, with every problem listed).
    #[error(transparent)]
    Refused(#[from] landtrace_app::WriteRefused),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something inside the server failed; the detail goes to the log only.
    #[error("{0}")]
    Internal(String),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone()),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, m.clone()),
            AppError::Conflict(m) => (StatusCode::CONFLICT, m.clone()),
            AppError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, m.clone()),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, m.clone()),
            AppError::RequestTimeout(m) => (StatusCode::REQUEST_TIMEOUT, m.clone()),
            AppError::PayloadTooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m.clone()),
            AppError::Unprocessable(m) => (StatusCode::UNPROCESSABLE_ENTITY, m.clone()),
            AppError::UnsupportedMediaType(m) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, m.clone()),
            AppError::PreconditionRequired(m) => (StatusCode::PRECONDITION_REQUIRED, m.clone()),
            AppError::Refused(refused) => {
                let mut body = json!({
                    "error": refused.to_string(),
                    "status": 400,
                    "problems": landtrace_app::write_path::problems_json(refused),
                });
                localize_body(&mut body, StatusCode::BAD_REQUEST);
                return localized_response(StatusCode::BAD_REQUEST, body);
            }
            AppError::TooManyRequests { message, retry_after_s } => {
                return with_retry_after(StatusCode::TOO_MANY_REQUESTS, message, *retry_after_s);
            }
            AppError::Busy { message, retry_after_s } => {
                return with_retry_after(StatusCode::SERVICE_UNAVAILABLE, message, *retry_after_s);
            }
            AppError::Store(e @ StoreError::IdempotencyKeyReused { .. }) => {
                (StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            AppError::Store(StoreError::Invalid(e)) => (StatusCode::BAD_REQUEST, e.to_string()),
            AppError::Store(StoreError::LimitExceeded(e)) if e.whole_request() => {
                (StatusCode::PAYLOAD_TOO_LARGE, e.to_string())
            }
            AppError::Store(StoreError::LimitExceeded(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
            AppError::Store(e @ StoreError::NotFound { .. }) => (StatusCode::NOT_FOUND, e.to_string()),
            AppError::Store(e @ StoreError::VersionMismatch { .. }) => (StatusCode::PRECONDITION_FAILED, e.to_string()),
            AppError::Store(e) if e.is_unique_violation() => {
                // A value the layer keeps unique (`LayerKind::unique_fields`) was taken by
                // another write first (e.g. two producers registered at one moment).
                (
                    StatusCode::CONFLICT,
                    "该编号已被另一条同时提交的记录占用，未保存，请重新提交（a value that must be unique, such as a \
                     producer identifier, was just taken by another write; nothing was stored: send it again）"
                        .to_owned(),
                )
            }
            AppError::Store(StoreError::Database(e)) => {
                // Internals go to the log, not to the client.
                tracing::error!(error = %e, "database error");
                (StatusCode::SERVICE_UNAVAILABLE, "the database is unavailable; try again shortly".to_owned())
            }
            AppError::Store(e @ StoreError::DiskFull { .. }) => {
                tracing::error!(error = %e, "write refused: the store's disk is full");
                (
                    StatusCode::INSUFFICIENT_STORAGE,
                    "the store's disk is full: nothing of this request was stored; writes are refused until \
                     space is freed"
                        .to_owned(),
                )
            }
            AppError::Store(e @ StoreError::ReadOnly { .. }) => {
                tracing::error!(error = %e, "write refused: the store is read-only");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the store is read-only (its file system or database refuses writes): nothing of this \
                     request was stored"
                        .to_owned(),
                )
            }
            AppError::Store(e @ StoreError::DiskError { .. }) => {
                tracing::error!(error = %e, "write failed: the store's disk failed");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the store's disk failed (an I/O error): nothing of this request was stored; see the server log"
                        .to_owned(),
                )
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error; see the server log".to_owned())
            }
            AppError::Store(e) => {
                tracing::error!(error = %e, "store error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error in the store; see the server log".to_owned())
            }
        };
        error_response(status, &message)
    }
}

/// Middleware (run by [`crate::deadline::guard`]): every error answer is JSON
/// `{"error": …, "error_zh": …, "error_en": …, "status": …}` with `error` in the
/// request's language `lang`, and `Content-Language` and `Vary: Accept-Language`
/// set. The framework's own errors (a path segment that is not a number, a
/// method the route does not take, a body that does not deserialize) are not
/// JSON: their text becomes the message. A route's own JSON error body (a
/// refused record with its problems) gets the message in both languages, and
/// each of its problems `message_zh` and `message_en`.
pub async fn json_errors(response: Response, lang: Lang) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    if let Some(Localized(body)) = response.extensions().get::<Localized>() {
        if lang == Lang::Zh {
            let mut response = response;
            lang.mark(response.headers_mut());
            return response;
        }
        let body = in_language(body.clone(), lang);
        return rebuilt(response, &body, lang);
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let (parts, body) = response.into_parts();
    let limit = if is_json { 64 * 1024 * 1024 } else { 64 * 1024 };
    let text = axum::body::to_bytes(body, limit).await.unwrap_or_default();
    if is_json {
        let response = Response::from_parts(parts, axum::body::Body::empty());
        return match serde_json::from_slice::<Value>(&text) {
            Ok(mut value) => {
                localize_body(&mut value, status);
                rebuilt(response, &in_language(value, lang), lang)
            }
            Err(_) => {
                let (parts, _) = response.into_parts();
                Response::from_parts(parts, axum::body::Body::from(text))
            }
        };
    }
    let text = String::from_utf8_lossy(&text);
    let message = match text.trim() {
        "" if status == StatusCode::METHOD_NOT_ALLOWED => "this path does not take that method".to_owned(),
        "" => status.canonical_reason().unwrap_or("error").to_owned(),
        text => text.to_owned(),
    };
    let answer = error_response(status, &message);
    let mut answer = match answer.extensions().get::<Localized>() {
        Some(Localized(body)) if lang == Lang::En => {
            let body = in_language(body.clone(), lang);
            rebuilt(answer, &body, lang)
        }
        _ => answer,
    };
    lang.mark(answer.headers_mut());
    for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(value) = parts.headers.get(&name) {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}

/// The body of an error answer in both languages, kept on the response so that
/// [`json_errors`] can answer in English without reading the body back.
#[derive(Debug, Clone)]
struct Localized(Value);

/// The JSON error body every error response has, in Chinese (the default; see
/// [`json_errors`] for English): `{"error": …, "error_zh": …, "error_en": …,
/// "status": …}`.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    let text = bilingual(status, message);
    let body = json!({ "error": text.zh, "error_zh": text.zh, "error_en": text.en, "status": status.as_u16() });
    localized_response(status, body)
}

fn localized_response(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(&body)).into_response();
    response.extensions_mut().insert(Localized(body));
    response
}

/// `response` with `body` (JSON) and the language's headers.
fn rebuilt(response: Response, body: &Value, lang: Lang) -> Response {
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    lang.mark(&mut parts.headers);
    parts.extensions.remove::<Localized>();
    Response::from_parts(parts, axum::body::Body::from(body.to_string()))
}

/// `error` set from `error_zh` or `error_en`.
fn in_language(mut body: Value, lang: Lang) -> Value {
    let key = match lang {
        Lang::Zh => "error_zh",
        Lang::En => "error_en",
    };
    if let Some(object) = body.as_object_mut()
        && let Some(chosen) = object.get(key).cloned()
    {
        object.insert("error".to_owned(), chosen);
    }
    body
}

/// Adds `error_zh` and `error_en` to an error body from its `error`, and
/// `message_zh`/`message_en` to every problem listed in it (objects with a
/// `message`, in its arrays, one level down too: an import's rows and their
/// problems). `error` is left for [`in_language`] to choose.
pub fn localize_body(body: &mut Value, status: StatusCode) {
    let Some(object) = body.as_object_mut() else { return };
    if !object.contains_key("error_zh")
        && let Some(message) = object.get("error").and_then(Value::as_str)
    {
        let Bilingual { zh, en } = bilingual(status, message);
        object.insert("error_zh".to_owned(), Value::String(zh));
        object.insert("error_en".to_owned(), Value::String(en));
    }
    for value in object.values_mut() {
        if let Value::Array(items) = value {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                localize_problem(item, status);
                for inner in item.values_mut() {
                    if let Value::Array(inner) = inner {
                        inner.iter_mut().filter_map(Value::as_object_mut).for_each(|p| localize_problem(p, status));
                    }
                }
            }
        }
    }
}

fn localize_problem(problem: &mut Map<String, Value>, status: StatusCode) {
    if problem.contains_key("message_zh") {
        return;
    }
    if let Some(message) = problem.get("message").and_then(Value::as_str) {
        let Bilingual { zh, en } = bilingual(status, message);
        problem.insert("message_zh".to_owned(), Value::String(zh));
        problem.insert("message_en".to_owned(), Value::String(en));
    }
}

fn with_retry_after(status: StatusCode, message: &str, seconds: u64) -> Response {
    let mut response = error_response(status, message);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}
