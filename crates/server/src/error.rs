//! The one place where errors become HTTP responses.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use landtrace_store::StoreError;
use serde_json::json;

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
                let body = json!({
                    "error": refused.to_string(),
                    "status": 400,
                    "problems": landtrace_app::write_path::problems_json(refused),
                });
                return (StatusCode::BAD_REQUEST, Json(body)).into_response();
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

/// Middleware: every error answer is JSON `{"error": …, "status": …}`, also the
/// ones the framework makes itself (a path segment that is not a number, a
/// method the route does not take, a body that does not deserialize): their
/// text becomes the message.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let message = match text.trim() {
        "" if status == StatusCode::METHOD_NOT_ALLOWED => "this path does not take that method".to_owned(),
        "" => status.canonical_reason().unwrap_or("error").to_owned(),
        text => text.to_owned(),
    };
    let mut answer = error_response(status, &message);
    for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(value) = parts.headers.get(&name) {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}

/// The JSON error body every error response has: `{"error": …, "status": …}`.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message, "status": status.as_u16() }))).into_response()
}

fn with_retry_after(status: StatusCode, message: &str, seconds: u64) -> Response {
    let mut response = error_response(status, message);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}
