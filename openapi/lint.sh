#!/usr/bin/env bash
# Lints the committed OpenAPI spec the way an SDK generator will meet it:
# openapi-spec-validator (is it valid OpenAPI 3?) and redocly lint with
# openapi/redocly.yaml (is it a pleasant spec? each relaxed rule says why).
# Both always run; the exit is nonzero if either finds an error (redocly
# warnings are shown but do not fail). Needs only python3 and node/npm: the
# tools are installed, pinned, outside the repo on first use.
#
#   openapi/lint.sh                  # lints openapi/openapi.json
#   openapi/lint.sh /tmp/spec.json   # lints another copy, e.g. `convene openapi` output
#   LINT_FORMAT=codeframe openapi/lint.sh   # redocly output with JSON paths and excerpts
set -euo pipefail
# A spec given as an argument is relative to where the caller stands.
SPEC="$(realpath "${1:-$(dirname "$0")/openapi.json}")"
cd "$(dirname "$0")/.."

VALIDATOR_VERSION=0.9.0
REDOCLY_VERSION=2.77.0
VENV="${LINT_VENV:-/var/tmp/convene-lint-venv}"
NPM_DIR="${LINT_NPM_DIR:-/var/tmp/convene-lint-npm}"

# Reinstall when the pin changes, not only when the tool is missing.
installed_validator() {
  "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("openapi-spec-validator"))' 2>/dev/null || true
}
if [ "$(installed_validator)" != "$VALIDATOR_VERSION" ]; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "openapi-spec-validator==$VALIDATOR_VERSION"
fi

# An npm prefix outside the repo, so no node_modules lands in the work tree.
installed_redocly() {
  node -p "require('$NPM_DIR/node_modules/@redocly/cli/package.json').version" 2>/dev/null || true
}
if [ "$(installed_redocly)" != "$REDOCLY_VERSION" ]; then
  mkdir -p "$NPM_DIR"
  npm install --prefix "$NPM_DIR" --save-exact --no-audit --no-fund --loglevel=error \
    "@redocly/cli@$REDOCLY_VERSION" >/dev/null
fi

status=0

echo "==> openapi-spec-validator $VALIDATOR_VERSION"
"$VENV/bin/openapi-spec-validator" "$SPEC" || status=1

echo
echo "==> redocly lint $REDOCLY_VERSION (openapi/redocly.yaml)"
# No telemetry or update check: lint must not depend on anything but the
# registries. Redocly 2.x prints a boxed Node 20 end-of-life notice on every
# run (2.77.0 still supports Node 20); the filter drops only that box.
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$NPM_DIR/node_modules/.bin/redocly" lint "$SPEC" \
  --config openapi/redocly.yaml \
  --format "${LINT_FORMAT:-stylish}" --max-problems 1000 \
  2>&1 | { grep -v '[╔║╚]' || true; } || status=1

exit "$status"
