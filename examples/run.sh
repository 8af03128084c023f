#!/usr/bin/env bash
# Generates clients from the committed spec (openapi/openapi.json) and runs
# the reference poll flow through each against a live server on a fresh
# SQLite database. A generator warning fails the run: it is a bug in the
# spec, to be fixed there and not in the generated code.
#
#   examples/run.sh [python|typescript|all]     # default: all
#
# CONVENE_BIN: a server binary to use instead of building one.
# CONVENE_SPEC: a spec to generate from instead of the committed one.
set -euo pipefail
cd "$(dirname "$0")/.."
WHICH="${1:-all}"
case "$WHICH" in python | typescript | all) ;; *) echo "usage: $0 [python|typescript|all]" >&2; exit 2 ;; esac
SPEC="$(realpath "${CONVENE_SPEC:-openapi/openapi.json}")"
VENV="${EXAMPLES_VENV:-/var/tmp/convene-examples-venv}"
PY_GENERATOR_VERSION=0.29.1  # openapi-python-client

if [ -z "${CONVENE_BIN:-}" ]; then
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/convene-target}"
  cargo build --release --locked --quiet
  CONVENE_BIN="$CARGO_TARGET_DIR/release/convene"
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

# Fails if a generator said more than its progress lines (log in $1).
no_warnings() {
  if grep -vqE '^(Generating |✨ |🚀 )' "$1"; then
    echo "FAIL: $2 warned about the spec (see above): fix the spec" >&2
    exit 1
  fi
}

run_python() {
  echo "== python (openapi-python-client)"
  if [ "$("$VENV/bin/openapi-python-client" --version 2>/dev/null)" != "openapi-python-client version: $PY_GENERATOR_VERSION" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "openapi-python-client==$PY_GENERATOR_VERSION"
  fi
  rm -rf examples/python/generated
  "$VENV/bin/openapi-python-client" generate --path "$SPEC" --meta none \
    --config examples/python/generator.yaml \
    --output-path examples/python/generated/convene_client 2>&1 | tee "$WORK/python-gen.log"
  no_warnings "$WORK/python-gen.log" openapi-python-client
  PYTHONPATH=examples/python/generated "$VENV/bin/python" examples/python/flow.py
}

run_typescript() (
  echo "== typescript (openapi-typescript + openapi-fetch)"
  cd examples/typescript
  # npm ci wipes node_modules first: skip it while this lock file is installed.
  if ! cmp -s package-lock.json node_modules/.installed-lock; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    cp package-lock.json node_modules/.installed-lock
  fi
  rm -rf generated
  node_modules/.bin/openapi-typescript "$SPEC" -o generated/api.ts 2>&1 | tee "$WORK/ts-gen.log"
  no_warnings "$WORK/ts-gen.log" openapi-typescript
  # Strict type-check; it emits JavaScript only when flow.ts checks clean.
  node_modules/.bin/tsc -p .
  node generated/out/flow.js
)

# shellcheck source=../tests/serve.sh
. tests/serve.sh
serve_fresh Examples "$CONVENE_BIN" "$WORK" "${EXAMPLES_PORT:-}" || exit 1

[ "$WHICH" = typescript ] || run_python
[ "$WHICH" = python ] || run_typescript
echo "examples ($WHICH): ok"
