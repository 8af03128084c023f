"""Seeds a poll with an exact number of voters, over HTTP, 16 at a time."""
import http.client
import json
import random
import sys
import threading

host, port, poll_id, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
options = sys.argv[5:]
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
        votes = [{"option_id": o, "choice": random.choice(["yes", "if_need_be", "no"])} for o in options]
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
