//! RRULE expansion (RFC 5545 §3.3.10) on wall-clock times.
//!
//! The algorithm is python-dateutil's `rrule._iter`, step for step, because
//! what members' calendars mean is defined for us as what
//! `recurring-ical-events` (which uses dateutil) computes: the same period
//! day sets, the same BYxxx masks (ISO-like week numbers with WKST, n-th
//! weekdays within the year or the month), BYSETPOS over the period, invalid
//! dates (31 April, 29 February) skipped rather than moved, COUNT counting
//! only the instances the rule itself yields. Times are naive: the caller
//! attaches the zone, as dateutil attaches `tzinfo` to each wall time.
//!
//! Unlike dateutil, an expansion can start near a window instead of at
//! DTSTART (`skip_to`): for a rule without COUNT whole periods are skipped,
//! which yields the same instances from there on, so an hourly series begun
//! years ago costs nothing.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

pub use super::spec::{Freq, Spec, Until, parse_until};

/// A rule bound to its DTSTART (dateutil's `rrule.__init__`).
#[derive(Debug, Clone)]
pub struct Rule {
    pub freq: Freq,
    interval: u32,
    pub count: Option<u32>,
    dtstart: NaiveDateTime,
    wkst: u32,
    bysetpos: Vec<i32>,
    bymonth: Vec<u32>,
    byweekno: Vec<i32>,
    byyearday: Vec<i32>,
    bymonthday: Vec<i32>,
    bynmonthday: Vec<i32>,
    byweekday: Vec<u32>,
    bynweekday: Vec<(u32, i32)>,
    byhour: Vec<u32>,
    byminute: Vec<u32>,
    bysecond: Vec<u32>,
    timeset: Vec<NaiveTime>,
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// dateutil's `__construct_byset`: the values an interval can reach.
fn reachable(start: u32, byxxx: &[u32], base: u32, interval: u32) -> Result<Vec<u32>, String> {
    let g = gcd(interval, base);
    let mut out: Vec<u32> = byxxx
        .iter()
        .copied()
        .filter(|&n| g == 1 || (n as i64 - start as i64).rem_euclid(g as i64) == 0)
        .collect();
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        return Err("the rule's BYxxx parts allow no instance".into());
    }
    Ok(out)
}

impl Rule {
    pub fn new(spec: &Spec, dtstart: NaiveDateTime) -> Result<Rule, String> {
        let freq = spec.freq;
        let mut bymonth = spec.bymonth.clone();
        let mut bymonthday_raw = spec.bymonthday.clone();
        let mut byday = spec.byday.clone();
        if spec.byweekno.is_empty()
            && spec.byyearday.is_empty()
            && spec.bymonthday.is_empty()
            && spec.byday.is_empty()
        {
            match freq {
                Freq::Yearly => {
                    if bymonth.is_empty() {
                        bymonth = vec![dtstart.month()];
                    }
                    bymonthday_raw = vec![dtstart.day() as i32];
                }
                Freq::Monthly => bymonthday_raw = vec![dtstart.day() as i32],
                Freq::Weekly => byday = vec![(dtstart.weekday().num_days_from_monday(), 0)],
                _ => {}
            }
        }
        if bymonth.iter().any(|m| !(1..=12).contains(m)) {
            return Err("BYMONTH out of range".into());
        }
        let bymonthday = bymonthday_raw.iter().copied().filter(|&d| d > 0).collect();
        let bynmonthday = bymonthday_raw.iter().copied().filter(|&d| d < 0).collect();
        let mut byweekday = vec![];
        let mut bynweekday = vec![];
        for &(w, n) in &byday {
            if n == 0 || freq > Freq::Monthly {
                byweekday.push(w);
            } else {
                bynweekday.push((w, n));
            }
        }
        byweekday.sort_unstable();
        byweekday.dedup();
        if !byweekday.is_empty() {
            // dateutil keeps the n-th weekdays only when no plain ones exist.
            bynweekday.clear();
        }
        let set = |given: &[u32], own: Freq, start: u32, base: u32| -> Result<Vec<u32>, String> {
            if given.is_empty() {
                return Ok(if freq < own { vec![start] } else { vec![] });
            }
            if given.iter().any(|&v| v >= base) {
                return Err("BYHOUR/BYMINUTE/BYSECOND out of range".into());
            }
            if freq == own {
                reachable(start, given, base, spec.interval)
            } else {
                let mut v = given.to_vec();
                v.sort_unstable();
                v.dedup();
                Ok(v)
            }
        };
        let byhour = set(&spec.byhour, Freq::Hourly, dtstart.hour(), 24)?;
        let byminute = set(&spec.byminute, Freq::Minutely, dtstart.minute(), 60)?;
        let bysecond = set(&spec.bysecond, Freq::Secondly, dtstart.second(), 60)?;
        let mut timeset = vec![];
        if freq < Freq::Hourly {
            for &h in &byhour {
                for &m in &byminute {
                    for &s in &bysecond {
                        timeset.push(NaiveTime::from_hms_opt(h, m, s).ok_or("bad time")?);
                    }
                }
            }
            timeset.sort_unstable();
        }
        Ok(Rule {
            freq,
            interval: spec.interval,
            count: spec.count,
            dtstart,
            wkst: spec.wkst,
            bysetpos: spec.bysetpos.clone(),
            bymonth,
            byweekno: spec.byweekno.clone(),
            byyearday: spec.byyearday.clone(),
            bymonthday,
            bynmonthday,
            byweekday,
            bynweekday,
            byhour,
            byminute,
            bysecond,
            timeset,
        })
    }

