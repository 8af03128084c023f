//! Options on the clocks of a roster: for each option, each zone of the
//! people (east to west at the option's start), the option in their local
//! time, and whom it keeps outside their social hours — by the rule the
//! results apply (`SocialHours::kept_outside_by`). Shown by the new-poll
//! form (a chosen group) and the edit form (the invited roster), with the
//! template `console/zones_preview.html`.

use std::collections::BTreeMap;

use chrono::NaiveTime;

use crate::domain::time::{Slot, SocialHours, Zone};
use crate::lang::Lang;

/// Names a cell shows; the rest are counted.
const NAMED_OUTSIDE: usize = 10;

/// An option on the roster's clocks.
pub(super) struct PreviewOption {
    pub number: usize,
    pub when: String,
    pub zones: Vec<PreviewZone>,
}

/// One zone of the roster for one option.
pub(super) struct PreviewZone {
    pub zone: &'static str,
    pub members: usize,
    pub when: String,
    pub offset: String,
    pub outside: Vec<String>,
    pub more: usize,
}

/// A person as the preview reads them.
pub(super) struct Person<'a> {
    pub name: &'a str,
    pub zone: Zone,
    pub social_hours: SocialHours,
}

/// Every slot, numbered from 1, on the clocks of `people`.
pub(super) fn build(
    lang: Lang,
    poll_zone: Zone,
    slots: &[&Slot],
    people: &[Person<'_>],
) -> Vec<PreviewOption> {
    let mut zones: BTreeMap<&'static str, (Zone, Vec<&Person<'_>>)> = BTreeMap::new();
    for p in people {
        zones
            .entry(p.zone.name())
            .or_insert((p.zone, Vec::new()))
            .1
            .push(p);
    }
    slots
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let start = match **slot {
                Slot::Timed { start, .. } => start,
                Slot::AllDay { start, .. } => start.and_time(NaiveTime::MIN).and_utc(),
            };
            let mut rows: Vec<(i32, PreviewZone)> = zones
                .values()
                .map(|(zone, people)| {
                    let (when, offset) = lang.when(slot, *zone);
                    let outside: Vec<String> = people
                        .iter()
                        .filter(|p| p.social_hours.kept_outside_by(*zone, slot))
                        .map(|p| p.name.to_string())
                        .collect();
                    let more = outside.len().saturating_sub(NAMED_OUTSIDE);
                    (
                        zone.offset_at(start).local_minus_utc(),
                        PreviewZone {
                            zone: zone.name(),
                            members: people.len(),
                            when,
                            offset,
                            outside: outside.into_iter().take(NAMED_OUTSIDE).collect(),
                            more,
                        },
                    )
                })
                .collect();
            rows.sort_by_key(|(offset, z)| (-offset, z.zone));
            PreviewOption {
                number: i + 1,
                when: lang.when(slot, poll_zone).0,
                zones: rows.into_iter().map(|(_, z)| z).collect(),
            }
        })
        .collect()
}
