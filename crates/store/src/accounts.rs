//! Accounts of people who sign in, kept in the store so that every server
//! sharing it sees them (issue 16): names, roles, whether disabled, the
//! password as an Argon2id PHC string (hashed by `landtrace_app::accounts`;
//! the store never sees a password), and tokens — sign-in sessions and API
//! tokens — as their SHA-256 only.
//!
//! Every change is one transaction with one row in `landtrace_account_audit`
//! (who, when, the account before and after, never a hash or a password); the
//! highest audit id is the [`AccountsSnapshot::version`] servers compare to
//! see a change made by another process. Both backends run the same SQL
//! (`$n` parameters, which SQLite reads as numbered ones), written once in
//! [`account_ops!`]; tables: `sql/gpkg_accounts.sql` and PostGIS migration
//! `0012_accounts`.

use serde::Serialize;
use serde_json::{Value, json};

/// An account as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredAccount {
    /// The sign-in name (unique).
    pub name: String,
    /// The role's name (`admin`, `agriculture`, …); checked by the application.
    pub role: String,
    /// A disabled account cannot sign in and its tokens are not accepted.
    pub disabled: bool,
    /// The password as an Argon2id PHC string; `None`: signs in by token only.
    pub password_phc: Option<String>,
    /// When it was created (RFC 3339 UTC).
    pub created_at: String,
    /// When it last changed (RFC 3339 UTC).
    pub updated_at: String,
}

impl std::fmt::Debug for StoredAccount {
    /// Never the password hash.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredAccount")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .field("has_password", &self.password_phc.is_some())
            .finish()
    }
}

/// A token of an account that is not revoked (it may have expired).
#[derive(Clone, PartialEq, Eq)]
pub struct StoredToken {
    /// Its id, to revoke it by.
    pub id: i64,
    /// The account it signs in as.
    pub account: String,
    /// SHA-256 of the token, 64 lowercase hex digits.
    pub token_sha256: String,
    /// [`TOKEN_SESSION`] or [`TOKEN_API`].
    pub kind: String,
    /// What it is for, as the administrator named it.
    pub label: String,
    /// When it was issued (RFC 3339 UTC).
    pub created_at: String,
    /// When it stops working (RFC 3339 UTC); `None`: until revoked.
    pub expires_at: Option<String>,
}

impl std::fmt::Debug for StoredToken {
    /// Never the hash.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredToken")
            .field("id", &self.id)
            .field("account", &self.account)
            .field("kind", &self.kind)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A token made by signing in with a name and password.
pub const TOKEN_SESSION: &str = "session";
/// A token an administrator issued for API use.
pub const TOKEN_API: &str = "api";

/// Every account and live token, as of one version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountsSnapshot {
    /// The highest audit id: changes whenever anything here changes.
    pub version: i64,
    /// Every account, by name.
    pub accounts: Vec<StoredAccount>,
    /// Every token not revoked, by id.
    pub tokens: Vec<StoredToken>,
}

/// One change of the accounts.
#[derive(Clone)]
#[non_exhaustive]
pub enum AccountChange {
    /// A new account; [`crate::StoreError::Refused`] when the name is taken.
    Create {
        /// Its name.
        name: String,
        /// Its role.
        role: String,
        /// Its password hash, if it signs in with one.
        password_phc: Option<String>,
    },
    /// Changes of an existing account (`None`: unchanged). A new password or
    /// disabling ends the account's sign-in sessions (API tokens stay, but a
    /// disabled account's are not accepted).
    Update {
        /// Which account.
        name: String,
        /// A new role.
        role: Option<String>,
        /// Disabled or enabled.
        disabled: Option<bool>,
        /// A new password hash.
        password_phc: Option<String>,
        /// Now (RFC 3339 UTC), the change's stamp.
        now: String,
    },
    /// A new token (a sign-in session or an API token); answers its id. Expired
    /// and revoked sessions are cleared in the same transaction.
    AddToken {
        /// Whose.
        account: String,
        /// Its SHA-256 (hex).
        token_sha256: String,
        /// [`TOKEN_SESSION`] or [`TOKEN_API`].
        kind: String,
        /// What for.
        label: String,
        /// When it stops working.
        expires_at: Option<String>,
        /// Now (RFC 3339 UTC).
        now: String,
    },
    /// Revokes token `id` of `account`; [`crate::StoreError::Refused`] when it
    /// has no such live token.
    RevokeToken {
        /// Whose.
        account: String,
        /// Which.
        id: i64,
        /// Now (RFC 3339 UTC).
        now: String,
    },
    /// Revokes the token with this hash (signing out); nothing when unknown.
    RevokeTokenHash {
        /// Its SHA-256 (hex).
        token_sha256: String,
        /// Now (RFC 3339 UTC).
        now: String,
    },
}