    fn htimeset(&self, h: u32) -> Vec<NaiveTime> {
        let mut v = vec![];
        for &m in &self.byminute {
            for &s in &self.bysecond {
                v.extend(NaiveTime::from_hms_opt(h, m, s));
            }
        }
        v.sort_unstable();
        v
    }

    fn gettimeset(&self, h: u32, m: u32, s: u32) -> Vec<NaiveTime> {
        match self.freq {
            Freq::Hourly => self.htimeset(h),
            Freq::Minutely => {
                let mut v: Vec<NaiveTime> = self
                    .bysecond
                    .iter()
                    .filter_map(|&s| NaiveTime::from_hms_opt(h, m, s))
                    .collect();
                v.sort_unstable();
                v
            }
            _ => NaiveTime::from_hms_opt(h, m, s).into_iter().collect(),
        }
    }

    fn mod_distance(&self, value: u32, byxxx: &[u32], base: u32) -> Option<(u32, u32)> {
        let mut acc = 0;
        let mut value = value;
        for _ in 0..base {
            let v = value + self.interval;
            acc += v / base;
            value = v % base;
            if byxxx.contains(&value) {
                return Some((acc, value));
            }
        }
        None
    }

    /// Calls `visit` with each instance in order, from DTSTART, or from about
    /// `skip_to` when the rule has no COUNT; `visit` returns false to stop
    /// (at UNTIL, or past the window).
    pub fn each(
        &self,
        skip_to: Option<NaiveDateTime>,
        mut visit: impl FnMut(NaiveDateTime) -> bool,
    ) {
        let d = self.dtstart;
        let (mut year, mut month, mut day) = (d.year(), d.month(), d.day());
        let (mut hour, mut minute, mut second) = (d.hour(), d.minute(), d.second());
        let mut weekday = d.weekday().num_days_from_monday();
        if let (Some(target), None) = (skip_to, self.count) {
            let unit = match self.freq {
                Freq::Weekly => Some(Duration::weeks(1)),
                Freq::Daily => Some(Duration::days(1)),
                Freq::Hourly => Some(Duration::hours(1)),
                Freq::Minutely => Some(Duration::minutes(1)),
                Freq::Secondly => Some(Duration::seconds(1)),
                _ => None,
            };
            if let Some(unit) = unit {
                let step = unit * self.interval as i32;
                // Two periods before the target, so a partial first period
                // cannot matter.
                let gap = target - d - step * 2;
                if gap > Duration::zero() {
                    let k = gap.num_seconds() / step.num_seconds();
                    if k > 0 {
                        let j = d + step * (k as i32);
                        year = j.year();
                        month = j.month();
                        day = j.day();
                        hour = j.hour();
                        minute = j.minute();
                        second = j.second();
                        weekday = j.weekday().num_days_from_monday();
                    }
                }
            }
        }
        let mut ii = YearInfo::default();
        ii.rebuild(self, year, month);
        let mut timeset: Vec<NaiveTime> = if self.freq < Freq::Hourly {
            self.timeset.clone()
        } else if (self.freq >= Freq::Hourly
            && !self.byhour.is_empty()
            && !self.byhour.contains(&hour))
            || (self.freq >= Freq::Minutely
                && !self.byminute.is_empty()
                && !self.byminute.contains(&minute))
            || (self.freq >= Freq::Secondly
                && !self.bysecond.is_empty()
                && !self.bysecond.contains(&second))
        {
            vec![]
        } else {
            self.gettimeset(hour, minute, second)
        };
        let mut count = self.count.map(|c| c as i64);
        let mut emit = |res: NaiveDateTime, count: &mut Option<i64>| -> bool {
            if res >= self.dtstart {
                if let Some(c) = count {
                    *c -= 1;
                    if *c < 0 {
                        return false;
                    }
                }
                return visit(res);
            }
            true
        };
        // A guard against rules that can never yield (dateutil loops forever).
        let mut idle = 0u32;
        loop {
            if year > 9999 {
                return;
            }
            let (mut dayset, start, end) = ii.dayset(self, year, month, day);
            let mut filtered = false;
            for slot in dayset[start..end].iter_mut() {
                if let Some(i) = *slot
                    && !ii.keeps(self, i)
                {
                    *slot = None;
                    filtered = true;
                }
            }
            let mut any = false;
            if !self.bysetpos.is_empty() && !timeset.is_empty() {
                let days: Vec<usize> = dayset[start..end].iter().flatten().copied().collect();
                let n = timeset.len() as i64;
                let mut poslist: Vec<NaiveDateTime> = vec![];
                for &pos in &self.bysetpos {
                    let (daypos, timepos) = if pos < 0 {
                        ((pos as i64).div_euclid(n), (pos as i64).rem_euclid(n))
                    } else {
                        ((pos as i64 - 1) / n, (pos as i64 - 1) % n)
                    };
                    let idx = if daypos < 0 {
                        days.len() as i64 + daypos
                    } else {
                        daypos
                    };
                    if idx < 0 || idx >= days.len() as i64 {
                        continue;
                    }
                    let res = ii
                        .date(days[idx as usize])
                        .and_time(timeset[timepos as usize]);
                    if !poslist.contains(&res) {
                        poslist.push(res);
                    }
                }
                poslist.sort_unstable();
                for res in poslist {
                    any = true;
                    if !emit(res, &mut count) {
                        return;
                    }
                }
            } else {
                for &i in dayset[start..end].iter().flatten() {
                    let date = ii.date(i);
                    for t in &timeset {
                        any = true;
                        if !emit(date.and_time(*t), &mut count) {
                            return;
                        }
                    }
                }
            }
            idle = if any { 0 } else { idle + 1 };
            if idle > 200_000 {
                return;
            }
            let mut fixday = false;
            match self.freq {
                Freq::Yearly => {
                    year += self.interval as i32;
                    ii.rebuild(self, year, month);
                }
                Freq::Monthly => {
                    let m = month + self.interval;
                    year += ((m - 1) / 12) as i32;
                    month = (m - 1) % 12 + 1;
                    ii.rebuild(self, year, month);
                }
                Freq::Weekly => {
                    let back = if self.wkst > weekday {
                        (weekday + 1 + (6 - self.wkst)) as i64
                    } else {
                        (weekday - self.wkst) as i64
                    };
                    let next = day as i64 - back + self.interval as i64 * 7;
                    day = next as u32;
                    if next < 1 {
                        // dateutil never goes back across a month start here:
                        // `day` stays within the month or is fixed below.
                        day = 1;
                    }
                    weekday = self.wkst;
                    fixday = true;
                }
                Freq::Daily => {
                    day += self.interval;
                    fixday = true;
                }
                Freq::Hourly => {
                    if filtered {
                        hour += ((23 - hour) / self.interval) * self.interval;
                    }
                    let (ndays, h) = if !self.byhour.is_empty() {
                        match self.mod_distance(hour, &self.byhour, 24) {
                            Some(x) => x,
                            None => return,
                        }
                    } else {
                        ((hour + self.interval) / 24, (hour + self.interval) % 24)
                    };
                    hour = h;
                    if ndays > 0 {
                        day += ndays;
                        fixday = true;
                    }
                    timeset = self.gettimeset(hour, minute, second);
                }
                Freq::Minutely => {
                    if filtered {
                        minute += ((1439 - (hour * 60 + minute)) / self.interval) * self.interval;
                    }
                    let rep = 24 * 60;
                    let mut valid = false;
                    for _ in 0..(rep / gcd(self.interval, rep)) {
                        let (nhours, m) = if !self.byminute.is_empty() {
                            match self.mod_distance(minute, &self.byminute, 60) {
                                Some(x) => x,
                                None => return,
                            }
                        } else {
                            ((minute + self.interval) / 60, (minute + self.interval) % 60)
                        };
                        minute = m;
                        let h = hour + nhours;
                        hour = h % 24;
                        if h / 24 > 0 {
                            day += h / 24;
                            fixday = true;
                        }
                        if self.byhour.is_empty() || self.byhour.contains(&hour) {
                            valid = true;
                            break;
                        }
                    }
                    if !valid {
                        return;
                    }
                    timeset = self.gettimeset(hour, minute, second);
                }
                Freq::Secondly => {
                    if filtered {
                        second += ((86399 - (hour * 3600 + minute * 60 + second)) / self.interval)
                            * self.interval;
                    }
                    let rep = 86400;
                    let mut valid = false;
                    for _ in 0..(rep / gcd(self.interval, rep)) {
                        let (nminutes, s) = if !self.bysecond.is_empty() {
                            match self.mod_distance(second, &self.bysecond, 60) {
                                Some(x) => x,
                                None => return,
                            }
                        } else {
                            ((second + self.interval) / 60, (second + self.interval) % 60)
                        };
                        second = s;
                        let m = minute + nminutes;
                        minute = m % 60;
                        if m / 60 > 0 {
                            let h = hour + m / 60;
                            hour = h % 24;
                            if h / 24 > 0 {
                                day += h / 24;
                                fixday = true;
                            }
                        }
                        if (self.byhour.is_empty() || self.byhour.contains(&hour))
                            && (self.byminute.is_empty() || self.byminute.contains(&minute))
                            && (self.bysecond.is_empty() || self.bysecond.contains(&second))
                        {
                            valid = true;
                            break;
                        }
                    }
                    if !valid {
                        return;
                    }
                    timeset = self.gettimeset(hour, minute, second);
                }
            }
            if fixday && day > 28 {
                let mut dim = days_in_month(year, month);
                if day > dim {
                    while day > dim {
                        day -= dim;
                        month += 1;
                        if month == 13 {
                            month = 1;
                            year += 1;
                            if year > 9999 {
                                return;
                            }
                        }
                        dim = days_in_month(year, month);
                    }
                    ii.rebuild(self, year, month);
                }
            }
        }
    }
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map(|d| d.day())
        .unwrap_or(31)
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// dateutil's `_iterinfo`: per-year masks, indexed by days from 1 January
/// (and 7 days into the next year).
#[derive(Default)]
struct YearInfo {
    year: Option<i32>,
    month: u32,
    jan1: Option<NaiveDate>,
    yearlen: usize,
    nextyearlen: usize,
    /// (month, day of month, negative day of month, weekday) per index.
    days: Vec<(u32, i32, i32, u32)>,
    mrange: [usize; 13],
    wnomask: Vec<bool>,
    nwdaymask: Vec<bool>,
}

impl YearInfo {
    fn date(&self, i: usize) -> NaiveDate {
        self.jan1.expect("built") + Duration::days(i as i64)
    }

