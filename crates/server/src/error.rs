//! The one place where errors become HTTP responses.

use axum::Json;
use axum::http::StatusCode;
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
    /// Credentials missing or wrong (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but the role may not do this (403).
    #[error("{0}")]
    Forbidden(String),
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
            AppError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, m.clone()),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, m.clone()),
            AppError::Store(StoreError::Invalid(e)) => (StatusCode::BAD_REQUEST, e.to_string()),
            AppError::Store(e @ StoreError::NotFound { .. }) => (StatusCode::NOT_FOUND, e.to_string()),
            AppError::Store(StoreError::Database(e)) => {
                // Internals go to the log, not to the client.
                tracing::error!(error = %e, "database error");
                (StatusCode::SERVICE_UNAVAILABLE, "the database is unavailable; try again shortly".to_owned())
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
        (status, Json(json!({ "error": message, "status": status.as_u16() }))).into_response()
    }
}
