#!/usr/bin/env bash
# Calendar apps must read our ICS as exactly the instants the JSON API
# reports, also in fall-back hours (a wall time happening twice), next to
# spring-forward gaps, and in zones with 30-minute, 2-hour and negative DST.
# Two independent readers check that against a release server on a fresh
# SQLite database: Python `icalendar` (check.py, which also creates the polls
# and downloads holds.ics and event.ics) and ical.js (check.mjs). Installs
# them from pinned versions: a venv for icalendar, package-lock.json here.
#
#   tests/ics/run.sh    # CONVENE_BIN: use this server binary (default: a
#                       #   release build, built here)
#                       # ICS_VENV: the venv; ICS_KEEP: copy the files here
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${ICS_VENV:-/var/tmp/convene-ics-venv}"
ICALENDAR_VERSION=7.3.0
if [ -n "${CONVENE_BIN:-}" ]; then
  BIN="$CONVENE_BIN"
else
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
  (cd "$HERE/../.." && cargo build --release --locked --quiet)
  BIN="$CARGO_TARGET_DIR/release/convene"
fi

if ! "$VENV/bin/python" -c 'import sys, icalendar; sys.exit(icalendar.__version__ != sys.argv[1])' \
  "$ICALENDAR_VERSION" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "icalendar==$ICALENDAR_VERSION"
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
DB="sqlite://$WORK/ics.db"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export CONVENE_URL="http://127.0.0.1:$PORT"
CONVENE_TOKEN="$(CONVENE_DATABASE_URL="$DB" "$BIN" token create --name ICS 2>"$WORK/token.log")" ||
  { cat "$WORK/token.log" >&2; exit 1; }
export CONVENE_TOKEN
CONVENE_DATABASE_URL="$DB" CONVENE_LISTEN="127.0.0.1:$PORT" RUST_LOG=error "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
ready() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$CONVENE_URL/readyz" 2>/dev/null; }
for _ in $(seq 1 50); do ready && break; sleep 0.2; done
if ! ready; then
  echo "FAIL: the server did not get ready" >&2
  cat "$WORK/server.log" >&2
  exit 1
fi

status=0
"$VENV/bin/python" "$HERE/check.py" "$WORK/out" || status=1
if [ -f "$WORK/out/manifest.json" ]; then
  node "$HERE/check.mjs" "$WORK/out" || status=1
fi
if [ -n "${ICS_KEEP:-}" ] && [ -d "$WORK/out" ]; then mkdir -p "$ICS_KEEP" && cp "$WORK"/out/* "$ICS_KEEP"/; fi
[ "$status" = 0 ] && echo "ics: ok" || echo "ics: FAIL (see the MISMATCH lines above)" >&2
exit "$status"
