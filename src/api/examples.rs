//! The spec's examples: the reference case the product grew from — the MAG
//! secretariat polling its members from Tokyo to New York on the Second Open
//! Consultations — built as domain values and rendered by the same code that
//! renders real answers, so an example can never drift from the real shape.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

use crate::domain::poll::{Poll, PollOption, PollStatus, Settings, Voting};
use crate::domain::standing::{Answer, Invitee, Roster, Standing, Tallies};
use crate::domain::time::{Slot, SocialHours, Zone};

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x019ac0de_0000_7000_8000_000000000000 | n)
}

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid example instant")
}

fn zone(name: &str) -> Zone {
    Zone::parse(name).expect("a valid example zone")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a valid example date")
}

/// "Second Open Consultations and MAG Meeting": three all-day ranges and a
/// timed call at 06:00 in Vienna.
pub fn poll() -> Poll {
    let all_day = |n: u128, start, end| PollOption {
        id: id(0x100 + n),
        position: n as i32,
        setup: Default::default(),
        slot: Slot::AllDay {
            start: day(start),
            end: day(end),
        },
    };
    Poll {
        id: id(1),
        organiser_id: id(2),
        title: "Second Open Consultations and MAG Meeting".into(),
        description: "IGF 2026 preparatory cycle, online and onsite.".into(),
        location: "Vienna International Centre".into(),
        zone: zone("Europe/Vienna"),
        status: PollStatus::Open,
        // No deadline: the example must not change with the day the spec is made.
        deadline: None,
        settings: Settings {
            voting: Voting::InviteOnly,
            quorum: Some(3),
            ..Settings::default()
        },
        version: 1,
        created_at: at("2026-05-04T08:30:00Z"),
        updated_at: at("2026-05-04T08:30:00Z"),
        options: vec![
            all_day(0, "2026-07-05", "2026-07-07"),
            all_day(1, "2026-07-10", "2026-07-12"),
            all_day(2, "2026-07-12", "2026-07-14"),
            PollOption {
                id: id(0x103),
                position: 3,
                setup: Default::default(),
                slot: Slot::Timed {
                    start: at("2026-07-15T04:00:00Z"),
                    end: at("2026-07-15T07:00:00Z"),
                },
            },
        ],
        confirmed_option: None,
        reminders: crate::domain::reminders::parse_reminders(&["P3D".into(), "PT24H".into()])
            .expect("valid reminders"),
    }
}

/// The group's members: (name, zone).
pub const MEMBERS: [(&str, &str); 5] = [
    ("Yoichi", "Asia/Tokyo"),
    ("Lena", "Europe/Vienna"),
    ("Amara", "Africa/Lagos"),
    ("Bruna", "America/Sao_Paulo"),
    ("Anna", "America/New_York"),
];

/// The members invited to the poll; all but Anna have answered.
pub fn roster() -> Vec<Invitee> {
    MEMBERS
        .iter()
        .enumerate()
        .map(|(n, (name, tz))| Invitee {
            invitation_id: id(0x300 + n as u128),
            member_id: id(0x200 + n as u128),
            name: name.to_string(),
            email: Some(format!("{}@example.org", name.to_lowercase())),
            zone: zone(tz),
            social_hours: SocialHours {
                start: NaiveTime::from_hms_opt(7, 0, 0).expect("07:00"),
                end: NaiveTime::from_hms_opt(22, 0, 0).expect("22:00"),
            },
            required: n < 4,
            invited_at: at("2026-05-04T08:35:00Z"),
            language: None,
            link_salt: Some(format!("{n:032x}")),
            answer: (*name != "Anna").then(|| Answer {
                response_id: id(0x400 + n as u128),
                answered_at: at("2026-05-05T10:00:00Z"),
                recorded_by: (*name == "Amara").then(|| "IGF Secretariat".to_string()),
                revision: 1,
                votes: Vec::new(),
            }),
        })
        .collect()
}

/// Four answers: the 10–12 July range suits every required member.
pub fn standing() -> Standing {
    let poll = poll();
    let counts = [[2, 1, 1], [3, 1, 0], [1, 1, 2], [1, 0, 3]];
    let required = [2, 4, 2, 1];
    let slots: Vec<_> = poll.options.iter().map(|o| o.slot).collect();
    Standing {
        tallies: Tallies {
            responses: 4,
            changes: 4,
            options: poll.options.iter().map(|o| o.id).zip(counts).collect(),
            required: poll
                .options
                .iter()
                .map(|o| o.id)
                .zip(required)
                .collect::<HashMap<_, _>>(),
            ..Tallies::default()
        },
        roster: Roster::of(&roster(), &slots),
        poll,
    }
}