    fn rebuild(&mut self, rr: &Rule, year: i32, month: u32) {
        let Some(jan1) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return;
        };
        if self.year != Some(year) {
            self.year = Some(year);
            self.jan1 = Some(jan1);
            self.yearlen = if is_leap(year) { 366 } else { 365 };
            self.nextyearlen = if is_leap(year + 1) { 366 } else { 365 };
            self.days = (0..self.yearlen + 7)
                .map(|i| {
                    let d = jan1 + Duration::days(i as i64);
                    let dim = days_in_month(d.year(), d.month()) as i32;
                    (
                        d.month(),
                        d.day() as i32,
                        d.day() as i32 - dim - 1,
                        d.weekday().num_days_from_monday(),
                    )
                })
                .collect();
            let mut acc = 0;
            self.mrange[0] = 0;
            for m in 1..=12 {
                acc += days_in_month(year, m) as usize;
                self.mrange[m as usize] = acc;
            }
            self.wnomask.clear();
            if !rr.byweekno.is_empty() {
                self.build_wnomask(rr, year);
            }
            self.month = 0;
        }
        if !rr.bynweekday.is_empty() && self.month != month {
            self.month = month;
            let mut ranges = vec![];
            if rr.freq == Freq::Yearly {
                if rr.bymonth.is_empty() {
                    ranges.push((0, self.yearlen));
                } else {
                    for &m in &rr.bymonth {
                        ranges.push((self.mrange[m as usize - 1], self.mrange[m as usize]));
                    }
                }
            } else if rr.freq == Freq::Monthly {
                ranges.push((self.mrange[month as usize - 1], self.mrange[month as usize]));
            }
            self.nwdaymask = vec![false; self.yearlen + 7];
            for (first, last) in ranges {
                let last = last as i64 - 1;
                let first = first as i64;
                for &(wday, n) in &rr.bynweekday {
                    let i = if n < 0 {
                        let i = last + (n as i64 + 1) * 7;
                        if i < 0 || i as usize >= self.days.len() {
                            continue;
                        }
                        i - (self.days[i as usize].3 as i64 - wday as i64).rem_euclid(7)
                    } else {
                        let i = first + (n as i64 - 1) * 7;
                        if i < 0 || i as usize >= self.days.len() {
                            continue;
                        }
                        i + (7 - self.days[i as usize].3 as i64 + wday as i64).rem_euclid(7)
                    };
                    if first <= i && i <= last {
                        self.nwdaymask[i as usize] = true;
                    }
                }
            }
        }
    }

