//! The ICS writer (RFC 5545): calendars of confirmed events and holds.
//!
//! VCALENDAR and VEVENT are written with the `icalendar` crate, which escapes
//! TEXT values and folds lines at 75 octets on character boundaries. It does
//! not write VTIMEZONE (and would add DTSTAMP/UID to any component it
//! writes), so VTIMEZONE is derived here from the tz database via chrono-tz:
//! one observance per offset change around the events, so any client computes
//! exactly the instants the JSON API reports.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{Calendar, CalendarDateTime, Component, EventLike, EventStatus, Property};

use super::time::{Slot, Zone};

/// How a calendar app should treat an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Tentative,
    Confirmed,
    Cancelled,
}

/// One VEVENT.
#[derive(Debug, Clone)]
pub struct Event {
    pub uid: String,
    /// Rises with every change; clients keep the highest.
    pub sequence: u32,
    pub status: Status,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub slot: Slot,
    /// The zone timed events are written in (the poll's).
    pub zone: Zone,
    /// When this version of the event was made: DTSTAMP and LAST-MODIFIED.
    pub changed_at: DateTime<Utc>,
    pub url: Option<String>,
    /// Invited members with an email, and where their answer leaves them.
    pub attendees: Vec<Attendee>,
}

/// An invited member in an event (RFC 5545 ATTENDEE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub name: String,
    pub email: String,
    pub required: bool,
    pub partstat: PartStat,
}

/// A member's participation, from their vote on the event's option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartStat {
    Accepted,
    Tentative,
    Declined,
    NeedsAction,
}

impl PartStat {
    pub fn of(choice: Option<super::poll::Choice>) -> Self {
        use super::poll::Choice;
        match choice {
            Some(Choice::Yes) => PartStat::Accepted,
            Some(Choice::IfNeedBe) => PartStat::Tentative,
            Some(Choice::No) => PartStat::Declined,
            None => PartStat::NeedsAction,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PartStat::Accepted => "ACCEPTED",
            PartStat::Tentative => "TENTATIVE",
            PartStat::Declined => "DECLINED",
            PartStat::NeedsAction => "NEEDS-ACTION",
        }
    }
}

/// What the calendar is: a single event file or a subscription feed.
pub struct CalendarHeader<'a> {
    pub name: &'a str,
    /// Feeds tell clients how often to poll.
    pub refresh: Option<Duration>,
    /// PUBLISH for files and feeds; REQUEST and CANCEL (RFC 5546 iTIP) for
    /// the invitation mailed to each attendee.
    pub method: Method,
    /// Who sends an iTIP message (ORGANIZER of every event): name and address.
    pub organizer: Option<(&'a str, &'a str)>,
}

impl CalendarHeader<'_> {
    /// A plain calendar: a file or a feed.
    pub fn publish(name: &str, refresh: Option<Duration>) -> CalendarHeader<'_> {
        CalendarHeader {
            name,
            refresh,
            method: Method::Publish,
            organizer: None,
        }
    }
}

/// The iTIP method of a calendar (RFC 5546 §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Publish,
    Request,
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

const PRODID: &str = "-//Convene//Convene scheduling polls//EN";

/// The line that ends every calendar.
pub const END: &str = "END:VCALENDAR\r\n";

/// Writes a whole calendar. The output depends only on its input, so the
/// same state always yields the same bytes (and the same ETag).
pub fn render(header: &CalendarHeader<'_>, events: &[Event]) -> String {
    let mut zones = ZoneSpans::default();
    for e in events {
        zones.add(e.zone, &e.slot);
    }
    let mut out = begin(header, &zones);
    out.push_str(&render_events(header, events));
    out.push_str(END);
    out
}

/// A calendar up to its first event: its properties and the VTIMEZONEs of
/// `zones`. With [`render_events`] and [`END`] it writes a calendar in
/// pieces, byte for byte as [`render`] writes it whole, so a long feed can
/// be streamed.
pub fn begin(header: &CalendarHeader<'_>, zones: &ZoneSpans) -> String {
    let whole = calendar(header).to_string();
    let mut out = whole.strip_suffix(END).unwrap_or(&whole).to_string();
    out.push_str(&zones.vtimezones());
    out
}

