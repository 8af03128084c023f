#!/usr/bin/env bash
# getResults of a large invite-only poll against an open poll of the same
# size, on SQLite and PostgreSQL, a release build on the same machine as
# the client (wrk): the issue-15 table's first row. An invite-only poll of
# N (5,000) invited members in ten zones, half of them answered, three
# timed options (so social hours apply), read by its organiser; an open
# poll with N respondents; the invite-only poll is read by its organiser
# (who sees the first names of each list) and by a member (counts only).
# Prints req/s, p50 and p99 at C (8) connections,
# the reply's size, and the server's RSS after.
#
#   bench/results_scale.sh            # both databases
#   N=1000 bench/results_scale.sh sqlite
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
export BENCH_DIR="$PWD/bench"
N="${N:-5000}"
C="${C:-8}"
DURATION="${DURATION:-10s}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PORT="${PORT:-18097}"
BACKENDS=("${@:-sqlite postgres}")
read -r -a BACKENDS <<< "${BACKENDS[*]}"
if ! command -v wrk >/dev/null; then
  (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)) >/dev/null
fi
if [ -n "${CONVENE_BIN:-}" ]; then BIN="$CONVENE_BIN"; else
  cargo build --release --locked --quiet; BIN="$CARGO_TARGET_DIR/release/convene"; fi
WORK="$(mktemp -d)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

measure() { # label url token
  local out size
  out=$(wrk -t2 -c"$C" -d"$DURATION" -H "Authorization: Bearer $3" -s bench/get.lua "$2" | grep '^RESULT')
  size=$(curl -sf -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $3" "$2")
  printf '%-10s %-44s %s bytes=%s\n' "$BACKEND" "$1" "${out#RESULT }" "$size"
}

for BACKEND in "${BACKENDS[@]}"; do
  case "$BACKEND" in
    sqlite) URL="sqlite://$WORK/results.db" ;;
    postgres)
      psql "$PG_URL/postgres" -qc 'DROP DATABASE IF EXISTS convene_results_bench WITH (FORCE)' -c 'CREATE DATABASE convene_results_bench' >/dev/null 2>&1
      URL="$PG_URL/convene_results_bench" ;;
  esac
  TOKEN=$(CONVENE_DATABASE_URL="$URL" "$BIN" token create --name "Results bench" 2>/dev/null)
  CONVENE_DATABASE_URL="$URL" CONVENE_LISTEN="127.0.0.1:$PORT" RUST_LOG=warn CONVENE_ANONYMOUS_VOTES_PER_MINUTE=0 \
    "$BIN" serve >"$WORK/server-$BACKEND.log" 2>&1 &
  PID=$!
  BASE="http://127.0.0.1:$PORT"
  for _ in $(seq 1 50); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done
  INVITED=$(MEMBER_TOKEN_FILE="$WORK/member-token" python3 bench/seed_roster.py 127.0.0.1 "$PORT" "$TOKEN" "$N" 3 0.5)
  OPTIONS='[{"kind":"timed","start":"2026-07-06T13:00","end":"2026-07-06T15:00"},
      {"kind":"timed","start":"2026-07-07T13:00","end":"2026-07-07T15:00"},
      {"kind":"timed","start":"2026-07-08T13:00","end":"2026-07-08T15:00"}]'
  OPEN=$(curl -sf -X POST "$BASE/api/v1/polls" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"title\":\"Open consultation\",\"time_zone\":\"Europe/Vienna\",\"options\":$OPTIONS}")
  OPEN_ID=$(echo "$OPEN" | json 'd["id"]')
  python3 bench/seed.py 127.0.0.1 "$PORT" "$OPEN_ID" "$N" $(echo "$OPEN" | json '" ".join(o["id"] for o in d["options"])') >/dev/null
  SMALL=$(curl -sf -X POST "$BASE/api/v1/polls" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"title\":\"Small\",\"time_zone\":\"Europe/Vienna\",\"options\":$OPTIONS}")
  SMALL_ID=$(echo "$SMALL" | json 'd["id"]')
  python3 bench/seed.py 127.0.0.1 "$PORT" "$SMALL_ID" 10 $(echo "$SMALL" | json '" ".join(o["id"] for o in d["options"])') >/dev/null
  [ "$BACKEND" = postgres ] && psql "$URL" -qc 'ANALYZE' >/dev/null
  measure "getResults, open poll, 10 respondents" "$BASE/api/v1/polls/$SMALL_ID/results" "$TOKEN"
  measure "getResults, open poll, $N respondents" "$BASE/api/v1/polls/$OPEN_ID/results" "$TOKEN"
  measure "getResults, invite-only, $N invited, organiser" "$BASE/api/v1/polls/$INVITED/results" "$TOKEN"
  measure "getResults, invite-only, $N invited, member" "$BASE/api/v1/polls/$INVITED/results" "$(cat "$WORK/member-token")"
  echo "$BACKEND    server RSS after: $(( $(ps -o rss= -p "$PID") / 1024 )) MB"
  kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; PID=""
done
