use sea_orm::entity::prelude::*;

/// A member of a group: who they are, their zone and social hours.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub group_id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub time_zone: String,
    /// Local "HH:MM".
    pub social_start: String,
    pub social_end: String,
    /// BCP 47 tag of the language pages and emails are written in.
    pub language: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
