//! Calendar times as Python's datetime treats them, because busy time must
//! be what `recurring-ical-events` computes: a DATE, a floating wall time,
//! or a wall time in a zone. Arithmetic between two times of one zone is on
//! wall time (so a daily 09:00 stays 09:00 across a DST change and an event
//! keeps its wall-clock length), between zones on UTC.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::ics::Property;
use super::zones::{Zone, Zones};

#[derive(Debug, Clone)]
pub enum When {
    Date(NaiveDate),
    Floating(NaiveDateTime),
    Zoned(NaiveDateTime, Zone),
}

/// An RDATE or a RECURRENCE-ID period's end.
#[derive(Debug, Clone)]
pub enum PeriodEnd {
    At(When),
    Lasting(Duration),
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

impl When {
    pub fn is_date(&self) -> bool {
        matches!(self, When::Date(_))
    }

    pub fn zone(&self) -> Option<&Zone> {
        match self {
            When::Zoned(_, z) => Some(z),
            _ => None,
        }
    }

    /// The wall time (midnight for a date).
    pub fn wall(&self) -> NaiveDateTime {
        match self {
            When::Date(d) => midnight(*d),
            When::Floating(t) | When::Zoned(t, _) => *t,
        }
    }

    /// The instant; dates and floating times are read in `member`'s zone.
    pub fn utc(&self, member: &Zone) -> NaiveDateTime {
        match self {
            When::Date(_) | When::Floating(_) => member.to_utc(self.wall()),
            When::Zoned(t, z) => z.to_utc(*t),
        }
    }

    /// `convert_to_datetime`: dates become midnight; a time without a zone
    /// takes `tz`; a zoned time keeps its own zone.
    pub fn to_datetime(&self, tz: Option<&Zone>) -> When {
        match (self, tz) {
            (When::Zoned(..), _) => self.clone(),
            (_, Some(z)) => When::Zoned(self.wall(), z.clone()),
            (_, None) => When::Floating(self.wall()),
        }
    }

    /// `to_recurrence_ids`: the keys an instance or a RECURRENCE-ID is known
    /// by, its UTC time first, then its wall time.
    pub fn keys(&self) -> Vec<NaiveDateTime> {
        match self {
            When::Date(_) | When::Floating(_) => vec![self.wall()],
            When::Zoned(t, z) => vec![z.to_utc(*t), *t],
        }
    }

    /// `self + d` (wall-clock addition; a date moves by whole days).
    pub fn add(&self, d: Duration) -> When {
        match self {
            When::Date(x) => When::Date(*x + Duration::days(d.num_seconds().div_euclid(86_400))),
            When::Floating(t) => When::Floating(*t + d),
            When::Zoned(t, z) => When::Zoned(*t + d, z.clone()),
        }
    }
}

/// `make_comparable`: unless all are dates, everything becomes a date-time,
/// in the zone of the first zoned one.
pub fn comparable(values: &[When]) -> Vec<When> {
    if values.iter().all(When::is_date) {
        return values.to_vec();
    }
    let tz = values.iter().find_map(When::zone).cloned();
    values.iter().map(|v| v.to_datetime(tz.as_ref())).collect()
}

/// `a - b` for two comparable values.
pub fn diff(a: &When, b: &When) -> Duration {
    match (a, b) {
        (When::Zoned(x, za), When::Zoned(y, zb)) if !za.same(zb) => za.to_utc(*x) - zb.to_utc(*y),
        _ => a.wall() - b.wall(),
    }
}

/// `a > b` (after `make_comparable`).
pub fn greater(a: &When, b: &When) -> bool {
    let v = comparable(&[a.clone(), b.clone()]);
    match (&v[0], &v[1]) {
        (When::Zoned(x, za), When::Zoned(y, zb)) if !za.same(zb) => za.to_utc(*x) > zb.to_utc(*y),
        (x, y) => x.wall() > y.wall(),
    }
}

/// The zone of a value: X-WR-TIMEZONE (Google) turns UTC times into the
/// calendar's zone and gives floating times that zone, as `x-wr-timezone`
/// does before recurring-ical-events reads the file.
pub struct Reader<'a> {
    pub zones: &'a Zones,
    pub calendar_zone: Option<Zone>,
}

/// An iCalendar DURATION (`P1W`, `-PT15M`, `P1DT2H`).
pub fn duration(v: &str) -> Option<Duration> {
    let v = v.trim();
    let (neg, v) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    let v = v.strip_prefix(['P', 'p'])?;
    let mut total = 0i64;
    let mut num = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in v.chars() {
        match c.to_ascii_uppercase() {
            '0'..='9' => num.push(c),
            'T' => in_time = true,
            u @ ('W' | 'D' | 'H' | 'M' | 'S') => {
                let n: i64 = num.parse().ok()?;
                num.clear();
                any = true;
                total += n * match (u, in_time) {
                    ('W', false) => 7 * 86_400,
                    ('D', false) => 86_400,
                    ('H', true) => 3600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
            }
            _ => return None,
        }
    }
    if !any || !num.is_empty() {
        return None;
    }
    Some(Duration::seconds(if neg { -total } else { total }))
}

impl Reader<'_> {
    /// One date or date-time value, with its property's TZID and VALUE.
    pub fn when(&self, p: &Property, v: &str) -> Option<When> {
        let v = v.trim();
        let is_date = p
            .param("VALUE")
            .is_some_and(|x| x.eq_ignore_ascii_case("DATE"))
            || v.len() == 8;
        if is_date {
            return NaiveDate::parse_from_str(v, "%Y%m%d").ok().map(When::Date);
        }
        let (text, utc) = match v.strip_suffix(['Z', 'z']) {
            Some(t) => (t, true),
            None => (v, false),
        };
        let t = NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S").ok()?;
        let zone = if utc {
            Some(Zone::Utc)
        } else {
            p.param("TZID").and_then(|id| self.zones.lookup(id))
        };
        Some(match (zone, &self.calendar_zone) {
            (Some(z), Some(cz)) if z.is_utc_named(z.to_utc(t)) => {
                When::Zoned(cz.from_utc(z.to_utc(t)), cz.clone())
            }
            (Some(z), _) => When::Zoned(t, z),
            (None, Some(cz)) => When::Zoned(t, cz.clone()),
            (None, None) => When::Floating(t),
        })
    }

    /// Every value of a list property (EXDATE, RDATE): (start, period end).
    pub fn list(&self, p: &Property) -> Vec<(When, Option<PeriodEnd>)> {
        p.value
            .split(',')
            .filter_map(|item| match item.split_once('/') {
                Some((a, b)) => {
                    let start = self.when(p, a)?;
                    let end = match duration(b) {
                        Some(d) => PeriodEnd::Lasting(d),
                        None => PeriodEnd::At(self.when(p, b)?),
                    };
                    Some((start, Some(end)))
                }
                None => Some((self.when(p, item)?, None)),
            })
            .collect()
    }
}
