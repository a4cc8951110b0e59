use serde::{Deserialize, Serialize};

/// An email is unique within its application; this is what every door says when it is taken.
pub const EMAIL_TAKEN: &str = "A user with this email already exists in this application";

/// Losant's schema caps an email at 1024 characters.
pub const EMAIL_MAX_CHARS: usize = 1024;

/// A syntactically valid email address (RFC 5322 addr-spec, as the `email_address` crate reads it),
/// without surrounding whitespace. Letter case is kept; uniqueness compares it case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an email address")]
    Empty,
    #[error("Email must be at most {EMAIL_MAX_CHARS} characters (this one has {0})")]
    TooLong(usize),
    #[error("Enter a valid email address")]
    Invalid,
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        let chars = trimmed.chars().count();
        if chars == 0 {
            return Err(EmailError::Empty);
        }
        if chars > EMAIL_MAX_CHARS {
            return Err(EmailError::TooLong(chars));
        }
        if trimmed.contains('\0') || !email_address::EmailAddress::is_valid(trimmed) {
            return Err(EmailError::Invalid);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for case-insensitive uniqueness.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses_and_trims() {
        assert_eq!(Email::parse(" Ann@Example.com ").unwrap().as_str(), "Ann@Example.com");
        assert_eq!(Email::parse("Ann@Example.com").unwrap().normalized(), "ann@example.com");
        assert_eq!(Email::parse("\"a\0b\"@example.com"), Err(EmailError::Invalid));
    }

    #[test]
    fn refuses_with_precise_messages() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        assert_eq!(Email::parse("not-an-email"), Err(EmailError::Invalid));
        assert_eq!(Email::parse("a@"), Err(EmailError::Invalid));
        assert_eq!(Email::parse("a b@example.com"), Err(EmailError::Invalid));
        assert_eq!(EmailError::Invalid.to_string(), "Enter a valid email address");
        let long = format!("{}@example.com", "a".repeat(1020));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong(1032)));
    }

    proptest! {
        #[test]
        fn every_string_parses_or_gets_a_message(s in ".{0,80}") {
            match Email::parse(&s) {
                Ok(e) => {
                    prop_assert_eq!(e.as_str(), s.trim());
                    prop_assert!(e.as_str().contains('@'));
                }
                Err(err) => prop_assert!(!err.to_string().is_empty()),
            }
        }

        #[test]
        fn simple_addresses_parse(local in "[a-z0-9._%+-]{1,20}", domain in "[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?\\.[a-z]{2,6}") {
            prop_assume!(!local.starts_with('.') && !local.ends_with('.') && !local.contains(".."));
            let s = format!("{local}@{domain}");
            prop_assert!(Email::parse(&s).is_ok(), "{} should parse", s);
        }

        #[test]
        fn roundtrips_through_serde(local in "[a-z]{1,10}", domain in "[a-z]{1,10}\\.com") {
            let e = Email::parse(&format!("{local}@{domain}")).unwrap();
            let json = serde_json::to_string(&e).unwrap();
            prop_assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), e);
        }
    }

    #[test]
    fn deserializing_validates() {
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }
}
