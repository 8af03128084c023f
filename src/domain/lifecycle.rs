//! A poll's life: open → closed → confirmed or cancelled, and back to open.
//! Which moves are allowed from where, what each one changes, and which
//! option a confirmation picks, decided here for every caller (the API
//! today; member pages and mail tomorrow).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::history::HistoryAction;
use super::poll::{Poll, PollStatus};
use super::ranking;
use super::standing::Standing;
use super::{FieldError, Refusal};

/// A move an organiser makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Stop voting now; responses stay.
    Close,
    /// Open a closed, confirmed or cancelled poll for voting again.
    Reopen,
    /// Make an option the event (again: move the event to it).
    Confirm(Uuid),
    /// Call the meeting off.
    Cancel,
}

/// What a transition writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub from: PollStatus,
    pub to: PollStatus,
    /// Reopening removes a deadline that has passed, which would otherwise
    /// close the poll again at once.
    pub clear_deadline: bool,
    /// Set by a confirmation.
    pub confirmed_option: Option<Uuid>,
    pub action: HistoryAction,
}

impl Transition {
    /// The status the poll ends in.
    pub fn target(self) -> PollStatus {
        match self {
            Transition::Close => PollStatus::Closed,
            Transition::Reopen => PollStatus::Open,
            Transition::Confirm(_) => PollStatus::Confirmed,
            Transition::Cancel => PollStatus::Cancelled,
        }
    }

    /// The statuses (as read now, a passed deadline reading as closed) the
    /// move may start from.
    fn allowed_from(self) -> &'static [PollStatus] {
        use PollStatus::*;
        match self {
            Transition::Close => &[Open],
            Transition::Reopen => &[Closed, Confirmed, Cancelled],
            // Confirming again moves the event; a cancelled poll is reopened first.
            Transition::Confirm(_) => &[Open, Closed, Confirmed],
            Transition::Cancel => &[Open, Closed, Confirmed],
        }
    }

    /// Whether `poll` may make this move at `now`, and what it changes.
    pub fn apply(self, poll: &Poll, now: DateTime<Utc>) -> Result<Change, Refusal> {
        let from = poll.status_at(now);
        let to = self.target();
        if !self.allowed_from().contains(&from) {
            return Err(Refusal::Conflict(match (self, from) {
                (Transition::Confirm(_), PollStatus::Cancelled) => {
                    "the poll is cancelled: reopen it before confirming".into()
                }
                _ => format!(
                    "the poll is {}; it cannot become {}",
                    from.as_str(),
                    to.as_str()
                ),
            }));
        }
        let confirmed_option = match self {
            Transition::Confirm(id) => Some(id),
            _ => None,
        };
        Ok(Change {
            from,
            to,
            clear_deadline: to == PollStatus::Open && poll.deadline.is_some_and(|d| d <= now),
            confirmed_option,
            action: match self {
                Transition::Close => HistoryAction::PollClosed,
                Transition::Reopen => HistoryAction::PollReopened,
                Transition::Confirm(_) => HistoryAction::PollConfirmed,
                Transition::Cancel => HistoryAction::PollCancelled,
            },
        })
    }
}

/// The option a confirmation asked for by id: it must be one of the poll's.
pub fn requested_option(poll: &Poll, id: Uuid) -> Result<Uuid, Refusal> {
    if poll.options.iter().any(|o| o.id == id) {
        Ok(id)
    } else {
        Err(Refusal::Invalid(vec![FieldError::new(
            "option_id",
            "this poll has no option with this id",
        )]))
    }
}

