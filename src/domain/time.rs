//! Time-zone rules: how a wall-clock time entered in a poll's zone becomes an
//! instant, how instants are shown to each viewer, and how all-day ranges stay
//! floating. Every conversion in the service goes through this file.

use std::str::FromStr;

use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    SecondsFormat, TimeZone, Utc,
};
use chrono_tz::Tz;

use super::limits::MAX_OPTION_DAYS;

/// An IANA zone name that chrono-tz knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(Tz);

impl Zone {
    pub fn parse(name: &str) -> Result<Self, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("a time zone is required, e.g. Europe/Vienna".into());
        }
        Tz::from_str(name).map(Zone).map_err(|_| {
            format!(
                "unknown time zone \"{name}\": use an IANA name such as Europe/Vienna or Asia/Tokyo"
            )
        })
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    /// The instant as this zone's wall clock, with its offset, e.g.
    /// `2026-07-10T13:00:00+02:00`.
    pub fn render(self, instant: DateTime<Utc>) -> String {
        instant
            .with_timezone(&self.0)
            .fixed_offset()
            .to_rfc3339_opts(SecondsFormat::Secs, false)
    }

    pub fn local(self, instant: DateTime<Utc>) -> NaiveDateTime {
        instant.with_timezone(&self.0).naive_local()
    }

    /// Whether the wall time this instant shows in the zone also names
    /// another instant (it falls in a fall-back hour): then the wall time
    /// alone does not say which moment is meant.
    pub fn is_ambiguous(self, instant: DateTime<Utc>) -> bool {
        matches!(
            self.0.from_local_datetime(&self.local(instant)),
            LocalResult::Ambiguous(..)
        )
    }

    /// The zone's offset at the instant, as `+02:00`.
    pub fn offset_at(self, instant: DateTime<Utc>) -> FixedOffset {
        instant.with_timezone(&self.0).offset().fix()
    }
}

/// An instant as RFC 3339 in UTC with a `Z`, the form clients compare on.
pub fn render_utc(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A wall-clock time as a person typed it: `2026-07-10T13:00`, with seconds or
/// not, and optionally an offset to pick one side of a fall-back hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WallTime {
    pub local: NaiveDateTime,
    pub offset: Option<FixedOffset>,
}

impl WallTime {
    /// Parses a wall time, refusing dates outside [`YEARS`].
    pub fn parse(input: &str) -> Result<Self, String> {
        let wall = Self::parse_any_year(input)?;
        check_year(wall.local.date())?;
        Ok(wall)
    }

    fn parse_any_year(input: &str) -> Result<Self, String> {
        let s = input.trim();
        let bad = || {
            format!(
                "\"{s}\" is not a local date and time: use 2026-07-10T13:00 (seconds and an offset such as +02:00 are optional)"
            )
        };
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Ok(WallTime {
                local: dt.naive_local(),
                offset: Some(*dt.offset()),
            });
        }
        for fmt in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%d %H:%M%:z"] {
            if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
                return Ok(WallTime {
                    local: dt.naive_local(),
                    offset: Some(*dt.offset()),
                });
            }
        }
        if let Some(rest) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
            let local = parse_naive(rest).ok_or_else(bad)?;
            return Ok(WallTime {
                local,
                offset: Some(FixedOffset::east_opt(0).expect("zero offset")),
            });
        }
        let local = parse_naive(s).ok_or_else(bad)?;
        Ok(WallTime {
            local,
            offset: None,
        })
    }

    /// The instant this wall time denotes in `zone`. A time in the
    /// spring-forward gap never happens and is refused; one in the fall-back
    /// hour happens twice and is refused unless an offset says which.
    pub fn resolve(self, zone: Zone) -> Result<DateTime<Utc>, String> {
        self.resolve_any_year(zone).and_then(check_instant)
    }

    fn resolve_any_year(self, zone: Zone) -> Result<DateTime<Utc>, String> {
        let tz = zone.tz();
        let shown = describe_local(self.local);
        match tz.from_local_datetime(&self.local) {
            LocalResult::Single(dt) => match self.offset {
                Some(off) if dt.offset().fix() != off => Err(format!(
                    "{shown} in {} has offset {}, not {}",
                    zone.name(),
                    dt.offset().fix(),
                    off
                )),
                _ => Ok(dt.with_timezone(&Utc)),
            },
            LocalResult::Ambiguous(first, second) => {
                let (a, b) = (first.offset().fix(), second.offset().fix());
                match self.offset {
                    Some(off) if off == a => Ok(first.with_timezone(&Utc)),
                    Some(off) if off == b => Ok(second.with_timezone(&Utc)),
                    Some(off) => Err(format!(
                        "{shown} happens twice in {}, at offsets {a} and {b}; {off} is neither",
                        zone.name()
                    )),
                    None => {
                        let detail = transition_near(tz, self.local)
                            .map(|(from, to)| format!(" (clocks go back from {from} to {to})"))
                            .unwrap_or_default();
                        Err(format!(
                            "{shown} happens twice in {}{detail}: add the offset, {a} for the first or {b} for the second",
                            zone.name()
                        ))
                    }
                }
            }
            LocalResult::None => {
                let detail = transition_near(tz, self.local)
                    .map(|(from, to)| format!(": clocks go from {from} to {to}"))
                    .unwrap_or_default();
                Err(format!("{shown} does not exist in {}{detail}", zone.name()))
            }
        }
    }
}

