//! Millisecond timestamps (the unit of every timestamp column) as text.

use time::format_description::BorrowedFormatItem;

/// `ms` since the Unix epoch in UTC, written with `format`; empty if out of range.
pub fn format_ms(ms: i64, format: &[BorrowedFormatItem<'_>]) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}
