//! What a poll puts in calendars: its confirmed event and the holds for its
//! candidate options, with the identity (UID) and version (SEQUENCE) rules
//! that let subscribed clients follow every change.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::ics::{Attendee, Event, PartStat, Status};
use super::poll::{Choice, Poll, PollStatus};
use super::time::Slot;

/// An invited member with an email, as calendars list them: their answer
/// becomes their PARTSTAT on each event.
#[derive(Debug, Clone)]
pub struct Guest {
    pub name: String,
    pub email: String,
    pub required: bool,
    pub votes: Vec<(Uuid, Choice)>,
}

/// What a feed shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedScope {
    /// Every poll of one organiser.
    Organiser(Uuid),
    /// Every poll one member is invited to, with their own answers.
    Member(Uuid),
    /// Every poll any member of one group is invited to (no answers: the
    /// feed is for the whole group to share).
    Group(Uuid),
}

/// Enough to answer `If-None-Match` / `If-Modified-Since` without rendering:
/// any change to any poll in the feed changes the count, the sum of
/// versions (versions only rise) or the latest update; for a member's feed,
/// any change of their answers changes the answer figures.
#[derive(Debug, Clone)]
pub struct FeedFigures {
    pub feed_id: Uuid,
    pub scope: FeedScope,
    /// For the calendar's name: the organiser's or the member's.
    pub owner_name: String,
    /// A member's email (their ATTENDEE line).
    pub owner_email: Option<String>,
    pub polls: i64,
    pub version_sum: i64,
    pub last_modified: Option<DateTime<Utc>>,
    /// Member feeds: answers given, the sum of their revisions, and when
    /// the member's answer last changed in any of their polls (stamped on
    /// the invitation, so a withdrawal moves it forward too).
    pub answers: i64,
    pub answer_revisions: i64,
    pub answers_modified: Option<DateTime<Utc>>,
}

/// One state of a calendar file: its ETag, its Last-Modified, and the
/// moment it is rendered as of. The caching headers and the renderer read
/// this one value, and it is computed from every input the file's content
/// depends on — the poll versions, the attendees and their answers, the
/// owner's name, and the day (feeds drop cancelled entries after a while;
/// a passed deadline changes no file: open and closed polls both show
/// tentative holds) — so a change that alters the calendar cannot leave
/// the ETag behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarStamp {
    pub etag: String,
    /// None for a feed that has never shown anything.
    pub last_modified: Option<DateTime<Utc>>,
    /// Render as of this instant (statuses and tombstones depend on it).
    pub now: DateTime<Utc>,
}

