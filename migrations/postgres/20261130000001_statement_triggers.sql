-- The counters' triggers, per statement instead of per row. A row-level trigger that updates
-- one row (the application's counters, a tag key's count) once per changed row makes one
-- statement that changes many rows quadratic on PostgreSQL: each update adds a version of the
-- same row, and the next update walks the chain of versions to the latest. 400,000 memberships
-- added in one statement did not finish in 8 minutes; per statement, each counter row is
-- updated once with the statement's sum (transition tables).

DROP TRIGGER eu_counts ON experience_users;
DROP FUNCTION eu_counts();

CREATE FUNCTION eu_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE applications a
       SET user_count = a.user_count + d.users, grouped_user_count = a.grouped_user_count + d.grouped
      FROM (SELECT application_id, COUNT(*) AS users, SUM(in_group) AS grouped
              FROM new_rows GROUP BY application_id) d
     WHERE a.id = d.application_id;
    RETURN NULL;
END $$;
CREATE TRIGGER eu_counts_insert AFTER INSERT ON experience_users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION eu_counts_insert();

CREATE FUNCTION eu_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE applications a
       SET user_count = a.user_count - d.users, grouped_user_count = a.grouped_user_count - d.grouped
      FROM (SELECT application_id, COUNT(*) AS users, SUM(in_group) AS grouped
              FROM old_rows GROUP BY application_id) d
     WHERE a.id = d.application_id;
    RETURN NULL;
END $$;
CREATE TRIGGER eu_counts_delete AFTER DELETE ON experience_users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION eu_counts_delete();

-- Every update of users runs this (a trigger with transition tables cannot name columns);
-- the application's row is written only when some user's in_group changed.
CREATE FUNCTION eu_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE applications a
       SET grouped_user_count = a.grouped_user_count + d.change
      FROM (SELECT n.application_id, SUM(n.in_group - o.in_group) AS change
              FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE n.in_group <> o.in_group
             GROUP BY n.application_id) d
     WHERE a.id = d.application_id AND d.change <> 0;
    RETURN NULL;
END $$;
CREATE TRIGGER eu_counts_update AFTER UPDATE ON experience_users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION eu_counts_update();

-- in_group follows the memberships, one update of the users per statement.
DROP TRIGGER egm_in_group ON experience_group_members;
DROP FUNCTION egm_in_group();

CREATE FUNCTION egm_in_group_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE experience_users SET in_group = 1
     WHERE id IN (SELECT user_id FROM new_rows) AND in_group = 0;
    RETURN NULL;
END $$;
CREATE TRIGGER egm_in_group_insert AFTER INSERT ON experience_group_members
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION egm_in_group_insert();

CREATE FUNCTION egm_in_group_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE experience_users u SET in_group = 0
     WHERE u.id IN (SELECT user_id FROM old_rows) AND u.in_group = 1
       AND NOT EXISTS (SELECT 1 FROM experience_group_members m WHERE m.user_id = u.id);
    RETURN NULL;
END $$;
CREATE TRIGGER egm_in_group_delete AFTER DELETE ON experience_group_members
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION egm_in_group_delete();

-- Tag key counts, one update per (application, key) per statement. Tags deleted with their
-- user are counted down by eu_tag_counts_delete (before the user row goes): here their user
-- is gone, the join finds nothing, and nothing is counted twice.
DROP TRIGGER eut_counts ON experience_user_tags;
DROP FUNCTION eut_counts();

CREATE FUNCTION eut_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tag_key_counts (application_id, key, users)
    SELECT u.application_id, n.key, COUNT(*) FROM new_rows n JOIN experience_users u ON u.id = n.user_id
     GROUP BY u.application_id, n.key
    ON CONFLICT (application_id, key) DO UPDATE SET users = tag_key_counts.users + EXCLUDED.users;
    RETURN NULL;
END $$;
CREATE TRIGGER eut_counts_insert AFTER INSERT ON experience_user_tags
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION eut_counts_insert();

CREATE FUNCTION eut_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tag_key_counts c SET users = c.users - d.users
      FROM (SELECT u.application_id, o.key, COUNT(*) AS users
              FROM old_rows o JOIN experience_users u ON u.id = o.user_id
             GROUP BY u.application_id, o.key) d
     WHERE c.application_id = d.application_id AND c.key = d.key;
    DELETE FROM tag_key_counts WHERE users <= 0;
    RETURN NULL;
END $$;
CREATE TRIGGER eut_counts_delete AFTER DELETE ON experience_user_tags
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION eut_counts_delete();

-- An application's deletion takes its tag key counts with it (foreign key): counting its
-- users' tags down one by one first would be the quadratic case again.
CREATE OR REPLACE FUNCTION eu_tag_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM applications WHERE id = OLD.application_id) THEN
        RETURN OLD;
    END IF;
    UPDATE tag_key_counts SET users = users - 1
     WHERE application_id = OLD.application_id
       AND key IN (SELECT key FROM experience_user_tags WHERE user_id = OLD.id);
    DELETE FROM tag_key_counts WHERE application_id = OLD.application_id AND users <= 0;
    RETURN OLD;
END $$;
