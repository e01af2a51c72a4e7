-- The administrators' paged lists (issue 17). Each order of the session list pages by keyset over a
-- partial index of the live sessions, (key, id): created, last seen, expiry (which also serves purge,
-- so it replaces the expiry-only index) and user (which replaces the user-only index). ip_key is the
-- client address as fixed-width hex ('4' and 8 digits, '6' and 32: IpKey), so that a CIDR block is a
-- range of the index; client_ip gets a pattern index for address prefixes (LIKE '10.1.%'). The
-- Java migration V9 fills ip_key for the sessions open at the upgrade; new ones get it when opened.
ALTER TABLE sl_sessions ADD COLUMN ip_key VARCHAR(33);

CREATE INDEX sl_sessions_live_created ON sl_sessions (created_at, id) WHERE ended_at IS NULL;
CREATE INDEX sl_sessions_live_last_seen ON sl_sessions (last_seen_at, id) WHERE ended_at IS NULL;
CREATE INDEX sl_sessions_live_expires ON sl_sessions (expires_at, id) WHERE ended_at IS NULL;
DROP INDEX sl_sessions_live_expiry;
CREATE INDEX sl_sessions_live_user ON sl_sessions (user_name, id) WHERE ended_at IS NULL;
DROP INDEX sl_sessions_user_live;
CREATE INDEX sl_sessions_live_ip_key ON sl_sessions (ip_key) WHERE ended_at IS NULL;
CREATE INDEX sl_sessions_live_ip_text ON sl_sessions (client_ip varchar_pattern_ops)
    WHERE ended_at IS NULL;

-- The audit filters: by actor or subject, by type, by time; each newest first.
CREATE INDEX sl_audit_events_actor ON sl_audit_events (actor, id);
CREATE INDEX sl_audit_events_subject ON sl_audit_events (subject, id);
CREATE INDEX sl_audit_events_type ON sl_audit_events (event_type, id);
CREATE INDEX sl_audit_events_at ON sl_audit_events (occurred_at);

-- The search (q) is a case-insensitive substring: trigram indexes (pg_trgm) make it an index scan for
-- three characters or more. pg_trgm is a trusted extension (PostgreSQL 13+), so a database owner may
-- create it; where it cannot be created the migration still succeeds and the search reads the live
-- sessions in list order instead (docs/operations.md).
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm cannot be created (%): the session search works without an index', SQLERRM;
    END;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX sl_sessions_live_user_trgm ON sl_sessions
            USING gin (LOWER(user_name) gin_trgm_ops) WHERE ended_at IS NULL;
        CREATE INDEX sl_sessions_live_device_trgm ON sl_sessions
            USING gin (LOWER(device) gin_trgm_ops) WHERE ended_at IS NULL;
        CREATE INDEX sl_sessions_live_agent_trgm ON sl_sessions
            USING gin (LOWER(user_agent) gin_trgm_ops) WHERE ended_at IS NULL;
        CREATE INDEX sl_users_name_trgm ON sl_users USING gin (LOWER(username) gin_trgm_ops);
    END IF;
END $$;
