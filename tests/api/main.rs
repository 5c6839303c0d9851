//! Integration tests: real `SQLite` files in temp dirs, real fixture files, the real binary, and
//! real HTTP against the app bound to port 0. One test binary keeps link time down.

mod abuse;
mod admin;
mod annual;
mod boards;
mod charts;
mod city_demo;
mod clerk;
mod cli;
mod correctness;
mod deadlines;
mod details;
mod exact;
mod fuzz;
mod gates;
mod grades;
mod helpers;
mod hostile;
mod http;
mod import;
mod lobby;
mod posters;
mod ranking_props;
mod scoring;
mod scoring_sql;
mod snapshots;
mod tidy;
mod times;
mod trust;
mod web;
mod years;
