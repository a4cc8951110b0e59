-- The substring index of migration 8 held every application's users in one set of posting
-- lists, so a count for one application looked up each candidate's row (125,000 lookups for a
-- text in one user of eight). Each indexed row now also carries its application's scope: three
-- characters no email or name column is searched for, one trigram, so "this application AND
-- this text" is answered by the index alone.

-- Three code points from planes 1-16 (2^20 each, none a surrogate, none with a case): the
-- application's rowid spelled in base 2^20. Kept in a column so a VACUUM that renumbers rowids
-- cannot change a scope the index already holds.
ALTER TABLE applications ADD COLUMN search_scope TEXT NOT NULL DEFAULT '';
UPDATE applications
   SET search_scope = char(65536 + (rowid >> 40) % 1048576, 65536 + (rowid >> 20) % 1048576, 65536 + rowid % 1048576);

CREATE TRIGGER applications_search_scope AFTER INSERT ON applications BEGIN
    UPDATE applications
       SET search_scope = char(65536 + (NEW.rowid >> 40) % 1048576, 65536 + (NEW.rowid >> 20) % 1048576,
                               65536 + NEW.rowid % 1048576)
     WHERE rowid = NEW.rowid;
END;

-- The index's delete needs the scope it indexed; a cascade would remove the application row
-- before its users, so the users go first.
CREATE TRIGGER applications_delete_users BEFORE DELETE ON applications BEGIN
    DELETE FROM experience_users WHERE application_id = OLD.id;
END;

DROP TRIGGER eu_fts_insert;
DROP TRIGGER eu_fts_delete;
DROP TRIGGER eu_fts_update;
DROP TABLE experience_users_fts;

-- What the index is built from ('rebuild' reads it); the triggers below keep it current.
CREATE VIEW experience_users_search AS
SELECT u.rowid AS user_rowid, u.email, u.first_name, u.last_name, a.search_scope AS scope
  FROM experience_users u JOIN applications a ON a.id = u.application_id;

CREATE VIRTUAL TABLE experience_users_fts USING fts5(
    email, first_name, last_name, scope,
    content = 'experience_users_search', content_rowid = 'user_rowid', tokenize = 'trigram'
);
INSERT INTO experience_users_fts (experience_users_fts) VALUES ('rebuild');

CREATE TRIGGER eu_fts_insert AFTER INSERT ON experience_users BEGIN
    INSERT INTO experience_users_fts (rowid, email, first_name, last_name, scope)
    VALUES (NEW.rowid, NEW.email, NEW.first_name, NEW.last_name,
            (SELECT search_scope FROM applications WHERE id = NEW.application_id));
END;

CREATE TRIGGER eu_fts_delete AFTER DELETE ON experience_users BEGIN
    INSERT INTO experience_users_fts (experience_users_fts, rowid, email, first_name, last_name, scope)
    VALUES ('delete', OLD.rowid, OLD.email, OLD.first_name, OLD.last_name,
            (SELECT search_scope FROM applications WHERE id = OLD.application_id));
END;

CREATE TRIGGER eu_fts_update AFTER UPDATE OF email, first_name, last_name ON experience_users BEGIN
    INSERT INTO experience_users_fts (experience_users_fts, rowid, email, first_name, last_name, scope)
    VALUES ('delete', OLD.rowid, OLD.email, OLD.first_name, OLD.last_name,
            (SELECT search_scope FROM applications WHERE id = OLD.application_id));
    INSERT INTO experience_users_fts (rowid, email, first_name, last_name, scope)
    VALUES (NEW.rowid, NEW.email, NEW.first_name, NEW.last_name,
            (SELECT search_scope FROM applications WHERE id = NEW.application_id));
END;
