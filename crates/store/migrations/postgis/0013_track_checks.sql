-- Issue 16 (dashboard): summaries of checked GPS tracks (truck ban): when, who, the
-- plate if given, the number of violations and the track's time range. No positions,
-- no personal data. Read by GET /api/dashboard by ISO week in Asia/Shanghai.
CREATE TABLE landtrace_track_checks (
  id bigserial PRIMARY KEY,
  checked_at timestamptz NOT NULL,
  checked_by text NOT NULL,
  door text NOT NULL CHECK (door IN ('http', 'cli')),
  plate text,
  violations integer NOT NULL CHECK (violations >= 0),
  fixes bigint NOT NULL CHECK (fixes >= 0),
  track_from timestamptz,
  track_to timestamptz
);
CREATE INDEX landtrace_track_checks_checked_at ON landtrace_track_checks (checked_at);
