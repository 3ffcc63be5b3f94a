#!/bin/bash
# Session 7, call 9 (2026-11-28, H200): the GPU suite's data, varlen and faults parts on the final tree.
# (data: the sample generator against the CPU sampler; varlen; faults: injected GPU faults).
set -u
mkdir -p /tmp/b dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
SCOREMOD_GPU_PARTS=data,varlen,faults timeout 270 node dist/gpu-tests.js run /tmp/gd > $OUT/parts.log 2>&1
echo "rc=$? end $(date -u)" >> $OUT/gpu.txt
