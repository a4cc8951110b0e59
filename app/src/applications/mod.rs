//! Applications: the containers every experience user, group and device belongs to.

mod api;
mod list_page;
mod settings_page;

pub use api::*;
pub use list_page::ApplicationsPage;
pub use settings_page::SettingsPage;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: String,
    pub name: String,
    pub user_limit: Option<u32>,
}
