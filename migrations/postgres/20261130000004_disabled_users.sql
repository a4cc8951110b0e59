-- A disabled user cannot sign in and their tokens are refused, until this instant (ms);
-- 9223372036854775807 until enabled again; NULL: not disabled. Passwords, groups and tags stay.
ALTER TABLE experience_users ADD COLUMN disabled_until BIGINT;
