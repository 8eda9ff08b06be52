-- Issue 15: the household register (被征收户) of the expropriation projects of
-- 临政发〔2023〕10号/11号. Attribute-only (no geometry), linked to its project by
-- decision_no; same columns as crates/domain/src/schema/layers.rs.
CREATE TABLE expropriation_households (
  fid bigserial PRIMARY KEY,
  decision_no text NOT NULL,
  household_no text NOT NULL,
  owner_name text NOT NULL,
  owner_id_no text,
  contact_phone text,
  house_address text,
  structure text,
  storeys bigint,
  building_area_m2 double precision,
  legal_land_area_m2 double precision,
  appraised_value_yuan double precision,
  appraised_price_per_m2_yuan double precision,
  construction_cost_per_m2_yuan double precision,
  appraisal_ended_on date,
  appraisal_report_received_on date,
  review_result_received_on date,
  agreement_signed_on date,
  handed_over_on date,
  compensation_decision_on date,
  note text,
  accuracy text NOT NULL,
  source text
);
CREATE INDEX expropriation_households_decision_no ON expropriation_households (decision_no);
