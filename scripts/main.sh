#!/usr/bin/env bash
# The main job (README): analyse, generate, compile and export every bundled example, build the
# .vsix, and benchmark on the GPU when there is one. Without a GPU it says what it skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
out=out/main
rm -rf "$out"; mkdir -p "$out"
node scripts/build.mjs || exit 1
cli="node dist/cli.js"
fail=0
skipped=()
have_nvcc=1; command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ] || have_nvcc=0

for f in examples/*.scoremod.ts; do
  base=$(basename "$f" .scoremod.ts)
  printf '\n== %s\n' "$f"
  $cli check "$f" || fail=1
  $cli check "$f" --json > "$out/$base.check.json" || true
  $cli cuda "$f" > "$out/$base.cu" || fail=1
  if [ $have_nvcc = 1 ]; then
    $cli cuda "$f" --ptx > "$out/$base.ptx.txt" || fail=1
  fi
  # Into $out: <base>.flex.py (with the scoremod_sample.py it loads) and <base>.fa4.py.
  $cli export "$f" --to flex --out "$out" || fail=1
  $cli export "$f" --to fa4 --out "$out" || fail=1
done
[ $have_nvcc = 1 ] || skipped+=("PTX for every example: nvcc not found (set CUDA_HOME or put nvcc on PATH)")

printf '\n== packaging the extension\n'
# The host's platform package (the runner addon npm ci built), the universal fallback (no runner),
# and linux-arm64 (GH200-class hosts) when a cross compiler is here.
node scripts/package-vsix.mjs || fail=1
node scripts/package-vsix.mjs --target universal || fail=1
# The cross compiler is a Debian package: installed here when this runs as root with apt-get (as
# the test command installs its browser), otherwise the arm64 package is skipped and says why.
if ! command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 && [ "$(uname -m)" != aarch64 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "apt-get install g++-aarch64-linux-gnu (the linux-arm64 runner addon is cross-compiled)"
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends g++-aarch64-linux-gnu >/dev/null; } || echo "could not install g++-aarch64-linux-gnu"
fi
if command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || [ "$(uname -m)" = aarch64 ]; then
  { node scripts/build-addon.mjs --target linux-arm64 && node scripts/package-vsix.mjs --target linux-arm64; } || fail=1
else
  skipped+=("the linux-arm64 .vsix: no aarch64 cross compiler (apt-get install g++-aarch64-linux-gnu)")
fi

printf '\n== GPU\n'
probe=$(node -e 'const n=require("./csrc");const p=n.probe();process.stdout.write(p.ok?"ok":(p.reason+": "+p.detail))' 2>&1)
if [ "$probe" = ok ]; then
  for f in examples/*.scoremod.ts; do
    $cli bench "$f" || fail=1
  done
  $cli bench examples/kv_bias.scoremod.ts --sweep || fail=1
else
  skipped+=("GPU benchmarks and checks (scoremod bench): $probe")
fi

printf '\n== summary\n'
echo "outputs: $out/ (analysis JSON, CUDA, PTX, FA4 and Flex exports); extension packages: $(ls out/*.vsix 2>/dev/null | tr '\n' ' ')"
echo "install it with: code --install-extension $(ls out/*.vsix 2>/dev/null | head -1)"
for s in "${skipped[@]}"; do echo "skipped: $s"; done
exit $fail
