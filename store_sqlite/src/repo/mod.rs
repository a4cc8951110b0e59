//! SQL, one module per aggregate. Functions take a connection (or transaction) so the caller
//! decides the transaction's scope.

/// Deletes up to `SWEEP_BATCH` rows of `$table` (keyed by `token_hash`) whose `expires_at` is
/// at most `now`: a bounded write however many expired at once. `$skip_locked` is PostgreSQL's
/// `FOR UPDATE SKIP LOCKED`, so instances sweeping at once skip each other's rows instead of
/// waiting for them.
macro_rules! sweep_expired {
    ($table:tt, $skip_locked:tt, $now:expr) => {
        sqlx::query!(
            "DELETE FROM "
                + $table
                + " WHERE token_hash IN (SELECT token_hash FROM "
                + $table
                + " WHERE expires_at <= $1 LIMIT $2 "
                + $skip_locked
                + ")",
            $now,
            crate::records::SWEEP_BATCH
        )
    };
}

pub mod admins;
pub mod api_tokens;
pub mod applications;
pub mod audit;
pub mod devices;
pub mod experience_tokens;
pub mod groups;
pub mod jobs;
pub mod memberships;
pub mod sessions;
pub mod sign_in_failures;
pub mod user_bulk;
pub mod user_filter_sql;
pub mod user_list;
pub mod user_tags;
pub mod users;
