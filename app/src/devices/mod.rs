//! Devices (minimal but real): create, rename, describe, tag, tie to groups, delete.

mod api;
mod device_page;
mod list_page;

pub use api::*;
pub use device_page::DevicePage;
pub use list_page::DevicesPage;

pub use model::devices::{DeviceDetail, DeviceRow};
