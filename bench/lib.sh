# Shared by the bench scripts: the binary, a fresh database per backend, a
# server on it, wrk as one machine-readable line, the server's RSS.
# Source it after `cd` to the repository root; it sets BIN, WORK, PG_URL.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
export BENCH_DIR="$PWD/bench"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)) >/dev/null
fi
# CONVENE_BIN measures another build (compare two by running once with each).
if [ -n "${CONVENE_BIN:-}" ]; then BIN="$CONVENE_BIN"; else
  cargo build --release --locked --quiet
  BIN="$CARGO_TARGET_DIR/release/convene"
fi
WORK="$(mktemp -d)"
SERVER_PID=""
bench_cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap bench_cleanup EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# fresh_database BACKEND NAME: sets URL to an empty database.
# DB_PREFIX keeps two runs on one PostgreSQL server apart.
fresh_database() {
  local name="${DB_PREFIX:-}$2"
  case "$1" in
    sqlite) rm -f "$WORK/$name.db"*; URL="sqlite://$WORK/$name.db" ;;
    postgres)
      psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null 2>&1
      URL="$PG_URL/$name" ;;
    *) echo "unknown backend $1" >&2; exit 2 ;;
  esac
}

# start_server PORT: a server on $URL with an organiser token in TOKEN;
# sets SERVER_PID and BASE. Anonymous votes all come from 127.0.0.1, so the
# per-client vote limit is off.
start_server() {
  TOKEN=$(CONVENE_DATABASE_URL="$URL" "$BIN" token create --name "Bench" 2>/dev/null)
  CONVENE_DATABASE_URL="$URL" CONVENE_LISTEN="127.0.0.1:$1" RUST_LOG="${RUST_LOG:-warn}" \
    CONVENE_ANONYMOUS_VOTES_PER_MINUTE=0 "$BIN" serve >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  BASE="http://127.0.0.1:$1"
  for _ in $(seq 1 100); do curl -sf "$BASE/readyz" >/dev/null && return; sleep 0.2; done
  echo "server did not start:" >&2; tail -20 "$WORK/server.log" >&2; exit 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

rss_mb() { echo $(( $(ps -o rss= -p "$SERVER_PID") / 1024 )); }
# The server's peak RSS since it started (the kernel's high-water mark,
# VmHWM: no sampling can miss a spike), in MB.
peak_mb() { echo $(( $(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status") / 1024 )); }

# roster_workload MEMBERS DURATION: on the running server, a group of
# MEMBERS in ten zones created (2,000 to a request), invited to a poll of
# three timed options in one request, half of them answering with their own
# tokens (16 at a time), then the results read by the organiser and by a
# member (wrk, 8 connections, DURATION each). The memory figure of a large
# roster is the server's peak RSS over all of it (`peak_mb`).
roster_workload() {
  local id
  id=$(MEMBER_TOKEN_FILE="$WORK/member-token" python3 "$BENCH_DIR/seed_roster.py" 127.0.0.1 "${BASE##*:}" "$TOKEN" "$1" 3 0.5)
  settle
  wrk_rps 8 "$2" -s "$BENCH_DIR/get.lua" -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/polls/$id/results" >/dev/null
  wrk_rps 8 "$2" -s "$BENCH_DIR/get.lua" -H "Authorization: Bearer $(cat "$WORK/member-token")" \
    "$BASE/api/v1/polls/$id/results" >/dev/null
}

# After a bulk load, let PostgreSQL's planner see the new row counts, as
# autovacuum does within a minute in production.
settle() { if [[ "$URL" == postgres* ]]; then psql "$URL" -qc ANALYZE >/dev/null; fi; }

# wrk_rps CONNECTIONS DURATION wrk-args...: prints "rps p50_ms p99_ms",
# and complains on stderr about any reply that was not 2xx/304.
wrk_rps() {
  local c="$1" d="$2" line; shift 2
  line=$(wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d"$d" "$@" 2>"$WORK/wrk.err" | grep '^RESULT' || true)
  if grep -q "unexpected status" "$WORK/wrk.err"; then
    echo "errors:" >&2; sort "$WORK/wrk.err" | uniq -c | head -5 >&2
  fi
  echo "$line" | sed -E 's/.* rps=([0-9]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+).*non2xx=([0-9]+).*/\1 \2 \3 \4/'
}

# create_poll TITLE OPTIONS-JSON [EXTRA-JSON-FIELDS]: the created poll's JSON.
create_poll() {
  curl -sf -X POST "$BASE/api/v1/polls" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"title\":\"$1\",\"time_zone\":\"Europe/Vienna\",\"options\":$2${3:+,$3}}"
}

# timed_options N: N two-hour options, one a day from 2027-01-01.
timed_options() {
  python3 -c "
import datetime, json, sys
d = datetime.date(2027, 1, 1)
print(json.dumps([{'kind': 'timed', 'start': f'{d + datetime.timedelta(days=i)}T13:00',
                   'end': f'{d + datetime.timedelta(days=i)}T15:00'} for i in range(int(sys.argv[1]))]))" "$1"
}

# seed_open POLL-JSON COUNT: COUNT anonymous voters on every option.
seed_open() {
  local id opts
  id=$(echo "$1" | json 'd["id"]')
  opts=$(echo "$1" | json '" ".join(o["id"] for o in d["options"])')
  python3 bench/seed.py 127.0.0.1 "${BASE##*:}" "$id" "$2" $opts
}
