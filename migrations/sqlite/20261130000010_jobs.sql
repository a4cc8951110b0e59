-- Long work an administrator starts (imports; bulk actions next): its progress and outcome
-- kept where every instance reads them, so a reload, or a page served by another instance,
-- shows the same job.
CREATE TABLE jobs (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    -- Who started it: an administrator's email.
    started_by     TEXT NOT NULL,
    -- 'running', 'done' or 'failed'.
    state          TEXT NOT NULL,
    -- JSON: what it does now ({phase, done, total}).
    progress       TEXT NOT NULL,
    -- JSON: its report when done, its error when failed.
    outcome        TEXT,
    created_at     INTEGER NOT NULL,
    -- Moved by the running job every few seconds: a running job whose heartbeat stopped
    -- was cut off by its server's end.
    updated_at     INTEGER NOT NULL
);
CREATE INDEX jobs_application ON jobs(application_id, kind, created_at);
