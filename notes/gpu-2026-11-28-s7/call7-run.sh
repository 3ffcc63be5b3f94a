#!/bin/bash
# Session 7, call 7 (2026-11-28, H200): the GPU suite's checks part on the final tree (the runner
# now peels the KV tail for masks and gathering mods): every example three ways at small shapes,
# f16, the portable kernel, every mask's block map on both kernels, the three walks.
set -u
mkdir -p /tmp/b dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks timeout 520 node dist/gpu-tests.js run /tmp/gc > $OUT/checks.log 2>&1
echo "rc=$? end $(date -u)" >> $OUT/gpu.txt
