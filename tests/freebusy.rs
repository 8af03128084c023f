//! Busy time from calendars, compared with the oracle: for every file in
//! tests/freebusy/corpus, every window it names (`X-CONVENE-TEST-WINDOW`,
//! else two DST seasons of 2027) and zones of both hemispheres with 30- and
//! 45-minute offsets and midnight DST changes, `domain::freebusy` must give
//! exactly the intervals Python's recurring-ical-events gives
//! (tests/freebusy/oracle.py).
//!
//! The oracle runs with the Python in `CONVENE_TEST_ICS_PYTHON` (a venv with
//! recurring-ical-events and icalendar; .ci/run makes one). Without it the
//! comparison is skipped with a message, unless
//! `CONVENE_TEST_REQUIRE_ICS_ORACLE=1`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, NaiveDateTime, Utc};
use convene::domain::freebusy::busy_time;

const ZONES: &[&str] = &[
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Havana",
    "America/Santiago",
    "Asia/Beirut",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
];

const DEFAULT_WINDOWS: &str = "20270301T000000Z/20270415T000000Z,20270901T000000Z/20271115T000000Z";

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/freebusy/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the corpus folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ics"))
        .collect();
    files.sort();
    files
}

fn windows_of(text: &str) -> String {
    text.lines()
        .find_map(|l| l.trim_end().strip_prefix("X-CONVENE-TEST-WINDOW:"))
        .unwrap_or(DEFAULT_WINDOWS)
        .to_string()
}

fn utc(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%SZ")
        .expect("a UTC time")
        .and_utc()
}

fn oracle_python() -> Option<String> {
    match std::env::var("CONVENE_TEST_ICS_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            if std::env::var("CONVENE_TEST_REQUIRE_ICS_ORACLE").is_ok_and(|v| v == "1") {
                panic!("CONVENE_TEST_REQUIRE_ICS_ORACLE=1 but CONVENE_TEST_ICS_PYTHON is not set");
            }
            None
        }
    }
}

fn ours(bytes: &[u8], zone: &str, window: &str) -> Vec<[String; 2]> {
    let (from, to) = window.split_once('/').expect("FROM/TO");
    let tz: chrono_tz::Tz = zone.parse().expect("a zone");
    let busy = busy_time(bytes, utc(from), utc(to), tz).expect("the corpus parses");
    busy.intervals
        .iter()
        .map(|b| {
            [
                b.start.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                b.end.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ]
        })
        .collect()
}

#[test]
fn busy_time_matches_recurring_ical_events_on_the_corpus() {
    let Some(python) = oracle_python() else {
        eprintln!(
            "SKIPPED: set CONVENE_TEST_ICS_PYTHON to a Python with recurring-ical-events \
             and icalendar (see .ci/run) to compare busy time with the oracle"
        );
        return;
    };
    let oracle = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/freebusy/oracle.py");
    let mut differences = vec![];
    let mut compared = 0;
    let files = corpus();
    assert!(files.len() >= 18, "the corpus has its files");
    for file in &files {
        let bytes = std::fs::read(file).expect("a corpus file");
        let windows = windows_of(&String::from_utf8_lossy(&bytes));
        let out = Command::new(&python)
            .arg(&oracle)
            .arg(file)
            .arg(ZONES.join(","))
            .arg(&windows)
            .output()
            .expect("the oracle runs");
        assert!(
            out.status.success(),
            "the oracle failed on {}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let expected: BTreeMap<String, Vec<[String; 2]>> =
            serde_json::from_slice(&out.stdout).expect("the oracle's JSON");
        for (case, want) in &expected {
            let (zone, window) = case.split_once(' ').expect("ZONE WINDOW");
            let got = ours(&bytes, zone, window);
            compared += 1;
            if &got != want {
                differences.push(format!(
                    "{} in {zone} over {window}:\n  oracle: {want:?}\n  ours:   {got:?}",
                    file.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    eprintln!(
        "{} files, {compared} (file, zone, window) cases, {} differences",
        files.len(),
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
