"""The oracle for tests/freebusy.rs: busy time as recurring-ical-events sees it.

Usage: oracle.py FILE ZONE[,ZONE...] FROM/TO[,FROM/TO...]
Prints JSON: {"ZONE FROM/TO": [["start", "end"], ...]} with the merged busy
intervals (UTC, clipped to the window) that the Rust side must reproduce.

recurring-ical-events (with icalendar and x-wr-timezone) expands the events;
this script only decides what is busy (not TRANSP:TRANSPARENT, not
STATUS:CANCELLED), reads all-day and floating times in the member's zone,
adds VFREEBUSY periods (which recurring-ical-events does not read), merges.
"""

import datetime
import json
import sys
import zoneinfo

import icalendar
import recurring_ical_events

UTC = datetime.timezone.utc
# Enough for any corpus event to be found whatever its zone or length; the
# result is clipped to the window afterwards.
MARGIN = datetime.timedelta(days=40)


def parse_utc(text):
    return datetime.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def to_utc(value, zone):
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def busy(component):
    transp = str(component.get("TRANSP", "")).strip().upper()
    status = str(component.get("STATUS", "")).strip().upper()
    return transp != "TRANSPARENT" and status != "CANCELLED"


def freebusy_periods(calendar, zone):
    for component in calendar.walk("VFREEBUSY"):
        props = component.get("FREEBUSY", [])
        for prop in props if isinstance(props, list) else [props]:
            if str(prop.params.get("FBTYPE", "BUSY")).upper() == "FREE":
                continue
            raw = prop.to_ical().decode() if hasattr(prop, "to_ical") else str(prop)
            for item in raw.split(","):
                start_text, end_text = item.split("/")
                start = to_utc(icalendar.vDDDTypes.from_ical(start_text), zone)
                if end_text.upper().lstrip("+-").startswith("P"):
                    end = start + icalendar.vDuration.from_ical(end_text)
                else:
                    end = to_utc(icalendar.vDDDTypes.from_ical(end_text), zone)
                yield start, end


def merge(intervals, start, end):
    clipped = sorted(
        (max(s, start), min(e, end)) for s, e in intervals if max(s, start) < min(e, end)
    )
    merged = []
    for s, e in clipped:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged


def main():
    path, zones, windows = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
    with open(path, "rb") as file:
        calendar = icalendar.Calendar.from_ical(file.read())
    result = {}
    for zone_name in zones:
        zone = zoneinfo.ZoneInfo(zone_name)
        for window in windows:
            start, end = (parse_utc(t) for t in window.split("/"))
            found = list(freebusy_periods(calendar, zone))
            query = recurring_ical_events.of(calendar)
            for occurrence in query.between(start - MARGIN, end + MARGIN):
                if occurrence.name != "VEVENT" or not busy(occurrence):
                    continue
                s = to_utc(occurrence["DTSTART"].dt, zone)
                e = to_utc(occurrence["DTEND"].dt, zone)
                found.append((s, e))
            result[f"{zone_name} {window}"] = [
                [s.strftime("%Y-%m-%dT%H:%M:%SZ"), e.strftime("%Y-%m-%dT%H:%M:%SZ")]
                for s, e in merge(found, start, end)
            ]
    json.dump(result, sys.stdout, indent=0, sort_keys=True)


if __name__ == "__main__":
    main()