/// The option a confirmation without an id picks: the top of the ranking,
/// refused when the top is tied.
pub fn top_of(standing: &Standing) -> Result<Uuid, Refusal> {
    let evaluation = ranking::evaluate(standing);
    let top = evaluation
        .options
        .first()
        .ok_or_else(|| Refusal::Conflict("the poll has no options".into()))?;
    if evaluation.top_tied {
        return Err(Refusal::Conflict(format!(
            "the top is tied ({}): choose the option with option_id",
            evaluation
                .options
                .iter()
                .filter(|o| o.ranked.tied)
                .map(|o| o.option.slot.label(standing.poll.zone))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    Ok(top.option.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::poll::{PollOption, Settings};
    use crate::domain::standing::Tallies;
    use crate::domain::time::{Slot, Zone};

    fn poll(status: PollStatus, deadline: Option<&str>) -> Poll {
        let day = |d: &str| d.parse().unwrap();
        let option = |n: u128, d: &str| PollOption {
            id: Uuid::from_u128(n),
            position: n as i32,
            setup: Default::default(),
            slot: Slot::AllDay {
                start: day(d),
                end: day(d),
            },
        };
        Poll {
            id: Uuid::from_u128(100),
            organiser_id: Uuid::from_u128(200),
            title: "MAG".into(),
            description: String::new(),
            location: String::new(),
            zone: Zone::parse("Europe/Vienna").unwrap(),
            status,
            deadline: deadline.map(|d| d.parse().unwrap()),
            settings: Settings::default(),
            version: 1,
            created_at: "2026-06-01T00:00:00Z".parse().unwrap(),
            updated_at: "2026-06-01T00:00:00Z".parse().unwrap(),
            options: vec![option(1, "2026-07-05"), option(2, "2026-07-10")],
            confirmed_option: None,
            reminders: Vec::new(),
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-06-15T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn each_move_starts_only_where_it_may() {
        use PollStatus::*;
        let id = Uuid::from_u128(1);
        for (status, close, reopen, confirm, cancel) in [
            (Open, true, false, true, true),
            (Closed, false, true, true, true),
            (Confirmed, false, true, true, true),
            (Cancelled, false, true, false, false),
        ] {
            let p = poll(status, None);
            assert_eq!(
                Transition::Close.apply(&p, now()).is_ok(),
                close,
                "{status:?}"
            );
            assert_eq!(
                Transition::Reopen.apply(&p, now()).is_ok(),
                reopen,
                "{status:?}"
            );
            assert_eq!(
                Transition::Confirm(id).apply(&p, now()).is_ok(),
                confirm,
                "{status:?}"
            );
            assert_eq!(
                Transition::Cancel.apply(&p, now()).is_ok(),
                cancel,
                "{status:?}"
            );
        }
    }

    #[test]
    fn a_passed_deadline_reads_as_closed_and_reopening_removes_it() {
        let p = poll(PollStatus::Open, Some("2026-06-10T00:00:00Z"));
        assert!(Transition::Close.apply(&p, now()).is_err());
        let change = Transition::Reopen.apply(&p, now()).unwrap();
        assert_eq!(change.from, PollStatus::Closed);
        assert!(change.clear_deadline);
        let ahead = poll(PollStatus::Closed, Some("2026-06-20T00:00:00Z"));
        assert!(
            !Transition::Reopen
                .apply(&ahead, now())
                .unwrap()
                .clear_deadline
        );
    }

    #[test]
    fn confirming_picks_the_requested_option_or_an_untied_top() {
        let p = poll(PollStatus::Open, None);
        assert!(requested_option(&p, Uuid::from_u128(2)).is_ok());
        assert!(matches!(
            requested_option(&p, Uuid::from_u128(9)),
            Err(Refusal::Invalid(e)) if e[0].field == "option_id"
        ));
        let mut tallies = Tallies {
            responses: 1,
            ..Default::default()
        };
        let standing = |tallies: &Tallies| Standing {
            poll: p.clone(),
            tallies: tallies.clone(),
            roster: Default::default(),
        };
        // Nobody answered: both options tie.
        assert!(
            matches!(top_of(&standing(&tallies)), Err(Refusal::Conflict(m)) if m.contains("tied"))
        );
        tallies.options.insert(Uuid::from_u128(2), [1, 0, 0]);
        assert_eq!(top_of(&standing(&tallies)), Ok(Uuid::from_u128(2)));
    }
}
