#!/bin/bash
# Session 5, call 5 (2026-11-28, H200): the GPU suite's small-shape checks (three ways, odd shapes,
# D 64/128) for the eight mods, their first run on an H200.
set -u
mkdir -p /tmp/b dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks SCOREMOD_GPU_CASES=none,kv-bias,full-bias,alibi,softcap,relative-position,causal,softcap+causal timeout 230 node dist/gpu-tests.js run /tmp/gc > $OUT/checks.log 2>&1
echo "rc=$? end $(date -u)" >> $OUT/gpu.txt
