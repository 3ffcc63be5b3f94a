#!/bin/bash
# Session 6, call 3 (2026-11-28, H200): chaining a work item into the previous one's last turn (SM_WG_CHAIN)
# in persistent blocks, again: call 2's build branched between wgmma.fence and a wgmma (ptxas C7519,
# C7515: serialised), fixed by two copies of the turn. Checks (small, walk), then the same A/B: against no chaining and against one block per
# work item (softcap is persistent now too), two rounds alternated, 300 ms warm-up.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node SCOREMOD_COMPARE_SCRIPT=$PWD/runtime/python/compare_flex.py
tar xJf .device-carry/ab/new.tar.xz -C abx/new
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,power.draw,temperature.gpu --format=csv >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks SCOREMOD_GPU_CASES=none,kv-bias,alibi,softcap timeout 170 node dist/gpu-tests.js run /tmp/gc > $OUT/checks.log 2>&1
echo "checks rc=$? $(date -u)" >> $OUT/gpu.txt
timeout 200 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 chain= nochain=SCOREMOD_KERNEL_DEFINES=SM_WG_CHAIN=0 grid=SCOREMOD_WG_PERSISTENT=0 -- test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod examples/alibi.scoremod.ts:alibi examples/softcap.scoremod.ts:softcap > $OUT/ab-chain.txt 2>&1
echo "ab rc=$? $(date -u)" >> $OUT/gpu.txt
timeout 60 node abx/new/dist/cli.js bench test/gpu/fixtures/identity.scoremod.ts --mod none --compare 2>&1 | grep -vE "^  \.\. " | tail -8 > $OUT/compare.txt
echo "end $(date -u)" >> $OUT/gpu.txt
