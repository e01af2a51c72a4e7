-- The administrators' paged lists (issue 17). ip_key is the client address as fixed-width hex ('4'
-- and 8 digits, '6' and 32: IpKey), so that a CIDR block is a range of keys; the Java migration V9
-- fills it for the sessions open at the upgrade. The embedded store is small: its lists need no more
-- indexes (PostgreSQL gets them in its own V8).
ALTER TABLE sl_sessions ADD COLUMN ip_key VARCHAR(33);
