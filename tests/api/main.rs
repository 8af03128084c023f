//! Integration tests: the real server over HTTP, each test on a fresh
//! database, every test on SQLite and on PostgreSQL.

mod helpers;

mod access;
mod calendar;
mod compression;
mod concurrency;
mod conditional;
mod connections;
mod console;
mod console_admin;
mod console_edit;
mod console_polls;
mod free_busy;
mod groups;
mod hardening;
mod history_export;
mod hybrid;
mod instances;
mod invitations;
mod limits;
mod logs;
mod mail;
mod member_calendar;
mod oidc;
mod oidc_harness;
mod oidc_protocol;
mod operations;
mod pages;
mod polls;
mod responses;
mod restart;
mod results;
mod spec;
mod time_zones;
mod webhooks;
mod workspaces;
