use sea_orm::entity::prelude::*;

/// A person of a workspace, with a role: who signs in and who acts.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    /// Lower-cased; None only for a person migrated from an organiser.
    pub email: Option<String>,
    pub name: String,
    /// `owner`, `editor` or `viewer`.
    pub role: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
