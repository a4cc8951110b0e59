use serde::{Deserialize, Serialize};

pub const TAG_MAX_CHARS: usize = 255;

/// A tag key: 1..=255 of `A-Z a-z 0-9 _ -` (users', devices' and groups' tags alike).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TagKey(String);

/// A tag value: 1..=255 characters of any text, kept exactly as given (never trimmed,
/// never interpreted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TagValue(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    #[error("Enter a key")]
    EmptyKey,
    #[error("Key must be at most {TAG_MAX_CHARS} characters (this one has {0})")]
    KeyTooLong(usize),
    #[error("Key may only hold letters, digits, _ and - (not '{}')", .0.escape_debug())]
    KeyCharacter(char),
    #[error("Enter a value")]
    EmptyValue,
    #[error("Value must be at most {TAG_MAX_CHARS} characters (this one has {0})")]
    ValueTooLong(usize),
    #[error("The key \"{}\" is used twice; each key holds one value", .0.escape_debug())]
    DuplicateKey(String),
    #[error("Remove the NUL character (\\u0000): no text may hold one")]
    Nul,
}

impl TagKey {
    pub fn parse(input: &str) -> Result<Self, TagError> {
        if let Some(c) = input.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-')) {
            return Err(TagError::KeyCharacter(c));
        }
        match input.len() {
            0 => Err(TagError::EmptyKey),
            n if n > TAG_MAX_CHARS => Err(TagError::KeyTooLong(n)),
            _ => Ok(Self(input.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TagValue {
    pub fn parse(input: &str) -> Result<Self, TagError> {
        match input.chars().count() {
            0 => Err(TagError::EmptyValue),
            n if n > TAG_MAX_CHARS => Err(TagError::ValueTooLong(n)),
            _ if input.contains('\0') => Err(TagError::Nul),
            _ => Ok(Self(input.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A problem with one row of a tag set: the row's index and what is wrong.
pub type RowError = (usize, TagError);

/// Checks a whole set of `(key, value)` rows: each valid, no key twice. Errors name the row.
pub fn parse_tags<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<(TagKey, TagValue)>, Vec<RowError>> {
    let mut tags: Vec<(TagKey, TagValue)> = Vec::new();
    let mut errors = Vec::new();
    for (row, (key, value)) in rows.into_iter().enumerate() {
        match (TagKey::parse(key), TagValue::parse(value)) {
            (Ok(key), _) if tags.iter().any(|(k, _)| *k == key) => {
                errors.push((row, TagError::DuplicateKey(key.0)));
            }
            (Ok(key), Ok(value)) => tags.push((key, value)),
            (Err(e), _) | (_, Err(e)) => errors.push((row, e)),
        }
    }
    if errors.is_empty() {
        Ok(tags)
    } else {
        Err(errors)
    }
}

/// `parse_tags` for rows held as strings, its problems as the one field message every door
/// shows: "Tag 2: …; Tag 3: …" (rows counted from 1). `None` when every row is valid.
pub fn tag_problems(rows: &[(String, String)]) -> Option<String> {
    let problems = parse_tags(rows.iter().map(|(k, v)| (k.as_str(), v.as_str()))).err()?;
    Some(problems.iter().map(|(row, e)| format!("Tag {}: {e}", row + 1)).collect::<Vec<_>>().join("; "))
}

/// The `[[key, value], …]` JSON the tag editor sends (empty text = no rows); `None` if unreadable.
pub fn tag_rows_from_json(json: &str) -> Option<Vec<(String, String)>> {
    serde_json::from_str(if json.is_empty() { "[]" } else { json }).ok()
}

macro_rules! string_conversions {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = TagError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$t> for String {
            fn from(value: $t) -> Self {
                value.0
            }
        }
    };
}
string_conversions!(TagKey);
string_conversions!(TagValue);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_and_values() {
        assert!(TagKey::parse("floor_2-b").is_ok());
        assert_eq!(TagKey::parse("has space"), Err(TagError::KeyCharacter(' ')));
        assert_eq!(TagKey::parse(""), Err(TagError::EmptyKey));
        assert_eq!(TagKey::parse(&"k".repeat(256)), Err(TagError::KeyTooLong(256)));
        assert_eq!(
            TagValue::parse("<script>alert('x')</script> 🌱").unwrap().as_str(),
            "<script>alert('x')</script> 🌱"
        );
        assert_eq!(TagValue::parse(""), Err(TagError::EmptyValue));
        assert_eq!(TagValue::parse(&"é".repeat(256)), Err(TagError::ValueTooLong(256)));
        assert!(TagValue::parse(&"é".repeat(255)).is_ok());
        assert_eq!(TagValue::parse("a\0"), Err(TagError::Nul));
    }

    #[test]
    fn a_key_twice_is_an_error_on_the_second_row() {
        let errors = parse_tags([("a", "1"), ("b", "2"), ("a", "3")]).unwrap_err();
        assert_eq!(errors, vec![(2, TagError::DuplicateKey("a".into()))]);
    }

    #[test]
    fn problems_name_their_rows_from_one_and_json_rows_decode() {
        let rows = tag_rows_from_json(r#"[["ok","1"],["bad key","2"],["ok","3"]]"#).unwrap();
        assert_eq!(
            tag_problems(&rows).as_deref(),
            Some("Tag 2: Key may only hold letters, digits, _ and - (not ' '); Tag 3: The key \"ok\" is used twice; each key holds one value")
        );
        assert_eq!(tag_problems(&rows[..1]), None);
        assert_eq!(tag_rows_from_json(""), Some(Vec::new()));
        assert_eq!(tag_rows_from_json("{"), None);
    }

    proptest! {
        #[test]
        fn keys_follow_the_pattern(s in "\\PC{0,300}") {
            let expected = (1..=255).contains(&s.len())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            prop_assert_eq!(TagKey::parse(&s).is_ok(), expected);
        }
    }
}
