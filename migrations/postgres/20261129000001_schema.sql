-- The schema of migrations/sqlite/ (as of its migration 9) for PostgreSQL, in one step.
-- Same tables, columns and meanings; where the engines differ:
--   * integers are BIGINT, so every column reads as the same Rust type on both engines;
--   * SQLite's `COLLATE NOCASE` names become stored key columns (`lower()`, which in the C
--     collation this database is created with folds ASCII only, as NOCASE does): sorted by
--     (key, id), pages and keyset cursors come out in the same order as on SQLite;
--   * the FTS5 trigram index becomes pg_trgm GIN indexes led by the application (btree_gin);
--   * triggers are PL/pgSQL functions. Row-level triggers that update the application's
--     counters take its row lock, so concurrent inserts count right under READ COMMITTED.
--     Writers take that lock first (db::begin_application_write), so the rows the triggers
--     lock are always locked in one order and two writers cannot deadlock.
-- Timestamps are milliseconds since the epoch (UTC).

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE admins (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);

-- Only the SHA-256 of a session token is stored.
CREATE TABLE admin_sessions (
    token_hash TEXT PRIMARY KEY,
    admin_id   TEXT NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX admin_sessions_expires_at ON admin_sessions(expires_at);
CREATE INDEX admin_sessions_admin_id ON admin_sessions(admin_id);

-- user_count and grouped_user_count are kept by the triggers below: every list view's count
-- is one primary-key read however many users there are.
CREATE TABLE applications (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    user_limit            BIGINT CHECK (user_limit IS NULL OR user_limit >= 1),
    exp_user_token_cutoff BIGINT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    user_count            BIGINT NOT NULL DEFAULT 0,
    grouped_user_count    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE experience_users (
    id                  TEXT PRIMARY KEY,
    application_id      TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    email               TEXT NOT NULL,
    email_normalized    TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    first_name          TEXT NOT NULL,
    last_name           TEXT NOT NULL,
    first_name_key      TEXT NOT NULL GENERATED ALWAYS AS (lower(first_name)) STORED,
    last_name_key       TEXT NOT NULL GENERATED ALWAYS AS (lower(last_name)) STORED,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    password_updated_at BIGINT NOT NULL,
    -- 0 = never signed in; keeps keyset pagination free of NULL handling.
    last_login_at       BIGINT NOT NULL DEFAULT 0,
    token_cutoff        BIGINT,
    -- Bumped on every save; an edit carrying an older version is refused (no lost updates).
    version             BIGINT NOT NULL DEFAULT 1,
    -- 1 while the user belongs to at least one group; maintained by the membership triggers.
    in_group            BIGINT NOT NULL DEFAULT 0 CHECK (in_group IN (0, 1)),
    UNIQUE (application_id, email_normalized)
);

-- One index per sort, for all users and per view (in_group), each ending in id for keyset paging.
CREATE INDEX eu_email        ON experience_users(application_id, email_normalized, id);
CREATE INDEX eu_first        ON experience_users(application_id, first_name_key, id);
CREATE INDEX eu_last         ON experience_users(application_id, last_name_key, id);
CREATE INDEX eu_created      ON experience_users(application_id, created_at, id);
CREATE INDEX eu_login        ON experience_users(application_id, last_login_at, id);
CREATE INDEX eu_updated      ON experience_users(application_id, updated_at, id);
CREATE INDEX eu_view_email   ON experience_users(application_id, in_group, email_normalized, id);
CREATE INDEX eu_view_first   ON experience_users(application_id, in_group, first_name_key, id);
CREATE INDEX eu_view_last    ON experience_users(application_id, in_group, last_name_key, id);
CREATE INDEX eu_view_created ON experience_users(application_id, in_group, created_at, id);
CREATE INDEX eu_view_login   ON experience_users(application_id, in_group, last_login_at, id);
CREATE INDEX eu_view_updated ON experience_users(application_id, in_group, updated_at, id);
-- Substring search (`*text*`, 3+ characters) within one application.
CREATE INDEX eu_search_email ON experience_users USING gin (application_id, email_normalized gin_trgm_ops);
CREATE INDEX eu_search_first ON experience_users USING gin (application_id, first_name_key gin_trgm_ops);
CREATE INDEX eu_search_last  ON experience_users USING gin (application_id, last_name_key gin_trgm_ops);

CREATE TABLE experience_groups (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    description    TEXT NOT NULL DEFAULT '',
    parent_id      TEXT REFERENCES experience_groups(id) ON DELETE SET NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX eg_application ON experience_groups(application_id, name);
CREATE INDEX eg_parent ON experience_groups(parent_id);

CREATE TABLE experience_group_members (
    group_id TEXT NOT NULL REFERENCES experience_groups(id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES experience_users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX egm_user ON experience_group_members(user_id, group_id);

CREATE TABLE experience_user_tags (
    user_id TEXT NOT NULL REFERENCES experience_users(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX eut_key ON experience_user_tags(key, value);

-- Only the SHA-256 of a token is stored: a copy of the database hands out no live tokens.
CREATE TABLE experience_tokens (
    token_hash     TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES experience_users(id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    issued_at      BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL
);
CREATE INDEX et_user ON experience_tokens(user_id);
CREATE INDEX et_application ON experience_tokens(application_id);
CREATE INDEX et_expires ON experience_tokens(expires_at);

CREATE TABLE devices (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    description    TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX devices_application ON devices(application_id, name, id);

CREATE TABLE device_tags (
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (device_id, key, value)
);
CREATE INDEX device_tags_key ON device_tags(key, value);

-- A group's devices by id (Losant's `deviceIds`).
CREATE TABLE experience_group_devices (
    group_id  TEXT NOT NULL REFERENCES experience_groups(id) ON DELETE CASCADE,
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, device_id)
);
CREATE INDEX egd_device ON experience_group_devices(device_id, group_id);

-- Scoped to one application, as Losant's application API tokens are. Only the SHA-256 of the
-- secret is stored; revoking keeps the row (for the list) and stops the token at once.
CREATE TABLE api_tokens (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    token_hash     TEXT NOT NULL UNIQUE,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT,
    revoked_at     BIGINT,
    -- When it last authorised a request; recorded at most once a minute.
    last_used_at   BIGINT
);
CREATE INDEX api_tokens_application ON api_tokens(application_id, created_at);

-- A group's devices by tag (Losant's `deviceTags`): a device matches when it has the key and,
-- if a value is given, that value.
CREATE TABLE experience_group_device_tags (
    group_id TEXT NOT NULL REFERENCES experience_groups(id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT
);
CREATE INDEX egdt_group ON experience_group_device_tags(group_id);

CREATE TABLE experience_group_tags (
    group_id TEXT NOT NULL REFERENCES experience_groups(id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (group_id, key)
);

-- How many users of each application use each tag key, kept by triggers.
CREATE TABLE tag_key_counts (
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    users          BIGINT NOT NULL,
    PRIMARY KEY (application_id, key)
);

-- Failed sign-ins, shared by every server instance: per key, the GCRA arrival time in ms.
CREATE TABLE sign_in_failures (
    key    TEXT PRIMARY KEY,
    tat_ms BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_tat ON sign_in_failures(tat_ms);

-- The view counters.
CREATE FUNCTION eu_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE applications
           SET user_count = user_count + 1, grouped_user_count = grouped_user_count + NEW.in_group
         WHERE id = NEW.application_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE applications
           SET user_count = user_count - 1, grouped_user_count = grouped_user_count - OLD.in_group
         WHERE id = OLD.application_id;
    ELSIF NEW.in_group <> OLD.in_group THEN
        UPDATE applications
           SET grouped_user_count = grouped_user_count + NEW.in_group - OLD.in_group
         WHERE id = NEW.application_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER eu_counts AFTER INSERT OR DELETE OR UPDATE OF in_group ON experience_users
    FOR EACH ROW EXECUTE FUNCTION eu_counts();

-- A user's in_group follows their memberships.
CREATE FUNCTION egm_in_group() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE experience_users SET in_group = 1 WHERE id = NEW.user_id AND in_group = 0;
    ELSE
        UPDATE experience_users
           SET in_group = CASE WHEN EXISTS (SELECT 1 FROM experience_group_members WHERE user_id = OLD.user_id)
                               THEN 1 ELSE 0 END
         WHERE id = OLD.user_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER egm_in_group AFTER INSERT OR DELETE ON experience_group_members
    FOR EACH ROW EXECUTE FUNCTION egm_in_group();

-- Tag key counts. A deleted user's tags are counted down before the user row goes: the
-- cascade that deletes the tags runs after it, when their application can no longer be read.
CREATE FUNCTION eut_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO tag_key_counts (application_id, key, users)
        SELECT application_id, NEW.key, 1 FROM experience_users WHERE id = NEW.user_id
        ON CONFLICT (application_id, key) DO UPDATE SET users = tag_key_counts.users + 1;
    ELSE
        UPDATE tag_key_counts SET users = users - 1
         WHERE key = OLD.key AND application_id = (SELECT application_id FROM experience_users WHERE id = OLD.user_id);
        DELETE FROM tag_key_counts WHERE key = OLD.key AND users <= 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER eut_counts AFTER INSERT OR DELETE ON experience_user_tags
    FOR EACH ROW EXECUTE FUNCTION eut_counts();

CREATE FUNCTION eu_tag_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tag_key_counts SET users = users - 1
     WHERE application_id = OLD.application_id
       AND key IN (SELECT key FROM experience_user_tags WHERE user_id = OLD.id);
    DELETE FROM tag_key_counts WHERE application_id = OLD.application_id AND users <= 0;
    RETURN OLD;
END $$;
CREATE TRIGGER eu_tag_counts_delete BEFORE DELETE ON experience_users
    FOR EACH ROW EXECUTE FUNCTION eu_tag_counts_delete();
