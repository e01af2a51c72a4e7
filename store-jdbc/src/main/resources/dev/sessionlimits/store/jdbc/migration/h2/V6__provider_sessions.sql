-- The sessions opened through an OpenID Connect provider, by the provider session behind each: the
-- issuer, its session id (sid, when the ID token had one) and the user's subject, which back-channel
-- logout names, and the ID token, sent back as the hint of RP-initiated logout. A row goes with its
-- session when that is purged. Same table as PostgreSQL.
CREATE TABLE sl_provider_sessions (
    session_id    VARCHAR(255) NOT NULL,
    issuer        VARCHAR(255) NOT NULL,
    sid           VARCHAR(255),
    subject       VARCHAR(255) NOT NULL,
    id_token_hint VARCHAR      NOT NULL,
    CONSTRAINT sl_provider_sessions_pk PRIMARY KEY (session_id),
    CONSTRAINT sl_provider_sessions_session_fk FOREIGN KEY (session_id)
        REFERENCES sl_sessions (id) ON DELETE CASCADE
);
CREATE INDEX sl_provider_sessions_sid ON sl_provider_sessions (issuer, sid);
CREATE INDEX sl_provider_sessions_subject ON sl_provider_sessions (issuer, subject);
