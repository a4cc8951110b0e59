use serde::{Deserialize, Serialize};

pub const GROUP_NAME_MAX_CHARS: usize = 255;
pub const GROUP_DESCRIPTION_MAX_CHARS: usize = 32767;

/// An experience group's name: 1..=255 characters once surrounding whitespace is removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupName(String);

/// An experience group's description: at most 32767 characters, kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDescription(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("Enter a name")]
    EmptyName,
    #[error("Name must be at most {GROUP_NAME_MAX_CHARS} characters (this one has {0})")]
    NameTooLong(usize),
    #[error("Description must be at most {GROUP_DESCRIPTION_MAX_CHARS} characters (this one has {0})")]
    DescriptionTooLong(usize),
}

impl GroupName {
    pub fn parse(input: &str) -> Result<Self, GroupError> {
        let trimmed = input.trim();
        match trimmed.chars().count() {
            0 => Err(GroupError::EmptyName),
            n if n > GROUP_NAME_MAX_CHARS => Err(GroupError::NameTooLong(n)),
            _ => Ok(Self(trimmed.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl GroupDescription {
    pub fn parse(input: &str) -> Result<Self, GroupError> {
        match input.chars().count() {
            n if n > GROUP_DESCRIPTION_MAX_CHARS => Err(GroupError::DescriptionTooLong(n)),
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
        assert_eq!(GroupName::parse("  "), Err(GroupError::EmptyName));
        assert_eq!(GroupName::parse(" Barn ").unwrap().as_str(), "Barn");
        assert_eq!(GroupName::parse(&"g".repeat(256)), Err(GroupError::NameTooLong(256)));
        assert!(GroupDescription::parse("").is_ok());
        assert!(GroupDescription::parse(&"d".repeat(32767)).is_ok());
        assert_eq!(GroupDescription::parse(&"d".repeat(32768)), Err(GroupError::DescriptionTooLong(32768)));
    }
}
