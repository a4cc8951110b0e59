//! Pieces of UI used on several pages.

pub mod confirm;
pub mod field;
pub mod layout;
