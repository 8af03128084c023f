#!/usr/bin/env bash
# Free/busy figures (issue 27), a release build on this machine:
#  1. expansion: a 5 MiB calendar of ~10,000 events with hundreds of
#     recurring series, expanded for a poll's window — wanted under 500 ms
#     and 64 MiB (benches/freebusy_expand.rs);
#  2. getResults of an invite-only poll of N (5,000) invited members, read
#     by its organiser: a poll with no calendar connected and one with
#     every member's calendar connected (busy counts), in one database,
#     read in turn — wanted within 1.5× of the first
#     (bench/seed_calendars.py seeds; wrk reads at C connections).
#
#   bench/freebusy.sh                 # both parts, both databases
#   N=1000 bench/freebusy.sh sqlite
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
export BENCH_DIR="$PWD/bench"
N="${N:-5000}"
C="${C:-8}"
DURATION="${DURATION:-10s}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PORT="${PORT:-18098}"
BACKENDS=("${@:-sqlite postgres}")
read -r -a BACKENDS <<< "${BACKENDS[*]}"
if ! command -v wrk >/dev/null; then
  (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)) >/dev/null
fi

echo "== expansion"
cargo bench --locked --quiet --bench freebusy_expand 2>/dev/null

if [ -n "${CONVENE_BIN:-}" ]; then BIN="$CONVENE_BIN"; else
  cargo build --release --locked --quiet; BIN="$CARGO_TARGET_DIR/release/convene"; fi
WORK="$(mktemp -d)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

rps() { # url token -> "req/s p50"
  wrk -t2 -c"$C" -d"$DURATION" -H "Authorization: Bearer $2" -s bench/get.lua "$1" | grep '^RESULT' | sed 's/^RESULT //'
}

echo "== getResults, $N invited members, read by the organiser"
for BACKEND in "${BACKENDS[@]}"; do
  case "$BACKEND" in
    sqlite) URL="sqlite://$WORK/freebusy.db" ;;
    postgres)
      psql "$PG_URL/postgres" -qc 'DROP DATABASE IF EXISTS convene_freebusy_bench WITH (FORCE)' -c 'CREATE DATABASE convene_freebusy_bench' >/dev/null 2>&1
      URL="$PG_URL/convene_freebusy_bench" ;;
  esac
  TOKEN=$(CONVENE_DATABASE_URL="$URL" "$BIN" token create --name "Free/busy bench" 2>/dev/null)
  CONVENE_DATABASE_URL="$URL" CONVENE_LISTEN="127.0.0.1:$PORT" RUST_LOG=warn CONVENE_WEBHOOK_ALLOW_PRIVATE=true \
    "$BIN" serve >"$WORK/server-$BACKEND.log" 2>&1 &
  PID=$!
  BASE="http://127.0.0.1:$PORT"
  for _ in $(seq 1 50); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done
  # Two polls of N invited members in one database: one with no calendar
  # connected, one with all N; read in turn (A B A B) by the same server,
  # so the database's state and the machine's load are the same for both.
  NONE=$(python3 bench/seed_calendars.py 127.0.0.1 "$PORT" "$TOKEN" "$N" invite)
  POLL=$(python3 bench/seed_calendars.py 127.0.0.1 "$PORT" "$TOKEN" "$N" invite)
  python3 bench/seed_calendars.py 127.0.0.1 "$PORT" "$TOKEN" "$N" connect "$POLL" >/dev/null
  for ROUND in 1 2; do
    BEFORE=$(rps "$BASE/api/v1/polls/$NONE/results" "$TOKEN")
    AFTER=$(rps "$BASE/api/v1/polls/$POLL/results" "$TOKEN")
    printf '%-9s round %s | no calendar: %s | %s calendars: %s\n' "$BACKEND" "$ROUND" "$BEFORE" "$N" "$AFTER"
  done
  COUNTS=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/polls/$POLL/results" |
    python3 -c 'import json,sys; print([o["busy_count"] for o in json.load(sys.stdin)["options"]])')
  printf '%-9s busy_count %s\n' "$BACKEND" "$COUNTS"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done
