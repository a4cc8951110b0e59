//! Credentials read from request headers, for every door that takes them (admin session
//! cookie, experience tokens, REST API tokens). Written here rather than pulling in a cookie
//! jar: all any caller needs is one named value, never encoding, signing or setting.

use http::{header, HeaderMap};

/// The value of the cookie `name` across every `Cookie` header; empty counts as absent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// The token of an `Authorization: Bearer …` header (scheme in any case); empty counts as absent.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn cookies_by_name_across_headers() {
        let h = headers(&[("cookie", "a=1; b=2"), ("cookie", "c=3; empty=")]);
        assert_eq!(cookie(&h, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&h, "c").as_deref(), Some("3"));
        assert_eq!(cookie(&h, "empty"), None);
        assert_eq!(cookie(&h, "d"), None);
    }

    #[test]
    fn bearer_tokens_only() {
        assert_eq!(bearer(&headers(&[("authorization", "Bearer abc ")])).as_deref(), Some("abc"));
        assert_eq!(bearer(&headers(&[("authorization", "bearer abc")])).as_deref(), Some("abc"));
        assert_eq!(bearer(&headers(&[("authorization", "BEARER abc")])).as_deref(), Some("abc"));
        assert_eq!(bearer(&headers(&[("authorization", "Basic eA==")])), None);
        assert_eq!(bearer(&headers(&[("authorization", "Bearer ")])), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