impl std::fmt::Debug for AccountChange {
    /// The kind of change and the account, never a hash.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccountChange::Create { name, role, .. } => write!(f, "Create({name}, {role})"),
            AccountChange::Update { name, .. } => write!(f, "Update({name})"),
            AccountChange::AddToken { account, kind, .. } => write!(f, "AddToken({account}, {kind})"),
            AccountChange::RevokeToken { account, id, .. } => write!(f, "RevokeToken({account}, {id})"),
            AccountChange::RevokeTokenHash { .. } => write!(f, "RevokeTokenHash"),
        }
    }
}

/// One row of the accounts' audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountAuditRow {
    /// Its id (increasing).
    pub id: i64,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who (as the layer audit names them: `name (role)` or `admin-token`).
    pub actor: String,
    /// Which account.
    pub account: String,
    /// `create`, `update`, `sign_in`, `sign_out`, `token_issued`, `token_revoked`.
    pub action: String,
    /// The account or token before, as JSON text without secrets.
    pub before: Option<String>,
    /// After, as JSON text without secrets.
    pub after: Option<String>,
}

/// What the audit shows of an account: no password, only whether it has one.
pub(crate) fn account_view(name: &str, role: &str, disabled: bool, has_password: bool) -> Value {
    json!({"name": name, "role": role, "disabled": disabled, "has_password": has_password})
}

/// What the audit shows of a token: never its hash.
pub(crate) fn token_view(id: i64, kind: &str, label: &str, expires_at: Option<&str>) -> Value {
    json!({"id": id, "kind": kind, "label": label, "expires_at": expires_at})
}

