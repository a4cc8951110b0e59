//! The integration tests, one binary: linking one test executable instead of seven is most of
//! what they cost to build on two cores.

mod applications;
mod auth;
mod bulk;
mod chaos;
mod common;
mod connections;
mod disabled;
mod experience;
mod export;
mod groups_property;
mod history;
mod import;
mod instances;
mod postgres;
mod process;
mod rest;
mod server_fns;
mod start;
mod two_processes;
mod users;
