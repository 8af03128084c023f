//! Automatic reminders: how long before a poll's deadline each goes out.
//!
//! An organiser writes them as ISO 8601 durations (`"P3D"`, `"PT24H"`);
//! the `iso8601` crate (already in the tree through `icalendar`) reads
//! them. Years and months are refused: their length depends on the
//! calendar, and "a month before" a deadline is better said as `P30D`.

use chrono::{DateTime, Duration, Utc};

use super::limits::{MAX_REMINDER_LEAD_DAYS, MAX_REMINDERS};

/// One reminder: sent this long before the deadline, to every invited
/// member with an email address who has not answered by then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// As the organiser wrote it, shown back as written.
    pub text: String,
    pub lead: Duration,
}

/// Reads one duration.
pub fn parse_reminder(s: &str) -> Result<Reminder, String> {
    let text = s.trim();
    // The crate reads a prefix and ignores what follows ("P1D,"); a list
    // is stored comma-separated, so only a duration's own characters pass.
    let own = |c: char| c.is_ascii_alphanumeric() || c == '.';
    let parsed = iso8601::duration(text)
        .ok()
        .filter(|_| text.chars().all(own))
        .ok_or_else(|| {
            format!("{text:?} is not an ISO 8601 duration such as \"P3D\" or \"PT24H\"")
        })?;
    let millis: i64 = match parsed {
        iso8601::Duration::Weeks(w) => i64::from(w) * 7 * 86_400_000,
        iso8601::Duration::YMDHMS {
            year,
            month,
            day,
            hour,
            minute,
            second,
            millisecond,
        } => {
            if year != 0 || month != 0 {
                return Err(format!(
                    "{text:?}: years and months have no fixed length; give days (\"P30D\") or weeks"
                ));
            }
            ((i64::from(day) * 24 + i64::from(hour)) * 60 + i64::from(minute)) * 60_000
                + i64::from(second) * 1000
                + i64::from(millisecond)
        }
    };
    if millis <= 0 {
        return Err(format!(
            "{text:?}: a reminder comes some time before the deadline, not at it"
        ));
    }
    if millis > MAX_REMINDER_LEAD_DAYS * 86_400_000 {
        return Err(format!(
            "{text:?}: a reminder comes at most {MAX_REMINDER_LEAD_DAYS} days before the deadline"
        ));
    }
    Ok(Reminder {
        text: text.to_string(),
        lead: Duration::milliseconds(millis),
    })
}

/// Reads a poll's list: at most [`MAX_REMINDERS`], no two at the same time.
/// Errors name the item (`reminders[1]`).
pub fn parse_reminders(items: &[String]) -> Result<Vec<Reminder>, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let mut out: Vec<Reminder> = Vec::new();
    if items.len() > MAX_REMINDERS {
        errors.push((
            "reminders".to_string(),
            format!("at most {MAX_REMINDERS} reminders"),
        ));
    }
    for (i, item) in items.iter().enumerate() {
        match parse_reminder(item) {
            Ok(r) if out.iter().any(|o| o.lead == r.lead) => errors.push((
                format!("reminders[{i}]"),
                "the same time as another reminder".to_string(),
            )),
            Ok(r) => out.push(r),
            Err(e) => errors.push((format!("reminders[{i}]"), e)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// How the list is stored: the texts, comma-separated (no duration
/// contains a comma).
pub fn store_reminders(reminders: &[Reminder]) -> Option<String> {
    (!reminders.is_empty()).then(|| {
        reminders
            .iter()
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// The stored list read back; an unreadable item (none is ever stored) is
/// left out rather than failing the poll's every read.
pub fn stored_reminders(stored: Option<&str>) -> Vec<Reminder> {
    stored
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| parse_reminder(s).ok())
        .collect()
}

/// When each reminder falls due for a deadline, as seen at `now`: only
/// those still ahead. One whose time has passed when the poll is created
/// or its deadline moved is not sent late: a member invited two days
/// before the deadline gets no "three days left" reminder.
pub fn due_times(
    reminders: &[Reminder],
    deadline: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let Some(deadline) = deadline else {
        return Vec::new();
    };
    let mut due: Vec<_> = reminders
        .iter()
        .map(|r| deadline - r.lead)
        .filter(|at| *at > now)
        .collect();
    due.sort();
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read_as_iso_8601_without_years_or_months() {
        assert_eq!(parse_reminder("P3D").unwrap().lead, Duration::days(3));
        assert_eq!(parse_reminder("PT24H").unwrap().lead, Duration::hours(24));
        assert_eq!(parse_reminder("P1W").unwrap().lead, Duration::days(7));
        assert_eq!(
            parse_reminder("P1DT2H30M").unwrap().lead,
            Duration::minutes(26 * 60 + 30)
        );
        assert_eq!(parse_reminder(" PT90S ").unwrap().text, "PT90S");
        for bad in [
            "", "3 days", "P1M", "P1Y", "PT0S", "P0D", "P91D", "-P1D", "P1D,",
        ] {
            assert!(parse_reminder(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_list_is_bounded_and_has_no_two_at_the_same_time() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_reminders(&list(&["P3D", "PT24H"])).unwrap().len(), 2);
        let twice = parse_reminders(&list(&["P1D", "PT24H"])).unwrap_err();
        assert_eq!(twice[0].0, "reminders[1]");
        let bad = parse_reminders(&list(&["P1D", "soon"])).unwrap_err();
        assert_eq!(bad[0].0, "reminders[1]");
        let many: Vec<String> = (1..=MAX_REMINDERS + 1).map(|h| format!("PT{h}H")).collect();
        assert_eq!(parse_reminders(&many).unwrap_err()[0].0, "reminders");
    }

    #[test]
    fn stored_lists_read_back_the_same() {
        let list = parse_reminders(&["P3D".into(), "PT24H".into()]).unwrap();
        let stored = store_reminders(&list);
        assert_eq!(stored.as_deref(), Some("P3D,PT24H"));
        assert_eq!(stored_reminders(stored.as_deref()), list);
        assert!(stored_reminders(None).is_empty());
        assert_eq!(store_reminders(&[]), None);
    }

    #[test]
    fn only_reminders_still_ahead_fall_due() {
        let now: DateTime<Utc> = "2026-07-01T12:00:00Z".parse().unwrap();
        let deadline = Some("2026-07-03T12:00:00Z".parse().unwrap());
        let list = parse_reminders(&["P3D".into(), "PT24H".into(), "PT1H".into()]).unwrap();
        assert_eq!(
            due_times(&list, deadline, now),
            vec![
                "2026-07-02T12:00:00Z".parse::<DateTime<Utc>>().unwrap(),
                "2026-07-03T11:00:00Z".parse().unwrap(),
            ]
        );
        assert!(due_times(&list, None, now).is_empty());
    }
}
