//! Millisecond timestamps (the unit of every timestamp column) as text.

use time::format_description::BorrowedFormatItem;

/// `ms` since the Unix epoch in UTC, written with `format`; empty if out of range.
pub fn format_ms(ms: i64, format: &[BorrowedFormatItem<'_>]) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

/// An RFC 3339 date (`2026-11-27T10:00:00.000Z`, any offset) as ms since the epoch.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// A `datetime-local` input's value (`2026-12-01T09:00`, seconds optional), read as UTC (the
/// pages show UTC), as ms since the epoch.
pub fn parse_local_as_utc(text: &str) -> Option<i64> {
    let text = text.trim();
    parse_rfc3339(&format!("{text}{}", if text.len() == 16 { ":00Z" } else { "Z" }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_a_datetime_local_value_as_utc() {
        assert_eq!(super::parse_local_as_utc("1970-01-01T00:01"), Some(60_000));
        assert_eq!(super::parse_local_as_utc("1970-01-01T00:01:30"), Some(90_000));
        assert_eq!(super::parse_local_as_utc("tomorrow"), None);
    }
}
