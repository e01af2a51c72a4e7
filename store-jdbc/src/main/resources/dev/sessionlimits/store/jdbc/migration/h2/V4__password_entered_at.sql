-- When the holder of a session last entered the password after the login (re-authentication before a
-- sensitive change); NULL: not since the login, whose time is created_at. Same column as PostgreSQL.
ALTER TABLE sl_sessions ADD COLUMN password_entered_at TIMESTAMP(6) WITH TIME ZONE;
