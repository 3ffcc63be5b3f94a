#!/usr/bin/env bash
# The test command (README): type-check, bundle, unit + LSP + PTX-proof tests, then the
# integration suite in a real VS Code (code-server + Playwright). No GPU needed.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }

step "type-check (tsc -b: the packages by project reference, then tests and scripts)"
npx tsc -b

step "bundle (esbuild)"
node scripts/build.mjs

step "unit, LSP and PTX-proof tests (vitest)"
npx vitest run

step "integration tests in code-server (scripts/e2e.sh)"
bash scripts/e2e.sh
