//! Rosters: the rules for a member's name, email, time zone and social hours.

use chrono::NaiveTime;

use super::limits::{MAX_EMAIL_CHARS, MAX_LANGUAGE_CHARS, MAX_MEMBERS_PER_REQUEST};
use super::poll::parse_person_name;
use super::time::Zone;
use super::{FieldError, Violations};

/// Default social hours: 07:00–22:00 local.
pub const DEFAULT_SOCIAL_START: &str = "07:00";
pub const DEFAULT_SOCIAL_END: &str = "22:00";

/// A validated member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    pub name: String,
    pub email: Option<String>,
    pub zone: Zone,
    pub social_start: NaiveTime,
    pub social_end: NaiveTime,
    /// BCP 47, in canonical case (`fr-CH`).
    pub language: Option<String>,
}

pub fn parse_email(s: &str) -> Result<Option<String>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let valid = s.chars().count() <= MAX_EMAIL_CHARS
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ',' || c == ';')
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if valid {
        Ok(Some(s.to_string()))
    } else {
        Err(format!("\"{s}\" is not an email address"))
    }
}

/// An email a person must have (a person of a workspace: addPerson,
/// updatePerson, the console's people page).
pub fn parse_required_email(s: &str) -> Result<String, String> {
    parse_email(s)?.ok_or_else(|| "an email address is required".to_string())
}

/// A BCP 47 language tag (`ar`, `zh-Hans`, `fr-CH`), in its canonical case.
/// Any well-formed tag is kept, even for a language the pages are not
/// written in: they fall back by the usual negotiation.
pub fn parse_language(s: &str) -> Result<Option<String>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > MAX_LANGUAGE_CHARS {
        return Err(format!("at most {MAX_LANGUAGE_CHARS} characters"));
    }
    s.parse::<unic_langid::LanguageIdentifier>()
        .map(|tag| Some(tag.to_string()))
        .map_err(|_| format!("\"{s}\" is not a BCP 47 language tag such as fr or zh-Hans"))
}

pub fn parse_clock(s: &str) -> Result<NaiveTime, String> {
    let trimmed = s.trim();
    // "HH:MM", as stored and as clients nearly always send it, read without
    // chrono's format parser: a results read reads a few dozen.
    if let [h1, h2, b':', m1, m2] = *trimmed.as_bytes()
        && [h1, h2, m1, m2].iter().all(u8::is_ascii_digit)
        && let Some(t) = NaiveTime::from_hms_opt(
            u32::from((h1 - b'0') * 10 + (h2 - b'0')),
            u32::from((m1 - b'0') * 10 + (m2 - b'0')),
            0,
        )
    {
        return Ok(t);
    }
    NaiveTime::parse_from_str(trimmed, "%H:%M")
        .map_err(|_| format!("\"{s}\" is not a time of day such as 07:00"))
}

/// The raw fields of a member as a client sent them.
pub struct MemberFields<'a> {
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub time_zone: &'a str,
    pub social_start: Option<&'a str>,
    pub social_end: Option<&'a str>,
    pub language: Option<&'a str>,
}

/// A change to a member: each field left as it is (`None`) or set; an
/// email or language set to `None` is removed.
#[derive(Debug, Clone, Default)]
pub struct MemberPatch {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub time_zone: Option<Zone>,
    pub social_start: Option<NaiveTime>,
    pub social_end: Option<NaiveTime>,
    pub language: Option<Option<String>>,
}

/// The raw fields of a change to a member, each `None` when left out; an
/// empty email or language removes it.
#[derive(Default)]
pub struct MemberEdit<'a> {
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub time_zone: Option<&'a str>,
    pub social_start: Option<&'a str>,
    pub social_end: Option<&'a str>,
    pub language: Option<&'a str>,
}

/// Validates a change to a member (updateMember, and the console's member
/// form), recording each field's error in `v`. Whether the social hours
/// still differ is checked against the member as stored, when it is saved.
pub fn parse_member_edit(e: &MemberEdit<'_>, v: &mut Violations) -> MemberPatch {
    MemberPatch {
        name: e.name.and_then(|n| v.check("name", parse_person_name(n))),
        email: e.email.and_then(|m| v.check("email", parse_email(m))),
        time_zone: e
            .time_zone
            .and_then(|z| v.check("time_zone", Zone::parse(z))),
        social_start: e
            .social_start
            .and_then(|s| v.check("social_hours_start", parse_clock(s))),
        social_end: e
            .social_end
            .and_then(|s| v.check("social_hours_end", parse_clock(s))),
        language: e
            .language
            .and_then(|l| v.check("language", parse_language(l))),
    }
}

