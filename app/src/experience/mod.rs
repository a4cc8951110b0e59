//! Experience users and groups of one application.

pub mod users;

pub use users::{EditUserPage, NewUserPage, UsersPage};
