//! What every JSON API of the server shares: errors as `{type, message}`, bounded JSON
//! bodies that refuse unknown fields, and the JSON shapes of our resources.

pub mod body;
pub mod error;
pub mod extract;
pub mod resources;

pub use body::JsonBody;
pub use error::ApiError;
