use serde::{Deserialize, Serialize};

pub const PERSON_NAME_MAX_CHARS: usize = 1024;

/// A first or last name: may be blank, at most 1024 characters, kept verbatim apart from
/// surrounding whitespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonNameError {
    #[error("Must be at most {PERSON_NAME_MAX_CHARS} characters (this one has {0})")]
    TooLong(usize),
    #[error("Remove the NUL character (\\u0000): no text may hold one")]
    Nul,
}

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, PersonNameError> {
        let trimmed = input.trim();
        let chars = trimmed.chars().count();
        if chars > PERSON_NAME_MAX_CHARS {
            return Err(PersonNameError::TooLong(chars));
        }
        if trimmed.contains('\0') {
            return Err(PersonNameError::Nul);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = PersonNameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PersonName> for String {
    fn from(value: PersonName) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn blank_is_fine_and_the_limit_is_exact() {
        assert_eq!(PersonName::parse("  ").unwrap().as_str(), "");
        assert!(PersonName::parse(&"é".repeat(1024)).is_ok());
        assert_eq!(PersonName::parse(&"a".repeat(1025)), Err(PersonNameError::TooLong(1025)));
        assert_eq!(PersonName::parse("A\0nn"), Err(PersonNameError::Nul));
        assert_eq!(PersonNameError::TooLong(1025).to_string(), "Must be at most 1024 characters (this one has 1025)");
    }

    proptest! {
        #[test]
        fn keeps_text_verbatim(s in "\\PC{0,100}") {
            let name = PersonName::parse(&s).unwrap();
            prop_assert_eq!(name.as_str(), s.trim());
        }
    }
}