/// The calendar's own properties, without events.
fn calendar(header: &CalendarHeader<'_>) -> Calendar {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", PRODID));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", header.method.as_str()));
    // RFC 7986 NAME and the widely read X-WR-CALNAME. The crate escapes the
    // latter but not the former, so NAME is escaped here.
    let name = clean(header.name);
    cal.append_property(Property::new("NAME", escape_text(&name)));
    cal.append_property(Property::new("X-WR-CALNAME", &name));
    if let Some(refresh) = header.refresh {
        cal.ttl(&refresh);
    }
    cal.done()
}

/// Events as a calendar lists them, between [`begin`] and [`END`].
pub fn render_events(header: &CalendarHeader<'_>, events: &[Event]) -> String {
    events
        .iter()
        .map(|e| vevent(header, e).to_string())
        .collect()
}

/// The zones a calendar's timed events are in, each with the span of its
/// events: what its VTIMEZONEs cover. Gathered before any event is written,
/// so that the zones can come first (as clients expect) in a streamed feed.
#[derive(Debug, Default)]
pub struct ZoneSpans(BTreeMap<&'static str, (Tz, DateTime<Utc>, DateTime<Utc>)>);

impl ZoneSpans {
    /// An event in `zone` at `slot` (all-day events have no zone).
    pub fn add(&mut self, zone: Zone, slot: &Slot) {
        if let Slot::Timed { start, end } = *slot {
            let span = self.0.entry(zone.name()).or_insert((zone.tz(), start, end));
            span.1 = span.1.min(start);
            span.2 = span.2.max(end);
        }
    }

    /// One VTIMEZONE per zone, covering a year either side of its events.
    fn vtimezones(&self) -> String {
        let mut out = String::new();
        for (tz, from, to) in self.0.values() {
            let first_year = (*from - Duration::days(366)).year();
            // Never past year 9999: a transition in 10000 would be written
            // with five digits, and no event of ours is that late.
            let last_year = (*to + Duration::days(366))
                .year()
                .min(*crate::domain::time::YEARS.end());
            out.push_str(&cached_vtimezone(*tz, first_year, last_year));
        }
        out
    }
}

fn vevent(header: &CalendarHeader<'_>, e: &Event) -> icalendar::Event {
    let mut ev = icalendar::Event::new();
    if let Some((name, email)) = header.organizer {
        let cn = clean(name).replace(['"', '\n'], "'");
        ev.append_property(
            Property::new("ORGANIZER", format!("mailto:{email}"))
                .add_parameter("CN", &cn)
                .done(),
        );
    }
    ev.uid(&e.uid)
        .timestamp(e.changed_at)
        .add_property("LAST-MODIFIED", utc_stamp(e.changed_at))
        .add_property("SEQUENCE", e.sequence.to_string())
        .summary(&clean(&e.summary))
        .status(match e.status {
            Status::Tentative => EventStatus::Tentative,
            Status::Confirmed => EventStatus::Confirmed,
            Status::Cancelled => EventStatus::Cancelled,
        })
        .add_property(
            "TRANSP",
            if e.status == Status::Confirmed {
                "OPAQUE"
            } else {
                "TRANSPARENT"
            },
        );
    if !e.description.is_empty() {
        ev.description(&clean(&e.description));
    }
    if !e.location.is_empty() {
        ev.location(&clean(&e.location));
    }
    if let Some(url) = &e.url {
        ev.url(url);
    }
    for a in &e.attendees {
        // The crate quotes a parameter value holding `:;,`; a DQUOTE cannot
        // appear inside one at all (RFC 5545 §3.1), so it becomes an apostrophe.
        let cn = clean(&a.name).replace(['"', '\n'], "'");
        ev.append_multi_property(
            Property::new("ATTENDEE", format!("mailto:{}", a.email))
                .add_parameter("CN", &cn)
                .add_parameter(
                    "ROLE",
                    if a.required {
                        "REQ-PARTICIPANT"
                    } else {
                        "OPT-PARTICIPANT"
                    },
                )
                .add_parameter("PARTSTAT", a.partstat.as_str())
                .done(),
        );
    }
    match e.slot {
        Slot::AllDay { start, end } => {
            // DTEND of an all-day event is exclusive: 5–7 July ends on the 8th.
            ev.starts(start).ends(end + Duration::days(1));
        }
        Slot::Timed { start, end } => {
            // A wall time in a fall-back hour happens twice, and RFC 5545
            // (3.3.5) reads it as the first occurrence: an instant in the
            // second would land an hour off (or whatever the change is) in
            // every calendar. Such instants are written in UTC form, which
            // names exactly one moment; the rest stay in the poll's zone.
            let at = |t: DateTime<Utc>| {
                if e.zone.is_ambiguous(t) {
                    CalendarDateTime::Utc(t)
                } else {
                    CalendarDateTime::WithTimezone {
                        date_time: e.zone.local(t),
                        tzid: e.zone.name().to_string(),
                    }
                }
            };
            ev.starts(at(start)).ends(at(end));
        }
    }
    ev.done()
}

/// User text as a TEXT value. The crate escapes `\ ; , LF`; a bare CR would
/// pass through and end the line, so line breaks are normalised to LF first
/// and other control characters dropped.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// TEXT escaping (RFC 5545 3.3.11), for properties the crate leaves alone.
fn escape_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// VTIMEZONE for whole calendar years, memoised: the tz database does not
/// change while the process runs, and a feed of many events in a handful of
/// zones would otherwise scan the same years on every request.
fn cached_vtimezone(tz: Tz, first_year: i32, last_year: i32) -> String {
    type Cache = Mutex<HashMap<(Tz, i32, i32), String>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (tz, first_year, last_year);
    if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return hit.clone();
    }
    let jan_first = |y: i32| {
        Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default()
    };
    let text = vtimezone(tz, jan_first(first_year), jan_first(last_year + 1));
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, text.clone());
    text
}

