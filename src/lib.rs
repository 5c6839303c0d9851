//! shaibang (晒榜): quarterly performance scoreboards for local-government competitions.
//!
//! The functional core (`domain`, `competition`, `import`, `scoring`) is pure; the shell
//! (`store`, `boards`, `web`, `cli`, `demo`) loads data, calls the core, and stores or renders.

pub mod boards;
pub mod charts;
pub mod cli;
pub mod competition;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod lobby;
pub mod ops;
pub mod present;
pub mod ranking;
pub mod store;
pub mod tabular;
pub mod text;
pub mod web;
