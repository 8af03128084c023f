//! Schema migrations. Applied migrations are never edited: a change to the
//! schema is a new migration file. Migrations do not import live entities, so
//! they keep meaning what they meant when they were written.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_core;
mod m20261126_000002_calendar;
mod m20261126_000003_groups;
mod m20261126_000004_invitations;
mod m20261202_000005_group_feeds;
mod m20261202_000006_rate_limits;
mod m20261203_000007_member_pages;
mod m20261203_000008_outbox;
mod m20261203_000009_webhooks_reminders;
mod m20261203_000010_roster_counts;
mod m20261203_000011_roster_tallies;
mod m20261204_000012_required_available;
mod m20261204_000013_invitation_answered;
mod m20261204_000014_changes;
mod m20261206_000016_hybrid_days_seats;
mod m20261206_000017_webhook_disabled;
mod m20261206_000018_workspaces;
mod m20261206_000019_sign_in;
mod m20261206_000020_calendars;
mod m20261206_000021_oidc;
mod m20261206_000022_busy_marks;
mod m20261206_000023_session_email;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_core::Migration),
            Box::new(m20261126_000002_calendar::Migration),
            Box::new(m20261126_000003_groups::Migration),
            Box::new(m20261126_000004_invitations::Migration),
            Box::new(m20261202_000005_group_feeds::Migration),
            Box::new(m20261202_000006_rate_limits::Migration),
            Box::new(m20261203_000007_member_pages::Migration),
            Box::new(m20261203_000008_outbox::Migration),
            Box::new(m20261203_000009_webhooks_reminders::Migration),
            Box::new(m20261203_000010_roster_counts::Migration),
            Box::new(m20261203_000011_roster_tallies::Migration),
            Box::new(m20261204_000012_required_available::Migration),
            Box::new(m20261204_000013_invitation_answered::Migration),
            Box::new(m20261204_000014_changes::Migration),
            Box::new(m20261206_000016_hybrid_days_seats::Migration),
            Box::new(m20261206_000017_webhook_disabled::Migration),
            Box::new(m20261206_000018_workspaces::Migration),
            Box::new(m20261206_000019_sign_in::Migration),
            Box::new(m20261206_000020_calendars::Migration),
            Box::new(m20261206_000021_oidc::Migration),
            Box::new(m20261206_000022_busy_marks::Migration),
            Box::new(m20261206_000023_session_email::Migration),
        ]
    }
}
