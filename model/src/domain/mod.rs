//! Values that can only exist when valid. The browser (WASM) and the server call the very same
//! `parse` functions, so a message seen while typing is the message the server would give.

mod application_name;
mod email;
mod name;
mod password;
mod person_name;
mod tag;
mod user;
mod user_limit;

pub mod user_filter;

pub use application_name::{ApplicationName, ApplicationNameError};
pub use email::{Email, EmailError, EMAIL_TAKEN};
pub use name::{Description, Name, NameError};
pub use password::{Password, PasswordError};
pub use person_name::{PersonName, PersonNameError};
pub use tag::{parse_tags, tag_problems, tag_rows_from_json, TagError, TagKey, TagValue};
pub use user::{field_message, validate_user, ValidUser};
pub use user_limit::{UserLimit, UserLimitError};
