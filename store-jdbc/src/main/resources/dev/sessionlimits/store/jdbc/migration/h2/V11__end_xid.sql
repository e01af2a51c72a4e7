-- The same columns as PostgreSQL's V11, for one schema: which node ended each session (end_node) and,
-- on PostgreSQL only, which transaction (end_xid, always NULL here: a single embedded node has no
-- other node to tell, so no index either).
ALTER TABLE sl_sessions ADD COLUMN end_xid BIGINT;
ALTER TABLE sl_sessions ADD COLUMN end_node VARCHAR(255);
