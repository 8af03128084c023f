"""Drives bench/roster.sh: creates a group of N members in one request, then
invites the whole group to a poll in one request, RUNS times, and prints
the median of each with the reply sizes.

    roster.py BASE TOKEN N RUNS LABEL
"""
import json
import statistics
import sys
import time
import urllib.request

base, token, n, runs, label = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
zones = ["Asia/Tokyo", "Europe/Vienna", "America/New_York", "Africa/Nairobi", "Asia/Kolkata"]


def call(method, path, body):
    data = json.dumps(body).encode()
    req = urllib.request.Request(base + path, method=method, data=data,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    start = time.monotonic()
    with urllib.request.urlopen(req) as r:
        reply = r.read()
    return time.monotonic() - start, len(data), json.loads(reply), len(reply)


created, invited = [], []
for run in range(runs):
    members = [{"name": f"Member {run}-{i}", "email": f"m{run}-{i}@example.org",
                "time_zone": zones[i % len(zones)], "language": "fr" if i % 7 == 0 else "en"}
               for i in range(n)]
    took, sent, group, _ = call("POST", "/api/v1/groups", {"name": f"Roster {run}", "members": members})
    assert len(group["members"]) == n, len(group["members"])
    created.append(took)
    _, _, poll, _ = call("POST", "/api/v1/polls", {
        "title": "Open consultation", "time_zone": "Europe/Vienna", "voting": "invite_only",
        "options": [{"kind": "all_day", "start_date": "2027-07-05", "end_date": "2027-07-07"}]})
    took, _, out, size = call("POST", f"/api/v1/polls/{poll['id']}/invitations", {"group_id": group["id"]})
    assert len(out["invitations"]) == n, len(out["invitations"])
    invited.append(took)
print(f"{label:9} group of {n}: createGroup {statistics.median(created) * 1000:.0f} ms "
      f"({sent / 1e6:.1f} MB body), createInvitations {statistics.median(invited) * 1000:.0f} ms "
      f"({size / 1e6:.1f} MB reply, tokens included); medians of {runs}")
