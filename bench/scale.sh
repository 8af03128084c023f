#!/usr/bin/env bash
# The scale grid, on SQLite and PostgreSQL, in one command: every figure of
# the scale issue beside what it is compared to, as markdown table rows.
#
#   bench/scale.sh                 # both databases, 5 s per figure
#   DURATION=10s bench/scale.sh sqlite
#
# The grid: open polls of 10 / 1,000 / 10,000 respondents; polls of
# 3 / 63 / 500 options (10 respondents); invite-only polls of 40 / 5,000 /
# 20,000 invited members in ten zones (half answered, three timed options),
# each beside an open poll with as many respondents. Compared to:
# - votes: the floor, the database's single-row upserts/s through sqlx from
#   32 tasks on the service's own pool settings (benches/upsert_floor.rs),
#   measured by this command on this machine just before;
# - results of a large open poll: the same read of 10 respondents;
# - results of an invite-only poll: an open poll of as many respondents;
# - memory: the 64 MB budget after 1,000 polls, 100 MB at the peak of a
#   5,000-member roster (a fresh server each).
# Reads run at C (8) connections (open polls also at 32), votes at 32, client (wrk) and server on
# the same machine; a release build (CONVENE_BIN measures another).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-5s}"
C="${C:-8}"
PORT="${PORT:-18091}"
BACKENDS=("${@:-sqlite postgres}")
read -r -a BACKENDS <<< "${BACKENDS[*]}"
source bench/lib.sh
cargo build --release --locked --quiet --bench upsert_floor 2>/dev/null ||
  cargo bench --locked --no-run --bench upsert_floor 2>/dev/null
FLOOR_BIN=$(ls -t "$CARGO_TARGET_DIR"/release/deps/upsert_floor-* | grep -v '\.d$' | head -n1)

