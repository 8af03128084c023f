use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vote")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub response_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_id: Uuid,
    pub choice: String,
    /// How the member attends (hybrid polls).
    pub attendance: Option<String>,
    /// The day answers of a per-day option: `2027-07-05=yes,…`.
    pub days: Option<String>,
    /// `taken` or `waiting`, for a yes that asks for one of the option's seats.
    pub seat: Option<String>,
    /// Arrival order on the option's seats.
    pub seat_order: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
