#!/usr/bin/env bash
# Benchmark: votes, results (with and without a roster), invitations,
# feeds and the member page on SQLite and PostgreSQL, against a release
# build, with wrk as the client on the same machine.
#
#   bench/run.sh            # both databases
#   bench/run.sh sqlite     # one of them
#   PAGES_ONLY=1 bench/run.sh   # only the member page (weight and render time)
#   HYBRID_ONLY=1 bench/run.sh  # only hybrid meetings, days and seats against plain
#
# Env: DURATION (default 10s), CONNECTIONS (32), PG_URL (postgres://postgres@127.0.0.1:5432),
# CONVENE_BIN (a server binary to measure instead of building the release
# one: compare two builds by running this once with each).
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_DIR="$PWD/bench"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PORT="${PORT:-18080}"
BASE="http://127.0.0.1:$PORT"
BACKENDS=("${@:-sqlite postgres}")
read -r -a BACKENDS <<< "${BACKENDS[*]}"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
fi
if [ -n "${CONVENE_BIN:-}" ]; then
  BIN="$CONVENE_BIN"
else
  cargo build --release --locked --quiet
  BIN="$CARGO_TARGET_DIR/release/convene"
fi
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

create_poll() { # title options-json
  curl -sf -X POST "$BASE/api/v1/polls" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"title\":\"$1\",\"time_zone\":\"Europe/Vienna\",\"options\":$2}"
}

FOUR_OPTIONS='[{"kind":"all_day","start_date":"2026-07-05","end_date":"2026-07-07"},
  {"kind":"all_day","start_date":"2026-07-10","end_date":"2026-07-12"},
  {"kind":"all_day","start_date":"2026-07-12","end_date":"2026-07-14"},
  {"kind":"timed","start":"2026-07-15T06:00","end":"2026-07-15T09:00"}]'

seed() { # poll-json count
  local poll="$1" count="$2" id opts
  id=$(echo "$poll" | json 'd["id"]')
  opts=$(echo "$poll" | json '" ".join(o["id"] for o in d["options"])')
  python3 bench/seed.py 127.0.0.1 "$PORT" "$id" "$count" $opts
  local got
  got=$(curl -sf "$BASE/api/v1/polls/$id/results" | json 'd["responses"]')
  [ "$got" -eq "$count" ] || { echo "seeding reached $got of $count" >&2; exit 1; }
  echo "$id"
}

# After a bulk load, let PostgreSQL's planner see the new row counts, as
# autovacuum does within a minute in production (it is off on some dev
# machines, which leaves the planner guessing from an empty table).
settle() {
  if [ "$BACKEND" = postgres ]; then psql "$URL" -qc ANALYZE >/dev/null; fi
}

measure() { # label wrk-args...   (C=connections overrides CONNECTIONS)
  local label="$1"; shift
  local line connections="${C:-$CONNECTIONS}"
  line=$(wrk -t"$(( connections < 2 ? 1 : 2 ))" -c"$connections" -d"$DURATION" "$@" 2>"$WORK/wrk.err" | grep '^RESULT' || true)
  if grep -q "unexpected status" "$WORK/wrk.err"; then
    echo "errors during $label:" >&2; sort "$WORK/wrk.err" | uniq -c | head -5 >&2
  fi
  printf '%-10s %-44s %s\n' "$BACKEND" "$label" "${line#RESULT }"
}

