-- Roads of the truck ban (临政发〔2023〕5号): the boundary roads and excluded stretches
-- (二、(二), not in the zone) and the banned road sections (禁行路段, 三) with their hours.
-- Each row is the road surface (its centreline widened by width_m / 2 either side).
CREATE TABLE truck_ban_roads (
  fid bigserial PRIMARY KEY,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  name text NOT NULL,
  role text NOT NULL,
  side text,
  stretch text,
  width_m double precision NOT NULL,
  centreline text,
  hours text,
  document text,
  note text,
  accuracy text NOT NULL,
  source text
);
CREATE INDEX truck_ban_roads_geom_idx ON truck_ban_roads USING gist (geom);
