-- Issue 15: producers (种养殖主体) of 临政办发〔2023〕19号 as a register of their own, and
-- origin-point records linked to them. New origin_points columns are appended (the layer
-- lists them last in crates/domain/src/schema/layers.rs), so upgraded and new databases
-- have the same column order.
CREATE TABLE producers (
  fid bigserial PRIMARY KEY,
  producer_id text NOT NULL,
  id_kind text NOT NULL,
  name text NOT NULL,
  subject_type text NOT NULL,
  township_code text,
  contact_name text,
  contact_phone text,
  for_market bigint,
  accuracy text NOT NULL,
  source text,
  created_at text,
  created_by text,
  updated_at text,
  updated_by text
);
-- No two producers share an identifier (LayerKind::unique_fields; the GeoPackage store
-- makes the same index): two registrations at one moment cannot both take the next one.
CREATE UNIQUE INDEX producers_producer_id_unique ON producers (producer_id);

-- The producer a record is a base/plot of, and 以商品生产为目的 (0/1, gazette line 2838).
ALTER TABLE origin_points
  ADD COLUMN producer_id text,
  ADD COLUMN for_market bigint;
CREATE INDEX origin_points_producer_id_idx ON origin_points (producer_id);
