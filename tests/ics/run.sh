#!/usr/bin/env bash
# Calendar apps must read our ICS as exactly the instants the JSON API
# reports, also in fall-back hours (a wall time happening twice), next to
# spring-forward gaps, and in zones with 30-minute, 2-hour and negative DST.
# Two independent readers check that against a release server on a fresh
# SQLite database: Python `icalendar` (check.py, which also creates the polls
# and downloads holds.ics and event.ics, and takes the iTIP REQUEST each
# confirmation mails to an invitee from a real SMTP server, aiosmtpd) and
# ical.js (check.mjs). Installs them from pinned versions: a venv for
# icalendar and aiosmtpd, package-lock.json here.
#
#   tests/ics/run.sh    # CONVENE_BIN: use this server binary (default: a
#                       #   release build, built here)
#                       # ICS_VENV: the venv; ICS_KEEP: copy the files here
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${ICS_VENV:-/var/tmp/convene-ics-venv}"
ICALENDAR_VERSION=7.3.0
# shellcheck source=../serve.sh
. "$HERE/../serve.sh"
BIN="$(convene_bin "$HERE/../..")"

if ! "$VENV/bin/python" -c 'import sys, icalendar, aiosmtpd; sys.exit(icalendar.__version__ != sys.argv[1])' \
  "$ICALENDAR_VERSION" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "icalendar==$ICALENDAR_VERSION" "aiosmtpd==1.4.6"
fi
# npm ci wipes node_modules first: skip it while this lock file is installed.
if ! cmp -s "$HERE/package-lock.json" "$HERE/node_modules/.installed-lock"; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$HERE/package-lock.json" "$HERE/node_modules/.installed-lock"
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
# The mails go to a real SMTP server on loopback, which writes each to disk.
SMTP_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$VENV/bin/python" "$HERE/../mail/sink.py" "$SMTP_PORT" "$WORK/mails" >"$WORK/sink.log" 2>&1 &
SINK_PID=$!
cleanup() { kill "$SINK_PID" 2>/dev/null; [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
export CONVENE_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" ICS_MAILS="$WORK/mails"
serve_fresh ICS "$BIN" "$WORK" || exit 1

status=0
"$VENV/bin/python" "$HERE/check.py" "$WORK/out" || status=1
if [ -f "$WORK/out/manifest.json" ]; then
  node "$HERE/check.mjs" "$WORK/out" || status=1
fi
if [ -n "${ICS_KEEP:-}" ] && [ -d "$WORK/out" ]; then mkdir -p "$ICS_KEEP" && cp "$WORK"/out/* "$ICS_KEEP"/; fi
[ "$status" = 0 ] && echo "ics: ok" || echo "ics: FAIL (see the MISMATCH lines above)" >&2
exit "$status"
