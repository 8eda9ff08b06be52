//! `landtrace user add` and `landtrace user list`: the users file, or with
//! `--in-store` an account in the store (`landtrace_app::accounts`).

use std::path::Path;

use anyhow::{Context, bail};
use landtrace_server::auth::{Role, Users, hash_token, user_entry_toml};

/// `landtrace user add`: a random 32-byte token, its SHA-256 appended to the
/// users file (created with mode 0600), the token printed once.
pub(crate) fn add_user(path: &Path, name: &str, role: &str) -> anyhow::Result<()> {
    let role: Role = role.parse().map_err(anyhow::Error::msg)?;
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => {
            let users = Users::parse(&text).with_context(|| format!("{} is not a valid users file", path.display()))?;
            if users.contains(name) {
                bail!("{} already has a user named {name:?}; choose another name", path.display());
            }
            Some(text)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no randomness from the operating system: {e}"))?;
    let token: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let entry = user_entry_toml(name, role, &hash_token(&token)).map_err(anyhow::Error::msg)?;
    let separator = match &existing {
        Some(text) if text.is_empty() => "",
        Some(text) if text.ends_with("\n\n") => "",
        Some(text) if text.ends_with('\n') => "\n",
        Some(_) => "\n\n",
        None => "# landtrace users: `landtrace user add` appends; tokens are stored as SHA-256 only.\n\n",
    };
    append_private(path, &format!("{separator}{entry}")).with_context(|| format!("writing {}", path.display()))?;
    println!("{token}");
    eprintln!(
        "added {name} ({role}) to {}.\nThe token above is shown only now and is not stored: give it to {name} \
         (HTTP header `Authorization: Bearer <token>`). Restart `landtrace serve --users {}` to let the user in.",
        path.display(),
        path.display()
    );
    Ok(())
}

/// Appends to a file that only its owner may read (created with mode 0600).
pub(crate) fn append_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
}

/// `landtrace user list`.
pub(crate) fn list_users(users: &Path) -> anyhow::Result<()> {
    let list = Users::load(users)?;
    for user in list.users() {
        println!("{:<24} {}", user.name, user.role);
    }
    eprintln!("{} users in {}", list.len(), users.display());
    Ok(())
}

/// `landtrace user add --in-store`: an account in the store, with the password
/// read from standard input, or else an API token printed once. Audited as
/// `landtrace user add` in the accounts' audit trail.
pub(crate) async fn add_account(
    store: &crate::store_args::StoreArgs,
    name: &str,
    role: &str,
    password_stdin: bool,
) -> anyhow::Result<()> {
    use landtrace_app::accounts::{Accounts, NewAccount};
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("reading the password from standard input")?;
        Some(line.trim_end_matches(['\n', '\r']).to_owned())
    } else {
        None
    };
    let store = crate::store_args::open_or_create(store).await?;
    let described = store.describe();
    let accounts = Accounts::load(store).await?;
    let actor = landtrace_store::Actor("landtrace user add".to_owned());
    let none = Users::default();
    let new = NewAccount { name: name.to_owned(), role: role.to_owned(), password: password.clone() };
    let view = accounts.create(new, &actor, &none).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if password.is_none() {
        let (_, token) = accounts
            .issue_token(name, "landtrace user add", &actor, &none)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("{token}");
        eprintln!("The token above is shown only now and stored as its SHA-256 only: give it to {name}.");
    }
    eprintln!(
        "added {} ({}) to {described}; running servers on this store let the user in within seconds, no restart.",
        view.name, view.role
    );
    Ok(())
}

/// `landtrace user list --in-store`: the store's accounts, their roles and state.
pub(crate) async fn list_accounts(store: &crate::store_args::StoreArgs) -> anyhow::Result<()> {
    let store = crate::store_args::open_or_create(store).await?;
    let described = store.describe();
    let accounts = landtrace_app::accounts::Accounts::load(store).await?;
    let list = accounts.list(&Users::default());
    for a in &list {
        let api = a.tokens.iter().filter(|t| t.kind == landtrace_store::TOKEN_API).count();
        let state = if a.disabled { "disabled" } else { "enabled" };
        let password = if a.has_password { "password" } else { "no password" };
        println!("{:<24} {:<12} {state:<9} {password:<12} {api} API token(s)", a.name, a.role);
    }
    eprintln!("{} accounts in {described}", list.len());
    Ok(())
}
