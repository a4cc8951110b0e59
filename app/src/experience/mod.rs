//! Experience users and groups of one application.

mod users_page;

pub use users_page::UsersPage;
