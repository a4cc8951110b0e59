-- Experience users' access tokens, and the devices their groups give them.

-- Only the SHA-256 of a token is stored: a copy of the database hands out no live tokens.
-- A token is honoured while it has not expired, its user exists (the cascade removes it with
-- the user) and it was issued after both the user's and the application's token cutoff.
CREATE TABLE experience_tokens (
    token_hash     TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES experience_users(id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    issued_at      INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX et_user ON experience_tokens(user_id);
CREATE INDEX et_application ON experience_tokens(application_id);
CREATE INDEX et_expires ON experience_tokens(expires_at);

CREATE TABLE devices (
    id             TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    description    TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX devices_application ON devices(application_id, name, id);

CREATE TABLE device_tags (
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (device_id, key, value)
) STRICT, WITHOUT ROWID;

-- A group's devices by id (Losant's `deviceIds`).
CREATE TABLE experience_group_devices (
    group_id  TEXT NOT NULL REFERENCES experience_groups(id) ON DELETE CASCADE,
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, device_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX egd_device ON experience_group_devices(device_id, group_id);
