//! Devices (minimal but real): create, rename, describe, tag, tie to groups, delete.

mod api;
mod device_page;
mod list_page;

pub use api::*;
pub use device_page::DevicePage;
pub use list_page::DevicesPage;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub tags: Vec<(String, String)>,
    pub group_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceDetail {
    pub id: String,
    pub name: String,
    pub description: String,
    pub tags: Vec<(String, String)>,
    /// Groups the device is tied to by id.
    pub group_ids: Vec<String>,
}
