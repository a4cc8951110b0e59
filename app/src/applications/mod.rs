//! Applications: the containers every experience user, group and device belongs to.

mod api;
mod list_page;
mod settings_page;

pub use api::*;
pub use list_page::ApplicationsPage;
pub use settings_page::SettingsPage;

pub use model::applications::Application;
