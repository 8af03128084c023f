//! What the console reads beside a poll, each in one statement whatever
//! the roster's size: invited and answered members per poll of a list
//! (from the roster's running tallies), availability per time zone (the
//! heat map), where a numbered page of the roster begins, and the latest
//! mail of a few named invitations.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Statement};
use uuid::Uuid;

use super::Store;
use super::outbox::{Delivery, Topic};
use crate::domain::standing::ZoneAvailability;
use crate::domain::time::Zone;
use crate::error::{Error, Result};

/// Invited members of each poll (from `roster_clock`, a few rows a poll)
/// and those who answered (from `poll_tally`).
const FIGURES: &str = r#"
SELECT p.id AS poll_id,
       CAST(COALESCE((SELECT SUM(c.members) FROM roster_clock c WHERE c.poll_id = p.id), 0) AS BIGINT) AS invited,
       CAST(COALESCE((SELECT SUM(t.answered) FROM poll_tally t WHERE t.poll_id = p.id), 0) AS BIGINT) AS answered
FROM poll p WHERE p.id IN ($IDS)"#;

/// Invited members per zone.
const ZONE_MEMBERS: &str = r#"
SELECT time_zone, CAST(SUM(members) AS BIGINT) AS members
FROM roster_clock WHERE poll_id = $1 GROUP BY time_zone"#;

/// Per zone and option, the invited members who can make it: counted in
/// the database from the answers, never loaded.
const ZONE_AVAILABLE: &str = r#"
SELECT i.time_zone, v.option_id, COUNT(*) AS available
FROM response r
JOIN invitation i ON i.id = r.invitation_id
JOIN vote v ON v.response_id = r.id
WHERE r.poll_id = $1 AND r.invitation_id IS NOT NULL AND v.choice IN ('yes', 'if_need_be')
GROUP BY i.time_zone, v.option_id"#;

/// The invitations a confirmation (or the cancellation of a confirmed
/// poll) mails the outcome to: every invited member with an address.
/// `Store::transition` queues from it; the console's preview counts it.
pub(super) const OUTCOME_RECIPIENTS: &str = "SELECT i.id FROM invitation i \
     JOIN member m ON m.id = i.member_id \
     WHERE i.poll_id = $1 AND m.email IS NOT NULL ORDER BY i.id";

impl Store {
    /// How many invitees a confirmation would mail ([`OUTCOME_RECIPIENTS`]).
    #[tracing::instrument(name = "store.outcome_recipients", skip_all, fields(poll_id = %poll_id))]
    pub async fn outcome_recipients(&self, poll_id: Uuid) -> Result<i64> {
        let db = self.read();
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM ({OUTCOME_RECIPIENTS}) AS r"),
                [poll_id.into()],
            ))
            .await?;
        Ok(match row {
            Some(r) => r.try_get("", "n")?,
            None => 0,
        })
    }

    /// Invited and answered members of each of `polls`.
    #[tracing::instrument(name = "store.poll_figures", skip_all)]
    pub async fn poll_figures(&self, polls: &[Uuid]) -> Result<HashMap<Uuid, (i64, i64)>> {
        if polls.is_empty() {
            return Ok(HashMap::new());
        }
        let db = self.read();
        let marks: Vec<String> = (1..=polls.len()).map(|n| format!("${n}")).collect();
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                FIGURES.replace("$IDS", &marks.join(", ")),
                polls.iter().map(|id| (*id).into()),
            ))
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("", "poll_id")?,
                    (r.try_get("", "invited")?, r.try_get("", "answered")?),
                ))
            })
            .collect()
    }

    /// Availability per zone of a poll's invited members, zones by name.
    #[tracing::instrument(name = "store.zone_availability", skip_all, fields(poll_id = %poll_id))]
    pub async fn zone_availability(&self, poll_id: Uuid) -> Result<Vec<ZoneAvailability>> {
        let db = self.read();
        let backend = db.get_database_backend();
        let members = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                ZONE_MEMBERS,
                [poll_id.into()],
            ))
            .await?;
        let mut zones: Vec<ZoneAvailability> = Vec::new();
        let bad = || Error::Internal(anyhow::anyhow!("poll {poll_id} has a bad time zone"));
        for row in &members {
            let name: String = row.try_get("", "time_zone")?;
            zones.push(ZoneAvailability {
                zone: Zone::parse(&name).map_err(|_| bad())?,
                members: row.try_get("", "members")?,
                available: HashMap::new(),
            });
        }
        if zones.is_empty() {
            return Ok(zones);
        }
        for row in db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                ZONE_AVAILABLE,
                [poll_id.into()],
            ))
            .await?
        {
            let name: String = row.try_get("", "time_zone")?;
            if let Some(z) = zones.iter_mut().find(|z| z.zone.name() == name) {
                z.available
                    .insert(row.try_get("", "option_id")?, row.try_get("", "available")?);
            }
        }
        zones.sort_by_key(|z| z.zone.name());
        Ok(zones)
    }

    /// The invitation just before the `offset`-th of a poll's roster (in
    /// invitation order; of those who answered, or not, when `answered` is
    /// given): where a numbered page begins, for `list_invitations`. `None`
    /// for the first page.
    #[tracing::instrument(name = "store.roster_cursor", skip_all, fields(poll_id = %poll_id))]
    pub async fn roster_cursor(
        &self,
        poll_id: Uuid,
        offset: u64,
        answered: Option<bool>,
    ) -> Result<Option<Uuid>> {
        if offset == 0 {
            return Ok(None);
        }
        let db = self.read();
        let filter = match answered {
            None => "",
            Some(true) => " AND answered = TRUE",
            Some(false) => " AND answered = FALSE",
        };
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                format!(
                    "SELECT id FROM invitation WHERE poll_id = $1{filter} \
                     ORDER BY id LIMIT 1 OFFSET $2"
                ),
                [
                    poll_id.into(),
                    ((offset - 1).min(i64::MAX as u64) as i64).into(),
                ],
            ))
            .await?;
        // Past the end: a cursor after every invitation (an empty page).
        Ok(Some(match row {
            Some(r) => r.try_get("", "id")?,
            None => Uuid::max(),
        }))
    }

    /// The latest mail of `topic` to each of `invitations` of a poll.
    #[tracing::instrument(name = "store.deliveries_of", skip_all, fields(poll_id = %poll_id))]
    pub async fn deliveries_of(
        &self,
        poll_id: Uuid,
        topic: Topic,
        invitations: &[Uuid],
    ) -> Result<HashMap<Uuid, Delivery>> {
        let mut latest = HashMap::new();
        if invitations.is_empty() {
            return Ok(latest);
        }
        let db = self.read();
        let marks: Vec<String> = (3..invitations.len() + 3)
            .map(|n| format!("${n}"))
            .collect();
        let mut values: Vec<sea_orm::Value> = vec![poll_id.into(), topic.as_str().into()];
        values.extend(invitations.iter().map(|id| (*id).into()));
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                format!(
                    "SELECT invitation_id, state, last_error FROM outbox \
                     WHERE invitation_id IN ({}) AND poll_id = $1 AND topic = $2 \
                     ORDER BY created_at",
                    marks.join(", ")
                ),
                values,
            ))
            .await?;
        for row in rows {
            let invitation: Uuid = row.try_get("", "invitation_id")?;
            latest.insert(
                invitation,
                Delivery {
                    state: row.try_get("", "state")?,
                    error: row.try_get("", "last_error")?,
                },
            );
        }
        Ok(latest)
    }
}
