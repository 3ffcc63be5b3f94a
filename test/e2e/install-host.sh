#!/usr/bin/env bash
# Installs the VS Code host the e2e suite drives: code-server (VS Code server + web workbench,
# whose extension host is a real Node process) into $E2E_HOST_DIR, plus the Debian packages the
# run needs (chromium for Playwright, ripgrep, libkrb5-dev for code-server's native modules).
# Idempotent: a complete install of the pinned version is reused as is.
#
# Works offline except for the npm registry and Debian's apt repositories:
#  - @vscode/ripgrep's postinstall would download rg from GitHub; it first looks for a cached
#    tarball in $TMPDIR/vscode-ripgrep-cache-<pkg version>/, so we put Debian's rg there.
#  - node-pty's postinstall runs `npx node-gyp`; npx only fetches it with npm_config_yes=true.
#
#   E2E_HOST_DIR         install prefix (default <repo>/.e2e/host)
#   CODE_SERVER_VERSION  default 4.100.3 (VS Code 1.100.3; the newest that runs on Node 20)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HOST="${E2E_HOST_DIR:-$ROOT/.e2e/host}"
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CS_PKG="$HOST/node_modules/code-server"
VSC="$CS_PKG/lib/vscode"
export DEBIAN_FRONTEND=noninteractive npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

say() { echo "[e2e:host] $*"; }
die() { echo "[e2e:host] ERROR: $*" >&2; exit 1; }

# ---- Debian packages (only what is missing; installing needs root) ----------------------------
missing=()
# "install ok installed" only: a removed package can linger as "deinstall ok config-files".
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
for p in chromium ripgrep libkrb5-dev; do installed "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})"
  say "apt-get install ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium not found after install"

# ---- code-server ------------------------------------------------------------------------------
complete() {
  [ "$(node -p "try{require('$CS_PKG/package.json').version}catch(e){''}")" = "$VERSION" ] \
    && [ -x "$VSC/node_modules/@vscode/ripgrep/bin/rg" ] \
    && { [ -f "$VSC/node_modules/node-pty/build/Release/pty.node" ] \
         || [ -f "$VSC/node_modules/node-pty/prebuilds/linux-x64/pty.node" ]; } \
    && [ -f "$HOST/.complete" ]
}
if complete; then
  say "code-server $VERSION already installed in $HOST"
  exit 0
fi

need="$(npm view "code-server@$VERSION" engines.node 2>/dev/null | grep -o '[0-9]\+' | head -1 || true)"
have="$(node -p 'process.versions.node.split(".")[0]')"
[ -z "$need" ] || [ "$need" = "$have" ] || die "code-server $VERSION needs Node $need; this is Node $have"

say "installing code-server $VERSION into $HOST (takes a minute or two)"
rm -rf "$HOST"
mkdir -p "$HOST/tmp/pack"
# Which @vscode/ripgrep (and which rg release) will the postinstall ask for? Read both from the
# packed tarballs; `npm pack` leaves them in the npm cache, so the install does not fetch twice.
( cd "$HOST/tmp/pack" && npm pack --silent "code-server@$VERSION" </dev/null >/dev/null )
rg_pkg="$(tar xzf "$HOST"/tmp/pack/code-server-*.tgz -O package/lib/vscode/npm-shrinkwrap.json \
  | node -e 'const d=JSON.parse(require("fs").readFileSync(0,"utf8"));process.stdout.write(d.packages["node_modules/@vscode/ripgrep"].version)')"
( cd "$HOST/tmp/pack" && npm pack --silent "@vscode/ripgrep@$rg_pkg" </dev/null >/dev/null )
rg_tag="$(tar xzf "$HOST"/tmp/pack/vscode-ripgrep-*.tgz -O package/lib/postinstall.js \
  | sed -n "s/^const VERSION = '\(.*\)';.*/\1/p")"
[ -n "$rg_tag" ] || die "cannot read the ripgrep release from @vscode/ripgrep@$rg_pkg"
mkdir -p "$HOST/tmp/vscode-ripgrep-cache-$rg_pkg"
tar czf "$HOST/tmp/vscode-ripgrep-cache-$rg_pkg/ripgrep-$rg_tag-x86_64-unknown-linux-musl.tar.gz" -C /usr/bin rg
rm -rf "$HOST/tmp/pack"

cat > "$HOST/package.json" <<EOF
{ "name": "scoremod-e2e-host", "private": true, "dependencies": { "code-server": "$VERSION" } }
EOF
# code-server's postinstall runs npm install in lib/vscode (node-gyp builds node-pty, kerberos, ...).
if ! ( cd "$HOST" && TMPDIR="$HOST/tmp" npm_config_yes=true npm_config_unsafe_perm=true \
        npm install --unsafe-perm=true --no-audit --no-fund --loglevel=error </dev/null ) >"$HOST/install.log" 2>&1; then
  tail -40 "$HOST/install.log"
  die "code-server install failed (full log: $HOST/install.log)"
fi
touch "$HOST/.complete"
complete || die "code-server install incomplete (ripgrep or node-pty missing); log: $HOST/install.log"
say "code-server $VERSION installed ($(du -sh "$HOST" | cut -f1))"
