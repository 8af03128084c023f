"""Seeds an invite-only poll with a roster: a group of members spread over
time zones, all invited, a share of them answering with their own tokens.
Prints the poll id (and, with MEMBER_TOKEN_FILE set, writes the last
member's invitation token there, to read the poll as a member).

    seed_roster.py HOST PORT TOKEN MEMBERS TIMED_OPTIONS ANSWERING_SHARE
"""
import http.client
import json
import os
import random
import sys
import threading

host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
members, timed_options, share = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
ZONES = ["Asia/Tokyo", "Europe/Vienna", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
         "America/Sao_Paulo", "Africa/Nairobi", "Europe/London", "America/Los_Angeles", "Asia/Singapore"]
random.seed(20261126)


def call(conn, method, path, body=None, bearer=token, expect=(200, 201)):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status not in expect:
        sys.exit(f"{method} {path}: {resp.status} {data[:300]!r}")
    return json.loads(data) if data else None


conn = http.client.HTTPConnection(host, port)
group = call(conn, "POST", "/api/v1/groups", {"name": f"Roster of {members}"})
for start in range(0, members, 2000):
    chunk = [{"name": f"Member {n}", "email": f"member{n}@example.org", "time_zone": ZONES[n % len(ZONES)]}
             for n in range(start, min(members, start + 2000))]
    call(conn, "POST", f"/api/v1/groups/{group['id']}/members", {"members": chunk})
# Timed options across a fortnight at hours that suit some zones and not others.
options = [{"kind": "timed", "start": f"2026-07-{6 + i // 2:02d}T{(6 + 5 * i) % 20 + 2:02d}:00",
            "end": f"2026-07-{6 + i // 2:02d}T{(6 + 5 * i) % 20 + 4:02d}:00"} for i in range(timed_options)]
if not options:
    options = [{"kind": "all_day", "start_date": "2026-07-05", "end_date": "2026-07-07"},
               {"kind": "all_day", "start_date": "2026-07-10", "end_date": "2026-07-12"}]
poll = call(conn, "POST", "/api/v1/polls", {"title": f"Roster poll, {members} invited", "time_zone": "Europe/Vienna",
                                            "voting": "invite_only", "options": options})
invited = call(conn, "POST", f"/api/v1/polls/{poll['id']}/invitations", {"group_id": group["id"]})["invitations"]
voters = [i["token"] for i in invited[: int(len(invited) * share)]]
if os.environ.get("MEMBER_TOKEN_FILE"):
    with open(os.environ["MEMBER_TOKEN_FILE"], "w") as f:
        f.write(invited[-1]["token"])
lock = threading.Lock()


def worker():
    c = http.client.HTTPConnection(host, port)
    while True:
        with lock:
            if not voters:
                return
            t = voters.pop()
        votes = [{"option_id": o["id"], "choice": random.choice(["yes", "if_need_be", "no"])} for o in poll["options"]]
        call(c, "POST", f"/api/v1/polls/{poll['id']}/responses", {"votes": votes}, bearer=t)


threads = [threading.Thread(target=worker) for _ in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(poll["id"])
