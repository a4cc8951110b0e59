-- Sorting by last login puts the users who never signed in last in both directions. "Never" is
-- stored as 0, which descending order reads last already; ascending order reads this column,
-- where "never" is the largest value, from indexes of its own (the application's and each view's).
ALTER TABLE experience_users ADD COLUMN login_rank INTEGER
    GENERATED ALWAYS AS (CASE WHEN last_login_at = 0 THEN 9223372036854775807 ELSE last_login_at END) VIRTUAL;
CREATE INDEX eu_login_rank ON experience_users(application_id, login_rank, id);
CREATE INDEX eu_view_login_rank ON experience_users(application_id, in_group, login_rank, id);
