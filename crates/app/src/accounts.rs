//! Accounts managed by administrators (issue 16): people sign in with a name
//! and password, or with a token an administrator issued; administrators add
//! accounts, set roles, disable them, reset passwords and issue or revoke
//! tokens, all without a restart.
//!
//! Where they live: in the store ([`landtrace_store::accounts`]), so every
//! server sharing a PostGIS database sees them. Each server keeps an in-memory
//! [`AccountBook`] (a snapshot) that it reloads after its own changes, when
//! the store's accounts version moved (checked every few seconds, and before a
//! token it does not know is refused), see [`Accounts`]. The users file
//! (`--users`) and the admin token keep working beside them; file users are
//! read-only here.
//!
//! Passwords: at least [`MIN_PASSWORD_CHARS`] characters, hashed with
//! **Argon2id** (the `argon2` crate, RustCrypto) into a PHC string
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`): memory 19 MiB, 2 passes,
//! 1 lane, a random 16-byte salt, a 32-byte hash — OWASP's recommended minimum
//! for Argon2id. Verification reads the parameters from the stored string, so
//! stronger parameters later still verify older hashes. A password is never
//! stored, logged or returned. Tokens (sessions and API tokens) are 32 random
//! bytes as 64 hex digits, stored as their SHA-256 only and shown once.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use landtrace_store::{
    AccountAuditRow, AccountChange, AccountsSnapshot, Actor, Store, StoreError, StoredAccount, StoredToken, TOKEN_API,
    TOKEN_SESSION,
};
use serde::{Deserialize, Serialize};

use crate::users::{Role, User, Users, check_user_name, hash_token};

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted, in bytes (hashing cost does not depend on it,
/// but a request body should not be a password).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// How long a sign-in session lasts.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// Argon2id memory cost in KiB (19 MiB).
pub const ARGON2_MEMORY_KIB: u32 = 19_456;
/// Argon2id passes.
pub const ARGON2_PASSES: u32 = 2;
/// Argon2id lanes.
pub const ARGON2_LANES: u32 = 1;
/// The longest label of an API token.
const MAX_LABEL_CHARS: usize = 100;

fn argon2() -> Argon2<'static> {
    let params =
        Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, Some(32)).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether a password may be used: [`MIN_PASSWORD_CHARS`] characters or more,
/// at most [`MAX_PASSWORD_BYTES`] bytes. The message never repeats it.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "密码至少 {MIN_PASSWORD_CHARS} 个字符（the password needs at least {MIN_PASSWORD_CHARS} characters）"
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!("密码过长（the password is longer than {MAX_PASSWORD_BYTES} bytes）"));
    }
    Ok(())
}

/// The password's Argon2id PHC string (a new random salt each time). CPU- and
/// memory-heavy (tens of milliseconds): call it off the async threads.
pub fn hash_password(password: &str) -> Result<String, String> {
    check_password(password)?;
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing failed: {e}"))
}

/// Whether `password` is the one `phc` was made from (constant-time compare,
/// parameters from the string). A string that does not read is `false`.
pub fn verify_password(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of no one's password, verified against when the name is unknown or
/// has no password, so the answer takes as long as for a real account.
fn decoy_phc() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&new_token()).expect("hashing a decoy password"))
}

/// A new token: 32 random bytes from the operating system as 64 hex digits.
pub fn new_token() -> String {
    let mut secret = [0u8; 32];
    OsRng.fill_bytes(&mut secret);
    secret.iter().map(|b| format!("{b:02x}")).collect()
}

/// The accounts and live tokens as one server holds them in memory.
#[derive(Default)]
pub struct AccountBook {
    version: i64,
    accounts: Vec<StoredAccount>,
    tokens: Vec<StoredToken>,
    by_hash: HashMap<String, usize>,
}

impl std::fmt::Debug for AccountBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountBook")
            .field("version", &self.version)
            .field("accounts", &self.accounts.len())
            .field("tokens", &self.tokens.len())
            .finish()
    }
}

impl AccountBook {
    /// The book of a snapshot.
    pub fn new(snapshot: AccountsSnapshot) -> AccountBook {
        let by_hash = snapshot.tokens.iter().enumerate().map(|(i, t)| (t.token_sha256.clone(), i)).collect();
        AccountBook { version: snapshot.version, accounts: snapshot.accounts, tokens: snapshot.tokens, by_hash }
    }

    /// The store's accounts version this book reflects.
    pub fn version(&self) -> i64 {
        self.version
    }

    /// The account called `name`.
    pub fn account(&self, name: &str) -> Option<&StoredAccount> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// The user a token signs in as, when it is live (not revoked, not expired
    /// at `now`, an RFC 3339 UTC text) and its account is enabled with a known
    /// role. Looked up by the token's SHA-256, so the time taken tells nothing
    /// of a near miss.
    pub fn authenticate(&self, token: &str, now: &str) -> Option<User> {
        let t = &self.tokens[*self.by_hash.get(&hash_token(token))?];
        if t.expires_at.as_deref().is_some_and(|end| end <= now) {
            return None;
        }
        let account = self.account(&t.account).filter(|a| !a.disabled)?;
        Some(User { name: account.name.clone(), role: account.role.parse().ok()? })
    }

    /// Whether the book has any account (enabled or not).
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }
}

/// An account as administrators see it: never a password or a token hash.
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    /// The sign-in name.
    pub name: String,
    /// The role.
    pub role: String,
    /// Disabled: cannot sign in.
    pub disabled: bool,
    /// Whether it signs in with a password.
    pub has_password: bool,
    /// `store` (managed here) or `file` (the users file: read-only here).
    pub source: &'static str,
    /// Whether it can be changed here.
    pub read_only: bool,
    /// Created (store accounts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last changed (store accounts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Its live tokens: API tokens and sign-in sessions.
    pub tokens: Vec<TokenView>,
}

/// A token as administrators see it.
#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    /// Its id.
    pub id: i64,
    /// `api` or `session`.
    pub kind: String,
    /// What for.
    pub label: String,
    /// Issued.
    pub created_at: String,
    /// Stops working.
    pub expires_at: Option<String>,
}

/// A new account, as an administrator asks for it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// The sign-in name.
    pub name: String,
    /// The role.
    pub role: String,
    /// The password (optional: an account may sign in with tokens only).
    #[serde(default)]
    pub password: Option<String>,
}

/// Changes of an account (absent: unchanged).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    /// A new role.
    #[serde(default)]
    pub role: Option<String>,
    /// Disable or enable.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// A new password (ends the account's sessions).
    #[serde(default)]
    pub password: Option<String>,
}

/// A sign-in session.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    /// The bearer token (shown once).
    pub token: String,
    /// When it stops working (RFC 3339 UTC).
    pub expires_at: String,
    /// Who.
    pub user: String,
    /// Their role.
    pub role: Role,
}

/// Why an account change or sign-in was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// A field is wrong (400): which and why.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// For people.
        message: String,
    },
    /// No such account or token (404).
    #[error("{0}")]
    NotFound(String),
    /// Taken, or read-only (409).
    #[error("{0}")]
    Conflict(String),
    /// Wrong name or password (401).
    #[error("用户名或密码错误，或账号已停用（wrong name or password, or the account is disabled）")]
    WrongCredentials,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &'static str, message: impl Into<String>) -> AccountError {
    AccountError::Invalid { field, message: message.into() }
}

/// The accounts of one server: the store and this server's [`AccountBook`].
pub struct Accounts {
    store: Arc<dyn Store>,
    book: RwLock<Arc<AccountBook>>,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts").field("book", &*self.book()).finish()
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AccountError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AccountError::Store(StoreError::Refused(format!("password hashing stopped: {e}"))))
}

impl Accounts {
    /// Reads the store's accounts.
    pub async fn load(store: Arc<dyn Store>) -> Result<Accounts, StoreError> {
        let book = AccountBook::new(store.accounts().await?);
        Ok(Accounts { store, book: RwLock::new(Arc::new(book)) })
    }

    /// The book as it is now.
    pub fn book(&self) -> Arc<AccountBook> {
        self.book.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Re-reads the accounts from the store.
    pub async fn reload(&self) -> Result<(), StoreError> {
        let book = AccountBook::new(self.store.accounts().await?);
        let mut held = self.book.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if book.version >= held.version {
            *held = Arc::new(book);
        }
        Ok(())
    }

    /// Re-reads the accounts when the store's version moved (one cheap query
    /// otherwise); answers whether it did.
    pub async fn reload_if_changed(&self) -> Result<bool, StoreError> {
        if self.store.accounts_version().await? == self.book().version {
            return Ok(false);
        }
        self.reload().await?;
        Ok(true)
    }

    async fn change(&self, change: AccountChange, actor: &Actor) -> Result<i64, AccountError> {
        let result = self.store.change_account(&change, actor).await;
        // Refused (a race with another server) or written: either way, read again.
        if let Err(e) = self.reload().await {
            tracing::warn!(error = %e, "the accounts could not be re-read after a change");
        }
        match result {
            Ok(id) => Ok(id),
            Err(StoreError::Refused(m)) => Err(AccountError::Conflict(m)),
            Err(e) if e.is_unique_violation() => {
                Err(AccountError::Conflict("已被占用（taken by another change at the same moment）".into()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Signs `name` in with `password`: a new session token for
    /// [`SESSION_SECONDS`]. The password is verified against a decoy hash when
    /// the name is unknown, disabled or has no password, so all failures take
    /// the same time and say the same thing.
    pub async fn sign_in(&self, name: &str, password: &str) -> Result<Session, AccountError> {
        if let Err(e) = self.reload_if_changed().await {
            tracing::warn!(error = %e, "the accounts could not be checked for changes");
        }
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(AccountError::WrongCredentials);
        }
        let book = self.book();
        let account = book.account(name).cloned();
        let usable = account.as_ref().filter(|a| !a.disabled).and_then(|a| a.password_phc.clone());
        let (phc, real) = match usable {
            Some(phc) => (phc, true),
            None => (decoy_phc().to_owned(), false),
        };
        let given = password.to_owned();
        let verified = blocking(move || verify_password(&phc, &given)).await?;
        let (Some(account), true, true) = (account, real, verified) else {
            return Err(AccountError::WrongCredentials);
        };
        let role: Role = account.role.parse().map_err(|_| AccountError::WrongCredentials)?;
        let token = new_token();
        let now = crate::clock::now_rfc3339();
        let expires_at = crate::clock::rfc3339_after(SESSION_SECONDS);
        let user = User { name: account.name.clone(), role };
        let change = AccountChange::AddToken {
            account: account.name.clone(),
            token_sha256: hash_token(&token),
            kind: TOKEN_SESSION.into(),
            label: String::new(),
            expires_at: Some(expires_at.clone()),
            now,
        };
        self.change(change, &user.actor()).await?;
        Ok(Session { token, expires_at, user: user.name, role })
    }

    /// Ends the session (or revokes the token) `token`; nothing when unknown.
    pub async fn sign_out(&self, token: &str, actor: &Actor) -> Result<(), AccountError> {
        let change =
            AccountChange::RevokeTokenHash { token_sha256: hash_token(token), now: crate::clock::now_rfc3339() };
        self.change(change, actor).await.map(|_| ())
    }

    /// Every account, the users file's first (read-only), then the store's.
    pub fn list(&self, file_users: &Users) -> Vec<AccountView> {
        let book = self.book();
        let mut out: Vec<AccountView> = file_users
            .users()
            .map(|u| AccountView {
                name: u.name.clone(),
                role: u.role.as_str().to_owned(),
                disabled: false,
                has_password: false,
                source: "file",
                read_only: true,
                created_at: None,
                updated_at: None,
                tokens: Vec::new(),
            })
            .collect();
        out.extend(book.accounts.iter().map(|a| view(&book, a)));
        out
    }

    /// One store account as administrators see it.
    pub fn get(&self, name: &str) -> Option<AccountView> {
        let book = self.book();
        book.account(name).map(|a| view(&book, a))
    }

    /// Adds an account (name, role and optionally a password); 409 when the name
    /// is taken here or in the users file (or is `admin`, the admin token's).
    pub async fn create(
        &self,
        new: NewAccount,
        actor: &Actor,
        file_users: &Users,
    ) -> Result<AccountView, AccountError> {
        let name = new.name.trim().to_owned();
        check_user_name(&name).map_err(|m| invalid("name", m))?;
        let role: Role = new.role.parse().map_err(|m: String| invalid("role", m))?;
        if name == "admin" || file_users.contains(&name) {
            return Err(AccountError::Conflict(format!(
                "用户名 {name} 已被占用（the name {name:?} is taken by the users file or the admin token）"
            )));
        }
        if self.book().account(&name).is_some() {
            return Err(AccountError::Conflict(format!("用户名 {name} 已存在（an account named {name:?} exists）")));
        }
        let password_phc = match new.password.filter(|p| !p.is_empty()) {
            Some(p) => {
                check_password(&p).map_err(|m| invalid("password", m))?;
                Some(blocking(move || hash_password(&p)).await?.map_err(|m| invalid("password", m))?)
            }
            None => None,
        };
        let change = AccountChange::Create { name: name.clone(), role: role.as_str().to_owned(), password_phc };
        self.change(change, actor).await?;
        self.get(&name).ok_or_else(|| AccountError::NotFound(format!("no account named {name:?}")))
    }

    fn store_account(&self, name: &str, file_users: &Users) -> Result<(), AccountError> {
        if file_users.contains(name) {
            return Err(AccountError::Conflict(format!(
                "{name} 来自用户文件，只读（{name:?} is in the users file (--users): change it there）"
            )));
        }
        if self.book().account(name).is_none() {
            return Err(AccountError::NotFound(format!("没有用户 {name}（no account named {name:?}）")));
        }
        Ok(())
    }

    /// Changes an account's role, disabled state or password (a new password
    /// or disabling ends its sessions).
    pub async fn update(
        &self,
        name: &str,
        patch: AccountPatch,
        actor: &Actor,
        file_users: &Users,
    ) -> Result<AccountView, AccountError> {
        self.store_account(name, file_users)?;
        let role = match patch.role {
            Some(r) => Some(r.parse::<Role>().map_err(|m| invalid("role", m))?.as_str().to_owned()),
            None => None,
        };
        let password_phc = match patch.password {
            Some(p) => {
                check_password(&p).map_err(|m| invalid("password", m))?;
                Some(blocking(move || hash_password(&p)).await?.map_err(|m| invalid("password", m))?)
            }
            None => None,
        };
        if role.is_none() && patch.disabled.is_none() && password_phc.is_none() {
            return Err(invalid("body", "nothing to change: give role, disabled or password"));
        }
        let change = AccountChange::Update {
            name: name.to_owned(),
            role,
            disabled: patch.disabled,
            password_phc,
            now: crate::clock::now_rfc3339(),
        };
        self.change(change, actor).await?;
        self.get(name).ok_or_else(|| AccountError::NotFound(format!("no account named {name:?}")))
    }

    /// Issues an API token for the account: its id and the token (shown once).
    pub async fn issue_token(
        &self,
        name: &str,
        label: &str,
        actor: &Actor,
        file_users: &Users,
    ) -> Result<(i64, String), AccountError> {
        self.store_account(name, file_users)?;
        let label = label.trim();
        if label.chars().count() > MAX_LABEL_CHARS {
            return Err(invalid("label", format!("at most {MAX_LABEL_CHARS} characters")));
        }
        let token = new_token();
        let change = AccountChange::AddToken {
            account: name.to_owned(),
            token_sha256: hash_token(&token),
            kind: TOKEN_API.into(),
            label: label.to_owned(),
            expires_at: None,
            now: crate::clock::now_rfc3339(),
        };
        let id = self.change(change, actor).await?;
        Ok((id, token))
    }

    /// Revokes token `id` (an API token or a session) of the account.
    pub async fn revoke_token(
        &self,
        name: &str,
        id: i64,
        actor: &Actor,
        file_users: &Users,
    ) -> Result<(), AccountError> {
        self.store_account(name, file_users)?;
        if !self.book().tokens.iter().any(|t| t.id == id && t.account == name) {
            return Err(AccountError::NotFound(format!("{name} 没有令牌 {id}（{name:?} has no live token {id}）")));
        }
        let change = AccountChange::RevokeToken { account: name.to_owned(), id, now: crate::clock::now_rfc3339() };
        self.change(change, actor).await.map(|_| ())
    }

    /// The newest rows of the accounts' audit trail.
    pub async fn audit(&self, limit: u32) -> Result<Vec<AccountAuditRow>, StoreError> {
        self.store.account_audit(limit).await
    }
}

fn view(book: &AccountBook, a: &StoredAccount) -> AccountView {
    let now = crate::clock::now_rfc3339();
    AccountView {
        name: a.name.clone(),
        role: a.role.clone(),
        disabled: a.disabled,
        has_password: a.password_phc.is_some(),
        source: "store",
        read_only: false,
        created_at: Some(a.created_at.clone()),
        updated_at: Some(a.updated_at.clone()),
        tokens: book
            .tokens
            .iter()
            .filter(|t| t.account == a.name && t.expires_at.as_deref().is_none_or(|end| end > now.as_str()))
            .map(|t| TokenView {
                id: t.id,
                kind: t.kind.clone(),
                label: t.label.clone(),
                created_at: t.created_at.clone(),
                expires_at: t.expires_at.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_phc_strings_with_the_documented_parameters() {
        let phc = hash_password("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(!phc.contains("correct horse"));
        assert!(verify_password(&phc, "correct horse"));
        assert!(!verify_password(&phc, "correct horsf"));
        assert!(!verify_password("not a phc", "correct horse"));
        assert_ne!(hash_password("correct horse").unwrap(), phc, "a new salt each time");
        let short = hash_password("123456789").unwrap_err();
        assert!(short.contains("10") && !short.contains("123456789"), "{short}");
        assert!(check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
        // Ten characters, not bytes: 十个汉字 is enough.
        assert!(check_password("一二三四五六七八九十").is_ok());
    }

    #[test]
    fn tokens_are_found_live_and_enabled_only() {
        let account = |name: &str, disabled| StoredAccount {
            name: name.into(),
            role: "traffic".into(),
            disabled,
            password_phc: None,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let token = |id, account: &str, token: &str, expires: Option<&str>| StoredToken {
            id,
            account: account.into(),
            token_sha256: hash_token(token),
            kind: TOKEN_SESSION.into(),
            label: String::new(),
            created_at: String::new(),
            expires_at: expires.map(str::to_owned),
        };
        let book = AccountBook::new(AccountsSnapshot {
            version: 3,
            accounts: vec![account("a", false), account("b", true)],
            tokens: vec![
                token(1, "a", "t1", Some("2026-12-07T12:00:00Z")),
                token(2, "b", "t2", None),
                token(3, "a", "t3", None),
            ],
        });
        let now = "2026-12-07T11:59:59Z";
        assert_eq!(book.authenticate("t1", now), Some(User { name: "a".into(), role: Role::Traffic }));
        assert_eq!(book.authenticate("t1", "2026-12-07T12:00:00Z"), None, "expired");
        assert_eq!(book.authenticate("t2", now), None, "disabled");
        assert!(book.authenticate("t3", "9999-01-01T00:00:00Z").is_some(), "no expiry");
        assert_eq!(book.authenticate("t4", now), None);
        assert_eq!(book.version(), 3);
    }

    #[test]
    fn new_tokens_are_64_hex_digits_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
