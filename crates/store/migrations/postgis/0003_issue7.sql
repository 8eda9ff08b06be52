-- Issue 7: traceability records and sponge-city projects. New columns are appended
-- (crates/domain/src/layers.rs lists them last), so upgraded and new databases have
-- the same column order.

-- Origin points: 工厂化 flag, collection / last-update dates, who and when (set by the server).
ALTER TABLE origin_points
  ADD COLUMN industrialised bigint,
  ADD COLUMN collected_on date,
  ADD COLUMN updated_on date,
  ADD COLUMN created_at text,
  ADD COLUMN created_by text,
  ADD COLUMN updated_at text,
  ADD COLUMN updated_by text;

-- Sponge-city facilities are points or polygons (stored as MultiPolygon).
ALTER TABLE sponge_facilities
  ALTER COLUMN geom TYPE geometry(Geometry, 4326) USING geom,
  ADD COLUMN storage_depth_m double precision;

ALTER TABLE waterlogging_points
  ADD COLUMN eliminated_on date;

-- Sponge-city construction projects (海绵城市建设项目).
CREATE TABLE sponge_projects (
  fid bigserial PRIMARY KEY,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  name text NOT NULL,
  project_type text,
  responsible_unit text,
  status text,
  surfaces text,
  target_percent double precision,
  accepted_on date,
  accuracy text NOT NULL,
  source text
);
CREATE INDEX sponge_projects_geom_idx ON sponge_projects USING gist (geom);

UPDATE landtrace_meta SET value = '3' WHERE key = 'schema_version';
