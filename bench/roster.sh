#!/usr/bin/env bash
# A roster at the largest size, on SQLite and PostgreSQL against a release
# build: a group of N (20,000) members created in one request, then invited
# to a poll in one request (bench/roster.py), medians of RUNS (3).
#
#   bench/roster.sh            # both databases
#   N=5000 bench/roster.sh sqlite
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
N="${N:-20000}"
RUNS="${RUNS:-3}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
PORT="${PORT:-18095}"
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
    sqlite) URL="sqlite://$WORK/roster.db" ;;
    postgres)
      psql "$PG_URL/postgres" -qc 'DROP DATABASE IF EXISTS convene_roster_bench WITH (FORCE)' -c 'CREATE DATABASE convene_roster_bench' >/dev/null 2>&1
      URL="$PG_URL/convene_roster_bench" ;;
  esac
  TOKEN=$(CONVENE_DATABASE_URL="$URL" "$BIN" token create --name "Roster bench" 2>/dev/null)
  CONVENE_DATABASE_URL="$URL" CONVENE_LISTEN="127.0.0.1:$PORT" RUST_LOG=warn "$BIN" serve >"$WORK/server-$BACKEND.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  python3 bench/roster.py "http://127.0.0.1:$PORT" "$TOKEN" "$N" "$RUNS" "$BACKEND"
  kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; PID=""
done