/// A VTIMEZONE for `tz` valid from `from` to `to`: the observance in force
/// at `from`, then one per transition found in the tz database.
pub fn vtimezone(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let mut out = String::new();
    let line = |out: &mut String, s: &str| {
        out.push_str(s);
        out.push_str("\r\n");
    };
    line(&mut out, "BEGIN:VTIMEZONE");
    line(&mut out, &format!("TZID:{}", tz.name()));
    let first = tz.offset_from_utc_datetime(&from.naive_utc());
    observance(&mut out, from, first, first);
    for (at, before, after) in transitions(tz, from, to) {
        observance(&mut out, at, before, after);
    }
    line(&mut out, "END:VTIMEZONE");
    out
}

fn observance(
    out: &mut String,
    at: DateTime<Utc>,
    before: chrono_tz::TzOffset,
    after: chrono_tz::TzOffset,
) {
    let kind = if after.dst_offset().is_zero() {
        "STANDARD"
    } else {
        "DAYLIGHT"
    };
    // DTSTART is the wall-clock reading, on the old offset, when the change happens.
    let onset: NaiveDateTime =
        at.naive_utc() + Duration::seconds(before.fix().local_minus_utc().into());
    let _ = write!(
        out,
        "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n",
        onset.format("%Y%m%dT%H%M%S"),
        ics_offset(before.fix().local_minus_utc()),
        ics_offset(after.fix().local_minus_utc()),
    );
    if let Some(name) = after.abbreviation() {
        let name: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '-')
            .collect();
        if !name.is_empty() {
            let _ = write!(out, "TZNAME:{name}\r\n");
        }
    }
    let _ = write!(out, "END:{kind}\r\n");
}

