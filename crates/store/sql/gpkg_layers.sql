-- Definitions of the layers the users define (宗地, 永久基本农田, …): one row per
-- layer, the definition as JSON (landtrace_domain::UserLayerDef), who created it
-- and when. The layer's own table is created in the same transaction.
CREATE TABLE IF NOT EXISTS landtrace_layers (
  name TEXT PRIMARY KEY NOT NULL,
  definition TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  created_by TEXT NOT NULL
);
