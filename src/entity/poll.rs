use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "poll")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organiser_id: Uuid,
    pub title: String,
    pub description: String,
    pub location: String,
    pub time_zone: String,
    pub status: String,
    pub deadline: Option<DateTimeUtc>,
    pub voting: String,
    pub allow_if_need_be: bool,
    pub results_visibility: String,
    pub show_voter_names: bool,
    pub aggregate_only: bool,
    /// Raised by every change to the poll or its options; the ETag.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The option confirmed as the event, kept when the poll is reopened so
    /// the event keeps its identity.
    pub confirmed_option_id: Option<Uuid>,
    /// The least number of required members who must be available.
    pub quorum: Option<i32>,
    /// Automatic reminders before the deadline: ISO 8601 durations,
    /// comma-separated (`P3D,PT24H`).
    pub reminders: Option<String>,
    /// How members may attend a hybrid poll (`in_person,online`); NULL for
    /// a poll that is not hybrid.
    pub attendance_modes: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
