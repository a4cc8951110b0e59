//! Pieces of UI used on several pages.

pub mod field;
pub mod layout;
