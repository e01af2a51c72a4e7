-- Groups, which may carry a session limit for their members (sessions_limit NULL: none), users'
-- memberships of them by source ('LOCAL': given by an administrator, 'LDAP', 'OIDC': read at login),
-- and the external identities users sign in with (an OpenID Connect issuer and subject, or 'ldap' and a
-- directory entry's id). Memberships and identities are kept by user name without a key on sl_users: a
-- directory or provider user need not have a row there. Deleting a group deletes its memberships. Same
-- tables as PostgreSQL.
CREATE TABLE sl_groups (
    name           VARCHAR(64)   NOT NULL,
    sessions_limit INTEGER,
    description    VARCHAR(1024) NOT NULL,
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT sl_groups_pk PRIMARY KEY (name)
);

CREATE TABLE sl_group_members (
    username   VARCHAR(64) NOT NULL,
    group_name VARCHAR(64) NOT NULL,
    source     VARCHAR(16) NOT NULL,
    CONSTRAINT sl_group_members_pk PRIMARY KEY (username, group_name, source),
    CONSTRAINT sl_group_members_group_fk FOREIGN KEY (group_name)
        REFERENCES sl_groups (name) ON DELETE CASCADE,
    CONSTRAINT sl_group_members_source CHECK (source IN ('LOCAL', 'LDAP', 'OIDC'))
);
CREATE INDEX sl_group_members_group ON sl_group_members (group_name);

-- One row per user whose memberships were replaced: a replacement locks it for the length of its
-- transaction, so that two replacements of one user's memberships run one after the other (JdbcGroups).
CREATE TABLE sl_member_locks (
    username VARCHAR(64) NOT NULL,
    CONSTRAINT sl_member_locks_pk PRIMARY KEY (username)
);

CREATE TABLE sl_identities (
    issuer   VARCHAR(255) NOT NULL,
    subject  VARCHAR(255) NOT NULL,
    username VARCHAR(64)  NOT NULL,
    CONSTRAINT sl_identities_pk PRIMARY KEY (issuer, subject)
);
CREATE INDEX sl_identities_username ON sl_identities (username);
