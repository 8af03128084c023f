#!/usr/bin/env bash
# The console's heaviest pages, timed and weighed on SQLite and PostgreSQL:
# a release build, an invite-only poll of MEMBERS invitees (5,000) in ten
# zones × OPTIONS timed options (20), SHARE of them answering (0.6), and a
# person of the workspace signed in through the emailed link (the real SMTP
# test server, aiosmtpd). Reads, REPEAT times each (50): the polls list, the
# poll's page (ranking, the first 50 members of the grid, the heat map, the
# first non-respondents), its last page of the grid, the confirm preview,
# the edit form (every option on every invitee's clock), the invitations
# and the history. Prints per page the median and 90th percentile in ms and the
# weight of HTML and CSS, uncompressed. The issue's budget for the poll's
# page: under 150 ms at the median and 150 KB.
#
#   bench/console.sh            # both databases
#   bench/console.sh sqlite     # one
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
MEMBERS="${MEMBERS:-5000}"
OPTIONS="${OPTIONS:-20}"
SHARE="${SHARE:-0.6}"
REPEAT="${REPEAT:-50}"
PORT="${PORT:-18093}"
SMTP_PORT="${SMTP_PORT:-18027}"
MAIL_VENV="${MAIL_VENV:-/var/tmp/convene-mail-venv}"
if ! "$MAIL_VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m venv "$MAIL_VENV" && "$MAIL_VENV/bin/pip" install -q 'aiosmtpd==1.4.6'
fi
for BACKEND in ${@:-sqlite postgres}; do
  fresh_database "$BACKEND" convene_console_bench
  TOKEN=$(CONVENE_DATABASE_URL="$URL" "$BIN" token create --name "Bench" 2>/dev/null)
  CONVENE_DATABASE_URL="$URL" "$BIN" organiser add --email "secretariat@example.org" \
    --name "Secretariat" --workspace "Bench" --role editor >/dev/null 2>&1
  rm -rf "$WORK/mails"
  "$MAIL_VENV/bin/python" tests/mail/sink.py "$SMTP_PORT" "$WORK/mails" >/dev/null &
  SINK_PID=$!
  sleep 1
  CONVENE_DATABASE_URL="$URL" CONVENE_LISTEN="127.0.0.1:$PORT" RUST_LOG=warn \
    CONVENE_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" CONVENE_MAIL_FROM="Convene <convene@example.org>" \
    "$BIN" serve >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  BASE="http://127.0.0.1:$PORT"
  for _ in $(seq 1 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done
  POLL=$(python3 bench/seed_roster.py 127.0.0.1 "$PORT" "$TOKEN" "$MEMBERS" "$OPTIONS" "$SHARE")
  settle
  OPTION=$(curl -sf "$BASE/api/v1/polls/$POLL" -H "Authorization: Bearer $TOKEN" | json 'd["options"][0]["id"]')
  LAST=$(( (MEMBERS + 49) / 50 ))
  echo "$BACKEND: $MEMBERS invitees x $OPTIONS options, $SHARE answered, $REPEAT reads each"
  python3 bench/console.py "$BASE" "$WORK/mails" "secretariat@example.org" "$REPEAT" \
    "polls list=/console?lang=en" \
    "poll page=/console/polls/$POLL?lang=en" \
    "poll page, last grid page=/console/polls/$POLL?lang=en&page=$LAST" \
    "poll page, Arabic=/console/polls/$POLL?lang=ar" \
    "confirm preview=/console/polls/$POLL/confirm?lang=en&option_id=$OPTION" \
    "edit form (options on every invitee's clock)=/console/polls/$POLL/edit?lang=en" \
    "invitations=/console/polls/$POLL/invitations?lang=en" \
    "history=/console/polls/$POLL/history?lang=en"
  stop_server
  kill "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true
done
