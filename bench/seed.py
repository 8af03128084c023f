"""Seeds a poll with an exact number of voters, over HTTP, 16 at a time.

An option given as ID@DAY,DAY,... is answered per day (a random answer for
each day); with SEED_ATTENDANCE=1 a voter available on every day of an
option also says how they attend (a hybrid poll)."""
import os
import http.client
import json
import random
import sys
import threading

host, port, poll_id, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
options = [(a.split("@")[0], a.split("@")[1].split(",") if "@" in a else []) for a in sys.argv[5:]]
attendance = os.environ.get("SEED_ATTENDANCE") == "1"
CHOICES = ["yes", "if_need_be", "no"]


def vote(option, days):
    if not days:
        v = {"option_id": option, "choice": random.choice(CHOICES)}
        worst = v["choice"]
    else:
        answers = [{"date": d, "choice": random.choice(CHOICES)} for d in days]
        worst = max((a["choice"] for a in answers), key=CHOICES.index)
        v = {"option_id": option, "days": answers}
    if attendance and worst != "no":
        v["attendance"] = random.choice(["in_person", "online"])
    return v

lock = threading.Lock()
next_voter = 0
failures = []


def worker():
    global next_voter
    conn = http.client.HTTPConnection(host, port)
    while True:
        with lock:
            if next_voter >= count:
                return
            n = next_voter
            next_voter += 1
        votes = [vote(o, days) for o, days in options]
        body = json.dumps({"name": f"Seeded voter {n}", "votes": votes})
        conn.request("POST", f"/api/v1/polls/{poll_id}/responses", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 201:
            failures.append(resp.status)


threads = [threading.Thread(target=worker) for _ in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failures:
    sys.exit(f"{len(failures)} seeding requests failed: {sorted(set(failures))}")
