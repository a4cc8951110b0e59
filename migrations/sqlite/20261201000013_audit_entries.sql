-- The history of every change administrators (and API tokens) make in an application:
-- appended in the same transaction as the change, never updated; removed only when older than
-- the retention period.
CREATE TABLE audit_entries (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    at             INTEGER NOT NULL,
    -- Who: an administrator's email, or "API token <name>".
    actor          TEXT NOT NULL,
    -- The client address the change came from (empty from a shell).
    address        TEXT NOT NULL,
    -- What: user.create, user.update, user.delete, user.disable, … (see model::audit).
    action         TEXT NOT NULL,
    -- The experience user it is about, if any (kept after the user is deleted).
    user_id        TEXT,
    -- What it is about, in words (the user's email, the token's name, the job's action).
    subject        TEXT NOT NULL,
    -- JSON: [{field, before, after}], a password change without either.
    changes        TEXT NOT NULL
);
-- Keyset pages newest first: the application's, one user's, one actor's, one action's, one
-- actor's of one action (a combination matching nothing would otherwise read all of the actor's).
CREATE INDEX audit_by_time ON audit_entries(application_id, at, id);
CREATE INDEX audit_by_user ON audit_entries(application_id, user_id, at, id) WHERE user_id IS NOT NULL;
CREATE INDEX audit_by_actor ON audit_entries(application_id, actor, at, id);
CREATE INDEX audit_by_action ON audit_entries(application_id, action, at, id);
CREATE INDEX audit_by_actor_action ON audit_entries(application_id, actor, action, at, id);
-- The retention sweep's oldest first, across applications.
CREATE INDEX audit_by_age ON audit_entries(at);

CREATE TRIGGER audit_entries_append_only BEFORE UPDATE ON audit_entries BEGIN
    SELECT RAISE(ABORT, 'audit entries are never changed');
END;
