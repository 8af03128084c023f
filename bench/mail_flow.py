"""Drives bench/mail.sh: invites N members with mail, waits for N mails,
confirms, waits for N more (the iTIP REQUESTs), and prints the times.

    mail_flow.py BASE TOKEN MAIL_DIR N LABEL
"""
import json
import os
import sys
import time
import urllib.request

base, token, mails, n, label = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]


def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def count():
    try:
        return sum(1 for f in os.listdir(mails) if f.endswith(".json"))
    except FileNotFoundError:
        return 0


def wait_for(total, limit=600):
    start = time.monotonic()
    while count() < total:
        if time.monotonic() - start > limit:
            sys.exit(f"{label}: only {count()} of {total} mails after {limit} s")
        time.sleep(0.05)


zones = ["Asia/Tokyo", "Europe/Vienna", "America/New_York", "Africa/Nairobi", "Asia/Kolkata"]
group = call("POST", "/api/v1/groups", {"name": f"{n} members"})
for start in range(0, n, 2000):
    call("POST", f"/api/v1/groups/{group['id']}/members", {"members": [
        {"name": f"Member {i}", "email": f"member{i}@example.org", "time_zone": zones[i % len(zones)]}
        for i in range(start, min(n, start + 2000))]})
poll = call("POST", "/api/v1/polls", {"title": "Mail benchmark", "time_zone": "Europe/Vienna", "voting": "invite_only",
                                      "options": [{"kind": "timed", "start": "2026-07-10T13:00", "end": "2026-07-10T16:00"}]})
t0 = time.monotonic()
call("POST", f"/api/v1/polls/{poll['id']}/invitations", {"group_id": group["id"], "send_email": True})
t1 = time.monotonic()
wait_for(n)
t2 = time.monotonic()
call("POST", f"/api/v1/polls/{poll['id']}/confirm", {})
wait_for(2 * n)
t3 = time.monotonic()
files = sorted(f for f in os.listdir(mails) if f.endswith(".json"))
recipients = [json.load(open(os.path.join(mails, f)))["rcpt_tos"][0] for f in files]
dups = len(recipients) - 2 * len(set(recipients))
print(f"{label:9} {n} invitations: createInvitations {1000 * (t1 - t0):.0f} ms, all mailed in {t2 - t0:.1f} s "
      f"({n / (t2 - t0):.0f} mails/s); confirm -> last iTIP mail {t3 - t2:.1f} s; duplicates {dups}")
