-- Photos of origin-point records (issue 16): a non-spatial table of landtrace's
-- own, like landtrace_audit (not listed in gpkg_contents). The bytes stay here;
-- audit rows hold the metadata only.
CREATE TABLE IF NOT EXISTS landtrace_record_photos (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  created_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS landtrace_record_photos_record ON landtrace_record_photos (record_id, id);
