//! An RRULE value's parts (RFC 5545 §3.3.10), as dateutil's `rrulestr`
//! reads them, before DTSTART supplies the defaults (rrule.rs).

use chrono::{NaiveDate, NaiveDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Freq {
    Yearly = 0,
    Monthly = 1,
    Weekly = 2,
    Daily = 3,
    Hourly = 4,
    Minutely = 5,
    Secondly = 6,
}

/// UNTIL as written: a date, a floating date-time, or a UTC date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    Date(NaiveDate),
    Floating(NaiveDateTime),
    Utc(NaiveDateTime),
}

/// The parts of an RRULE value, before DTSTART supplies the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub freq: Freq,
    pub interval: u32,
    pub count: Option<u32>,
    pub until: Option<Until>,
    pub wkst: u32,
    pub bysetpos: Vec<i32>,
    pub bymonth: Vec<u32>,
    pub byweekno: Vec<i32>,
    pub byyearday: Vec<i32>,
    pub bymonthday: Vec<i32>,
    /// (weekday, n): n = 0 for "every such weekday".
    pub byday: Vec<(u32, i32)>,
    pub byhour: Vec<u32>,
    pub byminute: Vec<u32>,
    pub bysecond: Vec<u32>,
}

fn weekday_of(s: &str) -> Option<u32> {
    Some(match s {
        "MO" => 0,
        "TU" => 1,
        "WE" => 2,
        "TH" => 3,
        "FR" => 4,
        "SA" => 5,
        "SU" => 6,
        _ => return None,
    })
}

fn ints<T: std::str::FromStr>(v: &str) -> Result<Vec<T>, String> {
    v.split(',')
        .map(|x| {
            x.trim()
                .trim_start_matches('+')
                .parse::<T>()
                .map_err(|_| format!("bad number {x:?}"))
        })
        .collect()
}

/// Parses UNTIL as dateutil's parser reads the compact forms.
pub fn parse_until(v: &str) -> Result<Until, String> {
    let v = v.trim();
    if v.len() == 8 {
        return NaiveDate::parse_from_str(v, "%Y%m%d")
            .map(Until::Date)
            .map_err(|_| format!("bad UNTIL {v:?}"));
    }
    let (text, utc) = match v.strip_suffix('Z').or_else(|| v.strip_suffix('z')) {
        Some(t) => (t, true),
        None => (v, false),
    };
    let dt = NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S")
        .map_err(|_| format!("bad UNTIL {v:?}"))?;
    Ok(if utc {
        Until::Utc(dt)
    } else {
        Until::Floating(dt)
    })
}

impl Spec {
    /// Reads `FREQ=WEEKLY;BYDAY=MO,WE;…` (an `RRULE:` prefix is allowed).
    /// A negative COUNT is dropped, as recurring-ical-events does.
    pub fn parse(value: &str) -> Result<Spec, String> {
        let value = value.trim();
        let value = value.strip_prefix("RRULE:").unwrap_or(value);
        let mut spec = Spec {
            freq: Freq::Yearly,
            interval: 1,
            count: None,
            until: None,
            wkst: 0,
            bysetpos: vec![],
            bymonth: vec![],
            byweekno: vec![],
            byyearday: vec![],
            bymonthday: vec![],
            byday: vec![],
            byhour: vec![],
            byminute: vec![],
            bysecond: vec![],
        };
        let mut freq = None;
        for part in value.split(';').filter(|p| !p.trim().is_empty()) {
            let (name, v) = part
                .split_once('=')
                .ok_or_else(|| format!("bad rule part {part:?}"))?;
            let name = name.trim().to_ascii_uppercase();
            let v = v.trim().to_ascii_uppercase();
            match name.as_str() {
                "FREQ" => {
                    freq = Some(match v.as_str() {
                        "YEARLY" => Freq::Yearly,
                        "MONTHLY" => Freq::Monthly,
                        "WEEKLY" => Freq::Weekly,
                        "DAILY" => Freq::Daily,
                        "HOURLY" => Freq::Hourly,
                        "MINUTELY" => Freq::Minutely,
                        "SECONDLY" => Freq::Secondly,
                        _ => return Err(format!("unknown FREQ {v:?}")),
                    })
                }
                "INTERVAL" => {
                    spec.interval = v.parse().map_err(|_| "bad INTERVAL".to_string())?;
                    if spec.interval == 0 {
                        spec.interval = 1;
                    }
                }
                "COUNT" => {
                    let n: i64 = v.parse().map_err(|_| "bad COUNT".to_string())?;
                    spec.count = (n >= 0).then_some(n.min(u32::MAX as i64) as u32);
                }
                "UNTIL" => spec.until = Some(parse_until(&v)?),
                "WKST" => spec.wkst = weekday_of(&v).ok_or("bad WKST")?,
                "BYSETPOS" => spec.bysetpos = ints(&v)?,
                "BYMONTH" => spec.bymonth = ints(&v)?,
                "BYWEEKNO" => spec.byweekno = ints(&v)?,
                "BYYEARDAY" => spec.byyearday = ints(&v)?,
                "BYMONTHDAY" => spec.bymonthday = ints(&v)?,
                "BYHOUR" => spec.byhour = ints(&v)?,
                "BYMINUTE" => spec.byminute = ints(&v)?,
                "BYSECOND" => spec.bysecond = ints(&v)?,
                "BYDAY" | "BYWEEKDAY" => {
                    for d in v.split(',') {
                        let d = d.trim();
                        if d.len() < 2 {
                            return Err(format!("bad BYDAY {d:?}"));
                        }
                        let (n, w) = d.split_at(d.len() - 2);
                        let w = weekday_of(w).ok_or_else(|| format!("bad BYDAY {d:?}"))?;
                        let n = if n.is_empty() {
                            0
                        } else {
                            n.trim_start_matches('+')
                                .parse::<i32>()
                                .map_err(|_| format!("bad BYDAY {d:?}"))?
                        };
                        spec.byday.push((w, n));
                    }
                }
                _ => return Err(format!("unknown rule part {name:?}")),
            }
        }
        spec.freq = freq.ok_or("RRULE without FREQ")?;
        if spec
            .bysetpos
            .iter()
            .any(|&p| p == 0 || !(-366..=366).contains(&p))
        {
            return Err("BYSETPOS out of range".into());
        }
        Ok(spec)
    }
}
