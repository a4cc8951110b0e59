-- Substring search over email and names (`*text*` in the list's search box and in the REST
-- `filter`) without reading every user: a trigram index (SQLite's FTS5, 3.34+) over the users
-- table, kept by triggers. Case-insensitive like the rest of the text filter.
CREATE VIRTUAL TABLE experience_users_fts USING fts5(
    email, first_name, last_name,
    content = 'experience_users', content_rowid = 'rowid', tokenize = 'trigram'
);
INSERT INTO experience_users_fts (experience_users_fts) VALUES ('rebuild');

CREATE TRIGGER eu_fts_insert AFTER INSERT ON experience_users BEGIN
    INSERT INTO experience_users_fts (rowid, email, first_name, last_name)
    VALUES (NEW.rowid, NEW.email, NEW.first_name, NEW.last_name);
END;

CREATE TRIGGER eu_fts_delete AFTER DELETE ON experience_users BEGIN
    INSERT INTO experience_users_fts (experience_users_fts, rowid, email, first_name, last_name)
    VALUES ('delete', OLD.rowid, OLD.email, OLD.first_name, OLD.last_name);
END;

CREATE TRIGGER eu_fts_update AFTER UPDATE OF email, first_name, last_name ON experience_users BEGIN
    INSERT INTO experience_users_fts (experience_users_fts, rowid, email, first_name, last_name)
    VALUES ('delete', OLD.rowid, OLD.email, OLD.first_name, OLD.last_name);
    INSERT INTO experience_users_fts (rowid, email, first_name, last_name)
    VALUES (NEW.rowid, NEW.email, NEW.first_name, NEW.last_name);
END;

-- Losant's sort by id, per application.
CREATE INDEX eu_id ON experience_users(application_id, id);
