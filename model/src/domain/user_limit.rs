use serde::{Deserialize, Serialize};

/// The most experience users an application may hold. Absent means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserLimit(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserLimitError {
    #[error("Enter a whole number of users from 1 to {max}, or leave it blank for no limit", max = u32::MAX)]
    NotAWholeNumber,
}

impl UserLimit {
    /// Blank input means "no limit".
    pub fn parse(input: &str) -> Result<Option<Self>, UserLimitError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        match trimmed.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(Some(Self(n))),
            _ => Err(UserLimitError::NotAWholeNumber),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rules() {
        assert_eq!(UserLimit::parse(""), Ok(None));
        assert_eq!(UserLimit::parse(" 25 ").unwrap().unwrap().get(), 25);
        assert_eq!(UserLimit::parse("0"), Err(UserLimitError::NotAWholeNumber));
        assert_eq!(UserLimit::parse("-3"), Err(UserLimitError::NotAWholeNumber));
        assert_eq!(UserLimit::parse("2.5"), Err(UserLimitError::NotAWholeNumber));
    }

    proptest! {
        #[test]
        fn positive_numbers_roundtrip(n in 1u32..) {
            prop_assert_eq!(UserLimit::parse(&n.to_string()).unwrap().unwrap().get(), n);
        }
    }
}
