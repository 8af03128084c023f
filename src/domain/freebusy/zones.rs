//! Time zones as calendars name them, and wall time to UTC.
//!
//! A TZID is looked up as icalendar looks it up: the name without
//! surrounding `/`; then Outlook's Windows name (`W. Europe Standard Time`);
//! then the IANA tail of a "globally unique" id (`/vendor/Europe/Berlin`). A
//! VTIMEZONE is read from its own rules only when its TZID is not an IANA
//! name (an IANA zone is taken from the tz database, which is newer than any
//! file): Outlook's custom and Windows-named zones use their definitions.
//!
//! Wall times that do not exist or exist twice are resolved as Python does
//! for `replace(tzinfo=…)` (fold 0): in an IANA zone, both take the offset
//! in force before the change (a time in the spring gap lands after it, a
//! repeated hour means its first pass); in a VTIMEZONE (dateutil's tzical)
//! the observance whose onset is the latest at or before the wall time.

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDateTime, Offset, TimeZone};
use chrono_tz::{OffsetName, Tz};

use super::ics::{Component, Property};
use super::rrule::{Rule, Spec, Until};
use super::windows;

#[derive(Debug, Clone)]
pub enum Zone {
    Utc,
    Iana(Tz),
    Custom(Arc<Custom>),
}

/// One STANDARD or DAYLIGHT observance: its onsets (wall times, sorted).
#[derive(Debug)]
struct Observance {
    dst: bool,
    offset_to: i64,
    onsets: Vec<NaiveDateTime>,
}

/// A zone defined by a VTIMEZONE's observances.
#[derive(Debug)]
pub struct Custom {
    pub tzid: String,
    observances: Vec<Observance>,
}

