//! The CSV export of a poll: one row per respondent and one column per
//! option, or — for aggregate-only polls — counts only. Written so that it
//! opens cleanly in a spreadsheet: UTF-8 with a byte-order mark (which Excel
//! needs to read UTF-8), a header row, RFC 4180 quoting and CRLF, and no cell
//! that a spreadsheet would run as a formula.

use std::borrow::Cow;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::hybrid::{Attendance, Seat, VoteDetail};
use super::poll::{Choice, Poll};
use super::time::render_utc;

/// One respondent's row.
pub struct Respondent<'a> {
    pub name: &'a str,
    pub invited: bool,
    pub recorded_by: Option<&'a str>,
    pub answered_at: DateTime<Utc>,
    pub revision: i32,
    pub comment: &'a str,
    pub votes: &'a [(Uuid, Choice)],
    /// Attendance, day answers and seats, by option.
    pub details: &'a BTreeMap<Uuid, VoteDetail>,
}

/// One option's counts, for aggregate-only polls.
pub struct OptionCounts {
    pub option_id: Uuid,
    pub yes: i64,
    pub if_need_be: i64,
    pub no: i64,
    pub no_answer: i64,
    /// Hybrid polls: in person and online.
    pub attendance: Option<[i64; 2]>,
}

/// Text a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a
/// leading tab or carriage return, per OWASP's CSV-injection advice) gets a
/// leading apostrophe, which spreadsheets show as text and do not evaluate.
fn cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

fn choice_text(c: Choice) -> &'static str {
    match c {
        Choice::Yes => "yes",
        Choice::IfNeedBe => "if need be",
        Choice::No => "no",
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    let mut out = Vec::new();
    out.extend_from_slice("\u{feff}".as_bytes());
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    let bytes = w.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("every cell is a Rust string")
}

fn option_headers(poll: &Poll) -> impl Iterator<Item = String> + '_ {
    poll.options
        .iter()
        .enumerate()
        .map(|(i, o)| format!("{}. {}", i + 1, o.slot.label(poll.zone)))
}

/// Every respondent's answer, one row each, options in the organiser's order.
pub fn respondents_csv<'a>(poll: &Poll, rows: impl IntoIterator<Item = Respondent<'a>>) -> String {
    let mut out = respondents_header(poll);
    out.extend(respondent_rows(poll, rows));
    String::from_utf8(out).expect("every cell is a Rust string")
}

/// The start of [`respondents_csv`]: the byte-order mark and the header
/// row. A streamed export sends this, then [`respondent_rows`] page by page.
pub fn respondents_header(poll: &Poll) -> Vec<u8> {
    let mut w = writer();
    let header: Vec<String> = [
        "respondent",
        "invited",
        "recorded on their behalf by",
        "answered at (UTC)",
        "revision",
        "comment",
    ]
    .into_iter()
    .map(String::from)
    .chain(option_headers(poll))
    .collect();
    w.write_record(header.iter().map(|h| cell(h).into_owned()))
        .expect("writing to memory cannot fail");
    w.into_inner().expect("writing to memory cannot fail")
}

/// Rows of [`respondents_csv`], without its header.
pub fn respondent_rows<'a>(poll: &Poll, rows: impl IntoIterator<Item = Respondent<'a>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in rows {
        let mut record: Vec<Cow<'_, str>> = vec![
            cell(r.name),
            Cow::Borrowed(if r.invited { "yes" } else { "no" }),
            cell(r.recorded_by.unwrap_or("")),
            Cow::Owned(render_utc(r.answered_at)),
            Cow::Owned(r.revision.to_string()),
            cell(r.comment),
        ];
        record.extend(poll.options.iter().map(|o| {
            let Some((_, c)) = r.votes.iter().find(|(id, _)| *id == o.id) else {
                return Cow::Borrowed("");
            };
            match r.details.get(&o.id) {
                Some(d) => Cow::Owned(answer_text(*c, d)),
                None => Cow::Borrowed(choice_text(*c)),
            }
        }));
        w.write_record(record.iter().map(|c| c.as_ref()))
            .expect("writing to memory cannot fail");
    }
    w.into_inner().expect("writing to memory cannot fail")
}

/// A cell of an answer with details: "yes, in person, seat taken" or
/// "no (2027-07-05 yes; 2027-07-06 no)". Never starts with a formula sign.
fn answer_text(c: Choice, d: &VoteDetail) -> String {
    let mut text = choice_text(c).to_string();
    match d.attendance {
        Some(Attendance::InPerson) => text += ", in person",
        Some(Attendance::Online) => text += ", online",
        None => {}
    }
    match d.seat {
        Some(Seat::Taken) => text += ", seat taken",
        Some(Seat::Waiting) => text += ", waiting for a seat",
        None => {}
    }
    if !d.days.is_empty() {
        let days: Vec<String> = d
            .days
            .iter()
            .map(|(day, c)| format!("{day} {}", choice_text(*c)))
            .collect();
        text += &format!(" ({})", days.join("; "));
    }
    text
}

/// Counts only: one row per option (with the attendance counts of a
/// hybrid poll).
pub fn counts_csv(poll: &Poll, counts: &[OptionCounts]) -> String {
    let hybrid = poll.settings.attendance.is_hybrid();
    let mut w = writer();
    let mut header = vec!["option", "yes", "if need be", "no", "no answer"];
    if hybrid {
        header.extend(["in person", "online"]);
    }
    w.write_record(header)
        .expect("writing to memory cannot fail");
    for (label, o) in option_headers(poll).zip(&poll.options) {
        let c = counts.iter().find(|c| c.option_id == o.id);
        let n = |f: fn(&OptionCounts) -> i64| c.map(f).unwrap_or(0).to_string();
        let mut record = vec![
            cell(&label).into_owned(),
            n(|c| c.yes),
            n(|c| c.if_need_be),
            n(|c| c.no),
            n(|c| c.no_answer),
        ];
        if hybrid {
            let [in_person, online] = c.and_then(|c| c.attendance).unwrap_or_default();
            record.extend([in_person.to_string(), online.to_string()]);
        }
        w.write_record(record)
            .expect("writing to memory cannot fail");
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_kept() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("Bruna"), "Bruna");
        assert_eq!(cell("Anna = chair"), "Anna = chair");
    }

    #[test]
    fn an_answer_cell_says_how_the_member_attends_their_seat_and_days() {
        let d = VoteDetail {
            attendance: Some(Attendance::InPerson),
            days: vec![("2027-07-05".parse().unwrap(), Choice::Yes)],
            seat: Some(Seat::Waiting),
        };
        assert_eq!(
            answer_text(Choice::Yes, &d),
            "yes, in person, waiting for a seat (2027-07-05 yes)"
        );
    }
}