for BACKEND in "${BACKENDS[@]}"; do
  case "$BACKEND" in
    sqlite) URL="sqlite://$WORK/bench.db" ;;
    postgres)
      psql "$PG_URL/postgres" -qc 'DROP DATABASE IF EXISTS convene_bench WITH (FORCE)' -c 'CREATE DATABASE convene_bench' >/dev/null
      URL="$PG_URL/convene_bench" ;;
    *) echo "unknown backend $BACKEND" >&2; exit 2 ;;
  esac
  TOKEN=$(CONVENE_DATABASE_URL="$URL" "$BIN" token create --name Bench 2>/dev/null)
  FEED_TOKEN=$(CONVENE_DATABASE_URL="$URL" "$BIN" token create --name "Feed bench" 2>/dev/null)
  # Every vote comes from 127.0.0.1: the per-client limit on anonymous votes
  # is off unless BENCH_VOTE_LIMIT sets it (a huge one measures its cost).
  CONVENE_DATABASE_URL="$URL" CONVENE_LISTEN="127.0.0.1:$PORT" RUST_LOG="${RUST_LOG:-warn}" \
    CONVENE_ANONYMOUS_VOTES_PER_MINUTE="${BENCH_VOTE_LIMIT:-0}" \
    "$BIN" serve >"$WORK/server-$BACKEND.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 50); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done

  # Hybrid meetings, answers per day and seats (issue 28), each beside
  # the plain figure of the same run: votes on a plain 3-day option, on one
  # with 10 seats (every vote a yes, so every vote queues on its seat row
  # and most wait), and on a hybrid per-day option (three day answers and
  # an attendance mode); then getResults of a plain poll of 5,000
  # respondents and of a hybrid poll whose four options are answered per
  # day.
  RANGE='{"kind":"all_day","start_date":"2027-07-05","end_date":"2027-07-07"'
  DAYS="2027-07-05,2027-07-06,2027-07-07"
  PLAIN=$(create_poll "Plain" "[$RANGE}]")
  SEATED=$(create_poll "Seated" "[$RANGE,\"capacity\":10}]")
  HYBRID=$(curl -sf -X POST "$BASE/api/v1/polls" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"title\":\"Hybrid\",\"time_zone\":\"Europe/Vienna\",\"attendance_modes\":[\"in_person\",\"online\"],\"options\":[$RANGE,\"per_day\":true}]}")
  first() { echo "$1" | json 'd["id"] + " " + d["options"][0]["id"]'; }
  read -r P PO <<< "$(first "$PLAIN")"; read -r S SO <<< "$(first "$SEATED")"; read -r H HO <<< "$(first "$HYBRID")"
  measure "submitResponse, plain option (yes)" -s bench/vote_hybrid.lua "$BASE" -- "$P" plain "$PO"
  measure "submitResponse, 10-seat option (yes)" -s bench/vote_hybrid.lua "$BASE" -- "$S" seat "$SO"
  measure "submitResponse, hybrid per-day option" -s bench/vote_hybrid.lua "$BASE" -- "$H" days "$HO@$DAYS"
  measure "submitResponse, plain option (yes), again" -s bench/vote_hybrid.lua "$BASE" -- "$P" plain "$PO"
  PLAIN5K=$(seed "$(create_poll "5000 plain" "$FOUR_OPTIONS")" 5000)
  HYBRID4=$(curl -sf -X POST "$BASE/api/v1/polls" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"title\":\"5000 hybrid\",\"time_zone\":\"Europe/Vienna\",\"attendance_modes\":[\"in_person\",\"online\"],\"options\":[
      {\"kind\":\"all_day\",\"start_date\":\"2026-07-05\",\"end_date\":\"2026-07-07\",\"per_day\":true},
      {\"kind\":\"all_day\",\"start_date\":\"2026-07-10\",\"end_date\":\"2026-07-12\",\"per_day\":true},
      {\"kind\":\"all_day\",\"start_date\":\"2026-07-12\",\"end_date\":\"2026-07-14\",\"per_day\":true},
      {\"kind\":\"all_day\",\"start_date\":\"2026-07-15\",\"end_date\":\"2026-07-17\",\"per_day\":true}]}")
  H4=$(echo "$HYBRID4" | json 'd["id"]')
  H4OPTS=$(echo "$HYBRID4" | json '" ".join(o["id"] + "@" + ",".join(__import__("datetime").date.fromisoformat(o["start_date"]).__add__(__import__("datetime").timedelta(days=i)).isoformat() for i in range(3)) for o in d["options"])')
  SEED_ATTENDANCE=1 python3 bench/seed.py 127.0.0.1 "$PORT" "$H4" 5000 $H4OPTS
  settle
  measure "getResults, 5,000 respondents, plain" -s bench/get.lua "$BASE/api/v1/polls/$PLAIN5K/results"
  measure "getResults, 5,000 respondents, hybrid per day" -s bench/get.lua "$BASE/api/v1/polls/$H4/results"
  if [ -n "${HYBRID_ONLY:-}" ]; then
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    continue
  fi

  # The member page of a 40-member poll with 3 timed options, everyone
  # answered (so it shows results): its weight in bytes, and the time the
  # server takes for it — one connection, so the latency is the render, not
  # a queue.
  PAGE_POLL=$(python3 bench/seed_roster.py 127.0.0.1 "$PORT" "$TOKEN" 40 3 1.0)
  settle
  VOTE_URL=$(curl -sf "$BASE/api/v1/polls/$PAGE_POLL/invitations?limit=1" -H "Authorization: Bearer $TOKEN" |
    json 'd["items"][0]["vote_url"]')
  HTML_BYTES=$(curl -sf "$VOTE_URL" | wc -c)
  CSS_BYTES=$(curl -sf "$BASE$(curl -sf "$VOTE_URL" | grep -o '/assets/convene.css?v=[0-9a-f]*')" | wc -c)
  printf '%-10s %-44s html=%d css=%d total=%d bytes (no script, no images, no fonts)\n' \
    "$BACKEND" "member page weight, 3 options" "$HTML_BYTES" "$CSS_BYTES" "$((HTML_BYTES + CSS_BYTES))"
  C=1 measure "member page, 40 members, 1 connection" -s bench/get.lua "$VOTE_URL"
  measure "member page, 40 members" -s bench/get.lua "$VOTE_URL"
  if [ -n "${PAGES_ONLY:-}" ]; then
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    continue
  fi

  VOTE_POLL=$(create_poll "Vote benchmark" "$FOUR_OPTIONS")
  VOTE_ID=$(echo "$VOTE_POLL" | json 'd["id"]')
  VOTE_OPTS=$(echo "$VOTE_POLL" | json '" ".join(o["id"] for o in d["options"])')
  measure "submitResponse (4 options, new voters)" -s bench/vote.lua "$BASE" -- "$VOTE_ID" $VOTE_OPTS

  SMALL=$(seed "$(create_poll "40 respondents" "$FOUR_OPTIONS")" 40)
  settle
  measure "getResults, 40 respondents" -s bench/get.lua "$BASE/api/v1/polls/$SMALL/results"
  LARGE=$(seed "$(create_poll "10000 respondents" "$FOUR_OPTIONS")" 10000)
  settle
  measure "getResults, 10,000 respondents" -s bench/get.lua "$BASE/api/v1/polls/$LARGE/results"

  # Rosters: a 40-member poll with 20 timed options, every member
  # answering, so results carry the social-hours analysis for 800
  # member-option pairs; and a 5,000-member poll for listInvitations.
  ROSTER=$(python3 bench/seed_roster.py 127.0.0.1 "$PORT" "$TOKEN" 40 20 1.0)
  settle
  measure "getResults, 40 members x 20 timed options" -s bench/get.lua -H "Authorization: Bearer $TOKEN" \
    "$BASE/api/v1/polls/$ROSTER/results"
  BIG=$(python3 bench/seed_roster.py 127.0.0.1 "$PORT" "$TOKEN" 5000 0 0.6)
  settle
  measure "listInvitations, 5,000 invited, page of 50" -s bench/get.lua -H "Authorization: Bearer $TOKEN" \
    "$BASE/api/v1/polls/$BIG/invitations"
  measure "listInvitations, 5,000 invited, page of 500" -s bench/get.lua -H "Authorization: Bearer $TOKEN" \
    "$BASE/api/v1/polls/$BIG/invitations?limit=500"

  # A feed of 50 events: 25 confirmed timed polls in five zones, each with
  # its event and its (cancelled) hold.
  ZONES=(Europe/Vienna America/New_York Asia/Tokyo Australia/Sydney Asia/Kolkata)
  for i in $(seq 0 24); do
    zone=${ZONES[$((i % 5))]}
    poll=$(curl -sf -X POST "$BASE/api/v1/polls" -H "Authorization: Bearer $FEED_TOKEN" -H 'Content-Type: application/json' \
      -d "{\"title\":\"Call $i\",\"time_zone\":\"$zone\",\"options\":[{\"kind\":\"timed\",\"start\":\"2026-07-$((10 + i % 15))T13:00\",\"end\":\"2026-07-$((10 + i % 15))T15:00\"}]}")
    pid=$(echo "$poll" | json 'd["id"]')
    curl -sf -X POST "$BASE/api/v1/polls/$pid/confirm" -H "Authorization: Bearer $FEED_TOKEN" -H 'Content-Type: application/json' -d '{}' >/dev/null
  done
  FEED=$(curl -sf "$BASE/api/v1/feeds" -H "Authorization: Bearer $FEED_TOKEN" | json 'd["items"][0]["url"]')
  FEED_PATH="/${FEED#*://*/}"
  EVENTS=$(curl -sf "$BASE$FEED_PATH" | grep -c '^BEGIN:VEVENT' || true)
  ETAG=$(curl -sfI "$BASE$FEED_PATH" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag" {print $2}')
  measure "feed, $EVENTS events, 200" -s bench/get.lua "$BASE$FEED_PATH"
  measure "feed, $EVENTS events, 304 (If-None-Match)" -s bench/get.lua -H "If-None-Match: $ETAG" "$BASE$FEED_PATH"

  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
done
