"""The console's emailed-link sign-in, timed step by step against a running
service and the SMTP test server's directory: N people each ask for a link
on the sign-in page, the mail arrives, the link is opened and used, and the
landing page is read. Prints the median and the slowest of each step (ms).

    python3 bench/sign_in.py BASE MAIL_DIR N
"""
import http.client
import json
import os
import re
import statistics
import sys
import time
import urllib.parse

base, mail_dir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port


class Browser:
    def __init__(self, client_ip):
        self.cookies = {}
        self.ip = client_ip

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection(host, port)
        headers = {"X-Forwarded-For": self.ip}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode()
        took = (time.perf_counter() - started) * 1000
        for c in resp.headers.get_all("Set-Cookie") or []:
            name, value = c.split(";")[0].split("=", 1)
            self.cookies[name] = value
        conn.close()
        return resp.status, text, took


def csrf(page):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def mails():
    return sorted(f for f in os.listdir(mail_dir) if f.endswith(".json"))


steps = {"form": [], "ask": [], "mail": [], "open link": [], "sign in": [], "landing": [], "whole": []}
for i in range(n):
    b = Browser(f"198.51.100.{i % 250}")
    before = len(mails())
    t0 = time.perf_counter()
    status, page, took = b.request("GET", "/console/sign-in")
    assert status == 200, status
    steps["form"].append(took)
    status, page, took = b.request("POST", "/console/sign-in", {"csrf": csrf(page), "email": f"person{i}@example.org"})
    assert status == 200, (status, page)
    steps["ask"].append(took)
    asked = time.perf_counter()
    while len(mails()) <= before:
        time.sleep(0.002)
    steps["mail"].append((time.perf_counter() - asked) * 1000)
    with open(os.path.join(mail_dir, mails()[-1])) as f:
        text = json.load(f)["parts"]["text/plain"]
    link = re.search(r"https?://\S+(/console/sign-in/\S+)", text).group(1)
    status, page, took = b.request("GET", link)
    assert status == 200, status
    steps["open link"].append(took)
    status, _, took = b.request("POST", link, {"csrf": csrf(page)})
    assert status == 303, status
    steps["sign in"].append(took)
    status, page, took = b.request("GET", "/console")
    assert status == 200 and f"Person {i}" in page, status
    steps["landing"].append(took)
    steps["whole"].append((time.perf_counter() - t0) * 1000)

print(" ".join(f"{k}={statistics.median(v):.1f}/{max(v):.1f}" for k, v in steps.items()))