row() { # backend figure measured compared-to ratio wanted
  printf '| %s | %s | %s | %s | %s | %s |\n' "$@"
}
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}×' if b else '–')" "$1" "$2"; }
pct() { python3 -c "import sys; print(f'{100 * float(sys.argv[1]) / float(sys.argv[2]):.1f} %')" "$1" "$2"; }
fmt() { python3 -c "import sys; print(f'{float(sys.argv[1]):,.0f}')" "$1"; }
# read_rps LABEL wrk-args...: req/s of a read, printed as "N req/s (p50 X ms)"
# in DESCR, the bare number in RPS.
read_rps() {
  local out
  out=$(wrk_rps "$C" "$DURATION" "$@")
  read -r RPS P50 _ NON2XX <<< "$out"
  DESCR="$(fmt "$RPS") req/s (p50 $P50 ms)"
  if [ "${NON2XX:-0}" != 0 ]; then DESCR="$DESCR, $NON2XX non-2xx"; fi
}
etag() { curl -sfI "$@" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag" {print $2}'; }

echo "| database | figure | measured | compared to | ratio | wanted |"
echo "| --- | --- | ---: | ---: | ---: | --- |"
for BACKEND in "${BACKENDS[@]}"; do
  # The floor, on a database of its own.
  fresh_database "$BACKEND" convene_floor
  # From 32 tasks (as the votes) and from one; the higher is the floor.
  FLOOR32=$("$FLOOR_BIN" "$URL" "${DURATION%s}" | sed 's/.*=//')
  FLOOR1=$(FLOOR_TASKS=1 "$FLOOR_BIN" "$URL" "${DURATION%s}" | sed 's/.*=//')
  FLOOR=$(python3 -c "import sys; print(max(float(a) for a in sys.argv[1:]))" "$FLOOR32" "$FLOOR1")
  row "$BACKEND" "floor: single-row upserts/s through sqlx, 32 tasks / 1 task" \
    "$(fmt "$FLOOR32")/s / $(fmt "$FLOOR1")/s" "" "" ""

  fresh_database "$BACKEND" convene_scale
  start_server "$PORT"

  # Votes: every request a new voter answering 4 options, 32 connections.
  POLL=$(create_poll "Votes" "$(timed_options 4)")
  read -r RPS P50 P99 _ <<< "$(wrk_rps 32 "$DURATION" -s bench/vote.lua "$BASE" -- \
    "$(echo "$POLL" | json 'd["id"]')" $(echo "$POLL" | json '" ".join(o["id"] for o in d["options"])'))"
  row "$BACKEND" "submitResponse, new voter, 4 options, 32 connections" "$(fmt "$RPS")/s (p50 $P50, p99 $P99 ms)" \
    "floor $(fmt "$FLOOR")/s" "$(pct "$RPS" "$FLOOR")" "$([ "$BACKEND" = sqlite ] && echo '≥ 20 %' || echo '≥ 30 %')"

  # Open polls: results flat in the number of respondents.
  declare -A OPEN=()
  for n in 10 40 1000 5000 10000 20000; do
    POLL=$(create_poll "Open, $n" "$(timed_options 3)")
    seed_open "$POLL" "$n"
    OPEN[$n]=$(echo "$POLL" | json 'd["id"]')
  done
  settle
  declare -A OPEN_RPS=()
  for n in 10 1000 10000 40 5000 20000; do
    read_rps -s bench/get.lua "$BASE/api/v1/polls/${OPEN[$n]}/results"
    OPEN_RPS[$n]=$RPS
    case $n in
      10) row "$BACKEND" "getResults, open poll, 10 respondents" "$DESCR" "" "" "" ;;
      1000 | 10000) row "$BACKEND" "getResults, open poll, $(fmt $n) respondents" "$DESCR" \
        "$(fmt "${OPEN_RPS[10]}") at 10" "$(ratio "$RPS" "${OPEN_RPS[10]}")" "≥ 0.8×" ;;
    esac
  done
  # The same reads from 32 clients: the database's share of a read must
  # not grow with the respondents either (on PostgreSQL it once did, by the
  # tally rows' dead versions).
  declare -A OPEN_RPS32=()
  for n in 10 1000 10000; do
    read -r RPS P50 _ NON2XX <<< "$(wrk_rps 32 "$DURATION" -s bench/get.lua "$BASE/api/v1/polls/${OPEN[$n]}/results")"
    OPEN_RPS32[$n]=$RPS
    DESCR="$(fmt "$RPS") req/s (p50 $P50 ms)"
    case $n in
      10) row "$BACKEND" "getResults, open poll, 10 respondents, 32 connections" "$DESCR" "" "" "" ;;
      *) row "$BACKEND" "getResults, open poll, $(fmt $n) respondents, 32 connections" "$DESCR" \
        "$(fmt "${OPEN_RPS32[10]}") at 10" "$(ratio "$RPS" "${OPEN_RPS32[10]}")" "≥ 0.8×" ;;
    esac
  done
  START=$(date +%s.%N)
  BYTES=$(curl -sf -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $TOKEN" \
    "$BASE/api/v1/polls/${OPEN[10000]}/export.csv")
  TOOK=$(python3 -c "import sys, time; print(f'{(time.time() - float(sys.argv[1])) * 1000:.0f}')" "$START")
  row "$BACKEND" "export.csv, 10,000 responses" "$TOOK ms, $(fmt "$BYTES") bytes" "" "" "streamed; RSS after $(rss_mb) MB"

  # Options: a polling client's getPoll + getResults, 10 respondents.
  for n in 3 63 500; do
    POLL=$(create_poll "Options, $n" "$(timed_options "$n")")
    seed_open "$POLL" 10
    id=$(echo "$POLL" | json 'd["id"]')
    P="/api/v1/polls/$id"
    read_rps -s bench/pair.lua "$BASE" -- "$P" "$P/results"
    PLAIN=$RPS
    row "$BACKEND" "getPoll + getResults, $n options" "$(fmt $((RPS / 2))) pairs/s" "" "" ""
    read_rps -s bench/pair.lua -H 'Accept-Encoding: gzip' "$BASE" -- "$P" "$P/results"
    SIZES="$(curl -sf -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "$BASE$P") + $(
      curl -sf -o /dev/null -w '%{size_download}' -H 'Accept-Encoding: gzip' "$BASE$P/results") bytes"
    row "$BACKEND" "… gzip" "$(fmt $((RPS / 2))) pairs/s, $SIZES" "plain $(fmt $((PLAIN / 2)))" "$(ratio "$RPS" "$PLAIN")" ""
    read_rps -s bench/pair.lua "$BASE" -- "$P" "$P/results" "$(etag "$BASE$P")" "$(etag "$BASE$P/results")"
    row "$BACKEND" "… If-None-Match → 304" "$(fmt $((RPS / 2))) pairs/s" "plain $(fmt $((PLAIN / 2)))" \
      "$(ratio "$RPS" "$PLAIN")" "$([ $n = 63 ] && echo '≥ 2× (polling clients)')"
  done

  # Invite-only polls: half answered, three timed options, ten zones.
  for n in 40 5000 20000; do
    id=$(MEMBER_TOKEN_FILE="$WORK/member-token" python3 bench/seed_roster.py 127.0.0.1 "$PORT" "$TOKEN" "$n" 3 0.5)
    settle
    for who in organiser member; do
      bearer=$TOKEN; [ $who = member ] && bearer=$(cat "$WORK/member-token")
      read_rps -s bench/get.lua -H "Authorization: Bearer $bearer" "$BASE/api/v1/polls/$id/results"
      row "$BACKEND" "getResults, invite-only, $(fmt $n) invited, $who" "$DESCR" \
        "$(fmt "${OPEN_RPS[$n]}") open, $(fmt $n) respondents" "$(ratio "$RPS" "${OPEN_RPS[$n]}")" "≥ 0.33× (within 3×)"
    done
    row "$BACKEND" "server RSS after the $(fmt $n)-invited reads" "$(rss_mb) MB" "" "" "$([ $n = 5000 ] && echo '< 100 MB')"
  done

  # Calendars: holds of a 500-option poll, its organiser's feed, and a feed
  # of 1,000 confirmed events.
  stop_server
  start_server "$PORT"
  POLL=$(create_poll "Holds, 500" "$(timed_options 500)")
  id=$(echo "$POLL" | json 'd["id"]')
  read_rps -s bench/get.lua "$BASE/api/v1/polls/$id/holds.ics"
  row "$BACKEND" "holds.ics, 500 options" "$DESCR, $(fmt "$(curl -sf "$BASE/api/v1/polls/$id/holds.ics" | wc -c)") bytes" "" "" ""
  FEED=$(curl -sf "$BASE/api/v1/feeds" -H "Authorization: Bearer $TOKEN" | json 'd["items"][0]["url"]')
  read_rps -s bench/get.lua "$BASE/${FEED#*://*/}"
  row "$BACKEND" "organiser feed, a 500-option poll" "$DESCR, $(fmt "$(curl -sf "$BASE/${FEED#*://*/}" | wc -c)") bytes" "" "" ""
  python3 bench/seed_feed.py "$PORT" "$TOKEN" 1000
  settle
  FEED_BYTES=$(curl -sf "$BASE/${FEED#*://*/}" | wc -c)
  read_rps -s bench/get.lua "$BASE/${FEED#*://*/}"
  row "$BACKEND" "organiser feed, 1,000 confirmed events" "$DESCR, $(fmt "$FEED_BYTES") bytes" "" "" ""
  row "$BACKEND" "server RSS after the calendars" "$(rss_mb) MB" "" "" "bounded"

  # A group of 20,000 members created, then invited, one request each.
  read -r GROUP INVITE <<< "$(python3 bench/roster.py "$BASE" "$TOKEN" 20000 1 "$BACKEND" |
    sed -E 's/.*createGroup ([0-9]+) ms.*createInvitations ([0-9]+) ms.*/\1 \2/')"
  row "$BACKEND" "createGroup, then createInvitations, 20,000 members" "$GROUP ms, $INVITE ms" "" "" "one request each"
  stop_server

  # Memory: a fresh server, polls created in rounds of 1,000.
  fresh_database "$BACKEND" convene_scale
  start_server "$PORT"
  START_RSS=$(rss_mb)
  python3 bench/polls_workload.py "${BASE##*:}" "$TOKEN" 1000
  FIRST=$(rss_mb)
  python3 bench/polls_workload.py "${BASE##*:}" "$TOKEN" 1000
  row "$BACKEND" "server RSS: start, after 1,000 polls, after 2,000" "$START_RSS, $FIRST, $(rss_mb) MB" "64 MB" \
    "$(ratio "$FIRST" 64)" "< 64 MB, bounded"
  stop_server

  # Memory: a fresh server's peak over a 5,000-member roster created,
  # invited, half answering, results read by the organiser and a member.
  fresh_database "$BACKEND" convene_scale
  start_server "$PORT"
  roster_workload 5000 "$DURATION"
  PEAK=$(peak_mb)
  row "$BACKEND" "server peak RSS (VmHWM): 5,000 members created, invited, half answering, results read" \
    "$PEAK MB (after: $(rss_mb) MB)" "100 MB" "$(ratio "$PEAK" 100)" "< 100 MB"
  stop_server
done
