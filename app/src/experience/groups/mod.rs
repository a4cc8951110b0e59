//! Experience groups: the application's tree of groups, each with members and devices.

mod api;
mod device_tag_ties;
mod edit_page;
mod page;
mod parent_select;

pub use ::model::groups::*;
pub use api::*;
pub use edit_page::EditGroupPage;
pub use page::GroupsPage;