    fn build_wnomask(&mut self, rr: &Rule, year: i32) {
        let yearlen = self.yearlen as i64;
        let yearweekday = self.days[0].3 as i64;
        let wkst = rr.wkst as i64;
        self.wnomask = vec![false; self.yearlen + 7];
        let firstwkst = (7 - yearweekday + wkst).rem_euclid(7);
        let mut no1wkst = firstwkst;
        let wyearlen = if no1wkst >= 4 {
            no1wkst = 0;
            yearlen + (yearweekday - wkst).rem_euclid(7)
        } else {
            yearlen - no1wkst
        };
        let numweeks = wyearlen / 7 + (wyearlen % 7) / 4;
        let wd = |i: i64| -> i64 {
            let date = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid") + Duration::days(i);
            date.weekday().num_days_from_monday() as i64
        };
        let mark = |mask: &mut Vec<bool>, mut i: i64| {
            for _ in 0..7 {
                if i >= 0 && (i as usize) < mask.len() {
                    mask[i as usize] = true;
                }
                i += 1;
                if wd(i) == wkst {
                    break;
                }
            }
        };
        for &n0 in &rr.byweekno {
            let mut n = n0 as i64;
            if n < 0 {
                n += numweeks + 1;
            }
            if !(0 < n && n <= numweeks) {
                continue;
            }
            let i = if n > 1 {
                let mut i = no1wkst + (n - 1) * 7;
                if no1wkst != firstwkst {
                    i -= 7 - firstwkst;
                }
                i
            } else {
                no1wkst
            };
            mark(&mut self.wnomask, i);
        }
        if rr.byweekno.contains(&1) {
            let mut i = no1wkst + numweeks * 7;
            if no1wkst != firstwkst {
                i -= 7 - firstwkst;
            }
            if i < yearlen {
                mark(&mut self.wnomask, i);
            }
        }
        if no1wkst != 0 {
            let lnumweeks = if !rr.byweekno.contains(&-1) {
                let lyearweekday = NaiveDate::from_ymd_opt(year - 1, 1, 1)
                    .map(|d| d.weekday().num_days_from_monday() as i64)
                    .unwrap_or(0);
                let lno1wkst = (7 - lyearweekday + wkst).rem_euclid(7);
                let lyearlen = if is_leap(year - 1) { 366 } else { 365 };
                if lno1wkst >= 4 {
                    52 + (lyearlen + (lyearweekday - wkst).rem_euclid(7)).rem_euclid(7) / 4
                } else {
                    52 + (yearlen - no1wkst).rem_euclid(7) / 4
                }
            } else {
                -1
            };
            if rr.byweekno.contains(&(lnumweeks as i32)) {
                for i in 0..no1wkst {
                    self.wnomask[i as usize] = true;
                }
            }
        }
    }

