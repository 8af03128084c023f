# Sourced by the scripts that check a live server (examples/run.sh,
# tests/ics/run.sh, tests/browser/run.sh).
#
#   convene_bin ROOT    prints the server binary: $CONVENE_BIN if set, else
#                       a release build of the checkout at ROOT (built now)
#   serve_fresh NAME BIN WORK [PORT]
#                       starts BIN on a fresh SQLite file in WORK with an
#                       organiser token, waits until it is ready, exports
#                       CONVENE_URL, CONVENE_TOKEN and SERVER_PID (the
#                       caller's EXIT trap stops the server)

convene_bin() {
  if [ -n "${CONVENE_BIN:-}" ]; then
    echo "$CONVENE_BIN"
  else
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
    (cd "$1" && cargo build --release --locked --quiet) >&2 || return 1
    echo "$CARGO_TARGET_DIR/release/convene"
  fi
}
serve_fresh() {
  local name="$1" bin="$2" work="$3" port="${4:-}"
  local db="sqlite://$work/$name.db"
  if [ -z "$port" ]; then
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  fi
  export CONVENE_URL="http://127.0.0.1:$port"
  CONVENE_TOKEN="$(CONVENE_DATABASE_URL="$db" "$bin" token create --name "$name" 2>"$work/token.log")" ||
    { cat "$work/token.log" >&2; return 1; }
  export CONVENE_TOKEN
  CONVENE_DATABASE_URL="$db" CONVENE_LISTEN="127.0.0.1:$port" RUST_LOG=error \
    "$bin" serve >"$work/server.log" 2>&1 &
  SERVER_PID=$!
  # python3 rather than curl: these scripts need nothing but python3 and node.
  local _
  for _ in $(seq 1 50); do serve_ready && return 0; sleep 0.2; done
  echo "FAIL: the server did not get ready" >&2
  cat "$work/server.log" >&2
  return 1
}

serve_ready() {
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$CONVENE_URL/readyz" 2>/dev/null
}
