//! Experience users and groups of one application.

pub mod groups;
pub mod users;

pub use groups::{EditGroupPage, GroupsPage};
pub use users::{EditUserPage, ImportUsersPage, NewUserPage, UsersPage};
