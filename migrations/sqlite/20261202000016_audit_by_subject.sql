-- The history of one user by the email the entries named them with: a deleted user's, or a
-- user's under an earlier email (emails compared without case, as the application does).
CREATE INDEX audit_by_subject ON audit_entries(application_id, lower(subject), at, id);
