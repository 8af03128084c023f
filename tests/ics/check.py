"""Do calendar apps read our ICS as the instants the JSON API reports?

A wall time in a fall-back hour happens twice, and RFC 5545 reads a TZID
local time as the first occurrence; a VTIMEZONE with a wrong observance moves
events in every client. So for each zone below this creates a poll whose
options sit on the zone's real clock changes (found with zoneinfo, not
guessed): both occurrences of a repeated wall time, just before and just
after a gap, an ordinary slot and an all-day one. It reads holds.ics and
event.ics (confirmed to a second occurrence) with Python `icalendar` and
compares every DTSTART/DTEND with the API's start_utc/end_utc.

icalendar resolves a known IANA TZID with zoneinfo, not with the file's
VTIMEZONE, so each TZID time is read twice: as icalendar hands it out
("zoneinfo") and on a tzinfo built from the file's own VTIMEZONE
(`Timezone.to_tz(lookup_tzid=False)`, "vtimezone"), which is what a client
without its own tz database does. The files and manifest.json of expected
instants are left in OUT for check.mjs (ical.js).

    check.py OUT      # CONVENE_URL, CONVENE_TOKEN: server and organiser token
"""

import json
import os
import sys
import urllib.error
import time
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

ZONES = [
    "Europe/Vienna",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST
    "Antarctica/Troll",  # 2-hour DST
    "Europe/Dublin",  # negative DST in tzdb: winter is the "daylight" time
    "Africa/Casablanca",  # negative DST around Ramadan
    "Asia/Tokyo",  # no DST
]
UTC = timezone.utc
SLOT = timedelta(minutes=30)
URL, TOKEN = os.environ["CONVENE_URL"], os.environ["CONVENE_TOKEN"]
OUT = Path(sys.argv[1])


def api(method, path, body=None):
    req = urllib.request.Request(
        URL + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"FAIL: {method} {path} -> {e.code}: {e.read().decode()}\nbody: {json.dumps(body)}")
    return raw.decode() if path.endswith(".ics") else json.loads(raw)


def transitions(tz, year):
    """(instant, offset before, offset after) of each change in `year`, to the second."""
    found, t, end = [], datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    off = lambda t: t.astimezone(tz).utcoffset()
    while t < end:
        nxt = t + timedelta(hours=1)
        if off(nxt) != off(t):
            lo, hi = t, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if off(mid) == off(lo) else (lo, mid)
            found.append((hi, off(lo), off(hi)))
        t = nxt
    return found


def wall(tz, t):
    """`t` as the API takes it: local wall time, with the offset only where it repeats."""
    local = t.astimezone(tz)
    naive = local.replace(tzinfo=None)
    s = naive.strftime("%Y-%m-%dT%H:%M")
    if naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
        off = int(local.utcoffset().total_seconds())
        assert off % 60 == 0, f"offset with seconds: {local}"
        s += f"{'-' if off < 0 else '+'}{abs(off) // 3600:02}:{abs(off) % 3600 // 60:02}"
    return s


def cases(zone):
    """(name, start, end) instants in UTC, or (name, first day, last day) for all-day."""
    tz = ZoneInfo(zone)
    changes = transitions(tz, 2026)
    if not any(after < before for _, before, after in changes):
        changes += transitions(tz, 2027)
    out = []
    for t, before, after in changes:
        d = t.astimezone(tz).date()
        if after < before:  # fall-back: wall times in [t on new, t on old) repeat
            half = (before - after) / 2
            out.append((f"fall-back {d} 1st occurrence", t - half, t - half + SLOT))
            out.append((f"fall-back {d} 2nd occurrence", t + half, t + half + SLOT))
        else:
            out.append((f"spring-forward {d} just before", t - SLOT / 2, t + SLOT / 2))
            out.append((f"spring-forward {d} just after", t, t + SLOT))
    noon = datetime(2026, 7, 15, 10, 0, tzinfo=tz)
    out.append(("ordinary 2026-07-15 10:00", noon.astimezone(UTC), (noon + timedelta(hours=1)).astimezone(UTC)))
    out.append(("all-day 2026-07-20..21", date(2026, 7, 20), date(2026, 7, 21)))
    return out


