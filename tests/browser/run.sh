#!/usr/bin/env bash
# Two checks in a real browser, Debian's Chromium driven by playwright-core,
# offline: Swagger UI at /docs authorises with an organiser token, creates a
# poll with "Try it out" and reads the 201 (swagger.mjs); the member pages
# take a vote by keyboard with JavaScript off and pass axe-core's WCAG 2.1 AA
# rules in every state, in English and Arabic (pages.mjs); the secretariat
# signs in to the console by the emailed link (a mail server in Node,
# smtp_sink.mjs), confirms the reference poll by keyboard with JavaScript
# off, and every console page state passes axe-core in English and Arabic
# at 320 and 1280 px (console.mjs). Installs what it
# needs: chromium from apt, playwright-core and axe-core from package-lock.json.
#
#   tests/browser/run.sh          # CONVENE_BIN: use this server binary
#                                 # BROWSER_OUT: screenshots (tests/browser/out)
#                                 # BROWSER_SCRIPTS: which (all three)
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
SINK_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
  wait 2>/dev/null; rm -rf "$WORK"
}
trap cleanup EXIT
DB="sqlite://$WORK/browser.db"
TOKEN=$(CONVENE_DATABASE_URL="$DB" "$BIN" token create --name Browser 2>/dev/null)
# A person of the same workspace, who signs in to the console by mail.
CONSOLE_EMAIL="secretariat@example.org"
CONVENE_DATABASE_URL="$DB" "$BIN" organiser add --email "$CONSOLE_EMAIL" --name "Secretariat" \
  --workspace Browser --role editor >/dev/null 2>&1
SMTP_PORT="${BROWSER_SMTP_PORT:-18099}"
node "$HERE/smtp_sink.mjs" "$SMTP_PORT" "$WORK/mails" >"$WORK/smtp.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 1 50); do grep -q ready "$WORK/smtp.log" 2>/dev/null && break; sleep 0.1; done
CONVENE_DATABASE_URL="$DB" CONVENE_LISTEN="127.0.0.1:$PORT" RUST_LOG=error \
  CONVENE_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" CONVENE_MAIL_FROM="Convene <convene@example.org>" \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
if ! curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; then
  echo "the server did not become ready:" >&2
  cat "$WORK/server.log" >&2
  exit 1
fi

for script in ${BROWSER_SCRIPTS:-swagger.mjs pages.mjs console.mjs}; do
  CONVENE_URL="http://127.0.0.1:$PORT" CONVENE_TOKEN="$TOKEN" CONVENE_MAIL_DIR="$WORK/mails" \
    CONSOLE_EMAIL="$CONSOLE_EMAIL" node "$HERE/$script" || {
    echo "$script failed; server log:" >&2
    cat "$WORK/server.log" >&2
    exit 1
  }
done
