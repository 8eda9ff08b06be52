//! `Idempotency-Key` on writes: a client that lost its connection after sending
//! a write (a 50,000-feature import, say) retries with the same key and learns
//! the first attempt's outcome instead of writing twice.
//!
//! The key is read and the request digested (SHA-256 of method, path, query and
//! body) by [`crate::upload::read_body`], which has the body; handlers take it
//! with the [`WriteKey`] extractor and pass it to the store, which records it in
//! the write's own transaction ([`landtrace_store::IdempotencyKey`]). A replayed
//! answer carries `Idempotent-Replayed: true`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::Response;
use landtrace_store::IdempotencyKey;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// The response header of an answer replayed from an earlier request.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// Longest accepted key.
pub const MAX_KEY_CHARS: usize = 255;

/// The key of the request, if it has one, checked: 1 to [`MAX_KEY_CHARS`]
/// visible ASCII characters.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get(HEADER) else { return Ok(None) };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_CHARS && k.bytes().all(|b| b.is_ascii_graphic()));
    match key {
        Some(k) => Ok(Some(k.to_owned())),
        None => Err(AppError::BadRequest(format!(
            "the Idempotency-Key header must be 1 to {MAX_KEY_CHARS} visible ASCII characters (e.g. a UUID)"
        ))),
    }
}

/// The digest that ties a key to one request: SHA-256 of the method, the path
/// with its query, and the body.
pub fn request_digest(method: &Method, path_and_query: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_str().as_bytes());
    h.update(b"\n");
    h.update(path_and_query.as_bytes());
    h.update(b"\n");
    h.update(body);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The request's idempotency key (a request extension set by `read_body`).
#[derive(Debug, Clone, Default)]
pub struct WriteKey(pub Option<IdempotencyKey>);

impl WriteKey {
    /// The key, for the store.
    pub fn get(&self) -> Option<&IdempotencyKey> {
        self.0.as_ref()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for WriteKey {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<WriteKey, Self::Rejection> {
        Ok(parts.extensions.get::<WriteKey>().cloned().unwrap_or_default())
    }
}

/// Marks `response` as replayed from an earlier request with the same key.
pub fn mark_replayed(mut response: Response, replayed: bool) -> Response {
    if replayed {
        response.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_and_tied_to_their_request() {
        let mut h = HeaderMap::new();
        assert_eq!(key_of(&h).unwrap(), None);
        h.insert(HEADER, HeaderValue::from_static("3f2c-import-7"));
        assert_eq!(key_of(&h).unwrap().as_deref(), Some("3f2c-import-7"));
        h.insert(HEADER, HeaderValue::from_static("two words"));
        assert!(key_of(&h).is_err());
        h.insert(HEADER, HeaderValue::from_str(&"k".repeat(256)).unwrap());
        assert!(key_of(&h).is_err());
        let a = request_digest(&Method::POST, "/api/layers/x/features", b"{}");
        assert_eq!(a.len(), 64);
        assert_ne!(a, request_digest(&Method::PUT, "/api/layers/x/features", b"{}"));
        assert_ne!(a, request_digest(&Method::POST, "/api/layers/y/features", b"{}"));
        assert_ne!(a, request_digest(&Method::POST, "/api/layers/x/features", b"{ }"));
    }
}
