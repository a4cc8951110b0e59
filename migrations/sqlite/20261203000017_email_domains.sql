-- The trigram index (migration 9) held whole emails, so the posting lists of the trigrams of
-- a domain most users share ("exa", "xam", … of example.com) each held nearly every user: an
-- exact count of `*example7.*` read a million positions per trigram (65-80 ms at 10^6 users).
-- The index now holds an email's local part (before its last '@', a quoted local part may hold
-- one) and the names; the domains are counted per application below, and their users listed.

-- The domain, lowercased: what follows the last '@' (`rtrim` drops every character but '@').
-- Not indexed on the users table: an index there led by the application is one more way for
-- the planner to walk an application's users, and, not covering, the worst one (a capped count
-- of `*@example7.com` walked it in domain order: 2.4 s instead of 2 ms).
ALTER TABLE experience_users ADD COLUMN email_domain TEXT
    GENERATED ALWAYS AS (substr(email_normalized, length(rtrim(email_normalized, replace(email_normalized, '@', ''))) + 1)) VIRTUAL;

-- Each application's domains, with how many of its users have each: the domains a text may
-- match in are found among these few, and the users they hold summed without reading them.
CREATE TABLE email_domain_counts (
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    domain         TEXT NOT NULL,
    users          INTEGER NOT NULL,
    PRIMARY KEY (application_id, domain)
) STRICT, WITHOUT ROWID;

-- The users of each domain, by rowid (as the trigram index names them): a rare text's
-- candidates in the domains. Rows go with their user (triggers below), and with their
-- application through the users' own cascade.
CREATE TABLE email_domain_users (
    application_id TEXT NOT NULL,
    domain         TEXT NOT NULL,
    user_rowid     INTEGER NOT NULL,
    PRIMARY KEY (application_id, domain, user_rowid)
) STRICT, WITHOUT ROWID;

INSERT INTO email_domain_counts (application_id, domain, users)
SELECT application_id, email_domain, COUNT(*) FROM experience_users GROUP BY application_id, email_domain;

INSERT INTO email_domain_users (application_id, domain, user_rowid)
SELECT application_id, email_domain, rowid FROM experience_users ORDER BY 1, 2, 3;

CREATE TRIGGER eu_domain_insert AFTER INSERT ON experience_users BEGIN
    INSERT INTO email_domain_counts (application_id, domain, users) VALUES (NEW.application_id, NEW.email_domain, 1)
    ON CONFLICT (application_id, domain) DO UPDATE SET users = users + 1;
    INSERT INTO email_domain_users (application_id, domain, user_rowid) VALUES (NEW.application_id, NEW.email_domain, NEW.rowid);
END;

CREATE TRIGGER eu_domain_delete AFTER DELETE ON experience_users BEGIN
    UPDATE email_domain_counts SET users = users - 1
     WHERE application_id = OLD.application_id AND domain = OLD.email_domain;
    DELETE FROM email_domain_counts
     WHERE application_id = OLD.application_id AND domain = OLD.email_domain AND users <= 0;
    DELETE FROM email_domain_users
     WHERE application_id = OLD.application_id AND domain = OLD.email_domain AND user_rowid = OLD.rowid;
END;

CREATE TRIGGER eu_domain_update AFTER UPDATE OF email_normalized, application_id ON experience_users
WHEN OLD.email_domain IS NOT NEW.email_domain OR OLD.application_id IS NOT NEW.application_id BEGIN
    UPDATE email_domain_counts SET users = users - 1
     WHERE application_id = OLD.application_id AND domain = OLD.email_domain;
    DELETE FROM email_domain_counts
     WHERE application_id = OLD.application_id AND domain = OLD.email_domain AND users <= 0;
    DELETE FROM email_domain_users
     WHERE application_id = OLD.application_id AND domain = OLD.email_domain AND user_rowid = OLD.rowid;
    INSERT INTO email_domain_counts (application_id, domain, users) VALUES (NEW.application_id, NEW.email_domain, 1)
    ON CONFLICT (application_id, domain) DO UPDATE SET users = users + 1;
    INSERT INTO email_domain_users (application_id, domain, user_rowid) VALUES (NEW.application_id, NEW.email_domain, NEW.rowid);
END;

-- The trigram index again, with the local part in place of the email.
DROP TRIGGER eu_fts_insert;
DROP TRIGGER eu_fts_delete;
DROP TRIGGER eu_fts_update;
DROP TABLE experience_users_fts;
DROP VIEW experience_users_search;

CREATE VIEW experience_users_search AS
SELECT u.rowid AS user_rowid, substr(u.email, 1, length(rtrim(u.email, replace(u.email, '@', ''))) - 1) AS email_local,
       u.first_name, u.last_name, a.search_scope AS scope
  FROM experience_users u JOIN applications a ON a.id = u.application_id;

CREATE VIRTUAL TABLE experience_users_fts USING fts5(
    email_local, first_name, last_name, scope,
    content = 'experience_users_search', content_rowid = 'user_rowid', tokenize = 'trigram'
);
INSERT INTO experience_users_fts (experience_users_fts) VALUES ('rebuild');

CREATE TRIGGER eu_fts_insert AFTER INSERT ON experience_users BEGIN
    INSERT INTO experience_users_fts (rowid, email_local, first_name, last_name, scope)
    VALUES (NEW.rowid, substr(NEW.email, 1, length(rtrim(NEW.email, replace(NEW.email, '@', ''))) - 1),
            NEW.first_name, NEW.last_name, (SELECT search_scope FROM applications WHERE id = NEW.application_id));
END;

CREATE TRIGGER eu_fts_delete AFTER DELETE ON experience_users BEGIN
    INSERT INTO experience_users_fts (experience_users_fts, rowid, email_local, first_name, last_name, scope)
    VALUES ('delete', OLD.rowid, substr(OLD.email, 1, length(rtrim(OLD.email, replace(OLD.email, '@', ''))) - 1),
            OLD.first_name, OLD.last_name, (SELECT search_scope FROM applications WHERE id = OLD.application_id));
END;

CREATE TRIGGER eu_fts_update AFTER UPDATE OF email, first_name, last_name ON experience_users BEGIN
    INSERT INTO experience_users_fts (experience_users_fts, rowid, email_local, first_name, last_name, scope)
    VALUES ('delete', OLD.rowid, substr(OLD.email, 1, length(rtrim(OLD.email, replace(OLD.email, '@', ''))) - 1),
            OLD.first_name, OLD.last_name, (SELECT search_scope FROM applications WHERE id = OLD.application_id));
    INSERT INTO experience_users_fts (rowid, email_local, first_name, last_name, scope)
    VALUES (NEW.rowid, substr(NEW.email, 1, length(rtrim(NEW.email, replace(NEW.email, '@', ''))) - 1),
            NEW.first_name, NEW.last_name, (SELECT search_scope FROM applications WHERE id = NEW.application_id));
END;
