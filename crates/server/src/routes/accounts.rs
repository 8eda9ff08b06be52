//! Sign-in and the accounts administrators manage (issue 16), over
//! `landtrace_app::accounts`:
//!
//! - `POST /api/session` `{name, password}` → a session token for 12 hours;
//!   failures count against the client's failed sign-ins (the limit of
//!   [`crate::auth::refuse_bad_token`]) and all say the same thing;
//!   `DELETE /api/session` ends the session of the bearer token.
//! - `GET`/`POST /api/admin/users`, `PATCH /api/admin/users/{name}`,
//!   `POST /api/admin/users/{name}/tokens`, `DELETE
//!   /api/admin/users/{name}/tokens/{id}`, `GET /api/admin/users/audit`:
//!   administrators only (401 without a token, 403 for another role, before the
//!   body is read); every change is audited in the store.
//!
//! A password is never logged or answered; a token only once, when made.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use landtrace_app::accounts::{AccountError, AccountPatch, NewAccount};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{Role, require_user};
use crate::error::AppError;
use crate::serve::Peer;
use crate::state::AppState;

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> AppError {
        match e {
            AccountError::Invalid { .. } => AppError::BadRequest(e.to_string()),
            AccountError::NotFound(m) => AppError::NotFound(m),
            AccountError::Conflict(m) => AppError::Conflict(m),
            AccountError::WrongCredentials => AppError::Unauthorized(e.to_string()),
            AccountError::Store(s) => AppError::Store(s),
            _ => AppError::Internal(e.to_string()),
        }
    }
}

