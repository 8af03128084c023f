"""Seeds the free/busy results benchmark (bench/freebusy.sh).

    seed_calendars.py HOST PORT TOKEN MEMBERS invite
        an invite-only poll of MEMBERS invited members in ten zones, three
        timed options; prints the poll id and keeps the invitation tokens in
        a file beside the poll id (/tmp/convene-freebusy-<poll>.tokens)
    seed_calendars.py HOST PORT TOKEN MEMBERS connect POLL
        every member uploads a calendar (a weekly series and a few single
        events; about a third busy on each option), 8 at a time
"""
import http.client
import json
import sys
import threading

host, port, token, members, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
ZONES = ["Asia/Tokyo", "Europe/Vienna", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
         "America/Sao_Paulo", "Africa/Nairobi", "Europe/London", "America/Los_Angeles", "Asia/Singapore"]


def call(conn, method, path, body=None, bearer=token, content_type="application/json", expect=(200, 201)):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    conn.request(method, path, data, {"Content-Type": content_type, "Authorization": f"Bearer {bearer}"})
    resp = conn.getresponse()
    out = resp.read()
    if resp.status not in expect:
        sys.exit(f"{method} {path}: {resp.status} {out[:300]!r}")
    return json.loads(out) if out else None


def calendar(n):
    hour = 6 + n % 12
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"
        f"BEGIN:VEVENT\r\nUID:w{n}@bench\r\nSUMMARY:Weekly {n}\r\n"
        f"DTSTART;TZID={ZONES[n % len(ZONES)]}:20260105T{hour:02d}0000\r\n"
        f"DTEND;TZID={ZONES[n % len(ZONES)]}:20260105T{hour:02d}5000\r\n"
        f"RRULE:FREQ=WEEKLY;BYDAY={['MO', 'TU', 'WE', 'TH', 'FR'][n % 5]}\r\nEND:VEVENT\r\n"
        + "".join(
            f"BEGIN:VEVENT\r\nUID:s{n}-{k}@bench\r\nSUMMARY:Single\r\n"
            f"DTSTART:202607{6 + k:02d}T{(n + 5 * k) % 24:02d}0000Z\r\nDTEND:202607{6 + k:02d}T{(n + 5 * k) % 24:02d}3000Z\r\n"
            "END:VEVENT\r\n"
            for k in range(3)
        )
        + "END:VCALENDAR\r\n"
    ).encode()


if mode == "invite":
    conn = http.client.HTTPConnection(host, port)
    group = call(conn, "POST", "/api/v1/groups", {"name": f"Roster of {members}"})
    for start in range(0, members, 2000):
        chunk = [{"name": f"Member {n}", "time_zone": ZONES[n % len(ZONES)]}
                 for n in range(start, min(members, start + 2000))]
        call(conn, "POST", f"/api/v1/groups/{group['id']}/members", {"members": chunk})
    options = [{"kind": "timed", "start": f"2026-07-{6 + i:02d}T13:00", "end": f"2026-07-{6 + i:02d}T15:00"} for i in range(3)]
    poll = call(conn, "POST", "/api/v1/polls", {"title": f"Free/busy, {members} invited", "time_zone": "Europe/Vienna",
                                                "voting": "invite_only", "options": options})
    invited = call(conn, "POST", f"/api/v1/polls/{poll['id']}/invitations", {"group_id": group["id"]})["invitations"]
    with open(f"/tmp/convene-freebusy-{poll['id']}.tokens", "w") as f:
        f.write("\n".join(i["token"] for i in invited))
    print(poll["id"])
else:
    poll = sys.argv[6]
    with open(f"/tmp/convene-freebusy-{poll}.tokens") as f:
        tokens = f.read().split()

    def work(part):
        conn = http.client.HTTPConnection(host, port)
        for n in range(part, len(tokens), 8):
            call(conn, "PUT", f"/api/v1/polls/{poll}/responses/me/calendar", calendar(n),
                 bearer=tokens[n], content_type="text/calendar")

    threads = [threading.Thread(target=work, args=(p,)) for p in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(len(tokens))