fn parse_naive(s: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|fmt| NaiveDateTime::parse_from_str(s, fmt).ok())
}

/// "02:30 on 2026-03-29", the way people say it.
fn describe_local(local: NaiveDateTime) -> String {
    format!("{} on {}", clock(local), local.date())
}

fn clock(local: NaiveDateTime) -> String {
    if local.and_utc().timestamp() % 60 == 0 {
        local.format("%H:%M").to_string()
    } else {
        local.format("%H:%M:%S").to_string()
    }
}

/// The wall-clock readings just before and just after the offset change
/// nearest to `local`, found by bisecting UTC instants around it. Used only to
/// explain a gap or an overlap, so it may return None for odd historic data.
fn transition_near(tz: Tz, local: NaiveDateTime) -> Option<(String, String)> {
    let guess = local.and_utc();
    let mut lo = guess - Duration::hours(36);
    let mut hi = guess + Duration::hours(36);
    let offset_at = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc()).fix();
    let (before, after) = (offset_at(lo), offset_at(hi));
    if before == after {
        return None;
    }
    while hi - lo > Duration::seconds(1) {
        let mid = lo + (hi - lo) / 2;
        if offset_at(mid) == before {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let from = hi.naive_utc() + Duration::seconds(before.local_minus_utc().into());
    let to = hi.naive_utc() + Duration::seconds(after.local_minus_utc().into());
    Some((clock(from), clock(to)))
}

/// A parsed calendar date (`2026-07-05`).
pub fn parse_date(input: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d")
        .map_err(|_| format!("\"{input}\" is not a date: use YYYY-MM-DD, e.g. 2026-07-05"))
        .and_then(check_year)
}

/// The years every date and instant must fall in. Calendar files, RFC 3339
/// and the database's date types all write four-digit years; a year 0 or
/// 12026 typed by mistake would make a whole feed unreadable.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

fn check_year(date: NaiveDate) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    if YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(format!("{date} is outside the years 1900–9999"))
    }
}

/// The last instant every zone still reads in year 9999. An instant is shown
/// in any viewer's zone (`?tz=`, a member's pages and mails), and zones run up
/// to 14 hours ahead of UTC (historic offsets less than a day): an instant
/// later than this is already 10000-01-01 somewhere, which RFC 3339 and
/// calendar files cannot write. The first instant needs no margin: 1899 in a
/// zone behind UTC still has four digits.
fn last_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(*YEARS.end(), 12, 31, 0, 0, 0)
        .single()
        .expect("a valid instant")
}

/// An instant within [`YEARS`] in UTC and, by [`last_instant`], within
/// four-digit years in every zone it may be shown in.
pub fn check_instant(instant: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    use chrono::Datelike;
    let shown = instant.format("%Y-%m-%dT%H:%MZ");
    if !YEARS.contains(&instant.year()) {
        Err(format!("{shown} is outside the years 1900–9999"))
    } else if instant > last_instant() {
        Err(format!(
            "{shown} is too late: it is already the year 10000 in some time zones; times must end by 9999-12-31T00:00Z"
        ))
    } else {
        Ok(instant)
    }
}

/// When an option takes place. All-day ranges are floating dates: 5–7 July is
/// 5–7 July in every zone. Timed options are fixed instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    AllDay {
        start: NaiveDate,
        end: NaiveDate,
    },
    Timed {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
}

