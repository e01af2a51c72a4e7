-- When an API key stops being accepted (NULL: never). An expired key's row stays, like a revoked
-- one's, so the list shows it. Adding a nullable column without a default rewrites nothing.
ALTER TABLE sl_api_keys ADD COLUMN expires_at TIMESTAMP(6) WITH TIME ZONE;