/// A field problem as the client shows it under the field: `{error, status, problems: [{field, message}]}`.
fn answer(e: AccountError) -> Response {
    if let AccountError::Invalid { field, message } = &e {
        let body = json!({"error": e.to_string(), "status": 400, "problems": [{"field": field, "message": message}]});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    AppError::from(e).into_response()
}

/// Route middleware of `/api/admin/…`: 401 without a valid token, 403 unless
/// the user is an administrator, before the body is read.
pub async fn authorise_admin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match require_user(&state, request.headers(), "managing users") {
        Ok((user, _)) if user.role == Role::Admin => next.run(request).await,
        Ok((user, _)) => AppError::Forbidden(format!(
            "只有管理员可以管理用户（managing users needs the admin role; {} is {}）",
            user.name, user.role
        ))
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Body of `POST /api/session`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    name: String,
    password: String,
}

/// `POST /api/session`: signs in with a name and password.
pub async fn sign_in(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let client = state.public.client_ip(peer, &headers);
    if let Some(client) = client
        && let Some(wait) = state.auth_failures.blocked(client)
    {
        return AppError::TooManyRequests {
            message: format!(
                "too many failed sign-ins from {client}; wait {} s before trying again",
                wait.as_secs().max(1)
            ),
            retry_after_s: wait.as_secs().max(1),
        }
        .into_response();
    }
    let req: SignIn = match serde_json::from_slice(&body) {
        Ok(r) => r,
        // Not the serde message: it could quote the password.
        Err(_) => {
            return AppError::BadRequest(
                "请求应为 {\"name\": …, \"password\": …}（the body must be JSON {\"name\": …, \"password\": …}）"
                    .into(),
            )
            .into_response();
        }
    };
    match state.accounts.sign_in(req.name.trim(), &req.password).await {
        Ok(session) => {
            tracing::info!(user = %session.user, "signed in");
            (StatusCode::CREATED, Json(json!(session))).into_response()
        }
        Err(AccountError::WrongCredentials) => {
            match client {
                Some(client) => {
                    let failures = state.auth_failures.record(client);
                    tracing::warn!(%client, failures, "failed sign-in");
                }
                None => tracing::warn!("failed sign-in"),
            }
            answer(AccountError::WrongCredentials)
        }
        Err(e) => answer(e),
    }
}

/// `DELETE /api/session`: ends the session (or revokes the account token) sent
/// as the bearer token. 204; the admin token and file users' tokens cannot be
/// ended here (they are not sessions), which is also 204.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<StatusCode, AppError> {
    let (_, actor) = require_user(&state, &headers, "signing out")?;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .map(|(_, t)| t.trim().to_owned())
        .unwrap_or_default();
    state.accounts.sign_out(&token, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/admin/users`: every account (the users file's read-only), the roles.
pub async fn list(State(state): State<AppState>) -> Json<Value> {
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|r| json!({"role": r.as_str(), "layers": r.layers().iter().map(|k| k.table_name()).collect::<Vec<_>>()}))
        .collect();
    Json(json!({"users": state.accounts.list(&state.users), "roles": roles}))
}

/// `POST /api/admin/users`: adds an account (201).
pub async fn create(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let Ok((_, actor)) = require_user(&state, &headers, "managing users") else {
        return AppError::Unauthorized("managing users needs a token".into()).into_response();
    };
    let new: NewAccount = match serde_json::from_slice(&body) {
        Ok(n) => n,
        Err(e) => {
            return AppError::BadRequest(format!("the body must be {{name, role, password}}: {}", no_value(&e)))
                .into_response();
        }
    };
    match state.accounts.create(new, &actor, &state.users).await {
        Ok(view) => {
            tracing::info!(account = %view.name, role = %view.role, by = %actor.0, "account added");
            (StatusCode::CREATED, Json(json!(view))).into_response()
        }
        Err(e) => answer(e),
    }
}

/// A serde error without the value it quotes (which could be a password).
fn no_value(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("unknown field") || text.starts_with("missing field") {
        text
    } else {
        format!("not JSON of that shape (line {}, column {})", e.line(), e.column())
    }
}

/// `PATCH /api/admin/users/{name}`: `{role?, disabled?, password?}`.
pub async fn update(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Ok((me, actor)) = require_user(&state, &headers, "managing users") else {
        return AppError::Unauthorized("managing users needs a token".into()).into_response();
    };
    let patch: AccountPatch = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            return AppError::BadRequest(format!("the body must be {{role?, disabled?, password?}}: {}", no_value(&e)))
                .into_response();
        }
    };
    // An administrator does not lock themselves out: their own account is not
    // disabled or given another role here (another administrator may).
    let demoted = patch.role.as_deref().is_some_and(|r| r.trim() != Role::Admin.as_str());
    if me.name == name && (patch.disabled == Some(true) || demoted) {
        return AppError::Conflict(format!(
            "不能停用自己的账号或取消自己的管理员角色（{name:?} is your own account: another administrator may disable it or change its role）"
        ))
        .into_response();
    }
    match state.accounts.update(&name, patch, &actor, &state.users).await {
        Ok(view) => {
            tracing::info!(account = %view.name, by = %actor.0, "account changed");
            Json(json!(view)).into_response()
        }
        Err(e) => answer(e),
    }
}

/// Body of `POST /api/admin/users/{name}/tokens`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NewToken {
    #[serde(default)]
    label: String,
}

/// `POST /api/admin/users/{name}/tokens`: issues an API token, shown once (201).
pub async fn issue_token(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let (_, actor) = require_user(&state, &headers, "managing users")?;
    let req: NewToken = if body.iter().all(u8::is_ascii_whitespace) {
        NewToken::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| AppError::BadRequest(format!("the body must be {{label?}}: {e}")))?
    };
    let (id, token) = state.accounts.issue_token(&name, &req.label, &actor, &state.users).await?;
    tracing::info!(account = %name, token_id = id, by = %actor.0, "API token issued");
    Ok((StatusCode::CREATED, Json(json!({"id": id, "token": token, "user": name, "label": req.label.trim()})))
        .into_response())
}

/// `DELETE /api/admin/users/{name}/tokens/{id}`: revokes a token (204).
pub async fn revoke_token(
    State(state): State<AppState>,
    Path((name, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let (_, actor) = require_user(&state, &headers, "managing users")?;
    let id: i64 = id.parse().map_err(|_| AppError::BadRequest(format!("token id {id:?} is not a number")))?;
    state.accounts.revoke_token(&name, id, &actor, &state.users).await?;
    tracing::info!(account = %name, token_id = id, by = %actor.0, "token revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/admin/users/audit`: the newest 200 changes of accounts.
pub async fn audit(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let rows = state.accounts.audit(200).await?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            let parse = |t: Option<String>| t.and_then(|t| serde_json::from_str::<Value>(&t).ok());
            json!({"id": r.id, "at": r.at, "actor": r.actor, "account": r.account, "action": r.action,
                   "before": parse(r.before), "after": parse(r.after)})
        })
        .collect();
    Ok(Json(json!({"changes": rows})))
}
