-- Which transaction ended each session (end_xid, pg_current_xact_id(): 64 bits, never wraps) and
-- which node (end_node, its node id). Every node's ClusterListener polls for the ends whose
-- transaction its previous poll's snapshot did not see (end_xid >= that snapshot's xmax, or in its
-- list of running transactions), instead of hearing a NOTIFY sent in every ending transaction.
-- Nullable columns without a default rewrite nothing; the partial index holds tombstones only.
ALTER TABLE sl_sessions ADD COLUMN end_xid xid8;
ALTER TABLE sl_sessions ADD COLUMN end_node VARCHAR(255);
CREATE INDEX sl_sessions_end_xid ON sl_sessions (end_xid) WHERE end_xid IS NOT NULL;
