#!/usr/bin/env bash
# Fuzzes a release build through its own OpenAPI spec with schemathesis:
# no generated input may get a 500, and every response must match the spec
# (status, content type, schema). Installs schemathesis into a venv.
#
#   tests/fuzz/run.sh            # examples per operation: FUZZ_EXAMPLES (40)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
VENV="${FUZZ_VENV:-/var/tmp/convene-fuzz-venv}"
PORT="${FUZZ_PORT:-18097}"
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'schemathesis>=4,<5'
fi
cargo build --release --locked --quiet
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
URL="sqlite://$WORK/fuzz.db"
TOKEN=$(CONVENE_DATABASE_URL="$URL" "$CARGO_TARGET_DIR/release/convene" token create --name Fuzz 2>/dev/null)
# API only: the fuzzer registers webhooks to whatever URLs it makes up, and
# tests send traffic to loopback only, so this instance calls none of them.
CONVENE_DATABASE_URL="$URL" CONVENE_LISTEN="127.0.0.1:$PORT" RUST_LOG=error CONVENE_API_ONLY=true \
  "$CARGO_TARGET_DIR/release/convene" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/openapi.json" \
  -H "Authorization: Bearer $TOKEN" \
  -c not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  -n "${FUZZ_EXAMPLES:-40}" --seed "${FUZZ_SEED:-20261126}" --no-color
