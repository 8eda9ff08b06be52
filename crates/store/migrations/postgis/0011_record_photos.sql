-- Photos of origin-point records (issue 16: the base photographed in the field).
-- The bytes stay here; audit rows hold the metadata only.
CREATE TABLE landtrace_record_photos (
  id bigserial PRIMARY KEY,
  record_id bigint NOT NULL,
  media_type text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes bigint NOT NULL,
  sha256 text NOT NULL,
  data bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL
);
CREATE INDEX landtrace_record_photos_record ON landtrace_record_photos (record_id, id);