    fn dayset(
        &self,
        rr: &Rule,
        year: i32,
        month: u32,
        day: u32,
    ) -> (Vec<Option<usize>>, usize, usize) {
        let n = self.yearlen + 7;
        match rr.freq {
            Freq::Yearly => ((0..n).map(Some).collect(), 0, self.yearlen),
            Freq::Monthly => {
                let (s, e) = (self.mrange[month as usize - 1], self.mrange[month as usize]);
                let mut set = vec![None; n];
                for (k, slot) in set.iter_mut().enumerate().take(e).skip(s) {
                    *slot = Some(k);
                }
                (set, s, e)
            }
            Freq::Weekly => {
                let mut set = vec![None; n];
                let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
                    return (set, 0, 0);
                };
                let mut i = (date - self.jan1.expect("built")).num_days() as usize;
                let start = i;
                for _ in 0..7 {
                    if i >= n {
                        break;
                    }
                    set[i] = Some(i);
                    i += 1;
                    if i < n && self.days[i].3 == rr.wkst {
                        break;
                    }
                }
                (set, start, i.min(n))
            }
            _ => {
                let mut set = vec![None; n];
                let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
                    return (set, 0, 0);
                };
                let i = (date - self.jan1.expect("built")).num_days() as usize;
                set[i] = Some(i);
                (set, i, i + 1)
            }
        }
    }

    /// Whether day `i` passes every BYxxx filter.
    fn keeps(&self, rr: &Rule, i: usize) -> bool {
        let (month, mday, nmday, wday) = self.days[i];
        if !rr.bymonth.is_empty() && !rr.bymonth.contains(&month) {
            return false;
        }
        if !rr.byweekno.is_empty() && !self.wnomask[i] {
            return false;
        }
        if !rr.byweekday.is_empty() && !rr.byweekday.contains(&wday) {
            return false;
        }
        if !rr.bynweekday.is_empty() && !self.nwdaymask.get(i).copied().unwrap_or(false) {
            return false;
        }
        if (!rr.bymonthday.is_empty() || !rr.bynmonthday.is_empty())
            && !rr.bymonthday.contains(&mday)
            && !rr.bynmonthday.contains(&nmday)
        {
            return false;
        }
        if !rr.byyearday.is_empty() {
            let i = i as i32;
            let (yl, nyl) = (self.yearlen as i32, self.nextyearlen as i32);
            let ok = if i < yl {
                rr.byyearday.contains(&(i + 1)) || rr.byyearday.contains(&(-yl + i))
            } else {
                rr.byyearday.contains(&(i + 1 - yl)) || rr.byyearday.contains(&(-nyl + i - yl))
            };
            if !ok {
                return false;
            }
        }
        true
    }
}