impl Zone {
    /// Python's `a.tzinfo is b.tzinfo`: arithmetic between two times of the
    /// same zone is on wall time, between zones on UTC.
    pub fn same(&self, other: &Zone) -> bool {
        match (self, other) {
            (Zone::Utc, Zone::Utc) => true,
            (Zone::Iana(a), Zone::Iana(b)) => a.name() == b.name(),
            (Zone::Custom(a), Zone::Custom(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// The instant a wall time means here (fold 0).
    pub fn to_utc(&self, wall: NaiveDateTime) -> NaiveDateTime {
        match self {
            Zone::Utc => wall,
            Zone::Iana(tz) => iana_to_utc(*tz, wall),
            Zone::Custom(c) => wall - Duration::seconds(c.offset_at(wall)),
        }
    }

    /// The wall time of an instant (only IANA zones and UTC are asked).
    pub fn from_utc(&self, utc: NaiveDateTime) -> NaiveDateTime {
        match self {
            Zone::Utc => utc,
            Zone::Iana(tz) => tz.from_utc_datetime(&utc).naive_local(),
            Zone::Custom(c) => {
                // The offset whose wall time maps back to this instant.
                let guess = utc + Duration::seconds(c.offset_at(utc));
                utc + Duration::seconds(c.offset_at(guess))
            }
        }
    }

    /// Whether Python would name this zone "UTC" at that instant (what
    /// X-WR-TIMEZONE conversion looks for).
    pub fn is_utc_named(&self, utc: NaiveDateTime) -> bool {
        match self {
            Zone::Utc => true,
            Zone::Iana(tz) => tz.offset_from_utc_datetime(&utc).abbreviation() == Some("UTC"),
            Zone::Custom(_) => false,
        }
    }
}

/// zoneinfo's fold=0 reading of a wall time.
pub fn iana_to_utc(tz: Tz, wall: NaiveDateTime) -> NaiveDateTime {
    use chrono::LocalResult;
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(dt) => dt.naive_utc(),
        LocalResult::Ambiguous(first, _) => first.naive_utc(),
        LocalResult::None => {
            // In a gap: the offset before the change, found a little earlier.
            let mut probe = wall;
            for _ in 0..(4 * 48) {
                probe -= Duration::minutes(15);
                match tz.from_local_datetime(&probe) {
                    LocalResult::Single(dt) | LocalResult::Ambiguous(_, dt) => {
                        let off = dt.offset().fix().local_minus_utc() as i64;
                        return wall - Duration::seconds(off);
                    }
                    LocalResult::None => {}
                }
            }
            wall
        }
    }
}

/// An IANA zone as Python's zoneinfo finds it (names are case-sensitive).
pub fn iana(name: &str) -> Option<Tz> {
    if name.is_empty() || name.starts_with('/') {
        return None;
    }
    name.parse::<Tz>().ok()
}

fn parse_offset(v: &str) -> Option<i64> {
    let v = v.trim();
    let (sign, digits) = match v.as_bytes().first()? {
        b'+' => (1, &v[1..]),
        b'-' => (-1, &v[1..]),
        _ => (1, v),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |s: &str| s.parse::<i64>().ok();
    let secs = match digits.len() {
        4 => n(&digits[..2])? * 3600 + n(&digits[2..])? * 60,
        6 => n(&digits[..2])? * 3600 + n(&digits[2..4])? * 60 + n(&digits[4..])?,
        _ => return None,
    };
    Some(sign * secs)
}

fn naive(v: &str) -> Option<NaiveDateTime> {
    let v = v.trim().trim_end_matches(['Z', 'z']);
    NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(v, "%Y%m%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

/// The last onset year computed for a VTIMEZONE's repeating rules.
const LAST_ONSET_YEAR: i32 = 2200;

impl Custom {
    /// Reads a VTIMEZONE's observances; None when it has none usable.
    pub fn from_component(tzid: &str, c: &Component) -> Option<Custom> {
        let mut observances = vec![];
        for sub in &c.children {
            let dst = match sub.name.as_str() {
                "STANDARD" => false,
                "DAYLIGHT" => true,
                _ => continue,
            };
            let offset_to = parse_offset(&sub.prop("TZOFFSETTO")?.value)?;
            let start = naive(&sub.prop("DTSTART")?.value)?;
            let mut onsets = vec![start];
            for p in sub.all("RRULE") {
                let spec = Spec::parse(&p.value).ok()?;
                let rule = Rule::new(&spec, start).ok()?;
                // tzical reads UNTIL ignoring its zone: a wall time.
                let until = spec.until.map(|u| match u {
                    Until::Date(d) => d.and_hms_opt(0, 0, 0).expect("midnight"),
                    Until::Floating(t) | Until::Utc(t) => t,
                });
                rule.each(None, |t| {
                    if until.is_some_and(|u| t > u) || t.year() > LAST_ONSET_YEAR {
                        return false;
                    }
                    onsets.push(t);
                    onsets.len() < 20_000
                });
            }
            for p in sub.all("RDATE") {
                onsets.extend(p.value.split(',').filter_map(naive));
            }
            let exdates: Vec<NaiveDateTime> = sub
                .all("EXDATE")
                .flat_map(|p: &Property| p.value.split(',').filter_map(naive).collect::<Vec<_>>())
                .collect();
            onsets.retain(|t| !exdates.contains(t));
            onsets.sort_unstable();
            onsets.dedup();
            observances.push(Observance {
                dst,
                offset_to,
                onsets,
            });
        }
        if observances.is_empty() {
            return None;
        }
        Some(Custom {
            tzid: tzid.to_string(),
            observances,
        })
    }

    /// dateutil tzical's `_find_comp`: the observance with the latest onset
    /// at or before the wall time (the first on a tie); before every onset,
    /// the first STANDARD one.
    fn offset_at(&self, wall: NaiveDateTime) -> i64 {
        if self.observances.len() == 1 {
            return self.observances[0].offset_to;
        }
        let mut best: Option<(NaiveDateTime, &Observance)> = None;
        for o in &self.observances {
            let idx = o.onsets.partition_point(|t| *t <= wall);
            if idx == 0 {
                continue;
            }
            let onset = o.onsets[idx - 1];
            if best.is_none_or(|(b, _)| b < onset) {
                best = Some((onset, o));
            }
        }
        match best {
            Some((_, o)) => o.offset_to,
            None => {
                self.observances
                    .iter()
                    .find(|o| !o.dst)
                    .unwrap_or(&self.observances[0])
                    .offset_to
            }
        }
    }
}

/// The zones a calendar's TZIDs can name.
#[derive(Default)]
pub struct Zones {
    /// VTIMEZONEs whose TZID is not an IANA name, by TZID without `/`.
    custom: Vec<(String, Zone)>,
}

impl Zones {
    pub fn from_calendar(cal: &Component) -> Zones {
        let mut zones = Zones::default();
        for c in cal.children.iter().filter(|c| c.name == "VTIMEZONE") {
            let Some(raw) = c.prop("TZID").map(|p| p.value.clone()) else {
                continue;
            };
            let cleaned = raw.trim_matches('/').to_string();
            if iana(&cleaned).is_some() || iana(&raw).is_some() {
                continue;
            }
            if zones.custom.iter().any(|(n, _)| *n == cleaned) {
                continue;
            }
            if let Some(custom) = Custom::from_component(&cleaned, c) {
                zones.custom.push((cleaned, Zone::Custom(Arc::new(custom))));
            }
        }
        zones
    }

    fn by_id(&self, id: &str) -> Option<Zone> {
        if let Some((_, z)) = self.custom.iter().find(|(n, _)| n == id) {
            return Some(z.clone());
        }
        iana(id).map(|tz| match tz {
            Tz::UTC => Zone::Utc,
            tz => Zone::Iana(tz),
        })
    }

    /// The zone a TZID names, or None (the time is then floating).
    pub fn lookup(&self, tzid: &str) -> Option<Zone> {
        let cleaned = tzid.trim_matches('/');
        if let Some(z) = self.by_id(cleaned) {
            return Some(z);
        }
        if let Some(z) = windows::iana_of(cleaned).and_then(|i| self.by_id(i)) {
            return Some(z);
        }
        if tzid.starts_with('/') {
            let parts: Vec<&str> = cleaned.split('/').collect();
            for start in 1..parts.len() {
                if let Some(z) = self.by_id(&parts[start..].join("/")) {
                    return Some(z);
                }
            }
        }
        self.by_id(tzid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn gaps_and_repeats_read_with_the_offset_before_the_change() {
        let ny = Zone::Iana(chrono_tz::America::New_York);
        // 02:30 does not exist on 2027-03-14: EST is kept, so 07:30Z.
        assert_eq!(ny.to_utc(at("2027-03-14 02:30")), at("2027-03-14 07:30"));
        // 01:30 happens twice on 2027-11-07: the first (EDT), 05:30Z.
        assert_eq!(ny.to_utc(at("2027-11-07 01:30")), at("2027-11-07 05:30"));
        // Havana changes at midnight: 00:30 on 2027-03-14 does not exist.
        let havana = Zone::Iana(chrono_tz::America::Havana);
        assert_eq!(
            havana.to_utc(at("2027-03-14 00:30")),
            at("2027-03-14 05:30")
        );
    }

    #[test]
    fn windows_names_and_global_ids_find_their_zone() {
        let zones = Zones::default();
        assert!(matches!(
            zones.lookup("W. Europe Standard Time"),
            Some(Zone::Iana(chrono_tz::Europe::Berlin))
        ));
        assert!(matches!(
            zones.lookup("/freeassociation.sourceforge.net/America/Argentina/Buenos_Aires"),
            Some(Zone::Iana(chrono_tz::America::Argentina::Buenos_Aires))
        ));
        assert!(zones.lookup("Nowhere/Special").is_none());
    }
}
