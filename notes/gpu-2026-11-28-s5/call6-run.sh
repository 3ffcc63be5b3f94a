#!/bin/bash
# Session 5, call 6 (2026-11-28, H200): lazy rescaling (SM_WG_RESCALE_LOG2 8, the new default)
# checked on small shapes, then A/B'd against eager rescaling (0, the old kernel) at the steady
# clock, two rounds alternated, each run also timed against no mod; then --compare for no mod.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node SCOREMOD_COMPARE_SCRIPT=$PWD/runtime/python/compare_flex.py
tar xJf .device-carry/ab/new.tar.xz -C abx/new
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks SCOREMOD_GPU_CASES=none,kv-bias,full-bias,causal,softcap+causal timeout 70 node dist/gpu-tests.js run /tmp/gc > $OUT/checks.log 2>&1
echo "checks rc=$? $(date -u)" >> $OUT/gpu.txt
AB_VS_NONE=1 timeout 110 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 lazy= eager=SCOREMOD_KERNEL_DEFINES=SM_WG_RESCALE_LOG2=0 -- test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod examples/alibi.scoremod.ts:alibi > $OUT/ab-rescale.txt 2>&1
echo "ab rc=$? $(date -u)" >> $OUT/gpu.txt
timeout 60 node abx/new/dist/cli.js bench test/gpu/fixtures/identity.scoremod.ts --mod none --compare 2>&1 | grep -vE "^  \.\. " | tail -8 > $OUT/compare.txt
echo "end $(date -u)" >> $OUT/gpu.txt
