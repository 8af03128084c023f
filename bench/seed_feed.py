"""A feed of N confirmed events: N polls of one timed option in five zones,
each confirmed, by one organiser, 8 clients.

    seed_feed.py PORT TOKEN N
"""
import http.client
import json
import sys
import threading

port, token, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ZONES = ["Europe/Vienna", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata"]
todo = list(range(count))
lock = threading.Lock()


def call(c, method, path, body):
    c.request(method, path, json.dumps(body),
              {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    r = c.getresponse()
    data = r.read()
    if r.status >= 300:
        sys.exit(f"{method} {path}: {r.status} {data[:200]!r}")
    return json.loads(data) if data else None


def worker():
    c = http.client.HTTPConnection("127.0.0.1", port)
    while True:
        with lock:
            if not todo:
                return
            n = todo.pop()
        day = f"2027-{1 + n % 12:02d}-{1 + n % 28:02d}"
        poll = call(c, "POST", "/api/v1/polls", {
            "title": f"Call {n}", "time_zone": ZONES[n % len(ZONES)],
            "options": [{"kind": "timed", "start": f"{day}T13:00", "end": f"{day}T15:00"}]})
        call(c, "POST", f"/api/v1/polls/{poll['id']}/confirm", {})


threads = [threading.Thread(target=worker) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
