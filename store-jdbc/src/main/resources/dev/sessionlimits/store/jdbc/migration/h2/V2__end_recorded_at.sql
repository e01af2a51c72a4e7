-- When the database itself recorded each end. Kept for the same schema as PostgreSQL, where a node
-- that lost its event listener searches it after reconnecting; a single embedded node never needs
-- to, so H2 has no index on it.
ALTER TABLE sl_sessions ADD COLUMN end_recorded_at TIMESTAMP(6) WITH TIME ZONE;
