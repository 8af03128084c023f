#!/usr/bin/env bash
# Server memory on SQLite and PostgreSQL, a release build, each workload on
# a fresh server and database:
# - polls: ROUNDS (3) rounds, each creating POLLS (1,000) polls of five
#   options, voting on each five times and reading each poll and its
#   results (8 clients); the server's RSS after each round. Bounded memory
#   shows as RSS that stops growing from one round to the next.
# - a large roster: a group of MEMBERS (5,000) in ten zones created, invited
#   to an invite-only poll, half of them answering, the results read by the
#   organiser and by a member (`roster_workload` in lib.sh); the server's
#   peak RSS over all of it (VmHWM), and its RSS after.
#
#   bench/memory.sh            # both databases
#   POLLS=200 bench/memory.sh sqlite
#   ROUNDS=1 bench/memory.sh   # the two figures of the scale grid
set -euo pipefail
cd "$(dirname "$0")/.."
POLLS="${POLLS:-1000}"
ROUNDS="${ROUNDS:-3}"
MEMBERS="${MEMBERS:-5000}"
DURATION="${DURATION:-5s}"
PORT="${PORT:-18099}"
BACKENDS=("${@:-sqlite postgres}")
read -r -a BACKENDS <<< "${BACKENDS[*]}"
source bench/lib.sh

for BACKEND in "${BACKENDS[@]}"; do
  fresh_database "$BACKEND" convene_memory_bench
  start_server "$PORT"
  printf '%-9s RSS at start: %d MB\n' "$BACKEND" "$(rss_mb)"
  for round in $(seq 1 "$ROUNDS"); do
    python3 bench/polls_workload.py "$PORT" "$TOKEN" "$POLLS"
    printf '%-9s RSS after round %d (%d polls in all): %d MB\n' "$BACKEND" "$round" $((round * POLLS)) "$(rss_mb)"
  done
  stop_server

  fresh_database "$BACKEND" convene_memory_bench
  start_server "$PORT"
  roster_workload "$MEMBERS" "$DURATION"
  printf '%-9s peak RSS, %d-member roster created, invited, half answering, results read: %d MB (RSS after: %d MB)\n' \
    "$BACKEND" "$MEMBERS" "$(peak_mb)" "$(rss_mb)"
  stop_server
done
