//! Who is asking: bearer tokens, users with roles, and which layers a role may
//! write.
//!
//! Users come from a TOML file (`landtrace serve --users FILE`, made with
//! `landtrace user add`):
//!
//! ```toml
//! [[user]]
//! name = "zhang.san"
//! role = "agriculture"
//! token_sha256 = "<64 hex digits: SHA-256 of the token>"
//! ```
//!
//! Tokens are never stored in clear, only their SHA-256; a presented token is
//! hashed and compared with every stored hash in constant time. The single admin
//! token of earlier versions (`--admin-token`, `LANDTRACE_ADMIN_TOKEN`) still works
//! as the user `admin` with the role [`Role::Admin`]; its writes are audited as
//! `admin-token`. Tokens are never logged. Besides both, the accounts administrators
//! manage in the store (`landtrace_app::accounts`: sessions from a password sign-in and
//! API tokens), looked up in the server's in-memory book; an unknown token makes the
//! server check the store for changes once before refusing it.

use axum::Json;
use axum::extract::{RawPathParams, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use landtrace_domain::LayerKind;
use landtrace_store::Actor;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::state::AppState;

pub use crate::auth_failures::AuthFailures;
pub use landtrace_app::users::{
    ADMIN_TOKEN_ACTOR, Role, User, Users, UsersError, check_user_name, hash_token, may_see_personal, owns,
    user_entry_toml,
};

/// The user and how their writes are audited.
fn identify(state: &AppState, headers: &HeaderMap) -> Result<Option<(User, Actor)>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::Unauthorized("the Authorization header is malformed: expected `Bearer <token>`".into())
        })?;
    let book = state.accounts.book();
    if state.admin_token.is_none() && state.users.is_empty() && book.is_empty() {
        return Err(AppError::Unauthorized(
            "the server has no users: it was started without --admin-token or --users, and no account is stored".into(),
        ));
    }
    // Every check always runs, so the time does not tell which kind of token was near.
    let admin = state.admin_token.as_deref().is_some_and(|expected| landtrace_app::users::same_token(token, expected));
    let user = state.users.authenticate(token);
    let account = book.authenticate(token, &landtrace_app::clock::now_rfc3339());
    if admin {
        return Ok(Some((User { name: "admin".to_owned(), role: Role::Admin }, Actor(ADMIN_TOKEN_ACTOR.to_owned()))));
    }
    match user.cloned().or(account) {
        Some(u) => {
            let actor = u.actor();
            Ok(Some((u, actor)))
        }
        None => Err(AppError::Unauthorized("the token is not valid".into())),
    }
}

/// The user a request comes from: `Ok(None)` without an `Authorization` header;
/// 401 for a malformed header or a token the server does not know.
pub fn current_user(state: &AppState, headers: &HeaderMap) -> Result<Option<User>, AppError> {
    Ok(identify(state, headers)?.map(|(user, _)| user))
}

/// The signed-in user and the actor for the audit table: 401 naming `what`
/// without a valid token.
pub fn require_user(state: &AppState, headers: &HeaderMap, what: &str) -> Result<(User, Actor), AppError> {
    identify(state, headers)?
        .ok_or_else(|| AppError::Unauthorized(format!("{what} needs an `Authorization: Bearer <token>` header")))
}

/// The user allowed to write the layer `kind`, and the actor for the audit
/// table: 401 without a valid token, 403 when the user's role does not own the layer.
pub fn require_writer(state: &AppState, headers: &HeaderMap, kind: LayerKind) -> Result<(User, Actor), AppError> {
    let Some((user, actor)) = identify(state, headers)? else {
        if state.admin_token.is_none() && state.users.is_empty() {
            return Err(AppError::Unauthorized(
                "writes are disabled: the server was started without an admin token or users file".into(),
            ));
        }
        return Err(AppError::Unauthorized(format!(
            "writing to {} needs an `Authorization: Bearer <token>` header",
            kind.table_name()
        )));
    };
    if !owns(user.role, kind) {
        let owned: Vec<&str> = user.role.layers().iter().map(|k| k.table_name()).collect();
        return Err(AppError::Forbidden(format!(
            "the role {} may not write to {} ({}); it writes {}",
            user.role,
            kind.table_name(),
            kind.title_zh(),
            if owned.is_empty() { "no layers".to_owned() } else { owned.join(", ") }
        )));
    }
    tracing::debug!(user = %user.name, role = %user.role, layer = kind.table_name(), "write authorised");
    Ok((user, actor))
}