impl Slot {
    pub fn all_day(start: NaiveDate, end: NaiveDate) -> Result<Self, (&'static str, String)> {
        if end < start {
            return Err((
                "end_date",
                format!("the range ends ({end}) before it starts ({start})"),
            ));
        }
        if (end - start).num_days() >= MAX_OPTION_DAYS {
            return Err((
                "end_date",
                format!("a range may span at most {MAX_OPTION_DAYS} days"),
            ));
        }
        // A calendar ends an all-day range on the day after its last
        // (DTEND is exclusive), and that day must have a four-digit year too.
        if end
            .succ_opt()
            .is_none_or(|after| check_year(after).is_err())
        {
            return Err((
                "end_date",
                format!(
                    "{end} is too late: calendars write the day after a range, so it may end on {}-12-30 at the latest",
                    YEARS.end()
                ),
            ));
        }
        Ok(Slot::AllDay { start, end })
    }

    pub fn timed(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, (&'static str, String)> {
        if end <= start {
            return Err(("end", "the option must end after it starts".to_string()));
        }
        if end - start > Duration::days(MAX_OPTION_DAYS) {
            return Err((
                "end",
                format!("an option may last at most {MAX_OPTION_DAYS} days"),
            ));
        }
        Ok(Slot::Timed { start, end })
    }

    /// A key that is equal exactly when two options denote the same slot; the
    /// schema enforces uniqueness per poll on it.
    pub fn key(&self) -> String {
        match self {
            Slot::AllDay { start, end } => format!("D{start}/{end}"),
            Slot::Timed { start, end } => format!("T{}/{}", render_utc(*start), render_utc(*end)),
        }
    }

    /// When the option starts on the poll's wall clock: the ranking's
    /// "earliest start". All-day ranges start at midnight of their first day.
    pub fn start_local(&self, zone: Zone) -> NaiveDateTime {
        match self {
            Slot::AllDay { start, .. } => start.and_hms_opt(0, 0, 0).expect("midnight exists"),
            Slot::Timed { start, .. } => zone.local(*start),
        }
    }
}

impl Slot {
    /// A short human label in the given zone: "Sun 5 Jul – Tue 7 Jul 2026",
    /// "Fri 10 Jul 2026, 13:00–16:00 (Europe/Vienna)".
    pub fn label(&self, zone: Zone) -> String {
        match *self {
            Slot::AllDay { start, end } if start == end => day(start, true),
            Slot::AllDay { start, end } => {
                use chrono::Datelike;
                let first = day(start, start.year() != end.year());
                format!("{first} – {}", day(end, true))
            }
            Slot::Timed { start, end } => {
                let (s, e) = (zone.local(start), zone.local(end));
                // In a fall-back hour a wall time happens twice; its offset
                // tells the two apart ("01:30 +01:00" and "01:30 +00:00").
                let offset = |t: DateTime<Utc>| {
                    if zone.is_ambiguous(t) {
                        format!(" {}", zone.offset_at(t))
                    } else {
                        String::new()
                    }
                };
                let (so, eo) = (offset(start), offset(end));
                if s.date() == e.date() {
                    format!(
                        "{}, {}{so}–{}{eo} ({})",
                        day(s.date(), true),
                        hour_minute(s),
                        hour_minute(e),
                        zone.name()
                    )
                } else {
                    format!(
                        "{} {}{so} – {} {}{eo} ({})",
                        day(s.date(), true),
                        hour_minute(s),
                        day(e.date(), true),
                        hour_minute(e),
                        zone.name()
                    )
                }
            }
        }
    }
}

/// A day as labels show it, "Sun 5 Jul 2026" (chrono's `%a %-d %b %Y`),
/// written out: a label is made for every option of every read, and a
/// chrono format string is parsed again at each use.
fn day(d: NaiveDate, with_year: bool) -> String {
    use chrono::Datelike;
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = WEEKDAYS[d.weekday().num_days_from_monday() as usize];
    let month = MONTHS[d.month0() as usize];
    if with_year {
        format!("{weekday} {} {month} {:04}", d.day(), d.year())
    } else {
        format!("{weekday} {} {month}", d.day())
    }
}

/// A wall-clock time as labels show it, "13:00" (`%H:%M`).
fn hour_minute(t: NaiveDateTime) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// A person's social hours: the local wall-clock window in which they can
/// reasonably meet, e.g. 07:00–22:00. A window whose end is before its start
/// runs over midnight (22:00–06:00 for a night shift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocialHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// "07:00–22:00".
impl std::fmt::Display for SocialHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use chrono::Timelike;
        let (s, e) = (self.start, self.end);
        write!(
            f,
            "{:02}:{:02}–{:02}:{:02}",
            s.hour(),
            s.minute(),
            e.hour(),
            e.minute()
        )
    }
}

