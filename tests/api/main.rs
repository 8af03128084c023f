//! Integration tests: the real server over HTTP, each test on a fresh
//! database, every test on SQLite and on PostgreSQL.

mod helpers;

mod access;
mod calendar;
mod concurrency;
mod groups;
mod instances;
mod limits;
mod operations;
mod polls;
mod responses;
mod results;
mod spec;
mod time_zones;
