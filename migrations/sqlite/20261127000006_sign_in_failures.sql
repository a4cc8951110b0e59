-- Failed sign-ins, shared by every server instance (the limits hold across all of them).
-- Per key (account, or account and client address), the GCRA "theoretical arrival time" in
-- ms: each failure pushes it one interval later; the key is locked while it lies more than a
-- burst ahead. A time already passed means full allowance, the same as no row, so such rows
-- are deleted as failures come in.
CREATE TABLE sign_in_failures (
    key    TEXT PRIMARY KEY NOT NULL,
    tat_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sign_in_failures_tat ON sign_in_failures(tat_ms);
