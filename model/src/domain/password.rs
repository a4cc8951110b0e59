pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 2048;

/// A password that meets the length rules. Deliberately neither `Serialize` nor `Debug`-printing
/// its contents, so it cannot end up in a log or a response by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Enter a password")]
    Empty,
    #[error("Password must be at least {PASSWORD_MIN_CHARS} characters (this one has {0})")]
    TooShort(usize),
    #[error("Password must be at most {PASSWORD_MAX_CHARS} characters (this one has {0})")]
    TooLong(usize),
}

impl Password {
    /// Passwords are taken exactly as typed: spaces count, nothing is trimmed.
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        let chars = input.chars().count();
        match chars {
            0 => Err(PasswordError::Empty),
            n if n < PASSWORD_MIN_CHARS => Err(PasswordError::TooShort(n)),
            n if n > PASSWORD_MAX_CHARS => Err(PasswordError::TooLong(n)),
            _ => Ok(Self(input.to_owned())),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn length_rules() {
        assert_eq!(Password::parse(""), Err(PasswordError::Empty));
        assert_eq!(Password::parse("1234567"), Err(PasswordError::TooShort(7)));
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"x".repeat(2048)).is_ok());
        assert_eq!(Password::parse(&"x".repeat(2049)), Err(PasswordError::TooLong(2049)));
        assert_eq!(PasswordError::TooShort(7).to_string(), "Password must be at least 8 characters (this one has 7)");
    }

    #[test]
    fn debug_hides_the_secret() {
        let p = Password::parse("hunter22secret").unwrap();
        assert!(!format!("{p:?}").contains("hunter"));
    }

    proptest! {
        #[test]
        fn parses_exactly_when_length_fits(s in "\\PC{0,40}") {
            let n = s.chars().count();
            let ok = (PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&n);
            prop_assert_eq!(Password::parse(&s).is_ok(), ok);
            if let Ok(p) = Password::parse(&s) { prop_assert_eq!(p.expose(), s.as_str()); }
        }
    }
}
