//! Typed query strings: handlers take `ApiQuery<T>` with `T` a serde struct of
//! the parameters they read, so what a route accepts is written in one type. A
//! query string that cannot be read (bad percent-encoding, a parameter given
//! twice) is answered 400 naming the problem; values stay text in `T` and are
//! parsed by the handler, so a bad value's message names the parameter and
//! repeats (a short piece of) what was given.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// The query string read into `T`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::try_from_uri(&parts.uri).map(|Query(t)| ApiQuery(t)).map_err(|e| {
            let detail = e.body_text();
            let detail = detail.strip_prefix("Failed to deserialize query string: ").unwrap_or(&detail);
            AppError::BadRequest(format!(
                "the query string cannot be read: {}",
                landtrace_domain::input_limits::echo(detail)
            ))
        })
    }
}

/// A required number parameter: 400 when it is missing (with `example`) or not a number.
pub fn number(value: Option<&str>, name: &str, example: &str) -> Result<f64, AppError> {
    let raw =
        value.ok_or_else(|| AppError::BadRequest(format!("query parameter `{name}` is missing (e.g. {example})")))?;
    raw.trim().parse::<f64>().map_err(|_| {
        let raw = landtrace_domain::input_limits::echo(raw);
        AppError::BadRequest(format!("query parameter `{name}` = {raw:?} is not a number"))
    })
}