/// Validates a member, naming fields under `path` (e.g. `members[3]`).
pub fn parse_member(f: &MemberFields<'_>, path: &str, v: &mut Violations) -> Option<NewMember> {
    let at = |field: &str| {
        if path.is_empty() {
            field.to_string()
        } else {
            format!("{path}.{field}")
        }
    };
    let name = v.check(at("name"), parse_person_name(f.name));
    let email = v.check(at("email"), parse_email(f.email.unwrap_or("")));
    let zone = v.check(at("time_zone"), Zone::parse(f.time_zone));
    let start = v.check(
        at("social_hours_start"),
        parse_clock(f.social_start.unwrap_or(DEFAULT_SOCIAL_START)),
    );
    let language = v.check(at("language"), parse_language(f.language.unwrap_or("")));
    let end = v.check(
        at("social_hours_end"),
        parse_clock(f.social_end.unwrap_or(DEFAULT_SOCIAL_END)),
    );
    if let (Some(s), Some(e)) = (start, end)
        && s == e
    {
        v.push(
            at("social_hours_end"),
            "social hours must not start and end at the same time",
        );
        return None;
    }
    Some(NewMember {
        name: name?,
        email: email?,
        zone: zone?,
        social_start: start?,
        social_end: end?,
        language: language?,
    })
}

/// Collects errors for a whole list of members.
pub fn parse_members<'a>(
    items: impl IntoIterator<Item = MemberFields<'a>>,
    field: &str,
) -> Result<Vec<NewMember>, Vec<FieldError>> {
    let mut v = Violations::default();
    let members: Vec<_> = items
        .into_iter()
        .enumerate()
        .filter_map(|(i, m)| parse_member(&m, &format!("{field}[{i}]"), &mut v))
        .collect();
    if members.len() > MAX_MEMBERS_PER_REQUEST {
        v.push(
            field,
            format!("at most {MAX_MEMBERS_PER_REQUEST} members per request"),
        );
    }
    v.into_result().map(|_| members)
}

/// Reads member rows from CSV, naming errors by row (`row 3.time_zone`).
pub fn members_from_csv(text: &str) -> Result<Vec<NewMember>, Vec<FieldError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            vec![FieldError::new(
                "csv",
                format!("unreadable header row: {e}"),
            )]
        })?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(name_col), Some(zone_col)) = (col("name"), col("time_zone")) else {
        return Err(vec![FieldError::new(
            "csv",
            "the header row must name the columns name and time_zone (email optional)",
        )]);
    };
    let (email_col, start_col, end_col, language_col) = (
        col("email"),
        col("social_hours_start"),
        col("social_hours_end"),
        col("language"),
    );
    let mut v = Violations::default();
    let mut members = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2; // the header is row 1
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                v.push(format!("row {row}"), e.to_string());
                continue;
            }
        };
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).filter(|s| !s.is_empty());
        let fields = MemberFields {
            name: get(Some(name_col)).unwrap_or(""),
            email: get(email_col),
            time_zone: get(Some(zone_col)).unwrap_or(""),
            social_start: get(start_col),
            social_end: get(end_col),
            language: get(language_col),
        };
        if let Some(m) = parse_member(&fields, &format!("row {row}"), &mut v) {
            members.push(m);
        }
    }
    if members.len() > MAX_MEMBERS_PER_REQUEST {
        v.push(
            "csv",
            format!("at most {} members per request", MAX_MEMBERS_PER_REQUEST),
        );
    }
    v.into_result().map(|_| members)
}

