-- Idempotency keys of writes (HTTP `Idempotency-Key`): written in the same
-- transaction as the write they name, so a retried request is answered with the
-- first one's outcome instead of being written twice. Kept for a day.
CREATE TABLE IF NOT EXISTS landtrace_idempotency (
  actor TEXT NOT NULL,
  key TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  outcome TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (actor, key)
);
CREATE INDEX IF NOT EXISTS landtrace_idempotency_created_at ON landtrace_idempotency (created_at);
