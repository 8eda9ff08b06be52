-- landtrace's PostGIS schema, version 1: one table per layer of
-- crates/domain/src/layers.rs (same table and column names as the GeoPackage),
-- the audit trail and the metadata table. Applied in one transaction by
-- src/postgis.rs; tests/store_behaviour.rs checks every column against
-- layers.rs so the two cannot drift apart.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE county_boundaries (
  fid bigserial PRIMARY KEY,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  adcode text NOT NULL,
  name text NOT NULL,
  level text NOT NULL,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE townships (
  fid bigserial PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  parent_code text NOT NULL,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE villages (
  fid bigserial PRIMARY KEY,
  code text NOT NULL,
  name text NOT NULL,
  township_code text NOT NULL,
  source text
);

CREATE TABLE urban_grade_zones (
  fid bigserial PRIMARY KEY,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  grade bigint NOT NULL,
  name text,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE collective_grade_zones (
  fid bigserial PRIMARY KEY,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  grade bigint NOT NULL,
  name text,
  township_code text,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE benchmark_prices (
  fid bigserial PRIMARY KEY,
  system text NOT NULL,
  grade bigint NOT NULL,
  land_use text NOT NULL,
  yuan_per_m2 bigint NOT NULL,
  wan_yuan_per_mu double precision NOT NULL,
  document text NOT NULL,
  approval text NOT NULL,
  in_force date NOT NULL
);

CREATE TABLE truck_ban_zone (
  fid bigserial PRIMARY KEY,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  name text NOT NULL,
  hours text NOT NULL,
  document text NOT NULL,
  in_force date NOT NULL,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE expropriation_areas (
  fid bigserial PRIMARY KEY,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  project text NOT NULL,
  decision_no text NOT NULL,
  decision_date date NOT NULL,
  east text,
  west text,
  north text,
  south text,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE consolidation_projects (
  fid bigserial PRIMARY KEY,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  name text NOT NULL,
  project_type text NOT NULL,
  township_code text,
  status text,
  accepted_on date,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE sponge_facilities (
  fid bigserial PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  project text,
  responsible_unit text,
  status text,
  area_m2 double precision,
  volume_m3 double precision,
  accepted_on date,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE waterlogging_points (
  fid bigserial PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL,
  name text NOT NULL,
  status text,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE origin_points (
  fid bigserial PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL,
  subject_name text NOT NULL,
  subject_type text NOT NULL,
  industry text,
  product text NOT NULL,
  alias text,
  certification text,
  base_address text,
  township_code text NOT NULL,
  village_code text,
  contact_name text,
  contact_phone text,
  scale double precision,
  scale_unit text,
  market_date date,
  production_mode text,
  trace_means text,
  credit_rating text,
  grid_officer_name text,
  grid_officer_phone text,
  collector_name text,
  collector_phone text,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE village_clinics (
  fid bigserial PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL,
  name text NOT NULL,
  township_code text NOT NULL,
  village_code text NOT NULL,
  programme text NOT NULL,
  note text,
  accuracy text NOT NULL,
  source text
);

CREATE TABLE freight_sources (
  fid bigserial PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL,
  name text NOT NULL,
  category text,
  document text,
  accuracy text NOT NULL,
  source text
);

CREATE INDEX county_boundaries_geom_idx ON county_boundaries USING gist (geom);
CREATE INDEX townships_geom_idx ON townships USING gist (geom);
CREATE INDEX urban_grade_zones_geom_idx ON urban_grade_zones USING gist (geom);
CREATE INDEX collective_grade_zones_geom_idx ON collective_grade_zones USING gist (geom);
CREATE INDEX truck_ban_zone_geom_idx ON truck_ban_zone USING gist (geom);
CREATE INDEX expropriation_areas_geom_idx ON expropriation_areas USING gist (geom);
CREATE INDEX consolidation_projects_geom_idx ON consolidation_projects USING gist (geom);
CREATE INDEX sponge_facilities_geom_idx ON sponge_facilities USING gist (geom);
CREATE INDEX waterlogging_points_geom_idx ON waterlogging_points USING gist (geom);
CREATE INDEX origin_points_geom_idx ON origin_points USING gist (geom);
CREATE INDEX village_clinics_geom_idx ON village_clinics USING gist (geom);
CREATE INDEX freight_sources_geom_idx ON freight_sources USING gist (geom);

CREATE TABLE landtrace_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  layer text NOT NULL,
  fid bigint NOT NULL,
  action text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
  before jsonb,
  after jsonb
);

CREATE TABLE landtrace_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);

INSERT INTO landtrace_meta (key, value) VALUES ('schema_version', '1');
