//! Which address a request came from, for per-address sign-in limits.

use axum::extract::ConnectInfo;
use http::{Extensions, HeaderMap};
use std::net::{IpAddr, SocketAddr};

/// The peer address of the connection, or, behind a proxy the operator trusts
/// (`TRUST_FORWARDED_FOR=1`), the first address of `X-Forwarded-For`. Without either (a
/// request built in a test) it is 0.0.0.0, so such requests share one allowance.
pub fn of(extensions: &Extensions, headers: &HeaderMap, trust_forwarded_for: bool) -> IpAddr {
    if trust_forwarded_for {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_counts_only_when_trusted() {
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 9], 4000))));
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.7, 10.0.0.1".parse().unwrap());
        assert_eq!(of(&extensions, &headers, false), IpAddr::from([10, 0, 0, 9]));
        assert_eq!(of(&extensions, &headers, true), IpAddr::from([203, 0, 113, 7]));
        assert_eq!(of(&Extensions::new(), &HeaderMap::new(), true), IpAddr::from([0, 0, 0, 0]));
    }
}
