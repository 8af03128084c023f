//! A poll's options as busy time sees them: each option's UTC span (an
//! all-day option is the member's day, midnight to midnight in their zone),
//! the window to expand calendars in, and which options a busy interval
//! touches.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;

use super::Busy;
use super::zones::iana_to_utc;
use crate::domain::time::Slot;

/// The option's span in UTC for a member in `zone`.
pub fn span(slot: &Slot, zone: Tz) -> Busy {
    match slot {
        Slot::Timed { start, end } => Busy {
            start: *start,
            end: *end,
        },
        Slot::AllDay { start, end } => {
            let at = |d: chrono::NaiveDate| iana_to_utc(zone, d.and_time(NaiveTime::MIN)).and_utc();
            Busy {
                start: at(*start),
                end: at(*end + Duration::days(1)),
            }
        }
    }
}

/// From the earliest option's start to the latest one's end (None without
/// options).
pub fn window(spans: &[Busy]) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = spans.iter().map(|s| s.start).min()?;
    let end = spans.iter().map(|s| s.end).max()?;
    Some((start, end))
}

fn overlaps(a: &Busy, b: &Busy) -> bool {
    a.start < b.end && b.start < a.end
}

/// Keeps the intervals that overlap an option: nothing else is stored.
pub fn keep_overlapping(intervals: Vec<Busy>, spans: &[Busy]) -> Vec<Busy> {
    intervals
        .into_iter()
        .filter(|i| spans.iter().any(|s| overlaps(i, s)))
        .collect()
}

/// For each option, whether any interval (sorted by start) overlaps it.
pub fn busy_options(intervals: &[Busy], spans: &[Busy]) -> Vec<bool> {
    spans
        .iter()
        .map(|s| {
            // Intervals are merged and sorted: the first that ends after the
            // option starts is the only candidate.
            let i = intervals.partition_point(|b| b.end <= s.start);
            intervals.get(i).is_some_and(|b| overlaps(b, s))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn an_all_day_option_is_the_members_day_and_overlap_is_strict() {
        let day = chrono::NaiveDate::from_ymd_opt(2027, 3, 14).unwrap();
        let s = span(
            &Slot::AllDay {
                start: day,
                end: day,
            },
            chrono_tz::America::Havana,
        );
        // Havana skips midnight on 14 March 2027: the day starts at 01:00 CDT.
        assert_eq!(s.start, at("2027-03-14T05:00:00Z"));
        assert_eq!(s.end, at("2027-03-15T04:00:00Z"));
        let busy = vec![
            Busy {
                start: at("2027-03-13T00:00:00Z"),
                end: at("2027-03-14T05:00:00Z"),
            },
            Busy {
                start: at("2027-03-15T04:00:00Z"),
                end: at("2027-03-15T05:00:00Z"),
            },
        ];
        assert_eq!(busy_options(&busy, &[s]), vec![false]);
        let inside = vec![Busy {
            start: at("2027-03-14T10:00:00Z"),
            end: at("2027-03-14T10:01:00Z"),
        }];
        assert_eq!(busy_options(&inside, &[s]), vec![true]);
        assert_eq!(keep_overlapping(busy, &[s]), vec![]);
    }
}
