use serde::{Deserialize, Serialize};

pub const APPLICATION_NAME_MAX_CHARS: usize = 255;

/// An application's name: 1..=255 characters once surrounding whitespace is removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ApplicationName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicationNameError {
    #[error("Enter a name")]
    Empty,
    #[error("Name must be at most {APPLICATION_NAME_MAX_CHARS} characters (this one has {0})")]
    TooLong(usize),
    #[error("Remove the NUL character (\\u0000): no text may hold one")]
    Nul,
}

impl ApplicationName {
    pub fn parse(input: &str) -> Result<Self, ApplicationNameError> {
        let trimmed = input.trim();
        match trimmed.chars().count() {
            0 => Err(ApplicationNameError::Empty),
            n if n > APPLICATION_NAME_MAX_CHARS => Err(ApplicationNameError::TooLong(n)),
            _ if trimmed.contains('\0') => Err(ApplicationNameError::Nul),
            _ => Ok(Self(trimmed.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ApplicationName {
    type Error = ApplicationNameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ApplicationName> for String {
    fn from(value: ApplicationName) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rules() {
        assert_eq!(ApplicationName::parse(" \t"), Err(ApplicationNameError::Empty));
        assert_eq!(ApplicationName::parse(" Farm ").unwrap().as_str(), "Farm");
        assert!(ApplicationName::parse(&"n".repeat(255)).is_ok());
        assert_eq!(ApplicationName::parse(&"n".repeat(256)), Err(ApplicationNameError::TooLong(256)));
        assert_eq!(ApplicationName::parse("Fa\0rm"), Err(ApplicationNameError::Nul));
    }

    proptest! {
        #[test]
        fn parses_or_explains(s in "\\PC{0,300}") {
            let n = s.trim().chars().count();
            match ApplicationName::parse(&s) {
                Ok(name) => { prop_assert!((1..=255).contains(&n)); prop_assert_eq!(name.as_str(), s.trim()); }
                Err(ApplicationNameError::Empty) => prop_assert_eq!(n, 0),
                Err(ApplicationNameError::TooLong(m)) => { prop_assert_eq!(m, n); prop_assert!(n > 255); }
                Err(ApplicationNameError::Nul) => prop_assert!(s.contains('\0')),
            }
        }
    }
}
