//! Pieces of UI used on several pages.

pub mod confirm;
pub mod field;
pub mod group_picker;
pub mod layout;
pub mod resource;
pub mod tag_editor;
