-- Wrong passwords, counted per user name (clients without a device cookie), per address and per
-- device cookie, so that every node throttles on the same counts (JdbcThrottle). A row remembers only
-- its count and its last failure; purge deletes rows whose last failure is over an hour old.
CREATE TABLE sl_login_failures (
    throttle_key   VARCHAR(255) NOT NULL,
    failures       INTEGER      NOT NULL,
    last_failed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT sl_login_failures_pk PRIMARY KEY (throttle_key)
);
CREATE INDEX sl_login_failures_last ON sl_login_failures (last_failed_at);

-- Secrets every node must share, such as the key that signs device cookies: written once, by whichever
-- node needs one first, then only read.
CREATE TABLE sl_secrets (
    secret_name  VARCHAR(64)  NOT NULL,
    secret_value VARCHAR(255) NOT NULL,
    CONSTRAINT sl_secrets_pk PRIMARY KEY (secret_name)
);
