-- The audit trail read as history (`Store::history`, the as-of answers): the rows
-- of one feature in order, and of one layer in a time window.
CREATE INDEX landtrace_audit_layer_fid ON landtrace_audit (layer, fid, id);
CREATE INDEX landtrace_audit_layer_at ON landtrace_audit (layer, at);
