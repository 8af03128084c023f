"""The workload of the memory figure: POLLS polls of five timed options,
each voted on five times, read, and its results read; 8 clients.

    polls_workload.py PORT TOKEN POLLS
"""
import http.client, json, sys, threading
port, token, polls = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
todo = list(range(polls))
lock = threading.Lock()
def call(c, method, path, body=None, bearer=token):
    c.request(method, path, json.dumps(body) if body is not None else None,
              {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"})
    r = c.getresponse(); data = r.read()
    if r.status >= 300: sys.exit(f"{method} {path}: {r.status} {data[:200]!r}")
    return json.loads(data) if data else None
def worker():
    c = http.client.HTTPConnection("127.0.0.1", port)
    while True:
        with lock:
            if not todo: return
            n = todo.pop()
        poll = call(c, "POST", "/api/v1/polls", {"title": f"Poll {n}", "time_zone": "Europe/Vienna",
            "options": [{"kind": "timed", "start": f"2026-07-{6 + d:02d}T13:00", "end": f"2026-07-{6 + d:02d}T15:00"} for d in range(5)]})
        for v in range(5):
            call(c, "POST", f"/api/v1/polls/{poll['id']}/responses",
                 {"name": f"Voter {v}", "votes": [{"option_id": o["id"], "choice": "yes"} for o in poll["options"]]})
        call(c, "GET", f"/api/v1/polls/{poll['id']}")
        call(c, "GET", f"/api/v1/polls/{poll['id']}/results")
threads = [threading.Thread(target=worker) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
