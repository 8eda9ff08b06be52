-- Accounts of people who sign in (issue 16): managed by administrators in the
-- map client (用户管理), seen by every server sharing the store. Passwords are
-- stored as Argon2id PHC strings, tokens (sign-in sessions and API tokens) as
-- their SHA-256 only. Every change leaves a row in landtrace_account_audit
-- (who, when, before/after without secrets); its highest id is the version the
-- servers compare to see a change.
CREATE TABLE IF NOT EXISTS landtrace_accounts (
  name TEXT PRIMARY KEY NOT NULL,
  role TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  password_phc TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE TABLE IF NOT EXISTS landtrace_account_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL REFERENCES landtrace_accounts (name),
  token_sha256 TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  expires_at TEXT,
  revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS landtrace_account_tokens_account ON landtrace_account_tokens (account);
CREATE TABLE IF NOT EXISTS landtrace_account_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  actor TEXT NOT NULL,
  account TEXT NOT NULL,
  action TEXT NOT NULL,
  before TEXT,
  after TEXT
);
