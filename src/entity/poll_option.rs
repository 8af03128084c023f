use sea_orm::entity::prelude::*;

/// One candidate date range or time slot. All-day options fill the date
/// columns, timed ones the UTC columns; `slot_key` is unique per poll.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "poll_option")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub poll_id: Uuid,
    pub position: i32,
    pub kind: String,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub start_utc: Option<DateTimeUtc>,
    pub end_utc: Option<DateTimeUtc>,
    pub slot_key: String,
    pub created_at: DateTimeUtc,
    /// A multi-day range answered day by day.
    pub per_day: bool,
    /// In-person places (`option_seat` counts them).
    pub capacity: Option<i32>,
}

impl ActiveModelBehavior for ActiveModel {}
