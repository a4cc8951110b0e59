-- Sorting by last login puts the users who never signed in last in both directions (see the
-- SQLite migration of the same name).
ALTER TABLE experience_users ADD COLUMN login_rank BIGINT
    GENERATED ALWAYS AS (CASE WHEN last_login_at = 0 THEN 9223372036854775807 ELSE last_login_at END) STORED;
CREATE INDEX eu_login_rank ON experience_users(application_id, login_rank, id);
CREATE INDEX eu_view_login_rank ON experience_users(application_id, in_group, login_rank, id);
