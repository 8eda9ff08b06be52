-- Issue 16: accounts of people who sign in, managed by administrators in the map
-- client (用户管理) and seen by every server sharing the database. Passwords are
-- Argon2id PHC strings, tokens (sign-in sessions and API tokens) their SHA-256
-- only. Every change leaves a row in landtrace_account_audit (who, when,
-- before/after without secrets); its highest id is the version servers compare.
-- Times and the audit's JSON are text, as in the GeoPackage, so one code reads both.
CREATE TABLE landtrace_accounts (
  name text PRIMARY KEY,
  role text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  password_phc text,
  created_at text NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  updated_at text NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
CREATE TABLE landtrace_account_tokens (
  id bigserial PRIMARY KEY,
  account text NOT NULL REFERENCES landtrace_accounts (name),
  token_sha256 text NOT NULL UNIQUE,
  kind text NOT NULL,
  label text NOT NULL DEFAULT '',
  created_at text NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  expires_at text,
  revoked_at text
);
CREATE INDEX landtrace_account_tokens_account ON landtrace_account_tokens (account);
CREATE TABLE landtrace_account_audit (
  id bigserial PRIMARY KEY,
  at text NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  actor text NOT NULL,
  account text NOT NULL,
  action text NOT NULL,
  before text,
  after text
);
