#!/bin/bash
# Session 8, call 3 (2026-11-28, H200): the final tree (shared row positions, uniform loads per
# work item): the GPU suite's checks part (every example three ways at small shapes, f16, the
# portable kernel, every mask's block map on both kernels, the three walks), then its bench part
# (every example at B1 H16 S8192 D128 bf16 with Flex and SDPA in the same run).
set -u
mkdir -p /tmp/b dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks timeout 290 node dist/gpu-tests.js run /tmp/gc > $OUT/checks.log 2>&1
echo "checks rc=$? $(date -u)" >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=bench timeout 290 bash scripts/test-gpu.sh /tmp/g > $OUT/suite-bench.log 2>&1
echo "suite rc=$? $(date -u)" >> $OUT/gpu.txt
cp /tmp/g/report.txt $OUT/report.txt 2>/dev/null; cp /tmp/g/flex.log $OUT/flex.log 2>/dev/null
