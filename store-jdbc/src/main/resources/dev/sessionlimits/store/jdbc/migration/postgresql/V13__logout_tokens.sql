-- The back-channel logout tokens received, by issuer and jti, so that a token sent again is refused
-- (OpenID Connect Back-Channel Logout 1.0, section 2.6). A row is kept until the token has expired,
-- clock skew included, and deleted by a later receipt after that. Same table as H2.
CREATE TABLE sl_logout_tokens (
    issuer     VARCHAR(255) NOT NULL,
    jti        VARCHAR(255) NOT NULL,
    kept_until TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT sl_logout_tokens_pk PRIMARY KEY (issuer, jti)
);
CREATE INDEX sl_logout_tokens_kept_until ON sl_logout_tokens (kept_until);
