-- Services' API keys: never the key, only the SHA-256 of the whole key (key_hash, lower-case hex),
-- its public id (the 16 hex digits of slk_<id>_<secret>), a name, its scopes as the API names them,
-- separated by single spaces ('sessions:open sessions:read'), who created it and when, when it was
-- last used (written at most about once a minute per node) and when it was revoked (NULL: live). A
-- revoked key's row stays, so the list shows it. Same table as PostgreSQL.
CREATE TABLE sl_api_keys (
    id           VARCHAR(16)  NOT NULL,
    name         VARCHAR(100) NOT NULL,
    scopes       VARCHAR(255) NOT NULL,
    key_hash     VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    created_by   VARCHAR(255) NOT NULL,
    last_used_at TIMESTAMP(6) WITH TIME ZONE,
    revoked_at   TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT sl_api_keys_pk PRIMARY KEY (id)
);
