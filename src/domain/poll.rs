//! Poll vocabulary: statuses, settings, choices, and the text rules for what
//! organisers and respondents type.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::limits::*;
use super::reminders::Reminder;
use super::time::{Slot, Zone};
use super::{FieldError, Violations};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// The stored and wire spelling.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// Where a poll is in its life. `Open` with a passed deadline reads as
    /// `Closed` (see [`effective_status`]).
    PollStatus { Open = "open", Closed = "closed", Confirmed = "confirmed", Cancelled = "cancelled" }
);
string_enum!(Voting { InviteOnly = "invite_only", Open = "open" });
string_enum!(ResultsVisibility { Everyone = "everyone", AfterVoting = "after_voting", Organisers = "organisers" });
string_enum!(Choice { Yes = "yes", IfNeedBe = "if_need_be", No = "no" });
string_enum!(OptionKind { AllDay = "all_day", Timed = "timed" });
string_enum!(
    /// How a member attends a hybrid meeting.
    Attendance { InPerson = "in_person", Online = "online" }
);

/// The attendance modes a poll offers; none for a poll that is not hybrid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Modes {
    pub in_person: bool,
    pub online: bool,
}

impl Modes {
    pub fn is_hybrid(self) -> bool {
        self.in_person || self.online
    }

    pub fn offers(self, a: Attendance) -> bool {
        match a {
            Attendance::InPerson => self.in_person,
            Attendance::Online => self.online,
        }
    }

    /// The modes offered, in their fixed order.
    pub fn list(self) -> Vec<Attendance> {
        [Attendance::InPerson, Attendance::Online]
            .into_iter()
            .filter(|a| self.offers(*a))
            .collect()
    }

    /// The only mode, if the poll offers exactly one.
    pub fn only(self) -> Option<Attendance> {
        match self.list().as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Reads a requested list; each error names its item (`field[1]`).
    pub fn parse(list: &[String], field: &str) -> Result<Modes, Vec<FieldError>> {
        let mut v = Violations::default();
        let mut modes = Modes::default();
        for (i, s) in list.iter().enumerate() {
            match Attendance::parse(s) {
                None => v.push(
                    format!("{field}[{i}]"),
                    format!("unknown attendance mode {s:?}: use in_person or online"),
                ),
                Some(a) if modes.offers(a) => {
                    v.push(format!("{field}[{i}]"), format!("{s} is listed twice"))
                }
                Some(Attendance::InPerson) => modes.in_person = true,
                Some(Attendance::Online) => modes.online = true,
            }
        }
        v.into_result()?;
        Ok(modes)
    }

    /// As stored (`in_person,online`); `None` for a poll that is not hybrid.
    pub fn stored(self) -> Option<String> {
        self.is_hybrid().then(|| {
            self.list()
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })
    }

    pub fn from_stored(s: Option<&str>) -> Modes {
        let mut modes = Modes::default();
        for part in s.unwrap_or_default().split(',') {
            match Attendance::parse(part.trim()) {
                Some(Attendance::InPerson) => modes.in_person = true,
                Some(Attendance::Online) => modes.online = true,
                None => {}
            }
        }
        modes
    }
}

/// What an option adds to its slot: answered per day, and its seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OptionSetup {
    pub per_day: bool,
    /// In-person places; `None`: no limit.
    pub capacity: Option<u32>,
}

/// The status a poll has right now. A deadline closes voting by itself, on
/// every instance, because it is evaluated on each read rather than by a timer.
pub fn effective_status(
    stored: PollStatus,
    deadline: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> PollStatus {
    match (stored, deadline) {
        (PollStatus::Open, Some(d)) if d <= now => PollStatus::Closed,
        (s, _) => s,
    }
}

/// Who may vote and who sees what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub voting: Voting,
    pub allow_if_need_be: bool,
    pub results_visibility: ResultsVisibility,
    pub show_voter_names: bool,
    /// Open consultations: counts are published, names and individual
    /// answers never are, to anyone.
    pub aggregate_only: bool,
    /// The least number of required members who must be available for an
    /// option to be viable.
    pub quorum: Option<u32>,
    /// How members may attend (hybrid polls); none for a poll that is not
    /// hybrid.
    pub attendance: Modes,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            voting: Voting::Open,
            allow_if_need_be: true,
            results_visibility: ResultsVisibility::Everyone,
            show_voter_names: true,
            aggregate_only: false,
            quorum: None,
            attendance: Modes::default(),
        }
    }
}

/// A validated request to create a poll.
#[derive(Debug, Clone)]
pub struct NewPoll {
    pub title: String,
    pub description: String,
    pub location: String,
    pub zone: Zone,
    pub deadline: Option<DateTime<Utc>>,
    pub settings: Settings,
    pub options: Vec<(Slot, OptionSetup)>,
    pub reminders: Vec<Reminder>,
}

/// A validated partial update; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PollPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub zone: Option<Zone>,
    /// `Some(None)` removes the deadline.
    pub deadline: Option<Option<DateTime<Utc>>>,
    pub voting: Option<Voting>,
    pub allow_if_need_be: Option<bool>,
    pub results_visibility: Option<ResultsVisibility>,
    pub show_voter_names: Option<bool>,
    pub aggregate_only: Option<bool>,
    /// `Some(None)` removes the quorum.
    pub quorum: Option<Option<u32>>,
    /// `Some(vec![])` removes every reminder.
    pub reminders: Option<Vec<Reminder>>,
    /// `Some(Modes::default())` makes the poll not hybrid.
    pub attendance: Option<Modes>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollOption {
    pub id: Uuid,
    pub position: i32,
    pub slot: Slot,
    /// Answered per day; its seats.
    pub setup: OptionSetup,
}

