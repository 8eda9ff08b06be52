-- Summaries of checked GPS tracks (truck ban): when, who, the plate if given, the
-- number of violations and the track's time range. No positions, no personal data.
-- Times are unix milliseconds (UTC).
CREATE TABLE IF NOT EXISTS landtrace_track_checks (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  checked_at_ms INTEGER NOT NULL,
  checked_by TEXT NOT NULL,
  door TEXT NOT NULL CHECK (door IN ('http', 'cli')),
  plate TEXT,
  violations INTEGER NOT NULL CHECK (violations >= 0),
  fixes INTEGER NOT NULL CHECK (fixes >= 0),
  track_from_ms INTEGER,
  track_to_ms INTEGER
);
CREATE INDEX IF NOT EXISTS landtrace_track_checks_checked_at ON landtrace_track_checks (checked_at_ms);
