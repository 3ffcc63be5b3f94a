#!/usr/bin/env bash
# End-to-end tests of the packaged extension in a real VS Code (code-server 4.100.3 = VS Code
# 1.100.3), on a Debian machine with no GPU and no access beyond the npm registry and apt:
#   1. host: Debian packages (chromium, ripgrep, libkrb5-dev) and code-server in .e2e/host
#      (test/e2e/install-host.sh; reused when already installed), mocha in .e2e/node_modules
#   2. build (scripts/build.mjs) and package the .vsix (scripts/package-vsix.mjs)
#   3. UI suite: the .vsix installed into a fresh code-server, driven by Playwright in Chromium
#      (test/e2e/ui/suite.ts); screenshots in artifacts/e2e/
#   4. in-host suite: @vscode/test-electron's runTests() with the code-server stand-in as the
#      VS Code executable (test/e2e/electron/)
# Ends with `N passed, N failed` and exits non-zero on any failure. Unattended (no stdin).
#
#   E2E_SKIP_BUILD=1     use the existing dist/ and out/*.vsix (for iterating on the suites)
#   E2E_SKIP_INHOST=1    run only the UI suite
#   E2E_KEEP_RUNS=N      keep the newest N .e2e/run-* folders (default 3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
E2E="$ROOT/.e2e"
ART="$ROOT/artifacts/e2e"
RUN="$E2E/run-$(date +%Y%m%d-%H%M%S)-$$"
CODE_SERVER="$E2E/host/node_modules/.bin/code-server"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
say() { echo "[e2e] $*"; }
T0=$(now)

# ---- 1. host and test dependencies ------------------------------------------------------------
t=$(now)
bash "$ROOT/test/e2e/install-host.sh"
# mocha for the in-host suite, outside the root workspace; reinstalled when the lock changes
lock_sum="$(sha256sum "$ROOT/test/e2e/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$E2E/deps.sum" 2>/dev/null || true)" != "$lock_sum" ] || [ ! -d "$E2E/node_modules/mocha" ]; then
  cp "$ROOT/test/e2e/package.json" "$ROOT/test/e2e/package-lock.json" "$E2E/"
  ( cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error </dev/null ) >/dev/null
  echo "$lock_sum" > "$E2E/deps.sum"
fi
say "host ready ($(since "$t") s)"

# ---- 2. build and package ---------------------------------------------------------------------
t=$(now)
if [ -z "${E2E_SKIP_BUILD:-}" ]; then
  node scripts/build.mjs
  node scripts/package-vsix.mjs
fi
VERSION="$(node -p 'require("./out/vsix-stage/package.json").version')"
EXT_ID="$(node -p 'const m=require("./out/vsix-stage/package.json"); m.publisher+"."+m.name')"
VSIX="$ROOT/out/score-mod-studio-$VERSION.vsix"
[ -f "$VSIX" ] || { echo "[e2e] ERROR: $VSIX not found" >&2; exit 1; }
node test/e2e/bundle.mjs
say "built and packaged $(basename "$VSIX") ($(since "$t") s)"

# ---- 3. UI suite ----------------------------------------------------------------------------------
rm -rf "$ART"; mkdir -p "$ART" "$RUN"
ls -1dt "$E2E"/run-* 2>/dev/null | tail -n +"$(( ${E2E_KEEP_RUNS:-3} + 1 ))" | xargs -r rm -rf
export E2E_CODE_SERVER="$CODE_SERVER" E2E_SWEEP_FIXTURE="$ROOT/test/fixtures/e2e/sweep-kv_bias.json"
t=$(now)
ui_rc=0
E2E_VSIX="$VSIX" E2E_EXTENSION_ID="$EXT_ID" E2E_RUN_DIR="$RUN/ui" E2E_ARTIFACTS="$ART" E2E_WORKSPACE_SRC="$ROOT/examples" \
  node "$E2E/build/ui-suite.mjs" </dev/null 2>&1 | tee "$ART/ui-suite.log" || ui_rc=$?
say "UI suite rc=$ui_rc ($(since "$t") s)"

# ---- 4. in-host suite through @vscode/test-electron and the code-server stand-in ----------------
inhost_rc=0
if [ -z "${E2E_SKIP_INHOST:-}" ]; then
  t=$(now)
  mkdir -p "$RUN/inhost/workspace"
  cp -r "$ROOT/examples/." "$RUN/inhost/workspace/"
  E2E_EXTENSION_DIR="$ROOT/out/vsix-stage" E2E_TEST_WORKSPACE="$RUN/inhost/workspace" \
  E2E_VSCODE_EXECUTABLE="$E2E/build/code-server-as-vscode.mjs" E2E_SHIM_DIR="$RUN/inhost/shim" \
    node "$E2E/build/run-tests.cjs" </dev/null 2>&1 | tee "$ART/inhost-suite.log" || inhost_rc=$?
  say "in-host suite rc=$inhost_rc ($(since "$t") s)"
fi

# ---- summary (one line, the sum of both suites) ---------------------------------------------------
ui_pass=$(grep -c '^ok ' "$ART/ui-suite.log" || true)
ui_fail=$(grep -cE '^(FAIL|SKIP) ' "$ART/ui-suite.log" || true)
[ "$ui_rc" = 0 ] || [ "$ui_fail" != 0 ] || ui_fail=1
ih_pass=0; ih_fail=0
if [ -z "${E2E_SKIP_INHOST:-}" ]; then
  ih_pass=$(sed -n 's/^ *\([0-9]\+\) passing.*/\1/p' "$ART/inhost-suite.log" | tail -1)
  ih_fail=$(sed -n 's/^ *\([0-9]\+\) failing.*/\1/p' "$ART/inhost-suite.log" | tail -1)
  ih_pass=${ih_pass:-0}; ih_fail=${ih_fail:-0}
  [ "$inhost_rc" = 0 ] || [ "$ih_fail" != 0 ] || ih_fail=1
fi
say "screenshots: $(cd "$ROOT" && ls artifacts/e2e/*.png 2>/dev/null | tr '\n' ' ')"
say "total $(since "$T0") s"
echo "$((ui_pass + ih_pass)) passed, $((ui_fail + ih_fail)) failed"
[ "$ui_rc" = 0 ] && [ "$inhost_rc" = 0 ]
