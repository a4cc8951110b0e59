//! Administrator sessions: a random 256-bit token in an HttpOnly cookie; only its SHA-256
//! is stored, so a copy of the database does not hand out live sessions.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use http::HeaderMap;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "eu_session";
pub const SESSION_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// The signed-in administrator, put in the request's extensions by the session middleware.
#[derive(Debug, Clone)]
pub struct CurrentAdmin {
    pub id: String,
    pub email: String,
    pub token_hash: String,
}

/// A fresh token and the hash to store for it.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// `Secure` is added when the request came through HTTPS (directly or via a proxy that says so).
pub fn set_cookie(token: &str, secure: bool) -> String {
    let max_age = SESSION_LIFETIME_MS / 1000;
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

pub fn is_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The session token from the `Cookie` header(s), if any.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    super::headers::cookie(headers, SESSION_COOKIE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_hashed() {
        let (token, hash) = new_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap().len(), 32);
        assert_eq!(hash, hash_token(&token));
        assert_ne!(hash, token);
    }

    #[test]
    fn cookie_attributes() {
        let c = set_cookie("abc", false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && !c.contains("Secure"));
        assert!(set_cookie("abc", true).ends_with("; Secure"));
    }

    #[test]
    fn reads_the_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::COOKIE, "a=1; eu_session=tok; b=2".parse().unwrap());
        assert_eq!(token_from_headers(&headers).as_deref(), Some("tok"));
        headers.insert(http::header::COOKIE, "eu_session=".parse().unwrap());
        assert_eq!(token_from_headers(&headers), None);
    }
}
