//! What a poll puts in calendars: its confirmed event and the holds for its
//! candidate options, with the identity (UID) and version (SEQUENCE) rules
//! that let subscribed clients follow every change.

use chrono::{DateTime, Duration, Utc};

use uuid::Uuid;

use super::ics::{Attendee, Event, PartStat, Status};
use super::poll::{Choice, Poll, PollStatus};

/// An invited member with an email, as calendars list them: their answer
/// becomes their PARTSTAT on each event.
#[derive(Debug, Clone)]
pub struct Guest {
    pub name: String,
    pub email: String,
    pub required: bool,
    pub votes: Vec<(Uuid, Choice)>,
}

fn attendees(guests: &[Guest], option: Uuid) -> Vec<Attendee> {
    guests
        .iter()
        .map(|g| Attendee {
            name: g.name.clone(),
            email: g.email.clone(),
            required: g.required,
            partstat: PartStat::of(g.votes.iter().find(|(o, _)| *o == option).map(|(_, c)| *c)),
        })
        .collect()
}

/// How long a cancelled event or a dropped hold stays in feeds (as
/// CANCELLED) so that subscribed clients remove it.
pub const TOMBSTONE_DAYS: i64 = 30;

/// The event's UID is the poll's: re-confirming to another option moves the
/// same event rather than making a new one.
pub fn event_uid(poll: &Poll) -> String {
    format!("poll-{}@convene", poll.id)
}

fn hold_uid(option: uuid::Uuid) -> String {
    format!("hold-{option}@convene")
}

/// The poll's version rises with every change to it or its options, so it
/// serves as SEQUENCE for the event and the holds alike.
fn sequence(poll: &Poll) -> u32 {
    poll.version.max(0) as u32
}

/// The confirmed event: CONFIRMED while confirmed, TENTATIVE if the poll was
/// reopened after confirmation, CANCELLED once the poll is cancelled. None if
/// the poll was never confirmed.
pub fn confirmed_event(
    poll: &Poll,
    link: &str,
    now: DateTime<Utc>,
    guests: &[Guest],
) -> Option<Event> {
    let option = poll
        .options
        .iter()
        .find(|o| Some(o.id) == poll.confirmed_option)?;
    let status = match poll.status_at(now) {
        PollStatus::Confirmed => Status::Confirmed,
        PollStatus::Cancelled => Status::Cancelled,
        PollStatus::Open | PollStatus::Closed => Status::Tentative,
    };
    let mut description = poll.description.clone();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(&format!("Scheduled with Convene: {link}"));
    Some(Event {
        uid: event_uid(poll),
        sequence: sequence(poll),
        status,
        summary: poll.title.clone(),
        description,
        location: poll.location.clone(),
        slot: option.slot,
        zone: poll.zone,
        changed_at: poll.updated_at,
        url: Some(link.to_string()),
        attendees: attendees(guests, option.id),
    })
}

/// One TENTATIVE hold per option while the poll is undecided; CANCELLED once
/// it is confirmed or cancelled, so clients drop them.
pub fn holds(poll: &Poll, link: &str, now: DateTime<Utc>, guests: &[Guest]) -> Vec<Event> {
    let status = match poll.status_at(now) {
        PollStatus::Open | PollStatus::Closed => Status::Tentative,
        PollStatus::Confirmed | PollStatus::Cancelled => Status::Cancelled,
    };
    let total = poll.options.len();
    poll.options
        .iter()
        .enumerate()
        .map(|(i, o)| Event {
            uid: hold_uid(o.id),
            sequence: sequence(poll),
            status,
            summary: format!("Hold: {} (option {} of {total})", poll.title, i + 1),
            description: format!(
                "A candidate date, not yet decided. Vote or follow the poll: {link}"
            ),
            location: poll.location.clone(),
            slot: o.slot,
            zone: poll.zone,
            changed_at: poll.updated_at,
            url: Some(link.to_string()),
            attendees: attendees(guests, o.id),
        })
        .collect()
}

/// What a subscription feed shows of a poll: its holds and event, leaving
/// out cancelled entries once they have been cancelled long enough for
/// clients to have seen it.
pub fn feed_entries(poll: &Poll, link: &str, now: DateTime<Utc>, guests: &[Guest]) -> Vec<Event> {
    let fresh = now - poll.updated_at < Duration::days(TOMBSTONE_DAYS);
    holds(poll, link, now, guests)
        .into_iter()
        .chain(confirmed_event(poll, link, now, guests))
        .filter(|e| e.status != Status::Cancelled || fresh)
        .collect()
}
