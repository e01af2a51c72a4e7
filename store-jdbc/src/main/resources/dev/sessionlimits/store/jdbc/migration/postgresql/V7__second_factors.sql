-- Second factors of local accounts: one TOTP secret per user (confirmed_at NULL while the enrolment
-- waits for its first code; last_used_step the last 30 s time step a code was accepted for, so that a
-- code is accepted once), and single-use recovery codes, kept as SHA-256 hashes. Kept by user name
-- without a key on sl_users, like memberships; deleting a user forgets them (SecondFactors.forget).
CREATE TABLE sl_totp_factors (
    username       VARCHAR(64) NOT NULL,
    secret         VARCHAR(128) NOT NULL,
    enrolled_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    confirmed_at   TIMESTAMP(6) WITH TIME ZONE,
    last_used_step BIGINT NOT NULL,
    CONSTRAINT sl_totp_factors_pk PRIMARY KEY (username)
);

CREATE TABLE sl_recovery_codes (
    username  VARCHAR(64) NOT NULL,
    code_hash VARCHAR(64) NOT NULL,
    CONSTRAINT sl_recovery_codes_pk PRIMARY KEY (username, code_hash)
);
