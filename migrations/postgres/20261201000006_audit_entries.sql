-- The history of every change administrators (and API tokens) make in an application:
-- appended in the same transaction as the change, never updated; removed only when older than
-- the retention period. (The SQLite migration of the same name says more.)
CREATE TABLE audit_entries (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    address        TEXT NOT NULL,
    action         TEXT NOT NULL,
    user_id        TEXT,
    subject        TEXT NOT NULL,
    changes        TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit_entries(application_id, at, id);
CREATE INDEX audit_by_user ON audit_entries(application_id, user_id, at, id) WHERE user_id IS NOT NULL;
CREATE INDEX audit_by_actor ON audit_entries(application_id, actor, at, id);
CREATE INDEX audit_by_action ON audit_entries(application_id, action, at, id);
CREATE INDEX audit_by_actor_action ON audit_entries(application_id, actor, action, at, id);
CREATE INDEX audit_by_age ON audit_entries(at);

CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are never changed';
END;
$$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
