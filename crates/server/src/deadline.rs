//! What every request goes through first ([`guard`], one middleware rather than
//! three, each of which would box the request's future once more): a token is
//! checked before anything else ([`crate::auth::refuse_bad_token`]), the request
//! has a deadline ([`crate::state::HttpLimits::request_timeout`]): one still
//! unanswered then is answered 503 and its handler dropped; and every error
//! answer is JSON, in the request's language ([`crate::error::json_errors`]).
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
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let lang = crate::language::Lang::of_headers(request.headers());
    let peer = crate::serve::peer_of(&request);
    let refused = crate::auth::refuse_bad_token(&state, peer, request.headers(), request.uri().path()).await;
    let response = match refused {
        Some(refused) => refused,
        None => within_deadline(&state, request, next).await,
    };
    crate::error::json_errors(response, lang).await
}

async fn within_deadline(state: &AppState, request: Request, next: Next) -> Response {
    let limit = state.limits.request_timeout;
    // Cheap: a `Uri` shares its bytes.
    let uri = request.uri().clone();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(path = uri.path(), seconds = limit.as_secs(), "a request stopped at its deadline");
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