def iso(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


checked, mismatches = 0, 0


def compare(where, line, reader, got, want):
    global checked, mismatches
    checked += 1
    if got != want:
        mismatches += 1
        print(f"MISMATCH {reader}: {where}: {line} read as {got}, API says {want}")


def read(name, text, expected, zone):
    """Reads one file with icalendar and compares it with `expected` (uid -> case)."""
    cal = Calendar.from_ical(text)
    own = {vtz.tz_name: vtz.to_tz(lookup_tzid=False) for vtz in cal.walk("VTIMEZONE")}
    events = {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}
    if len(events) != len(expected):
        compare(f"{zone} {name}", "VEVENT count", "python", len(events), len(expected))
    for uid, exp in expected.items():
        where = f"{zone} {name} {exp['case']}"
        ev = events.get(uid)
        if ev is None:
            compare(where, f"UID:{uid}", "python", "missing", "present")
            continue
        for prop, want in (("DTSTART", exp["start"]), ("DTEND", exp["end"])):
            v = ev.get(prop)
            tzid = v.params.get("TZID") if v is not None else None
            line = f"{prop}{';TZID=' + tzid if tzid else ''}:{v.to_ical().decode() if v is not None else '(none)'}"
            if v is None or not isinstance(v.dt, datetime):
                compare(where, line, "python", v and v.dt.isoformat(), want)
            elif tzid is None:
                compare(where, line, "python/utc", iso(v.dt), want)
            else:
                compare(where, line, "python/zoneinfo", iso(v.dt), want)
                local = v.dt.replace(tzinfo=None)
                got = iso(local.replace(tzinfo=own[tzid])) if tzid in own else f"no VTIMEZONE {tzid}"
                compare(where, line, "python/vtimezone", got, want)


def itip(title):
    """The calendar of the iTIP REQUEST mailed for the poll `title` (waits for it)."""
    mails = Path(os.environ["ICS_MAILS"])
    for _ in range(300):
        for f in sorted(mails.glob("*.json")) if mails.exists() else []:
            m = json.loads(f.read_text())
            if title in m["headers"].get("Subject", "") and "text/calendar" in m["parts"]:
                if m.get("calendar_methods", ["REQUEST"])[0] != "REQUEST":
                    sys.exit(f"FAIL: the mail for {title} is not an iTIP REQUEST: {m['calendar_methods']}")
                return m["parts"]["text/calendar"]
        time.sleep(0.1)
    sys.exit(f"FAIL: no iTIP mail for {title}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = {"files": []}
    # One member with an address, invited to every poll, gets the outcome mails.
    group = api("POST", "/api/v1/groups", {"name": "ICS", "members": [
        {"name": "Reader", "email": "reader@example.org", "time_zone": "UTC"}]})
    for zone in ZONES:
        tz, plan = ZoneInfo(zone), cases(zone)
        options = [
            {"kind": "all_day", "start_date": a.isoformat(), "end_date": b.isoformat()}
            if isinstance(a, date) and not isinstance(a, datetime)
            else {"kind": "timed", "start": wall(tz, a), "end": wall(tz, b)}
            for _, a, b in plan
        ]
        poll = api("POST", "/api/v1/polls", {"title": f"ICS {zone}", "time_zone": zone, "voting": "open", "options": options})
        holds, second = {}, None
        for (name, a, b), sent, opt in zip(plan, options, poll["options"]):
            if opt["kind"] == "all_day":  # DTEND of an all-day event is the day after the last
                exp = {"start": opt["start_date"], "end": (date.fromisoformat(opt["end_date"]) + timedelta(days=1)).isoformat()}
            else:  # the API first: does it read our wall times as the instants meant?
                exp = {"start": iso(datetime.fromisoformat(opt["start_utc"])), "end": iso(datetime.fromisoformat(opt["end_utc"]))}
                compare(f"{zone} API {name}", f"start {sent['start']}", "api", exp["start"], iso(a))
                compare(f"{zone} API {name}", f"end {sent['end']}", "api", exp["end"], iso(b))
            holds[f"hold-{opt['id']}@convene"] = {"case": f"option {opt['number']} ({name})", **exp}
            if second is None and "2nd occurrence" in name:
                second = (opt["id"], holds[f"hold-{opt['id']}@convene"])
        second = second or (poll["options"][0]["id"], next(iter(holds.values())))
        stem = zone.replace("/", "_")
        files = [(f"holds-{stem}.ics", api("GET", f"/api/v1/polls/{poll['id']}/holds.ics"), holds)]
        api("POST", f"/api/v1/polls/{poll['id']}/invitations", {"group_id": group["id"]})
        api("POST", f"/api/v1/polls/{poll['id']}/confirm", {"option_id": second[0]})
        event = {f"poll-{poll['id']}@convene": {**second[1], "case": f"confirmed {second[1]['case']}"}}
        files.append((f"event-{stem}.ics", api("GET", f"/api/v1/polls/{poll['id']}/event.ics"), event))
        # The same event, as the calendar invitation mailed to the invitee.
        files.append((f"itip-{stem}.ics", itip(f"ICS {zone}"), event))
        for name, text, expected in files:
            (OUT / name).write_text(text)
            manifest["files"].append({"file": name, "zone": zone, "events": expected})
            read(name, text, expected, zone)
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print(f"ics (python icalendar): {checked} instants checked, {mismatches} mismatches")
    sys.exit(1 if mismatches else 0)


main()
