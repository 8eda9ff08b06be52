-- Idempotency keys of writes (HTTP `Idempotency-Key`): written in the same
-- transaction as the write they name, so a retried request is answered with the
-- first one's outcome instead of being written twice. Kept for a day.
CREATE TABLE landtrace_idempotency (
  actor text NOT NULL,
  key text NOT NULL,
  request_sha256 text NOT NULL,
  outcome text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (actor, key)
);
CREATE INDEX landtrace_idempotency_created_at ON landtrace_idempotency (created_at);
