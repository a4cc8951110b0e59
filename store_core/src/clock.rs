/// Milliseconds since the Unix epoch: the unit every timestamp column holds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A millisecond timestamp as RFC 3339 UTC with milliseconds (`2026-11-27T10:06:01.250Z`).
pub fn rfc3339(ms: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    model::timestamps::format_ms(ms, format)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_keeps_milliseconds() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::rfc3339(1_795_000_000_123), "2026-11-18T11:06:40.123Z");
    }
}

/// Milliseconds since the epoch from an RFC 3339 timestamp (`2026-11-27T10:06:01.250Z`).
pub use model::timestamps::parse_rfc3339;

#[cfg(test)]
mod parse_tests {
    #[test]
    fn parses_what_rfc3339_formats() {
        assert_eq!(super::parse_rfc3339("2026-11-18T11:06:40.123Z"), Some(1_795_000_000_123));
        assert_eq!(super::parse_rfc3339("2026-11-18T12:06:40.123+01:00"), Some(1_795_000_000_123));
        assert_eq!(super::parse_rfc3339("yesterday"), None);
    }
}