impl SocialHours {
    /// Whether the whole of `[start, end)` falls inside one of the person's
    /// daily windows, read on their own wall clock in `zone`. Windows on
    /// consecutive days never touch (start ≠ end), so a slot that is inside
    /// must be inside the window that opens on its first local day or the
    /// day before (for windows that run over midnight).
    pub fn cover(self, zone: Zone, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        let (from, to) = (zone.local(start), zone.local(end));
        let day = from.date();
        [day.pred_opt(), Some(day)].into_iter().flatten().any(|d| {
            let open = d.and_time(self.start);
            let close = if self.end > self.start {
                d.and_time(self.end)
            } else {
                d.and_time(self.end) + Duration::days(1)
            };
            open <= from && to <= close
        })
    }

    /// Whether `slot` would keep the person up outside these hours on their
    /// clock in `zone`. Never for all-day options: they are floating dates.
    pub fn kept_outside_by(self, zone: Zone, slot: &Slot) -> bool {
        match *slot {
            Slot::Timed { start, end } => !self.cover(zone, start, end),
            Slot::AllDay { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_write_days_and_times_as_chrono_formats_them() {
        let mut d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        while d <= last {
            assert_eq!(day(d, true), d.format("%a %-d %b %Y").to_string());
            assert_eq!(day(d, false), d.format("%a %-d %b").to_string());
            d += chrono::Duration::days(97);
        }
        let t = NaiveDate::from_ymd_opt(2026, 7, 5)
            .unwrap()
            .and_hms_opt(6, 5, 59)
            .unwrap();
        assert_eq!(hour_minute(t), t.format("%H:%M").to_string());
    }

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn at(zone_name: &str, wall: &str) -> Result<String, String> {
        WallTime::parse(wall)?
            .resolve(zone(zone_name))
            .map(render_utc)
    }

    #[test]
    fn unknown_and_empty_zones_are_refused_with_a_hint() {
        assert!(Zone::parse("Europe/Vienna").is_ok());
        assert!(
            Zone::parse("Mars/Olympus")
                .unwrap_err()
                .contains("unknown time zone")
        );
        assert!(Zone::parse(" ").unwrap_err().contains("required"));
    }

    #[test]
    fn summer_time_in_vienna_is_two_hours_ahead_of_utc() {
        assert_eq!(
            at("Europe/Vienna", "2026-07-10T13:00").unwrap(),
            "2026-07-10T11:00:00Z"
        );
        assert_eq!(
            at("Europe/Vienna", "2026-07-10T13:00:00").unwrap(),
            "2026-07-10T11:00:00Z"
        );
    }

    #[test]
    fn the_spring_forward_gap_is_refused_with_the_clock_change_named() {
        let err = at("Europe/Vienna", "2026-03-29T02:30").unwrap_err();
        assert_eq!(
            err,
            "02:30 on 2026-03-29 does not exist in Europe/Vienna: clocks go from 02:00 to 03:00"
        );
    }

    #[test]
    fn the_gap_in_new_york_and_in_sydney_is_refused() {
        let ny = at("America/New_York", "2026-03-08T02:15").unwrap_err();
        assert!(ny.contains("clocks go from 02:00 to 03:00"), "{ny}");
        // Southern hemisphere: Sydney springs forward in October.
        let syd = at("Australia/Sydney", "2026-10-04T02:30").unwrap_err();
        assert!(syd.contains("clocks go from 02:00 to 03:00"), "{syd}");
    }

    #[test]
    fn the_fall_back_hour_is_ambiguous_unless_an_offset_is_given() {
        let err = at("Europe/Vienna", "2026-10-25T02:30").unwrap_err();
        assert!(err.contains("happens twice in Europe/Vienna"), "{err}");
        assert!(err.contains("clocks go back from 03:00 to 02:00"), "{err}");
        assert!(err.contains("+02:00") && err.contains("+01:00"), "{err}");
        assert_eq!(
            at("Europe/Vienna", "2026-10-25T02:30+02:00").unwrap(),
            "2026-10-25T00:30:00Z"
        );
        assert_eq!(
            at("Europe/Vienna", "2026-10-25T02:30+01:00").unwrap(),
            "2026-10-25T01:30:00Z"
        );
        assert!(at("Europe/Vienna", "2026-10-25T02:30+05:00").is_err());
    }

    #[test]
    fn sydney_falls_back_in_april() {
        assert!(
            at("Australia/Sydney", "2026-04-05T02:30")
                .unwrap_err()
                .contains("twice")
        );
        assert_eq!(
            at("Australia/Sydney", "2026-04-05T02:30+11:00").unwrap(),
            "2026-04-04T15:30:00Z"
        );
    }

    #[test]
    fn half_hour_zones_without_dst_convert_exactly() {
        assert_eq!(
            at("Asia/Kolkata", "2026-07-10T09:00").unwrap(),
            "2026-07-10T03:30:00Z"
        );
        assert_eq!(
            at("America/St_Johns", "2026-01-10T09:00").unwrap(),
            "2026-01-10T12:30:00Z"
        );
        assert_eq!(
            at("America/St_Johns", "2026-07-10T09:00").unwrap(),
            "2026-07-10T11:30:00Z"
        );
    }

    #[test]
    fn an_offset_that_does_not_apply_is_refused() {
        let err = at("Asia/Tokyo", "2026-07-10T09:00+02:00").unwrap_err();
        assert!(err.contains("has offset +09:00"), "{err}");
        assert_eq!(
            at("Asia/Tokyo", "2026-07-10T09:00+09:00").unwrap(),
            "2026-07-10T00:00:00Z"
        );
    }

    #[test]
    fn rendering_carries_the_offset_of_each_viewer() {
        let instant = at("Europe/Vienna", "2026-07-15T06:00")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            zone("Asia/Tokyo").render(instant),
            "2026-07-15T13:00:00+09:00"
        );
        assert_eq!(
            zone("America/New_York").render(instant),
            "2026-07-15T00:00:00-04:00"
        );
        assert_eq!(
            zone("Europe/Vienna").render(instant),
            "2026-07-15T06:00:00+02:00"
        );
    }

    #[test]
    fn dates_and_instants_stay_within_four_digit_years() {
        assert!(WallTime::parse("0001-01-01T10:00").is_err());
        assert!(WallTime::parse("1899-12-31T23:00").is_err());
        assert!(WallTime::parse("1900-01-01T00:00").is_ok());
        assert!(WallTime::parse("9999-12-31T10:00").is_ok());
        // Inside the years locally, outside them in UTC.
        assert!(at("America/New_York", "9999-12-31T22:00").is_err());
        assert!(at("Asia/Tokyo", "1900-01-01T05:00").is_err());
        assert!(check_instant("1900-01-01T00:00:00Z".parse().unwrap()).is_ok());
        assert!(check_instant("1899-12-31T23:59:59Z".parse().unwrap()).is_err());
        // Already the year 10000 east of UTC (Pacific/Kiritimati is +14:00).
        assert!(check_instant("9999-12-31T00:00:00Z".parse().unwrap()).is_ok());
        assert!(check_instant("9999-12-31T00:00:01Z".parse().unwrap()).is_err());
        assert!(at("Europe/Vienna", "9999-12-31T10:00").is_err());
        // An all-day range's exclusive end must be writable too.
        let date = |s: &str| parse_date(s).unwrap();
        assert!(Slot::all_day(date("9999-12-29"), date("9999-12-30")).is_ok());
        let (field, _) = Slot::all_day(date("9999-12-30"), date("9999-12-31")).unwrap_err();
        assert_eq!(field, "end_date");
    }

    #[test]
    fn labels_show_the_offset_only_for_a_time_that_happens_twice() {
        let vienna = zone("Europe/Vienna");
        let first = at("Europe/Vienna", "2026-10-25T02:30+02:00").unwrap();
        let second = at("Europe/Vienna", "2026-10-25T02:30+01:00").unwrap();
        let slot = |s: &str, e: &str| Slot::timed(s.parse().unwrap(), e.parse().unwrap()).unwrap();
        let a = slot(&first, "2026-10-25T03:00:00Z").label(vienna);
        let b = slot(&second, "2026-10-25T03:00:00Z").label(vienna);
        assert_eq!(a, "Sun 25 Oct 2026, 02:30 +02:00–04:00 (Europe/Vienna)");
        assert_eq!(b, "Sun 25 Oct 2026, 02:30 +01:00–04:00 (Europe/Vienna)");
        assert!(vienna.is_ambiguous(second.parse().unwrap()));
        let july = slot("2026-07-10T11:00:00Z", "2026-07-10T14:00:00Z").label(vienna);
        assert_eq!(july, "Fri 10 Jul 2026, 13:00–16:00 (Europe/Vienna)");
    }

    #[test]
    fn malformed_wall_times_and_dates_are_refused() {
        assert!(WallTime::parse("tomorrow").is_err());
        assert!(WallTime::parse("2026-13-01T10:00").is_err());
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("0001-01-01").is_err());
        assert_eq!(parse_date("2026-07-05").unwrap().to_string(), "2026-07-05");
    }

    #[test]
    fn reversed_ranges_are_refused_and_single_days_allowed() {
        let d = |s| parse_date(s).unwrap();
        assert!(Slot::all_day(d("2026-07-07"), d("2026-07-05")).is_err());
        assert!(Slot::all_day(d("2026-07-05"), d("2026-07-05")).is_ok());
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert!(Slot::timed(t("2026-07-10T11:00:00Z"), t("2026-07-10T11:00:00Z")).is_err());
    }

    #[test]
    fn slot_keys_identify_equal_slots() {
        let d = |s| parse_date(s).unwrap();
        let a = Slot::all_day(d("2026-07-05"), d("2026-07-07")).unwrap();
        assert_eq!(a.key(), "D2026-07-05/2026-07-07");
        assert_eq!(
            a.start_local(zone("Asia/Tokyo")).to_string(),
            "2026-07-05 00:00:00"
        );
    }

    #[test]
    fn labels_read_like_a_calendar() {
        let d = |s| parse_date(s).unwrap();
        let vienna = zone("Europe/Vienna");
        assert_eq!(
            Slot::all_day(d("2026-07-05"), d("2026-07-07"))
                .unwrap()
                .label(vienna),
            "Sun 5 Jul – Tue 7 Jul 2026"
        );
        assert_eq!(
            Slot::all_day(d("2026-07-05"), d("2026-07-05"))
                .unwrap()
                .label(vienna),
            "Sun 5 Jul 2026"
        );
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let slot = Slot::timed(t("2026-07-10T11:00:00Z"), t("2026-07-10T14:00:00Z")).unwrap();
        assert_eq!(
            slot.label(vienna),
            "Fri 10 Jul 2026, 13:00–16:00 (Europe/Vienna)"
        );
    }

    #[test]
    fn social_hours_are_read_on_each_members_own_clock() {
        let hours = |a: &str, b: &str| SocialHours {
            start: NaiveTime::parse_from_str(a, "%H:%M").unwrap(),
            end: NaiveTime::parse_from_str(b, "%H:%M").unwrap(),
        };
        let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let day = hours("07:00", "22:00");
        // 13:00–16:00 in Vienna (11:00–14:00Z) is 20:00–23:00 in Tokyo:
        // it runs past 22:00 there, and is 07:00–10:00 in New York.
        let (s, e) = (utc("2026-07-10T11:00:00Z"), utc("2026-07-10T14:00:00Z"));
        assert!(!day.cover(Zone::parse("Asia/Tokyo").unwrap(), s, e));
        assert!(day.cover(Zone::parse("America/New_York").unwrap(), s, e));
        assert!(day.cover(Zone::parse("Europe/Vienna").unwrap(), s, e));
        // Ending exactly at the window's end is inside.
        let tokyo_ok = (utc("2026-07-10T10:00:00Z"), utc("2026-07-10T13:00:00Z"));
        assert!(day.cover(Zone::parse("Asia/Tokyo").unwrap(), tokyo_ok.0, tokyo_ok.1));
        // A window over midnight covers a slot that straddles it.
        let night = hours("22:00", "06:00");
        let vienna = Zone::parse("Europe/Vienna").unwrap();
        assert!(night.cover(
            vienna,
            utc("2026-07-10T21:00:00Z"),
            utc("2026-07-11T01:00:00Z")
        ));
        assert!(night.cover(
            vienna,
            utc("2026-07-11T01:00:00Z"),
            utc("2026-07-11T03:00:00Z")
        ));
        assert!(!night.cover(
            vienna,
            utc("2026-07-11T03:00:00Z"),
            utc("2026-07-11T05:00:00Z")
        ));
        // A slot longer than any window is never inside.
        assert!(!day.cover(
            vienna,
            utc("2026-07-10T06:00:00Z"),
            utc("2026-07-11T06:00:00Z")
        ));
    }
}