/// Reads members pasted one a line, as a secretariat keeps them:
/// `Name <email>, Zone, language` (the address, the zone's neighbours and
/// the language optional: `Yoichi, Asia/Tokyo`), errors named by line
/// (`line 3.time_zone`). Text whose first line is a CSV header naming
/// `name` and `time_zone` is read as CSV instead.
pub fn members_from_text(text: &str) -> Result<Vec<NewMember>, Vec<FieldError>> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let header: Vec<String> = first.split(',').map(|c| c.trim().to_lowercase()).collect();
    if header.iter().any(|c| c == "name") && header.iter().any(|c| c == "time_zone") {
        return members_from_csv(text);
    }
    let mut v = Violations::default();
    let mut members = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let path = format!("line {}", i + 1);
        let mut parts = line.split(',').map(str::trim);
        let who = parts.next().unwrap_or("");
        let (name, email) = match who.split_once('<') {
            Some((name, rest)) => match rest.strip_suffix('>') {
                Some(email) => (name.trim(), Some(email.trim())),
                None => {
                    v.push(
                        format!("{path}.email"),
                        "an address is written <name@example.org>, closed by >",
                    );
                    continue;
                }
            },
            None => (who, None),
        };
        let time_zone = parts.next().unwrap_or("");
        let language = parts.next().filter(|l| !l.is_empty());
        if parts.next().is_some() {
            v.push(
                path.clone(),
                "a line is: Name <email>, Zone, language (e.g. Yoichi <yoichi@example.org>, Asia/Tokyo, ja)",
            );
            continue;
        }
        let fields = MemberFields {
            name,
            email: email.filter(|e| !e.is_empty()),
            time_zone,
            social_start: None,
            social_end: None,
            language,
        };
        if let Some(m) = parse_member(&fields, &path, &mut v) {
            members.push(m);
        }
    }
    if members.is_empty() && v.0.is_empty() {
        v.push("members", "no members: write one a line");
    }
    if members.len() > MAX_MEMBERS_PER_REQUEST {
        v.push(
            "members",
            format!("at most {} members at once", MAX_MEMBERS_PER_REQUEST),
        );
    }
    v.into_result().map(|_| members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_get_default_social_hours_and_checked_fields() {
        let mut v = Violations::default();
        let m = parse_member(
            &MemberFields {
                name: "Yoichi",
                email: Some("yoichi@example.org"),
                time_zone: "Asia/Tokyo",
                social_start: None,
                social_end: None,
                language: Some("ja"),
            },
            "",
            &mut v,
        )
        .unwrap();
        assert_eq!(m.social_start.to_string(), "07:00:00");
        assert_eq!(m.email.as_deref(), Some("yoichi@example.org"));
        let mut v = Violations::default();
        assert!(
            parse_member(
                &MemberFields {
                    name: "",
                    email: Some("not-an-email"),
                    time_zone: "Mars/Base",
                    social_start: Some("25:00"),
                    social_end: None,
                    language: Some("not a tag"),
                },
                "members[2]",
                &mut v,
            )
            .is_none()
        );
        let fields: Vec<_> = v.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "members[2].name",
                "members[2].email",
                "members[2].time_zone",
                "members[2].social_hours_start",
                "members[2].language"
            ]
        );
    }

    #[test]
    fn clocks_read_as_chrono_reads_them() {
        for s in [
            "07:00", "23:59", "00:00", " 7:05", "7:5", "24:00", "12:60", "1200", "ab:cd",
        ] {
            assert_eq!(
                parse_clock(s).ok(),
                NaiveTime::parse_from_str(s.trim(), "%H:%M").ok(),
                "{s}"
            );
        }
    }

    #[test]
    fn emails_are_checked_loosely_but_never_carry_separators() {
        assert_eq!(parse_email(" ").unwrap(), None);
        assert!(parse_email("a@b.org").is_ok());
        assert!(parse_email("a b@c.org").is_err());
        assert!(parse_email("a@b").is_err());
        assert!(parse_email("a,b@c.org").is_err());
    }

    #[test]
    fn languages_are_bcp47_tags_in_canonical_case() {
        assert_eq!(parse_language("").unwrap(), None);
        assert_eq!(parse_language("AR").unwrap().as_deref(), Some("ar"));
        assert_eq!(
            parse_language("zh-hans").unwrap().as_deref(),
            Some("zh-Hans")
        );
        assert_eq!(parse_language("fr-ch").unwrap().as_deref(), Some("fr-CH"));
        assert!(parse_language("english please").is_err());
        assert!(parse_language("x").is_err());
    }

    #[test]
    fn pasted_lines_and_csv_read_alike_and_every_bad_line_is_named() {
        let lines = "Yoichi <yoichi@example.org>, Asia/Tokyo, ja\n\n  Anna, America/New_York\n";
        let m = members_from_text(lines).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].name, "Yoichi");
        assert_eq!(m[0].email.as_deref(), Some("yoichi@example.org"));
        assert_eq!(m[0].language.as_deref(), Some("ja"));
        assert_eq!(m[1].email, None);
        let csv = "name,email,time_zone\nYoichi,yoichi@example.org,Asia/Tokyo\n";
        assert_eq!(members_from_text(csv).unwrap()[0].zone, m[0].zone);
        let bad = "Yoichi <yoichi@example.org, Asia/Tokyo\nAnna, Mars/Olympus\nBruna <bruna>, Europe/Lisbon\nOK, UTC, en, extra";
        let errors = members_from_text(bad).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["line 1.email", "line 2.time_zone", "line 3.email", "line 4"]
        );
        assert!(members_from_text("  \n").is_err());
    }
}