impl CalendarStamp {
    /// A poll's `event` or `holds` file as `guests` appear in it.
    pub fn of_poll_file(
        kind: &str,
        poll: &Poll,
        guests: &[Guest],
        answers_changed_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Self {
        let mut h = Sha256::new();
        h.update(kind.as_bytes());
        h.update(poll.id.as_bytes());
        h.update(poll.version.to_le_bytes());
        for g in guests {
            h.update(g.name.as_bytes());
            h.update(b"\0");
            h.update(g.email.as_bytes());
            h.update([u8::from(g.required)]);
            for (option, choice) in &g.votes {
                h.update(option.as_bytes());
                h.update(choice.as_str().as_bytes());
            }
            h.update(b"\n");
        }
        let changed = [Some(poll.updated_at), answers_changed_at];
        Self::finish(kind, h, &changed, now)
    }

    /// A subscription feed, from the figures one query gives.
    pub fn of_feed(f: &FeedFigures, now: DateTime<Utc>) -> Self {
        let mut h = Sha256::new();
        h.update(f.feed_id.as_bytes());
        // The calendar's name and the member's ATTENDEE line come from these.
        h.update(f.owner_name.as_bytes());
        h.update(b"\0");
        h.update(f.owner_email.as_deref().unwrap_or("").as_bytes());
        for n in [f.polls, f.version_sum, f.answers, f.answer_revisions] {
            h.update(n.to_le_bytes());
        }
        let changed = [f.last_modified, f.answers_modified];
        Self::finish("feed", h, &changed, now)
    }

    fn finish(
        kind: &str,
        mut h: Sha256,
        changed: &[Option<DateTime<Utc>>],
        now: DateTime<Utc>,
    ) -> Self {
        let last_modified = changed.iter().flatten().max().copied();
        h.update(
            last_modified
                .map_or(0, |t| t.timestamp_micros())
                .to_le_bytes(),
        );
        h.update(now.date_naive().to_string().as_bytes());
        CalendarStamp {
            etag: format!("\"{kind}-{}\"", &hex::encode(h.finalize())[..32]),
            last_modified,
            now,
        }
    }
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
    let status = event_status(poll, now);
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
    (0..poll.options.len())
        .map(|i| hold(poll, i, link, now, guests))
        .collect()
}

/// The hold of the poll's option at `index` (see [`holds`]): a 500-option
/// poll's holds are written a few at a time.
pub fn hold(poll: &Poll, index: usize, link: &str, now: DateTime<Utc>, guests: &[Guest]) -> Event {
    let status = hold_status(poll, now);
    let o = &poll.options[index];
    Event {
        uid: hold_uid(o.id),
        sequence: sequence(poll),
        status,
        summary: format!(
            "Hold: {} (option {} of {})",
            poll.title,
            index + 1,
            poll.options.len()
        ),
        description: format!("A candidate date, not yet decided. Vote or follow the poll: {link}"),
        location: poll.location.clone(),
        slot: o.slot,
        zone: poll.zone,
        changed_at: poll.updated_at,
        url: Some(link.to_string()),
        attendees: attendees(guests, o.id),
    }
}

/// What a subscription feed shows of a poll: its holds and event, leaving
/// out cancelled entries once they have been cancelled long enough for
/// clients to have seen it.
pub fn feed_entries(poll: &Poll, link: &str, now: DateTime<Utc>, guests: &[Guest]) -> Vec<Event> {
    let (holds, event) = feed_shows(poll, now);
    let holds = (0..poll.options.len())
        .filter(|_| holds)
        .map(|i| hold(poll, i, link, now, guests));
    holds
        .chain(confirmed_event(poll, link, now, guests).filter(|_| event))
        .collect()
}

/// The slots of [`feed_entries`], without writing the entries: what a
/// feed's zones are gathered from before its events are written.
pub fn feed_slots(poll: &Poll, now: DateTime<Utc>) -> impl Iterator<Item = Slot> + '_ {
    let (holds, event) = feed_shows(poll, now);
    let confirmed = poll
        .options
        .iter()
        .find(|o| Some(o.id) == poll.confirmed_option)
        .filter(|_| event);
    poll.options
        .iter()
        .filter(move |_| holds)
        .chain(confirmed)
        .map(|o| o.slot)
}

/// Whether a feed shows a poll's holds, and its event (if it has one): a
/// cancelled entry only while it is fresh enough for clients to see it go.
fn feed_shows(poll: &Poll, now: DateTime<Utc>) -> (bool, bool) {
    let fresh = now - poll.updated_at < Duration::days(TOMBSTONE_DAYS);
    let shown = |status: Status| status != Status::Cancelled || fresh;
    (
        shown(hold_status(poll, now)),
        shown(event_status(poll, now)),
    )
}

/// Holds are TENTATIVE while the poll is undecided, CANCELLED once it is
/// confirmed or cancelled.
fn hold_status(poll: &Poll, now: DateTime<Utc>) -> Status {
    match poll.status_at(now) {
        PollStatus::Open | PollStatus::Closed => Status::Tentative,
        PollStatus::Confirmed | PollStatus::Cancelled => Status::Cancelled,
    }
}

