-- Issue 15: the 立项 (approval) date of a land consolidation project. With accepted_on it
-- decides whether 临政发〔2023〕9号 applies (第二条, gazette line 1348: 2020年后立项或竣工验收).
-- Appended (crates/domain/src/schema/layers.rs lists it last), so upgraded and new
-- databases have the same column order.
ALTER TABLE consolidation_projects
  ADD COLUMN approved_on date;
