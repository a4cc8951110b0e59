-- The few disabled users of an application, for the list's "Disabled" filter.
CREATE INDEX experience_users_disabled ON experience_users(application_id, disabled_until)
    WHERE disabled_until IS NOT NULL;
