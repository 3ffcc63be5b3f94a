#!/bin/bash
# Session 6, call 6 (2026-11-28, H200): shared-memory descriptors as the tile's descriptor plus an
# offset (SM_WG_DESC_ADD: one add per wgmma instead of a mask, shift and or): small-shape checks,
# an A/B against make_desc per wgmma (two rounds alternated), then the kv-bias V x alignment sweep
# (the GPU suite's sweep part) on the persistent kernel.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks SCOREMOD_GPU_CASES=none,kv-bias,full-bias,causal timeout 100 node dist/gpu-tests.js run /tmp/gc > $OUT/checks.log 2>&1
echo "checks rc=$? $(date -u)" >> $OUT/gpu.txt
timeout 100 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 add= mask=SCOREMOD_KERNEL_DEFINES=SM_WG_DESC_ADD=0 -- test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod examples/alibi.scoremod.ts:alibi > $OUT/ab-desc.txt 2>&1
echo "ab rc=$? $(date -u)" >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=sweep timeout 240 node dist/gpu-tests.js run /tmp/gs > $OUT/sweep.log 2>&1
echo "sweep rc=$? end $(date -u)" >> $OUT/gpu.txt
