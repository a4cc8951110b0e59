//! Experience users: the three list views, add, edit, delete.

mod access;
mod api;
mod bulk_api;
mod bulk_bar;
mod edit_page;
mod fields;
mod import_page;
pub mod imports;
mod list_page;
mod list_tools;
mod new_page;
mod state_box;
mod suggest;
mod tokens;

pub use crate::domain::{validate_user, ValidUser};
pub use ::model::user_query::*;
pub use ::model::users::*;
pub use access::{get_user_access, EffectiveAccess, UserAccess};
pub use api::*;
pub use bulk_api::*;
pub use edit_page::EditUserPage;
pub use fields::EMAIL_TAKEN;
pub use import_page::ImportUsersPage;
pub use list_page::UsersPage;
pub use new_page::NewUserPage;