/// `+0100`, `-0330`, `+013045` (seconds only when present).
fn ics_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// Offset changes of `tz` between `from` and `to`, to the second: scanned a
/// day at a time (zones change at most a few times a year), then bisected.
fn transitions(
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, chrono_tz::TzOffset, chrono_tz::TzOffset)> {
    let at = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc());
    let same = |a: &chrono_tz::TzOffset, b: &chrono_tz::TzOffset| {
        a.fix() == b.fix()
            && a.abbreviation() == b.abbreviation()
            && a.dst_offset() == b.dst_offset()
    };
    let mut found = Vec::new();
    let mut t = from;
    let mut current = at(t);
    while t < to {
        let next = t + Duration::days(1);
        let next_offset = at(next);
        if !same(&current, &next_offset) {
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if same(&at(mid), &current) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            found.push((hi, current, at(hi)));
            current = at(hi);
            // A second change on the same day is caught on the next step.
            t = hi;
            continue;
        }
        t = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn timed(z: &str, start: &str, end: &str) -> Event {
        Event {
            uid: "poll-1@convene".into(),
            sequence: 3,
            status: Status::Confirmed,
            summary: "MAG call".into(),
            description: String::new(),
            location: String::new(),
            slot: Slot::Timed {
                start: start.parse().unwrap(),
                end: end.parse().unwrap(),
            },
            zone: zone(z),
            changed_at: "2026-06-01T12:00:00Z".parse().unwrap(),
            url: None,
            attendees: Vec::new(),
        }
    }

    fn header() -> CalendarHeader<'static> {
        CalendarHeader::publish("Convene", None)
    }

    /// How calendars were written before they could be streamed: the whole
    /// calendar by the crate, the VTIMEZONEs spliced in before the first
    /// event. Kept to show the pieces give the same bytes.
    fn render_whole(header: &CalendarHeader<'_>, events: &[Event]) -> String {
        let mut cal = calendar(header);
        for e in events {
            cal.push(vevent(header, e));
        }
        let body = cal.done().to_string();
        let mut zones = ZoneSpans::default();
        for e in events {
            zones.add(e.zone, &e.slot);
        }
        let zones = zones.vtimezones();
        let at = body
            .find("BEGIN:VEVENT\r\n")
            .or_else(|| body.rfind("END:VCALENDAR"))
            .unwrap_or(body.len());
        format!("{}{zones}{}", &body[..at], &body[at..])
    }

    #[test]
    fn a_calendar_written_in_pieces_is_the_calendar_written_whole() {
        let mut events = vec![
            timed(
                "Europe/Vienna",
                "2026-07-10T11:00:00Z",
                "2026-07-10T14:00:00Z",
            ),
            timed("Asia/Tokyo", "2027-01-10T01:00:00Z", "2027-01-10T02:00:00Z"),
            timed(
                "Europe/Vienna",
                "2026-03-29T00:30:00Z",
                "2026-03-29T01:30:00Z",
            ),
        ];
        let mut day = timed("Asia/Tokyo", "2026-07-10T11:00:00Z", "2026-07-10T14:00:00Z");
        day.slot = Slot::AllDay {
            start: "2026-07-05".parse().unwrap(),
            end: "2026-07-07".parse().unwrap(),
        };
        day.attendees.push(Attendee {
            name: "Ana, \"the chair\"".into(),
            email: "ana@example.org".into(),
            required: true,
            partstat: PartStat::of(None),
        });
        day.description = "Line one\nline two; with, commas".into();
        events.push(day);
        let headers = [
            header(),
            CalendarHeader::publish("Feed: MAG", Some(Duration::minutes(60))),
            CalendarHeader {
                organizer: Some(("Secretariat", "secretariat@example.org")),
                method: Method::Request,
                ..header()
            },
        ];
        for header in &headers {
            let whole = render_whole(header, &events);
            assert_eq!(render(header, &events), whole);
            let mut zones = ZoneSpans::default();
            for e in &events {
                zones.add(e.zone, &e.slot);
            }
            let pieces = begin(header, &zones)
                + &render_events(header, &events[..1])
                + &render_events(header, &events[1..])
                + END;
            assert_eq!(pieces, whole);
            assert_eq!(render(header, &[]), render_whole(header, &[]));
        }
    }

    #[test]
    fn vienna_has_both_clock_changes_of_the_year() {
        let from = "2026-01-01T00:00:00Z".parse().unwrap();
        let to = "2026-12-31T00:00:00Z".parse().unwrap();
        let v = vtimezone(chrono_tz::Europe::Vienna, from, to);
        assert!(v.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST"), "{v}");
        assert!(v.contains("BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET"), "{v}");
    }

    #[test]
    fn zones_without_dst_and_with_odd_offsets_are_written_exactly() {
        let from = "2026-01-01T00:00:00Z".parse().unwrap();
        let to = "2027-01-01T00:00:00Z".parse().unwrap();
        let kolkata = vtimezone(chrono_tz::Asia::Kolkata, from, to);
        assert_eq!(kolkata.matches("BEGIN:STANDARD").count(), 1);
        assert!(kolkata.contains("TZOFFSETTO:+0530"));
        let st_johns = vtimezone(chrono_tz::America::St_Johns, from, to);
        assert!(
            st_johns.contains("TZOFFSETTO:-0230") && st_johns.contains("TZOFFSETTO:-0330"),
            "{st_johns}"
        );
        let sydney = vtimezone(chrono_tz::Australia::Sydney, from, to);
        assert!(
            sydney.contains("DTSTART:20260405T030000\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000"),
            "{sydney}"
        );
        assert!(
            sydney.contains("DTSTART:20261004T020000\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100"),
            "{sydney}"
        );
    }

    #[test]
    fn timed_events_use_the_poll_zone_and_all_day_ends_are_exclusive() {
        let ics = render(
            &header(),
            &[timed(
                "Europe/Vienna",
                "2026-07-10T11:00:00Z",
                "2026-07-10T14:00:00Z",
            )],
        );
        assert!(
            ics.contains("DTSTART;TZID=Europe/Vienna:20260710T130000\r\n"),
            "{ics}"
        );
        assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Vienna"));
        assert!(ics.find("BEGIN:VTIMEZONE").unwrap() < ics.find("BEGIN:VEVENT").unwrap());
        let mut day = timed(
            "Europe/Vienna",
            "2026-07-10T11:00:00Z",
            "2026-07-10T14:00:00Z",
        );
        day.slot = Slot::AllDay {
            start: "2026-07-05".parse().unwrap(),
            end: "2026-07-07".parse().unwrap(),
        };
        let ics = render(&header(), &[day]);
        assert!(ics.contains("DTSTART;VALUE=DATE:20260705\r\n"), "{ics}");
        assert!(ics.contains("DTEND;VALUE=DATE:20260708\r\n"), "{ics}");
        assert!(!ics.contains("VTIMEZONE"));
    }

    #[test]
    fn hostile_text_cannot_inject_properties_and_long_lines_fold_on_characters() {
        let mut e = timed("UTC", "2026-07-10T11:00:00Z", "2026-07-10T14:00:00Z");
        e.summary = "Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT\rSUMMARY:owned; a,b \\ c".into();
        e.description = "ü".repeat(200);
        let ics = render(&header(), &[e]);
        assert_eq!(
            ics.split("\r\n").filter(|l| *l == "BEGIN:VEVENT").count(),
            1,
            "{ics}"
        );
        assert_eq!(
            ics.split("\r\n")
                .filter(|l| l.starts_with("SUMMARY"))
                .count(),
            1,
            "{ics}"
        );
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "line of {} octets: {line}", line.len());
            assert!(!line.contains('\r') && !line.contains('\n'));
        }
        assert!(
            ics.contains(r"SUMMARY:Evil\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:owned\; a\,b \\ c"),
            "{ics}"
        );
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}", "ü".repeat(200))));
    }

    #[test]
    fn the_same_input_renders_the_same_bytes() {
        let e = timed(
            "Europe/Vienna",
            "2026-07-10T11:00:00Z",
            "2026-07-10T14:00:00Z",
        );
        assert_eq!(
            render(&header(), std::slice::from_ref(&e)),
            render(&header(), &[e])
        );
    }
}
