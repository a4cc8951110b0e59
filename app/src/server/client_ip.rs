//! Which address a request came from, for per-address sign-in limits.

use axum::extract::ConnectInfo;
use http::{Extensions, HeaderMap};
use std::net::{IpAddr, SocketAddr};

/// The client's address. With no trusted proxy (`proxy_hops == 0`) it is the connection's
/// peer. Behind `proxy_hops` proxies that each append the address they saw to
/// `X-Forwarded-For`, it is the entry the outermost of them added: `proxy_hops` from the right.
/// Entries left of it were written by the client and could name anyone, so they are never
/// read. A header shorter than the chain (a request that bypassed a proxy) falls back to the
/// peer; without a peer either (a request built in a test) it is 0.0.0.0.
///
/// Written here, not taken from `axum-client-ip`: that crate takes the rightmost entry only,
/// and a deployment with two proxies needs the second from the right.
pub fn of(extensions: &Extensions, headers: &HeaderMap, proxy_hops: usize) -> IpAddr {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if proxy_hops == 0 {
        return peer;
    }
    // Several X-Forwarded-For headers form one list, in order.
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    entries.len().checked_sub(proxy_hops).and_then(|i| entries[i].parse().ok()).unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_peer() -> Extensions {
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 9], 4000))));
        extensions
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn without_a_trusted_proxy_the_peer_is_the_client() {
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(of(&from_peer(), &headers, 0), IpAddr::from([10, 0, 0, 9]));
        assert_eq!(of(&Extensions::new(), &HeaderMap::new(), 1), IpAddr::from([0, 0, 0, 0]));
    }

    #[test]
    fn a_client_cannot_choose_its_address_by_sending_the_header_itself() {
        // The client sent "203.0.113.7"; our one proxy appended the address it saw.
        let headers = forwarded(&["203.0.113.7, 198.51.100.4"]);
        assert_eq!(of(&from_peer(), &headers, 1), IpAddr::from([198, 51, 100, 4]));
        // The same across several header lines.
        let headers = forwarded(&["203.0.113.7", "198.51.100.4"]);
        assert_eq!(of(&from_peer(), &headers, 1), IpAddr::from([198, 51, 100, 4]));
    }

    #[test]
    fn behind_two_proxies_the_outer_ones_entry_counts() {
        // client -> proxy A (appends the client) -> proxy B (appends A) -> us
        let headers = forwarded(&["1.2.3.4, 198.51.100.4, 10.0.0.2"]);
        assert_eq!(of(&from_peer(), &headers, 2), IpAddr::from([198, 51, 100, 4]));
    }

    #[test]
    fn a_header_shorter_than_the_chain_or_unreadable_falls_back_to_the_peer() {
        assert_eq!(of(&from_peer(), &forwarded(&["198.51.100.4"]), 2), IpAddr::from([10, 0, 0, 9]));
        assert_eq!(of(&from_peer(), &forwarded(&["not-an-address"]), 1), IpAddr::from([10, 0, 0, 9]));
        assert_eq!(of(&from_peer(), &HeaderMap::new(), 1), IpAddr::from([10, 0, 0, 9]));
    }
}
