"""The console's pages, timed and weighed against a running service: signs
in by the emailed link (read from the SMTP test server's directory), then
reads each page REPEAT times, one at a time, and prints per page the median
and 90th percentile of the time to the whole answer (ms, loopback: the
server's time plus a few tenths of a millisecond) and its weight (bytes of
HTML, uncompressed, plus the stylesheet's, which the page links once).

    python3 bench/console.py BASE MAIL_DIR EMAIL REPEAT NAME=PATH...
"""
import http.client
import json
import os
import re
import statistics
import sys
import time
import urllib.parse

base, mail_dir, email, repeat = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
pages = [a.split("=", 1) for a in sys.argv[5:]]
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port)
cookies = {}


def request(method, path, form=None):
    headers = {"Accept-Encoding": "identity"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    took = (time.perf_counter() - started) * 1000
    for c in resp.headers.get_all("Set-Cookie") or []:
        name, value = c.split(";")[0].split("=", 1)
        cookies[name] = value
    return resp.status, data, took


def csrf(page):
    return re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()


def mails():
    return sorted(f for f in os.listdir(mail_dir) if f.endswith(".json"))


before = len(mails())
status, page, _ = request("GET", "/console/sign-in")
status, page, _ = request("POST", "/console/sign-in", {"csrf": csrf(page), "email": email})
assert status == 200, status
deadline = time.time() + 30
while len(mails()) <= before:
    assert time.time() < deadline, "no sign-in mail"
    time.sleep(0.01)
with open(os.path.join(mail_dir, mails()[-1])) as f:
    text = json.load(f)["parts"]["text/plain"]
link = re.search(r"https?://\S+(/console/sign-in/\S+)", text).group(1)
status, page, _ = request("GET", link)
status, _, _ = request("POST", link, {"csrf": csrf(page)})
assert status == 303, status

status, css, _ = request("GET", re.search(rb'href="(/assets/convene\.css[^"]*)"', page).group(1).decode())
for name, path in pages:
    times, size = [], 0
    for _ in range(repeat):
        status, body, took = request("GET", path)
        assert status == 200, (path, status, body[:300])
        times.append(took)
        size = len(body)
    times.sort()
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    print(f"{name}: median_ms={statistics.median(times):.1f} p90_ms={p90:.1f} "
          f"html_kb={size / 1024:.1f} with_css_kb={(size + len(css)) / 1024:.1f}")
