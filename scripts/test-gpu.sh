#!/usr/bin/env bash
# The GPU test command (`npm run test:gpu`); not part of CI. Two halves:
#   scripts/test-gpu.sh --prepare   here (any machine with Node + node_modules): bundles the
#       runner worker and the suite into dist/, builds the addon, packs this Node binary into
#       .device-carry/node.xz and writes the FlexAttention exports to .device-carry/flex/ (with the
#       scoremod_sample.py their make_aux loads, written beside them by --out).
#   scripts/test-gpu.sh [OUTDIR]    on the GPU machine (NVIDIA driver, NVRTC or nvcc, python3
#       with torch for the Flex part; Node optional: .device-carry/node.xz is used when absent).
#       Runs the suite (test/gpu/suite.ts), then the Flex cross-check and peer timings
#       (test/gpu/flex_check.py), the SASS view's path (`gpu-tests.js sass`: needs nvcc with
#       nvdisasm or cuobjdump beside it), then prints the tables and a closing `N passed, N failed`.
# On a lent device machine carry: .device-carry, dist/runner-worker.js, dist/gpu-tests.js,
# csrc/build/Release (see notes/runner.md for the exact command).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--prepare" ]; then
  set -e
  (cd csrc && npx node-gyp rebuild >/dev/null)
  common=(--bundle --platform=node --target=node20 --format=cjs --log-level=warning)
  npx esbuild server/src/runner/worker.ts "${common[@]}" --minify --outfile=dist/runner-worker.js
  npx esbuild test/gpu/suite.ts "${common[@]}" --outfile=dist/gpu-tests.js
  # The GPU machine may have no Node: carry this machine's binary (it links only glibc/libstdc++).
  mkdir -p .device-carry
  node_bin=$(readlink -f "$(command -v node)")
  if [ ! -s .device-carry/node.xz ] || [ "$node_bin" -nt .device-carry/node.xz ]; then
    xz -T2 -6 -c "$node_bin" > .device-carry/node.xz.tmp && mv .device-carry/node.xz.tmp .device-carry/node.xz
  fi
  mkdir -p .device-carry/flex
  if [ -f dist/cli.js ]; then
    for f in examples/*.scoremod.ts test/gpu/fixtures/identity.scoremod.ts test/gpu/fixtures/bias_document.scoremod.ts test/gpu/fixtures/int_dtypes.scoremod.ts; do
      base=$(basename "$f" .scoremod.ts)
      node dist/cli.js export "$f" --to flex --out ".device-carry/flex/$base.py" 2>".device-carry/flex/$base.err" || echo "prepare: no Flex export for $f: $(head -c 300 ".device-carry/flex/$base.err")"
    done
    # What the analysis proves for the index-only masks, for test/gpu/blockmask_check.py.
    node -e '
      const { execFileSync } = require("node:child_process");
      const cases = [["causal", "causalMask"], ["sliding_window", "slidingWindow"]];
      const out = cases.map(([file, mask]) => {
        const r = JSON.parse(execFileSync("node", ["dist/cli.js", "check", `examples/${file}.scoremod.ts`, "--shape", "1,16,8192,8192", "--json"], { encoding: "utf8" }));
        return { file, mask, shape: [1, 16, 8192, 8192], blockSparsity: r.mods.find((m) => m.name === mask).blockSparsity };
      });
      require("node:fs").writeFileSync(".device-carry/blocksparsity.json", JSON.stringify(out));'
  else
    echo "prepare: dist/cli.js missing (npm run build): no Flex exports"
  fi
  du -sh .device-carry dist/runner-worker.js dist/gpu-tests.js csrc/build/Release/scoremod_native.node
  exit 0
fi

out=${1:-${OUT:-artifacts/gpu}}
mkdir -p "$out"
NODE=node
if ! command -v node >/dev/null 2>&1; then
  if [ ! -s .device-carry/node.xz ]; then echo "test-gpu: no node and no .device-carry/node.xz (run scripts/test-gpu.sh --prepare)"; echo "0 passed, 1 failed"; exit 1; fi
  xz -dc .device-carry/node.xz > /tmp/scoremod-node && chmod +x /tmp/scoremod-node
  NODE=/tmp/scoremod-node
fi
# With node_modules here (a GPU workstation), build what is missing; a bare device machine has
# only what --prepare made.
if [ -x node_modules/.bin/esbuild ] && [ ! -f dist/gpu-tests.js ]; then
  node_modules/.bin/esbuild test/gpu/suite.ts --bundle --platform=node --target=node20 --format=cjs --log-level=warning --outfile=dist/gpu-tests.js
fi
[ -f dist/runner-worker.js ] || { [ -f scripts/build.mjs ] && [ -d node_modules ] && "$NODE" scripts/build.mjs; }
for f in dist/gpu-tests.js dist/runner-worker.js; do
  [ -f "$f" ] || { echo "test-gpu: $f missing (run scripts/test-gpu.sh --prepare)"; echo "0 passed, 1 failed"; exit 1; }
done
# The worker is forked with the same binary.
export PATH="$(dirname "$(readlink -f "$(command -v $NODE)")"):$PATH"
"$NODE" dist/gpu-tests.js run "$out" 2>&1 | tee "$out/runner.log"
# The --aux round trip: the suite's small dumps written by numpy/safetensors, read back.
if [ -d "$out/cases" ] && python3 -c "import numpy" >/dev/null 2>&1; then
  python3 test/gpu/aux_roundtrip.py "$out" 2>&1 | tee "$out/aux.log" && "$NODE" dist/gpu-tests.js aux "$out" 2>&1 | tee -a "$out/aux.log"
else
  echo "test-gpu: no small-shape dumps or no numpy: no --aux round trip"
fi
if python3 -c "import torch, triton; assert torch.cuda.is_available()" >/dev/null 2>&1; then
  [ -d "$out/make_aux" ] && python3 test/gpu/make_aux_check.py "$out" .device-carry/flex 2>&1 | tee "$out/make_aux.log"
  PYTHONUNBUFFERED=1 python3 test/gpu/flex_check.py "$out" .device-carry/flex 2>&1 | tee "$out/flex.log"
else
  echo "test-gpu: python3 with CUDA torch and triton not found: no Flex cross-check or peer timings"
fi
# The SASS view's path with this machine's toolkit (nvcc -cubin, nvdisasm or cuobjdump): sass.json, merged by report.
"$NODE" dist/gpu-tests.js sass "$out" 2>&1 | tee "$out/sass.log"
"$NODE" dist/gpu-tests.js report "$out"
