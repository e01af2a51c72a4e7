-- When the database itself recorded each end (its own clock, clock_timestamp()). ended_at is the time
-- the caller gave, by its clock; end_recorded_at is what a node whose event listener lost its connection
-- searches, after reconnecting, for the ends it may have missed (JdbcSessions, ClusterListener).
-- Adding a nullable column without a default rewrites nothing; the partial index holds tombstones only.
ALTER TABLE sl_sessions ADD COLUMN end_recorded_at TIMESTAMP(6) WITH TIME ZONE;
CREATE INDEX sl_sessions_end_recorded ON sl_sessions (end_recorded_at) WHERE end_recorded_at IS NOT NULL;
