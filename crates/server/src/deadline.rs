//! Every request has a deadline ([`crate::state::HttpLimits::request_timeout`]):
//! a request still unanswered then is answered 503 and its handler dropped.
//!
//! Dropping a handler never cuts a write in half: writes run to completion on
//! their own task (see `AppState::insert`), and with an `Idempotency-Key` the
//! client can retry to learn their outcome. CPU-heavy work sees the drop through
//! its cancellation flag (see [`crate::cpu`]).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;

/// The middleware.
pub async fn deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.limits.request_timeout;
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(path, seconds = limit.as_secs(), "request stopped at its deadline");
            AppError::Busy {
                message: format!(
                    "the request took longer than {} s and was stopped. A write may still complete: retry it with \
                     the same Idempotency-Key to learn its outcome",
                    limit.as_secs()
                ),
                retry_after_s: 10,
            }
            .into_response()
        }
    }
}
