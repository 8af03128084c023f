//! Convene: scheduling polls across time zones.
//!
//! `domain` holds the rules (time zones, ranking, tokens), `store` every query,
//! `entity` the tables, `api` the HTTP surface, `server` the connections and
//! their timeouts, `startup` the assembly.

pub mod api;
pub mod calendars;
pub mod compression;
pub mod config;
pub mod console;
pub mod delivery;
pub mod domain;
pub mod entity;
pub mod error;
pub mod lang;
pub mod links;
pub mod mail;
pub mod metrics;
pub mod oidc;
pub mod outbound;
pub mod pages;
pub mod secrets;
pub mod server;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod web;
pub mod webhooks;