/// The first check of every request (see [`crate::deadline::guard`]): a request
/// that carries an `Authorization` header is authenticated before anything else,
/// before its body is read. A wrong token is refused (401) and counted against
/// the client ([`AuthFailures`]); a client with too many failures is refused
/// (429) before its token is even looked at. `None`: go on.
pub async fn refuse_bad_token(
    state: &AppState,
    peer: Option<std::net::SocketAddr>,
    headers: &HeaderMap,
    path: &str,
) -> Option<Response> {
    if !headers.contains_key(header::AUTHORIZATION) {
        return None;
    }
    let client = state.public.client_ip(peer, headers);
    if let Some(client) = client
        && let Some(wait) = state.auth_failures.blocked(client)
    {
        return Some(
            AppError::TooManyRequests {
                message: format!(
                    "too many failed sign-ins from {client}; wait {} s before trying again",
                    wait.as_secs().max(1)
                ),
                retry_after_s: wait.as_secs().max(1),
            }
            .into_response(),
        );
    }
    let Err(mut e) = identify(state, headers) else { return None };
    // A token this server does not know may be a session another server sharing
    // the store just made: look again when the store's accounts changed.
    if matches!(state.accounts.reload_if_changed().await, Ok(true)) {
        match identify(state, headers) {
            Ok(_) => return None,
            Err(again) => e = again,
        }
    }
    if let Some(client) = client {
        let failures = state.auth_failures.record(client);
        tracing::warn!(%client, failures, path, reason = %e, "failed authentication");
    } else {
        tracing::warn!(path, reason = %e, "failed authentication");
    }
    Some(e.into_response())
}

/// Route middleware of `/api/layers/{layer}/features…` writes: 401 without a
/// valid token and 403 when the role does not own the layer, before a byte of
/// the body is read (reads pass through). An import that creates its layer
/// (`POST …/import?new_layer=true&owner=ROLE`, a layer that need not exist yet)
/// is authorised as [`require_layer_creator`] for that owner instead; the other
/// routes ignore the parameter.
pub async fn authorise_layer_write(
    State(state): State<AppState>,
    params: RawPathParams,
    request: Request,
    next: Next,
) -> Response {
    if *request.method() == Method::POST
        && request.uri().path().ends_with("/import")
        && let Some(owner) = new_layer_owner(request.uri())
    {
        return match require_layer_creator(&state, request.headers(), owner.as_deref()) {
            Ok(_) => next.run(request).await,
            Err(e) => e.into_response(),
        };
    }
    let kind = params.iter().find(|(name, _)| *name == "layer").and_then(|(_, v)| LayerKind::from_table_name(v));
    authorise_write(&state, kind, request, next).await
}

/// `Some(owner)` when the query string asks for a new layer (`new_layer=true`),
/// with its `owner` parameter when given; `None` otherwise (also for a query
/// string that cannot be read: the handler names that problem, after the
/// ordinary authorisation).
fn new_layer_owner(uri: &axum::http::Uri) -> Option<Option<String>> {
    let axum::extract::Query(pairs) = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri).ok()?;
    let asked = pairs.iter().any(|(k, v)| k == "new_layer" && matches!(v.trim(), "true" | "1"));
    asked.then(|| pairs.iter().find(|(k, _)| k == "owner").map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty()))
}

/// The signed-in user who may create a layer owned by `owner` (absent: the
/// user's own role), the actor for the audit table and the owner: 401 without
/// a valid token; 403 when `owner` is another role than the user's (admins may
/// name any role).
pub fn require_layer_creator(
    state: &AppState,
    headers: &HeaderMap,
    owner: Option<&str>,
) -> Result<(User, Actor, String), AppError> {
    let (user, actor) = require_user(state, headers, "creating a layer")?;
    let owner = owner.map(str::to_owned).unwrap_or_else(|| user.role.as_str().to_owned());
    if user.role != Role::Admin && owner != user.role.as_str() {
        return Err(AppError::Forbidden(format!(
            "the role {} may create only layers it owns itself: set owner {} (an admin may name any role)",
            user.role, user.role
        )));
    }
    Ok((user, actor, owner))
}

/// Route middleware of `POST /api/layers` (creating a layer): 401 without a
/// valid token before the body is read; which role may own the new layer is
/// decided by the handler, from the definition (reads pass through).
pub async fn authorise_layer_create(State(state): State<AppState>, request: Request, next: Next) -> Response {
    authorise_write(&state, None, request, next).await
}

/// Route middleware of origin-point record writes (`/api/trace/…`), as
/// [`authorise_layer_write`] for the origin-point layer.
pub async fn authorise_record_write(State(state): State<AppState>, request: Request, next: Next) -> Response {
    authorise_write(&state, Some(LayerKind::OriginPoints), request, next).await
}

async fn authorise_write(state: &AppState, kind: Option<LayerKind>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let checked = match kind {
        Some(kind) => require_writer(state, request.headers(), kind).map(|_| ()),
        // An unknown layer: the handler answers 404, but only to a signed-in user.
        None => match identify(state, request.headers()) {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(AppError::Unauthorized("writing needs an `Authorization: Bearer <token>` header".into())),
            Err(e) => Err(e),
        },
    };
    match checked {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// `GET /api/me`: `{user, role, layers}` (the layers the role writes), or 401.
pub async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, AppError> {
    let user = current_user(&state, &headers)?
        .ok_or_else(|| AppError::Unauthorized("not signed in: send `Authorization: Bearer <token>`".into()))?;
    let layers: Vec<&str> = user.role.layers().iter().map(|k| k.table_name()).collect();
    Ok(Json(json!({ "user": user.name, "role": user.role, "layers": layers })))
}
