#!/bin/bash
# Session 7, call 8 (2026-11-28, H200): the GPU suite's bench part on the final tree: every example
# at B1 H16 S8192 D128 bf16 with its full-shape checks, the cost over no mod, Flex and SDPA in the
# same run (300 ms warm-up).
set -u
mkdir -p /tmp/b dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
SCOREMOD_GPU_PARTS=bench timeout 420 bash scripts/test-gpu.sh /tmp/g > $OUT/suite-bench.log 2>&1
echo "suite rc=$? $(date -u)" >> $OUT/gpu.txt
cp /tmp/g/report.txt $OUT/report.txt 2>/dev/null; cp /tmp/g/flex.log $OUT/flex.log 2>/dev/null
