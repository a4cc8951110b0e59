//! An experience user's fields checked together: the add / edit form runs these in the
//! browser while typing, and every door runs them again on the server.

use super::{Email, Password, PersonName};
use crate::error::FieldErrors;

/// A user form that passed every rule. `password` is `None` when it is left unchanged.
#[derive(Debug, Clone)]
pub struct ValidUser {
    pub email: Email,
    pub password: Option<Password>,
    pub first_name: PersonName,
    pub last_name: PersonName,
}

/// Checks all fields at once so every problem is reported together. `password` is `None`
/// when the form does not set one (editing without "Change password?").
pub fn validate_user(
    email: &str,
    password: Option<&str>,
    first_name: &str,
    last_name: &str,
) -> Result<ValidUser, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut note = |field: &str, message: String| {
        errors.insert(field.to_owned(), message);
    };
    let email = Email::parse(email).map_err(|e| note("email", e.to_string()));
    let password = password.map(Password::parse).transpose().map_err(|e| note("password", e.to_string()));
    let first_name = PersonName::parse(first_name).map_err(|e| note("first_name", format!("First name: {e}")));
    let last_name = PersonName::parse(last_name).map_err(|e| note("last_name", format!("Last name: {e}")));
    match (email, password, first_name, last_name) {
        (Ok(email), Ok(password), Ok(first_name), Ok(last_name)) => {
            Ok(ValidUser { email, password, first_name, last_name })
        }
        _ => Err(errors),
    }
}

/// The message for one field alone, for feedback while typing.
pub fn field_message(field: &str, value: &str) -> Option<String> {
    let result = match field {
        "email" => validate_user(value, None, "", ""),
        "password" => validate_user("a@b.co", Some(value), "", ""),
        "first_name" => validate_user("a@b.co", None, value, ""),
        "last_name" => validate_user("a@b.co", None, "", value),
        _ => return None,
    };
    result.err().and_then(|mut errors| errors.remove(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_field_at_once() {
        let long = "x".repeat(1025);
        let errors = validate_user("nope", Some("short"), &long, "").unwrap_err();
        assert_eq!(errors["email"], "Enter a valid email address");
        assert_eq!(errors["password"], "Password must be at least 8 characters (this one has 5)");
        assert_eq!(errors["first_name"], "First name: Must be at most 1024 characters (this one has 1025)");
        assert!(!errors.contains_key("last_name"));
    }

    #[test]
    fn unchanged_password_is_fine() {
        let ok = validate_user("ann@example.com", None, "Ann", "").unwrap();
        assert!(ok.password.is_none());
        assert_eq!(
            field_message("password", "1234567").as_deref(),
            Some("Password must be at least 8 characters (this one has 7)")
        );
        assert_eq!(field_message("email", "ann@example.com"), None);
    }
}