/// The event is CONFIRMED while confirmed, TENTATIVE after a reopen,
/// CANCELLED once the poll is cancelled.
fn event_status(poll: &Poll, now: DateTime<Utc>) -> Status {
    match poll.status_at(now) {
        PollStatus::Confirmed => Status::Confirmed,
        PollStatus::Cancelled => Status::Cancelled,
        PollStatus::Open | PollStatus::Closed => Status::Tentative,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::poll::{PollOption, Settings};
    use crate::domain::time::Zone;

    fn poll() -> Poll {
        Poll {
            id: Uuid::from_u128(1),
            organiser_id: Uuid::from_u128(2),
            title: "MAG".into(),
            description: String::new(),
            location: String::new(),
            zone: Zone::parse("Europe/Vienna").unwrap(),
            status: PollStatus::Open,
            deadline: None,
            settings: Settings::default(),
            version: 3,
            created_at: "2026-06-01T00:00:00Z".parse().unwrap(),
            updated_at: "2026-06-02T00:00:00Z".parse().unwrap(),
            options: vec![PollOption {
                id: Uuid::from_u128(10),
                position: 0,
                setup: Default::default(),
                slot: Slot::AllDay {
                    start: "2026-07-05".parse().unwrap(),
                    end: "2026-07-07".parse().unwrap(),
                },
            }],
            confirmed_option: None,
            reminders: Vec::new(),
        }
    }

    #[test]
    fn a_feeds_slots_are_those_of_its_entries_in_every_state() {
        let now: DateTime<Utc> = "2026-06-15T08:00:00Z".parse().unwrap();
        let mut two = poll();
        two.options.push(PollOption {
            id: Uuid::from_u128(11),
            position: 1,
            setup: Default::default(),
            slot: Slot::Timed {
                start: "2026-07-10T11:00:00Z".parse().unwrap(),
                end: "2026-07-10T13:00:00Z".parse().unwrap(),
            },
        });
        for status in [
            PollStatus::Open,
            PollStatus::Closed,
            PollStatus::Confirmed,
            PollStatus::Cancelled,
        ] {
            for confirmed in [None, Some(Uuid::from_u128(11))] {
                for updated in ["2026-06-14T00:00:00Z", "2026-01-01T00:00:00Z"] {
                    let mut p = two.clone();
                    p.status = status;
                    p.confirmed_option = confirmed;
                    p.updated_at = updated.parse().unwrap();
                    let entries: Vec<Slot> = feed_entries(&p, "https://x", now, &[])
                        .iter()
                        .map(|e| e.slot)
                        .collect();
                    let slots: Vec<Slot> = feed_slots(&p, now).collect();
                    assert_eq!(slots, entries, "{status:?} {confirmed:?} {updated}");
                }
            }
        }
    }

    #[test]
    fn the_stamp_moves_with_every_input_of_the_file_and_only_with_them() {
        let now: DateTime<Utc> = "2026-06-15T08:00:00Z".parse().unwrap();
        let guest = Guest {
            name: "Yoichi".into(),
            email: "yoichi@example.org".into(),
            required: true,
            votes: vec![(Uuid::from_u128(10), Choice::Yes)],
        };
        let stamp =
            |p: &Poll, g: &[Guest], at| CalendarStamp::of_poll_file("holds", p, g, None, at);
        let base = stamp(&poll(), std::slice::from_ref(&guest), now);
        assert_eq!(base, stamp(&poll(), std::slice::from_ref(&guest), now));
        // Later the same day: the same file.
        assert_eq!(
            base.etag,
            stamp(
                &poll(),
                std::slice::from_ref(&guest),
                now + Duration::hours(3)
            )
            .etag
        );
        let mut edited = poll();
        edited.version += 1;
        assert_ne!(
            base.etag,
            stamp(&edited, std::slice::from_ref(&guest), now).etag
        );
        let mut answered = guest.clone();
        answered.votes[0].1 = Choice::No;
        assert_ne!(base.etag, stamp(&poll(), &[answered], now).etag);
        assert_ne!(base.etag, stamp(&poll(), &[], now).etag);
        assert_ne!(
            base.etag,
            stamp(
                &poll(),
                std::slice::from_ref(&guest),
                now + Duration::days(1)
            )
            .etag
        );
        assert_ne!(
            base.etag,
            CalendarStamp::of_poll_file("event", &poll(), std::slice::from_ref(&guest), None, now)
                .etag
        );
        // An answer changes Last-Modified, which the poll's row does not show.
        let later: DateTime<Utc> = "2026-06-10T00:00:00Z".parse().unwrap();
        let with_answer = CalendarStamp::of_poll_file("holds", &poll(), &[guest], Some(later), now);
        assert_eq!(with_answer.last_modified, Some(later));
        assert_eq!(base.last_modified, Some(poll().updated_at));
    }
}
