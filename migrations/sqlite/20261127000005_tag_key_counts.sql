-- How many users of each application use each tag key, kept by triggers, so suggesting keys
-- while someone types is one short index range however many users there are.

CREATE TABLE tag_key_counts (
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    users          INTEGER NOT NULL,
    PRIMARY KEY (application_id, key)
) STRICT, WITHOUT ROWID;

INSERT INTO tag_key_counts (application_id, key, users)
SELECT u.application_id, t.key, COUNT(*) FROM experience_user_tags t JOIN experience_users u ON u.id = t.user_id
GROUP BY u.application_id, t.key;

CREATE TRIGGER eut_count_insert AFTER INSERT ON experience_user_tags BEGIN
    INSERT INTO tag_key_counts (application_id, key, users)
    SELECT application_id, NEW.key, 1 FROM experience_users WHERE id = NEW.user_id
    ON CONFLICT (application_id, key) DO UPDATE SET users = users + 1;
END;

-- A tag removed from a user that still exists. (A deleted user's tags are counted down
-- before the user row goes, below, because the cascade runs after it is gone.)
CREATE TRIGGER eut_count_delete AFTER DELETE ON experience_user_tags BEGIN
    UPDATE tag_key_counts SET users = users - 1
     WHERE key = OLD.key AND application_id = (SELECT application_id FROM experience_users WHERE id = OLD.user_id);
    DELETE FROM tag_key_counts WHERE users <= 0;
END;

CREATE TRIGGER eu_tag_counts_delete BEFORE DELETE ON experience_users BEGIN
    UPDATE tag_key_counts SET users = users - 1
     WHERE application_id = OLD.application_id
       AND key IN (SELECT key FROM experience_user_tags WHERE user_id = OLD.id);
    DELETE FROM tag_key_counts WHERE application_id = OLD.application_id AND users <= 0;
END;
