#!/usr/bin/env bash
# Mail through the outbox, on SQLite and PostgreSQL, against a release
# build and a real SMTP server (aiosmtpd, tests/mail/sink.py): N invitation
# mails (mails per second), then confirm → the last of N iTIP mails, with
# INSTANCES (default 2) instances of the service sharing the database and
# the work: "duplicates" counts mails that arrived twice (must be 0).
#
#   bench/mail.sh            # N=1000, both databases
#   N=200 bench/mail.sh sqlite
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
N="${N:-1000}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PORT="${PORT:-18090}"
INSTANCES="${INSTANCES:-2}"
SMTP_PORT="${SMTP_PORT:-18025}"
BACKENDS=("${@:-sqlite postgres}")
read -r -a BACKENDS <<< "${BACKENDS[*]}"
MAIL_VENV="${MAIL_VENV:-/var/tmp/convene-mail-venv}"
if ! "$MAIL_VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m venv "$MAIL_VENV" && "$MAIL_VENV/bin/pip" install -q 'aiosmtpd==1.4.6'
fi
if [ -n "${CONVENE_BIN:-}" ]; then BIN="$CONVENE_BIN"; else
  cargo build --release --locked --quiet; BIN="$CARGO_TARGET_DIR/release/convene"; fi
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

for BACKEND in "${BACKENDS[@]}"; do
  case "$BACKEND" in
    sqlite) URL="sqlite://$WORK/mail.db" ;;
    postgres)
      psql "$PG_URL/postgres" -qc 'DROP DATABASE IF EXISTS convene_mail_bench WITH (FORCE)' -c 'CREATE DATABASE convene_mail_bench' >/dev/null
      URL="$PG_URL/convene_mail_bench" ;;
  esac
  rm -rf "$WORK/mails"
  "$MAIL_VENV/bin/python" tests/mail/sink.py "$SMTP_PORT" "$WORK/mails" >/dev/null &
  PIDS+=($!)
  TOKEN=$(CONVENE_DATABASE_URL="$URL" "$BIN" token create --name "Mail bench" 2>/dev/null)
  for i in $(seq 0 $((INSTANCES - 1))); do
    CONVENE_DATABASE_URL="$URL" CONVENE_LISTEN="127.0.0.1:$((PORT + i))" RUST_LOG=warn \
      CONVENE_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" "$BIN" serve >"$WORK/server-$BACKEND-$i.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$((PORT + i))/readyz" >/dev/null && break; sleep 0.2; done
  done
  echo "$BACKEND: $INSTANCES instances deliver"
  python3 bench/mail_flow.py "http://127.0.0.1:$PORT" "$TOKEN" "$WORK/mails" "$N" "$BACKEND"
  kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; PIDS=()
done
