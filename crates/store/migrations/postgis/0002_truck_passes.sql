-- Truck passes (通行证) of 临政发〔2023〕5号 四、(四): a registry looked up by plate.
CREATE TABLE truck_passes (
  fid bigserial PRIMARY KEY,
  plate text NOT NULL,
  valid_from date NOT NULL,
  valid_to date NOT NULL,
  windows text NOT NULL,
  area text NOT NULL,
  pass_source text NOT NULL,
  issued_by text,
  note text,
  accuracy text NOT NULL,
  source text
);
CREATE INDEX truck_passes_plate_idx ON truck_passes (plate);
UPDATE landtrace_meta SET value = '2' WHERE key = 'schema_version';
