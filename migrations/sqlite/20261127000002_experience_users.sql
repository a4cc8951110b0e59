-- Experience users, the groups they belong to, and their tags.
-- Counts per list view are kept on the application row by triggers, so every view's count
-- is one primary-key read however many users there are.

ALTER TABLE applications ADD COLUMN user_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN grouped_user_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE experience_users (
    id                  TEXT PRIMARY KEY NOT NULL,
    application_id      TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    email               TEXT NOT NULL,
    email_normalized    TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    first_name          TEXT NOT NULL COLLATE NOCASE,
    last_name           TEXT NOT NULL COLLATE NOCASE,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    password_updated_at INTEGER NOT NULL,
    -- 0 = never signed in; keeps keyset pagination free of NULL handling.
    last_login_at       INTEGER NOT NULL DEFAULT 0,
    token_cutoff        INTEGER,
    -- Bumped on every save; an edit carrying an older version is refused (no lost updates).
    version             INTEGER NOT NULL DEFAULT 1,
    -- 1 while the user belongs to at least one group; maintained by the membership triggers.
    in_group            INTEGER NOT NULL DEFAULT 0 CHECK (in_group IN (0, 1)),
    UNIQUE (application_id, email_normalized)
) STRICT;

-- One index per sort, for all users and per view (in_group), each ending in id for keyset paging.
CREATE INDEX eu_email        ON experience_users(application_id, email_normalized, id);
CREATE INDEX eu_first        ON experience_users(application_id, first_name, id);
CREATE INDEX eu_last         ON experience_users(application_id, last_name, id);
CREATE INDEX eu_created      ON experience_users(application_id, created_at, id);
CREATE INDEX eu_login        ON experience_users(application_id, last_login_at, id);
CREATE INDEX eu_updated      ON experience_users(application_id, updated_at, id);
CREATE INDEX eu_view_email   ON experience_users(application_id, in_group, email_normalized, id);
CREATE INDEX eu_view_first   ON experience_users(application_id, in_group, first_name, id);
CREATE INDEX eu_view_last    ON experience_users(application_id, in_group, last_name, id);
CREATE INDEX eu_view_created ON experience_users(application_id, in_group, created_at, id);
CREATE INDEX eu_view_login   ON experience_users(application_id, in_group, last_login_at, id);
CREATE INDEX eu_view_updated ON experience_users(application_id, in_group, updated_at, id);

CREATE TABLE experience_groups (
    id             TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    description    TEXT NOT NULL DEFAULT '',
    parent_id      TEXT REFERENCES experience_groups(id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX eg_application ON experience_groups(application_id, name);
CREATE INDEX eg_parent ON experience_groups(parent_id);

CREATE TABLE experience_group_members (
    group_id TEXT NOT NULL REFERENCES experience_groups(id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES experience_users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX egm_user ON experience_group_members(user_id, group_id);

CREATE TABLE experience_user_tags (
    user_id TEXT NOT NULL REFERENCES experience_users(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER eu_counts_insert AFTER INSERT ON experience_users BEGIN
    UPDATE applications
       SET user_count = user_count + 1, grouped_user_count = grouped_user_count + NEW.in_group
     WHERE id = NEW.application_id;
END;

CREATE TRIGGER eu_counts_delete AFTER DELETE ON experience_users BEGIN
    UPDATE applications
       SET user_count = user_count - 1, grouped_user_count = grouped_user_count - OLD.in_group
     WHERE id = OLD.application_id;
END;

CREATE TRIGGER eu_counts_in_group AFTER UPDATE OF in_group ON experience_users
WHEN NEW.in_group <> OLD.in_group BEGIN
    UPDATE applications
       SET grouped_user_count = grouped_user_count + NEW.in_group - OLD.in_group
     WHERE id = NEW.application_id;
END;

CREATE TRIGGER egm_insert AFTER INSERT ON experience_group_members BEGIN
    UPDATE experience_users SET in_group = 1 WHERE id = NEW.user_id AND in_group = 0;
END;

CREATE TRIGGER egm_delete AFTER DELETE ON experience_group_members BEGIN
    UPDATE experience_users
       SET in_group = EXISTS (SELECT 1 FROM experience_group_members WHERE user_id = OLD.user_id)
     WHERE id = OLD.user_id;
END;
