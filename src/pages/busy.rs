//! The member page's calendar block: connect an ICS address or upload a
//! file (a plain form, no JavaScript), what is connected, and which options
//! it shows busy. The marks decide nothing: the member still answers.

use chrono_tz::Tz;

use crate::domain::freebusy::{Busy, options};
use crate::domain::poll::Poll;
use crate::domain::time::Zone;
use crate::lang::Lang;
use crate::store::calendars::MemberCalendar;

/// What the template shows.
pub struct CalendarBlock {
    pub action: String,
    pub disconnect_action: String,
    pub connected: bool,
    pub status: Option<String>,
    pub problem: Option<String>,
    pub url_max: usize,
}

/// The block for a member's page at `path`; `refusal` is why the source
/// just sent could not be used.
pub fn block(
    lang: Lang,
    path: &str,
    zone: Zone,
    calendar: Option<&MemberCalendar>,
    refusal: Option<&str>,
) -> CalendarBlock {
    let status = calendar.map(|c| {
        let when = c.read_at.map(|t| lang.instant(zone, t)).unwrap_or_default();
        match &c.source_host {
            Some(host) => lang.t_with(
                "calendar-from-address",
                &[("host", host.as_str().into()), ("when", when.into())],
            ),
            None => lang.t_with("calendar-from-file", &[("when", when.into())]),
        }
    });
    let problem = match (refusal, calendar.and_then(|c| c.error.as_deref())) {
        (Some(why), _) => Some(lang.t_with("calendar-refused", &[("reason", why.into())])),
        (None, Some(why)) => Some(lang.t_with("calendar-read-failed", &[("reason", why.into())])),
        (None, None) => None,
    };
    CalendarBlock {
        action: format!("{path}/calendar"),
        disconnect_action: format!("{path}/calendar/delete"),
        connected: calendar.is_some(),
        status,
        problem,
        url_max: crate::calendars::MAX_ADDRESS_CHARS,
    }
}

/// Per option, whether the connected calendar shows it busy.
pub fn marks(poll: &Poll, calendar: Option<&(MemberCalendar, Vec<Busy>)>) -> Vec<bool> {
    let Some((c, busy)) = calendar else {
        return vec![false; poll.options.len()];
    };
    let zone: Tz = c.zone.parse().unwrap_or(poll.zone.tz());
    let spans: Vec<Busy> = poll
        .options
        .iter()
        .map(|o| options::span(&o.slot, zone))
        .collect();
    options::busy_options(busy, &spans)
}
