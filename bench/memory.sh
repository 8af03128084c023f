#!/usr/bin/env bash
# Server memory under a workload that creates polls, on SQLite and
# PostgreSQL, a release build: ROUNDS (3) rounds, each creating POLLS (1,000)
# polls of five options, voting on each five times and reading each poll
# and its results; the server's RSS after each round. Bounded memory shows
# as RSS that stops growing from one round to the next.
#
#   bench/memory.sh            # both databases
#   POLLS=200 bench/memory.sh sqlite
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
POLLS="${POLLS:-1000}"
ROUNDS="${ROUNDS:-3}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PORT="${PORT:-18099}"
BACKENDS=("${@:-sqlite postgres}")
read -r -a BACKENDS <<< "${BACKENDS[*]}"
if [ -n "${CONVENE_BIN:-}" ]; then BIN="$CONVENE_BIN"; else
  cargo build --release --locked --quiet; BIN="$CARGO_TARGET_DIR/release/convene"; fi
WORK="$(mktemp -d)"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

for BACKEND in "${BACKENDS[@]}"; do
  case "$BACKEND" in
    sqlite) URL="sqlite://$WORK/memory.db" ;;
    postgres)
      psql "$PG_URL/postgres" -qc 'DROP DATABASE IF EXISTS convene_memory_bench WITH (FORCE)' -c 'CREATE DATABASE convene_memory_bench' >/dev/null 2>&1
      URL="$PG_URL/convene_memory_bench" ;;
  esac
  TOKEN=$(CONVENE_DATABASE_URL="$URL" "$BIN" token create --name "Memory bench" 2>/dev/null)
  CONVENE_DATABASE_URL="$URL" CONVENE_LISTEN="127.0.0.1:$PORT" RUST_LOG=warn CONVENE_ANONYMOUS_VOTES_PER_MINUTE=0 \
    "$BIN" serve >"$WORK/server-$BACKEND.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  printf '%-9s RSS at start: %d MB\n' "$BACKEND" $(( $(ps -o rss= -p "$PID") / 1024 ))
  for round in $(seq 1 "$ROUNDS"); do
    python3 bench/polls_workload.py "$PORT" "$TOKEN" "$POLLS"
    printf '%-9s RSS after round %d (%d polls in all): %d MB\n' "$BACKEND" "$round" $((round * POLLS)) $(( $(ps -o rss= -p "$PID") / 1024 ))
  done
  kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; PID=""
done
