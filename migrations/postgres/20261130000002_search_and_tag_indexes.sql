-- Substring search indexes hold the text alone. Led by the application (btree_gin), every
-- search also walked the application's posting list, as long as the application: 17–42 ms for
-- a one-user match among 10^6 users of one application, against 1–13 ms without it. The
-- application is checked on the few rows a rare text finds; a common text is read through the
-- sort index instead: the planner's choice, which rests on how common it estimates the text.
-- With the default 100-entry statistics a text on 2 % of the users was taken for a rare one
-- (a first page of `*example7*` cost 112 ms through the trigram index instead of 2.5 ms
-- through the sort index): 1,000 entries see it.
DROP INDEX eu_search_email;
DROP INDEX eu_search_first;
DROP INDEX eu_search_last;
CREATE INDEX eu_search_email ON experience_users USING gin (email_normalized gin_trgm_ops);
CREATE INDEX eu_search_first ON experience_users USING gin (first_name_key gin_trgm_ops);
CREATE INDEX eu_search_last  ON experience_users USING gin (last_name_key gin_trgm_ops);
DROP EXTENSION IF EXISTS btree_gin;
ALTER TABLE experience_users
    ALTER COLUMN email_normalized SET STATISTICS 1000,
    ALTER COLUMN first_name_key SET STATISTICS 1000,
    ALTER COLUMN last_name_key SET STATISTICS 1000;
ANALYZE experience_users;

-- A filtered tag's users read from the index alone (user_list hashes up to 15,000 of them).
DROP INDEX eut_key;
CREATE INDEX eut_key ON experience_user_tags(key, value, user_id);
