//! shaibang (晒榜): quarterly performance scoreboards for local-government competitions.
//!
//! The functional core (`text`, `tabular`, `domain`, `competition`, `import`, `ranking`,
//! `lobby`, `charts`, `auth`) is pure; the shell loads data (`store`, `boards`), writes it (`ops`, the
//! only room that opens a write transaction), words it (`present`, `export`) and serves it
//! (`web`, `cli`, `demo`). See ARCHITECTURE.md.

pub mod auth;
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
pub mod poster;
pub mod present;
pub mod ranking;
pub mod scoring;
pub mod store;
pub mod tabular;
pub mod text;
pub mod web;
