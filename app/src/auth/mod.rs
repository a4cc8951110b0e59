//! Administrator sign-in and sign-out.

mod api;
mod login_page;

pub use api::*;
pub use login_page::LoginPage;
