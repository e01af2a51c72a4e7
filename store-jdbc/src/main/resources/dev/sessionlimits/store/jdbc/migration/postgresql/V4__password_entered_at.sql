-- When the holder of a session last entered the password after the login (re-authentication before a
-- sensitive change); NULL: not since the login, whose time is created_at. Kept in the row, not in a
-- node's memory, so an entry made through one node counts on every node. A nullable column without a
-- default rewrites nothing.
ALTER TABLE sl_sessions ADD COLUMN password_entered_at TIMESTAMP(6) WITH TIME ZONE;