/// A poll as stored, with its options in the organiser's order.
#[derive(Debug, Clone)]
pub struct Poll {
    pub id: Uuid,
    pub organiser_id: Uuid,
    pub title: String,
    pub description: String,
    pub location: String,
    pub zone: Zone,
    pub status: PollStatus,
    pub deadline: Option<DateTime<Utc>>,
    pub settings: Settings,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub options: Vec<PollOption>,
    /// The option confirmed as the event (kept if the poll is reopened).
    pub confirmed_option: Option<Uuid>,
    /// Sent automatically before the deadline, to those who have not answered.
    pub reminders: Vec<Reminder>,
}

impl Poll {
    pub fn status_at(&self, now: DateTime<Utc>) -> PollStatus {
        effective_status(self.status, self.deadline, now)
    }

    /// The next automatic reminder, as seen at `now`: rounds go out only
    /// while the poll is open (a closed poll asks nobody to vote).
    pub fn next_reminder(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.status_at(now) != PollStatus::Open {
            return None;
        }
        super::reminders::due_times(&self.reminders, self.deadline, now)
            .first()
            .copied()
    }

    /// Why a vote cannot be taken now, if it cannot.
    pub fn voting_closed_reason(&self, now: DateTime<Utc>) -> Option<String> {
        match self.status_at(now) {
            PollStatus::Open => None,
            PollStatus::Closed if self.status == PollStatus::Open => Some(format!(
                "voting closed at the deadline, {}",
                super::time::render_utc(self.deadline.unwrap_or(now))
            )),
            s => Some(format!("the poll is {}: voting is over", s.as_str())),
        }
    }
}

fn text(value: &str, max: usize, what: &str, required: bool) -> Result<String, String> {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(format!("{what} must be at most {max} characters"));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(format!("{what} must not contain control characters"));
    }
    Ok(trimmed.to_string())
}

/// A title is one line: it is a mail subject, a calendar SUMMARY and a page
/// heading, none of which can hold a line break.
pub fn parse_title(s: &str) -> Result<String, String> {
    let title = text(s, MAX_TITLE_CHARS, "the title", true)?;
    if title.contains(['\n', '\r']) {
        return Err("the title must be on one line (no line breaks)".into());
    }
    Ok(title)
}

pub fn parse_description(s: &str) -> Result<String, String> {
    text(s, MAX_DESCRIPTION_CHARS, "the description", false)
}

pub fn parse_location(s: &str) -> Result<String, String> {
    text(s, MAX_LOCATION_CHARS, "the location", false)
}

pub fn parse_person_name(s: &str) -> Result<String, String> {
    let name = text(s, MAX_NAME_CHARS, "the name", true)?;
    if name.contains(['\n', '\r']) {
        return Err("the name must be on one line".into());
    }
    Ok(name)
}

/// A quorum counts required members, so it is at least one and at most
/// a roster's size.
pub fn parse_quorum(n: i64) -> Result<u32, String> {
    if (1..=MAX_MEMBERS_PER_GROUP as i64).contains(&n) {
        Ok(n as u32)
    } else {
        Err(format!(
            "the quorum must be between 1 and {MAX_MEMBERS_PER_GROUP} required members"
        ))
    }
}

pub fn parse_comment(s: &str) -> Result<String, String> {
    text(s, MAX_COMMENT_CHARS, "the comment", false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passed_deadline_closes_an_open_poll_only() {
        let now: DateTime<Utc> = "2026-07-01T00:00:00Z".parse().unwrap();
        let past = Some("2026-06-30T00:00:00Z".parse().unwrap());
        let future = Some("2026-07-02T00:00:00Z".parse().unwrap());
        assert_eq!(
            effective_status(PollStatus::Open, past, now),
            PollStatus::Closed
        );
        assert_eq!(
            effective_status(PollStatus::Open, future, now),
            PollStatus::Open
        );
        assert_eq!(
            effective_status(PollStatus::Open, None, now),
            PollStatus::Open
        );
        assert_eq!(
            effective_status(PollStatus::Confirmed, past, now),
            PollStatus::Confirmed
        );
    }

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(parse_title("  MAG meeting ").unwrap(), "MAG meeting");
        assert!(parse_title("   ").is_err());
        assert!(parse_title(&"x".repeat(MAX_TITLE_CHARS + 1)).is_err());
        assert!(parse_title(&"é".repeat(MAX_TITLE_CHARS)).is_ok());
        assert!(parse_title("bell\u{7}").is_err());
        assert!(parse_person_name("Bruna\nEvil").is_err());
        assert!(parse_title("MAG\r\nBCC: everyone").is_err());
        assert!(parse_title("MAG\rmeeting").is_err());
        assert!(parse_title("MAG\nmeeting").is_err());
        assert_eq!(parse_description("").unwrap(), "");
    }

    #[test]
    fn enums_round_trip_their_wire_spelling() {
        for c in [Choice::Yes, Choice::IfNeedBe, Choice::No] {
            assert_eq!(Choice::parse(c.as_str()), Some(c));
        }
        assert_eq!(Choice::parse("maybe"), None);
    }
}