/// The account operations of one backend, over a `sqlx` pool of database `$db`
/// (the SQL is the same for SQLite and PostgreSQL).
macro_rules! account_ops {
    ($db:ty) => {
        use crate::accounts::{
            AccountAuditRow, AccountChange, AccountsSnapshot, StoredAccount, StoredToken, account_view, token_view,
        };
        use crate::{Actor, StoreError};

        type AccountRow = (String, String, bool, Option<String>, String, String);
        type TokenRow = (i64, String, String, String, String, String, Option<String>);

        /// Every account and live token, read in one transaction.
        pub(crate) async fn accounts_snapshot(pool: &sqlx::Pool<$db>) -> Result<AccountsSnapshot, StoreError> {
            let mut tx = pool.begin().await?;
            let version: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM landtrace_account_audit")
                .fetch_one(&mut *tx)
                .await?;
            let accounts: Vec<AccountRow> = sqlx::query_as(
                "SELECT name, role, disabled, password_phc, created_at, updated_at FROM landtrace_accounts ORDER BY name",
            )
            .fetch_all(&mut *tx)
            .await?;
            let tokens: Vec<TokenRow> = sqlx::query_as(
                "SELECT id, account, token_sha256, kind, label, created_at, expires_at FROM landtrace_account_tokens \
                 WHERE revoked_at IS NULL ORDER BY id",
            )
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(AccountsSnapshot {
                version,
                accounts: accounts
                    .into_iter()
                    .map(|(name, role, disabled, password_phc, created_at, updated_at)| StoredAccount {
                        name,
                        role,
                        disabled,
                        password_phc,
                        created_at,
                        updated_at,
                    })
                    .collect(),
                tokens: tokens
                    .into_iter()
                    .map(|(id, account, token_sha256, kind, label, created_at, expires_at)| StoredToken {
                        id,
                        account,
                        token_sha256,
                        kind,
                        label,
                        created_at,
                        expires_at,
                    })
                    .collect(),
            })
        }

        /// The version alone: one cheap query.
        pub(crate) async fn accounts_version(pool: &sqlx::Pool<$db>) -> Result<i64, StoreError> {
            Ok(sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM landtrace_account_audit").fetch_one(pool).await?)
        }

        /// The newest audit rows, newest first.
        pub(crate) async fn account_audit(
            pool: &sqlx::Pool<$db>,
            limit: u32,
        ) -> Result<Vec<AccountAuditRow>, StoreError> {
            let rows: Vec<(i64, String, String, String, String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT id, at, actor, account, action, before, after FROM landtrace_account_audit \
                 ORDER BY id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, at, actor, account, action, before, after)| AccountAuditRow {
                    id,
                    at,
                    actor,
                    account,
                    action,
                    before,
                    after,
                })
                .collect())
        }

        async fn audit_row(
            tx: &mut sqlx::Transaction<'_, $db>,
            actor: &Actor,
            account: &str,
            action: &str,
            before: Option<serde_json::Value>,
            after: Option<serde_json::Value>,
        ) -> Result<(), StoreError> {
            sqlx::query(
                "INSERT INTO landtrace_account_audit (actor, account, action, before, after) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&actor.0)
            .bind(account)
            .bind(action)
            .bind(before.map(|v| v.to_string()))
            .bind(after.map(|v| v.to_string()))
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        async fn read_account(
            tx: &mut sqlx::Transaction<'_, $db>,
            name: &str,
        ) -> Result<Option<(String, bool, bool)>, StoreError> {
            let row: Option<(String, bool, Option<String>)> =
                sqlx::query_as("SELECT role, disabled, password_phc FROM landtrace_accounts WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut **tx)
                    .await?;
            Ok(row.map(|(role, disabled, phc)| (role, disabled, phc.is_some())))
        }

        /// Applies one change in one transaction with its audit row; answers the
        /// new token's id for [`AccountChange::AddToken`], else 0.
        pub(crate) async fn change_account(
            pool: &sqlx::Pool<$db>,
            change: &AccountChange,
            actor: &Actor,
        ) -> Result<i64, StoreError> {
            let mut tx = pool.begin().await?;
            let mut out = 0;
            match change {
                AccountChange::Create { name, role, password_phc } => {
                    if read_account(&mut tx, name).await?.is_some() {
                        return Err(StoreError::Refused(format!("an account named {name:?} exists")));
                    }
                    sqlx::query("INSERT INTO landtrace_accounts (name, role, disabled, password_phc) VALUES ($1, $2, $3, $4)")
                        .bind(name)
                        .bind(role)
                        .bind(false)
                        .bind(password_phc)
                        .execute(&mut *tx)
                        .await?;
                    let after = account_view(name, role, false, password_phc.is_some());
                    audit_row(&mut tx, actor, name, "create", None, Some(after)).await?;
                }
                AccountChange::Update { name, role, disabled, password_phc, now } => {
                    let Some((old_role, old_disabled, old_password)) = read_account(&mut tx, name).await? else {
                        return Err(StoreError::Refused(format!("no account named {name:?}")));
                    };
                    sqlx::query(
                        "UPDATE landtrace_accounts SET role = COALESCE($2, role), disabled = COALESCE($3, disabled), \
                         password_phc = COALESCE($4, password_phc), updated_at = $5 WHERE name = $1",
                    )
                    .bind(name)
                    .bind(role)
                    .bind(disabled)
                    .bind(password_phc)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    if password_phc.is_some() || *disabled == Some(true) {
                        sqlx::query(
                            "UPDATE landtrace_account_tokens SET revoked_at = $2 \
                             WHERE account = $1 AND kind = 'session' AND revoked_at IS NULL",
                        )
                        .bind(name)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    let before = account_view(name, &old_role, old_disabled, old_password);
                    let mut after = account_view(
                        name,
                        role.as_deref().unwrap_or(&old_role),
                        disabled.unwrap_or(old_disabled),
                        old_password || password_phc.is_some(),
                    );
                    if password_phc.is_some() {
                        after["password_changed"] = serde_json::Value::Bool(true);
                    }
                    audit_row(&mut tx, actor, name, "update", Some(before), Some(after)).await?;
                }
                AccountChange::AddToken { account, token_sha256, kind, label, expires_at, now } => {
                    if read_account(&mut tx, account).await?.is_none() {
                        return Err(StoreError::Refused(format!("no account named {account:?}")));
                    }
                    sqlx::query(
                        "DELETE FROM landtrace_account_tokens WHERE kind = 'session' \
                         AND (revoked_at IS NOT NULL OR expires_at < $1)",
                    )
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    out = sqlx::query_scalar(
                        "INSERT INTO landtrace_account_tokens (account, token_sha256, kind, label, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(account)
                    .bind(token_sha256)
                    .bind(kind)
                    .bind(label)
                    .bind(now)
                    .bind(expires_at)
                    .fetch_one(&mut *tx)
                    .await?;
                    let action = if kind == crate::accounts::TOKEN_SESSION { "sign_in" } else { "token_issued" };
                    let after = token_view(out, kind, label, expires_at.as_deref());
                    audit_row(&mut tx, actor, account, action, None, Some(after)).await?;
                }
                AccountChange::RevokeToken { account, id, now } => {
                    let row: Option<(String, String, Option<String>)> = sqlx::query_as(
                        "SELECT kind, label, expires_at FROM landtrace_account_tokens \
                         WHERE id = $1 AND account = $2 AND revoked_at IS NULL",
                    )
                    .bind(id)
                    .bind(account)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((kind, label, expires_at)) = row else {
                        return Err(StoreError::Refused(format!("{account:?} has no token {id} that is not revoked")));
                    };
                    sqlx::query("UPDATE landtrace_account_tokens SET revoked_at = $2 WHERE id = $1")
                        .bind(id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    let before = token_view(*id, &kind, &label, expires_at.as_deref());
                    audit_row(&mut tx, actor, account, "token_revoked", Some(before), None).await?;
                }
                AccountChange::RevokeTokenHash { token_sha256, now } => {
                    let row: Option<(i64, String, String, String, Option<String>)> = sqlx::query_as(
                        "SELECT id, account, kind, label, expires_at FROM landtrace_account_tokens \
                         WHERE token_sha256 = $1 AND revoked_at IS NULL",
                    )
                    .bind(token_sha256)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((id, account, kind, label, expires_at)) = row else {
                        return Ok(0);
                    };
                    sqlx::query("UPDATE landtrace_account_tokens SET revoked_at = $2 WHERE id = $1")
                        .bind(id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    let before = token_view(id, &kind, &label, expires_at.as_deref());
                    let action = if kind == crate::accounts::TOKEN_SESSION { "sign_out" } else { "token_revoked" };
                    audit_row(&mut tx, actor, &account, action, Some(before), None).await?;
                }
            }
            tx.commit().await?;
            Ok(out)
        }
    };
}

pub(crate) use account_ops;

/// The GeoPackage's account operations.
pub(crate) mod sqlite {
    super::account_ops!(sqlx::Sqlite);
}

/// The PostGIS store's account operations.
pub(crate) mod postgres {
    super::account_ops!(sqlx::Postgres);
}
