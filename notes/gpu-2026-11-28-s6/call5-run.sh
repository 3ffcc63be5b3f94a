#!/bin/bash
# Session 6, call 5 (2026-11-28, H200): the GPU suite's checks part on the final kernel (persistent
# blocks without a mask): every example three ways on small shapes (D 64/128, bf16/f16, GQA, tails),
# the walk shape (264 work items on 132 SMs), the portable kernel, block maps, aux files, varlen.
set -u
mkdir -p /tmp/b dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks timeout 500 node dist/gpu-tests.js run /tmp/gc > $OUT/checks.log 2>&1
echo "rc=$? end $(date -u)" >> $OUT/gpu.txt
