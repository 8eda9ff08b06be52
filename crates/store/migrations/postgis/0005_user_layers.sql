-- Issue 13: the layers the users define (宗地, 永久基本农田, …). One row per layer,
-- its definition as JSON (landtrace_domain::UserLayerDef), who created it and
-- when; the layer's own table is created in the same transaction by the server.
CREATE TABLE landtrace_layers (
  name text PRIMARY KEY,
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL
);
