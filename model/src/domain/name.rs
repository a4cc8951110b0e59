use serde::{Deserialize, Serialize};

pub const NAME_MAX_CHARS: usize = 255;
pub const DESCRIPTION_MAX_CHARS: usize = 32767;

/// A group's, device's or API token's name: 1..=255 characters once surrounding whitespace is removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name(String);

/// A group's or device's description: at most 32767 characters, kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Description(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("Enter a name")]
    EmptyName,
    #[error("Name must be at most {NAME_MAX_CHARS} characters (this one has {0})")]
    NameTooLong(usize),
    #[error("Description must be at most {DESCRIPTION_MAX_CHARS} characters (this one has {0})")]
    DescriptionTooLong(usize),
    #[error("Remove the NUL character (\\u0000): no text may hold one")]
    Nul,
}

impl Name {
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let trimmed = input.trim();
        match trimmed.chars().count() {
            0 => Err(NameError::EmptyName),
            n if n > NAME_MAX_CHARS => Err(NameError::NameTooLong(n)),
            _ if trimmed.contains('\0') => Err(NameError::Nul),
            _ => Ok(Self(trimmed.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Description {
    pub fn parse(input: &str) -> Result<Self, NameError> {
        match input.chars().count() {
            n if n > DESCRIPTION_MAX_CHARS => Err(NameError::DescriptionTooLong(n)),
            _ if input.contains('\0') => Err(NameError::Nul),
            _ => Ok(Self(input.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(Name::parse("  "), Err(NameError::EmptyName));
        assert_eq!(Name::parse(" Barn ").unwrap().as_str(), "Barn");
        assert_eq!(Name::parse(&"g".repeat(256)), Err(NameError::NameTooLong(256)));
        assert!(Description::parse("").is_ok());
        assert!(Description::parse(&"d".repeat(32767)).is_ok());
        assert_eq!(Description::parse(&"d".repeat(32768)), Err(NameError::DescriptionTooLong(32768)));
        assert_eq!(Name::parse("Ba\0rn"), Err(NameError::Nul));
        assert_eq!(Description::parse("\0"), Err(NameError::Nul));
    }
}
