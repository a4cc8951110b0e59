-- Administrators, their sessions, and applications. Timestamps are milliseconds since the epoch (UTC).

CREATE TABLE admins (
    id               TEXT PRIMARY KEY NOT NULL,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    created_at       INTEGER NOT NULL
) STRICT;

-- Only the SHA-256 of a session token is stored.
CREATE TABLE admin_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    admin_id   TEXT NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX admin_sessions_expires_at ON admin_sessions(expires_at);
CREATE INDEX admin_sessions_admin_id ON admin_sessions(admin_id);

CREATE TABLE applications (
    id                    TEXT PRIMARY KEY NOT NULL,
    name                  TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    user_limit            INTEGER CHECK (user_limit IS NULL OR user_limit >= 1),
    exp_user_token_cutoff INTEGER,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
) STRICT;
