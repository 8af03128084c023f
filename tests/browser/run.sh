#!/usr/bin/env bash
# Two checks in a real browser, Debian's Chromium driven by playwright-core,
# offline: Swagger UI at /docs authorises with an organiser token, creates a
# poll with "Try it out" and reads the 201 (swagger.mjs); the member pages
# take a vote by keyboard with JavaScript off and pass axe-core's WCAG 2.1 AA
# rules in every state, in English and Arabic (pages.mjs). Installs what it
# needs: chromium from apt, playwright-core and axe-core from package-lock.json.
#
#   tests/browser/run.sh          # CONVENE_BIN: use this server binary
#                                 # BROWSER_OUT: screenshots (tests/browser/out)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PORT="${BROWSER_PORT:-18098}"
export BROWSER_OUT="${BROWSER_OUT:-$HERE/out}"

# Debian's browser: playwright's own download can't be fetched here.
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (apt)"
  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null
fi

# Reinstall only when the lock changed since the last `npm ci`.
STAMP="$HERE/node_modules/.package-lock.sha256"
LOCK_SUM="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
if [ ! -d "$HERE/node_modules/playwright-core" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$LOCK_SUM" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$LOCK_SUM" >"$STAMP"
fi

# shellcheck source=../serve.sh
. "$HERE/../serve.sh"
BIN="$(convene_bin "$ROOT")"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
DB="sqlite://$WORK/browser.db"
TOKEN=$(CONVENE_DATABASE_URL="$DB" "$BIN" token create --name Browser 2>/dev/null)
CONVENE_DATABASE_URL="$DB" CONVENE_LISTEN="127.0.0.1:$PORT" RUST_LOG=error \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
if ! curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; then
  echo "the server did not become ready:" >&2
  cat "$WORK/server.log" >&2
  exit 1
fi

for script in swagger.mjs pages.mjs; do
  CONVENE_URL="http://127.0.0.1:$PORT" CONVENE_TOKEN="$TOKEN" node "$HERE/$script" || {
    echo "$script failed; server log:" >&2
    cat "$WORK/server.log" >&2
    exit 1
  }
done
