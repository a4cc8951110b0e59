use rand::RngCore;

/// A new 24-character lowercase hex id (96 random bits), the shape Losant's clients expect.
pub fn new_id() -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// True for strings shaped like our ids; anything else cannot name a row.
pub fn is_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_lowercase_hex_and_distinct() {
        let a = new_id();
        assert!(is_id(&a), "{a}");
        assert_ne!(a, new_id());
        assert!(!is_id("ABCDEFABCDEFABCDEFABCDEF"));
        assert!(!is_id("abc"));
    }
}
