//! The free/busy expansion on a large calendar (bench/freebusy.sh runs it
//! in release): a 5 MiB file of about 10,000 events — hundreds of recurring
//! series (weekly, daily, monthly by weekday, with EXDATEs and moved
//! instances, begun years ago, in IANA and Windows-named zones) and
//! thousands of single events over eight years, with descriptions of the
//! size real exports carry — expanded for a poll's window (three weeks).
//! Prints the file's size, events, the time per expansion (best and median
//! of 9) and the process's peak resident memory.

use std::fmt::Write as _;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use convene::domain::freebusy::busy_time;

const ZONES: &[&str] = &[
    "Europe/Berlin",
    "America/New_York",
    "W. Europe Standard Time",
    "Pacific Standard Time",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Santiago",
    "Asia/Beirut",
];

fn calendar(series: usize, singles: usize) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Convene bench//EN\r\n");
    let filler =
        "Agenda: budget, staffing, travel and the open consultations; dial-in details follow. "
            .repeat(8);
    let start = NaiveDate::from_ymd_opt(2020, 1, 6).unwrap();
    for i in 0..series {
        let zone = ZONES[i % ZONES.len()];
        let day = start + Duration::days((i * 3) as i64 % 1500);
        let hour = 7 + i % 11;
        let rule = match i % 4 {
            0 => "FREQ=WEEKLY;BYDAY=MO,WE,FR".to_string(),
            1 => "FREQ=DAILY;INTERVAL=2".to_string(),
            2 => "FREQ=MONTHLY;BYDAY=2TU,-1TH".to_string(),
            _ => format!(
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL={}1231T235959Z",
                2026 + i % 3
            ),
        };
        let d = day.format("%Y%m%d");
        let _ = write!(
            out,
            "BEGIN:VEVENT\r\nUID:series-{i}@bench.example\r\nSUMMARY:Series {i}\r\nDESCRIPTION:{filler}\r\n\
             DTSTART;TZID={zone}:{d}T{hour:02}0000\r\nDTEND;TZID={zone}:{d}T{hour:02}4500\r\nRRULE:{rule}\r\n"
        );
        for k in 1..4 {
            let ex = day + Duration::days(7 * k * 13);
            let _ = write!(
                out,
                "EXDATE;TZID={zone}:{}T{hour:02}0000\r\n",
                ex.format("%Y%m%d")
            );
        }
        out.push_str("END:VEVENT\r\n");
        // A moved instance of every fifth series.
        if i % 5 == 0 {
            let moved = day + Duration::days(7 * 60);
            let _ = write!(
                out,
                "BEGIN:VEVENT\r\nUID:series-{i}@bench.example\r\nSUMMARY:Series {i} moved\r\n\
                 RECURRENCE-ID;TZID={zone}:{m}T{hour:02}0000\r\nDTSTART;TZID={zone}:{m}T{h2:02}3000\r\n\
                 DTEND;TZID={zone}:{m}T{h2:02}5900\r\nEND:VEVENT\r\n",
                m = moved.format("%Y%m%d"),
                h2 = hour + 1
            );
        }
    }
    for i in 0..singles {
        let day = start + Duration::days((i * 7919) as i64 % 2900);
        let hour = 6 + i % 14;
        let d = day.format("%Y%m%d");
        let _ = write!(
            out,
            "BEGIN:VEVENT\r\nUID:single-{i}@bench.example\r\nSUMMARY:Meeting {i}\r\nLOCATION:Room {}\r\n\
             DESCRIPTION:{}\r\nDTSTART:{d}T{hour:02}0000Z\r\nDTEND:{d}T{hour:02}3000Z\r\nEND:VEVENT\r\n",
            i % 40,
            &filler[..(i * 37) % filler.len()]
        );
    }
    out.push_str("END:VCALENDAR\r\n");
    fold(&out)
}

/// Folds lines longer than 75 octets as RFC 5545 (3.1) and every exporter
/// do: a CRLF and a space every 74 characters (the text is ASCII).
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 20);
    for line in text.split_terminator("\r\n") {
        let mut rest = line;
        while rest.len() > 75 {
            out.push_str(&rest[..74]);
            out.push_str("\r\n ");
            rest = &rest[74..];
        }
        out.push_str(rest);
        out.push_str("\r\n");
    }
    out
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let text = calendar(400, 9_600);
    let events = text.matches("BEGIN:VEVENT").count();
    let from: DateTime<Utc> = "2027-03-01T00:00:00Z".parse().unwrap();
    let to: DateTime<Utc> = "2027-03-22T00:00:00Z".parse().unwrap();
    let before = peak_rss_kib();
    let mut times = vec![];
    let mut intervals = 0;
    for _ in 0..9 {
        let t = Instant::now();
        let busy = busy_time(text.as_bytes(), from, to, chrono_tz::Europe::Vienna)
            .expect("the calendar parses");
        times.push(t.elapsed());
        intervals = busy.intervals.len();
    }
    times.sort();
    println!(
        "freebusy_expand: {:.1} MiB, {events} events, window 3 weeks -> {intervals} busy intervals; \
         best {:.0} ms, median {:.0} ms; peak RSS {:.1} MiB (after building the file: {:.1} MiB)",
        text.len() as f64 / 1048576.0,
        times[0].as_secs_f64() * 1000.0,
        times[4].as_secs_f64() * 1000.0,
        peak_rss_kib() as f64 / 1024.0,
        before as f64 / 1024.0
    );
}
