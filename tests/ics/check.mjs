// Do calendar apps read our ICS as the instants the JSON API reports? The
// second reader after check.py: ical.js (Thunderbird's and many web
// calendars' parser) reads the files check.py saved and compares every
// DTSTART/DTEND with manifest.json, which holds the API's start_utc/end_utc
// per VEVENT UID. ical.js has no tz database: it takes a TZID from the file's
// own VTIMEZONE, else from TimezoneService (registered here too, as older
// versions need), else it floats in the local zone; each TZID time is checked
// to have come from the file's VTIMEZONE. Worth a second reader: ical.js (as
// libical) reads a repeated wall time as its standard-time occurrence, not
// the first as RFC 5545 says, so only UTC form is safe in a fall-back hour.
//
//   node check.mjs OUT      # OUT: the folder check.py wrote
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const dir = process.argv[2];
const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, "utf8"));
let checked = 0;
let mismatches = 0;

function compare(where, line, got, want) {
  checked += 1;
  if (got !== want) {
    mismatches += 1;
    console.log(`MISMATCH ical.js: ${where}: ${line} read as ${got}, API says ${want}`);
  }
}

for (const { file, zone, events: expected } of manifest.files) {
  const cal = new ICAL.Component(ICAL.parse(readFileSync(`${dir}/${file}`, "utf8")));
  // Values are decoded lazily, so registering before reading them is enough;
  // a reset keeps one file's VTIMEZONE from serving another's.
  ICAL.TimezoneService.reset();
  const own = new Map();
  for (const vtz of cal.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtz);
    own.set(vtz.getFirstPropertyValue("tzid"), vtz);
  }
  const events = new Map(cal.getAllSubcomponents("vevent").map((v) => [v.getFirstPropertyValue("uid"), v]));
  if (events.size !== Object.keys(expected).length) {
    compare(`${zone} ${file}`, "VEVENT count", events.size, Object.keys(expected).length);
  }
  for (const [uid, exp] of Object.entries(expected)) {
    const where = `${zone} ${file} ${exp.case}`;
    const event = events.get(uid);
    if (!event) {
      compare(where, `UID:${uid}`, "missing", "present");
      continue;
    }
    for (const [name, want] of [["dtstart", exp.start], ["dtend", exp.end]]) {
      const prop = event.getFirstProperty(name);
      const line = prop ? prop.toICALString() : `${name.toUpperCase()} (none)`;
      const t = prop?.getFirstValue();
      const tzid = prop?.getParameter("tzid");
      let got;
      if (!t) got = "nothing";
      else if (t.isDate) got = t.toString();
      else if (tzid && t.zone?.component !== own.get(tzid)) got = `TZID ${tzid} not read by the file's VTIMEZONE`;
      else got = t.toJSDate().toISOString().replace(".000Z", "Z");
      compare(where, line, got, want);
    }
  }
}
console.log(`ics (ical.js): ${checked} instants checked, ${mismatches} mismatches`);
process.exit(mismatches ? 1 : 0);
