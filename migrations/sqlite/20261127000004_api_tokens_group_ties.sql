-- Application API tokens for the REST API, and the rest of an experience group's data.

-- Scoped to one application, as Losant's application API tokens are. Only the SHA-256 of the
-- secret is stored; revoking keeps the row (for the list) and stops the token at once.
CREATE TABLE api_tokens (
    id             TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    token_hash     TEXT NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER,
    revoked_at     INTEGER
) STRICT;
CREATE INDEX api_tokens_application ON api_tokens(application_id, created_at);

-- A group's devices by tag (Losant's `deviceTags`): a device matches when it has the key and,
-- if a value is given, that value.
CREATE TABLE experience_group_device_tags (
    group_id TEXT NOT NULL REFERENCES experience_groups(id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT
) STRICT;
CREATE INDEX egdt_group ON experience_group_device_tags(group_id);
CREATE INDEX device_tags_key ON device_tags(key, value);

CREATE TABLE experience_group_tags (
    group_id TEXT NOT NULL REFERENCES experience_groups(id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (group_id, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX eut_key ON experience_user_tags(key, value);
