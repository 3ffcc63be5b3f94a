#!/bin/bash
# Session 8, call 6 (2026-11-28, H200): the final tree (call 3's kernel and generated code, plus
# graph-distance's KV tail peeled by the runner's rule): the GPU suite's checks part (every
# example three ways at small shapes, f16, the portable kernel, every mask's block map on both
# kernels, the three walks), and graph-distance's bench with its full-shape check.
set -u
mkdir -p /tmp/b dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
mkdir -p abx/new && tar xJf .device-carry/ab/new.tar.xz -C abx/new
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks timeout 300 node dist/gpu-tests.js run /tmp/gc > $OUT/checks.log 2>&1
echo "checks rc=$? $(date -u)" >> $OUT/gpu.txt
timeout 60 node abx/new/dist/cli.js bench examples/graph_distance.scoremod.ts --mod graphDistance --vs-none > $OUT/graph-distance.txt 2>&1
echo "bench rc=$? $(date -u)" >> $OUT/gpu.txt
