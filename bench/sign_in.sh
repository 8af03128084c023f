#!/usr/bin/env bash
# The console's emailed-link sign-in, end to end, on SQLite and PostgreSQL:
# a release build, the real SMTP test server (aiosmtpd), N people added by
# the CLI, each signing in from a browser of their own (bench/sign_in.py).
# Prints, per backend, median/slowest ms of each step: the form, asking for
# a link, the mail arriving (the outbox worker's pick-up and SMTP), opening
# the link, signing in, the landing page, and the whole.
#
#   bench/sign_in.sh            # N=20, both databases
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N="${N:-20}"
SMTP_PORT="${SMTP_PORT:-18026}"
MAIL_VENV="${MAIL_VENV:-/var/tmp/convene-mail-venv}"
if ! "$MAIL_VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m venv "$MAIL_VENV" && "$MAIL_VENV/bin/pip" install -q 'aiosmtpd==1.4.6'
fi
for BACKEND in ${@:-sqlite postgres}; do
  fresh_database "$BACKEND" convene_sign_in_bench
  for i in $(seq 0 $((N - 1))); do
    CONVENE_DATABASE_URL="$URL" "$BIN" organiser add --email "person$i@example.org" \
      --name "Person $i" --workspace "Bench" --role editor >/dev/null 2>&1
  done
  rm -rf "$WORK/mails"
  "$MAIL_VENV/bin/python" tests/mail/sink.py "$SMTP_PORT" "$WORK/mails" >/dev/null &
  SINK_PID=$!
  sleep 1
  CONVENE_DATABASE_URL="$URL" CONVENE_LISTEN="127.0.0.1:18091" RUST_LOG=warn \
    CONVENE_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" CONVENE_MAIL_FROM="Convene <convene@example.org>" \
    CONVENE_CLIENT_IP_HEADER=x-forwarded-for "$BIN" serve >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:18091/readyz" >/dev/null && break; sleep 0.2; done
  printf '%s: ' "$BACKEND"
  python3 bench/sign_in.py "http://127.0.0.1:18091" "$WORK/mails" "$N"
  stop_server
  kill "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true
done
