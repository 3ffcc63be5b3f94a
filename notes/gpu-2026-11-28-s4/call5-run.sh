#!/bin/bash
# Session 4, call 5 (2026-11-28): the GPU suite's checks for full-bias and kv-bias (full-bias at D = 128,
# Q in registers, first run in the suite), then its bench part (table with Flex's own cost over none).
set -u
mkdir -p /tmp/b dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks SCOREMOD_GPU_CASES=full-bias,kv-bias timeout 150 node dist/gpu-tests.js run /tmp/gc > $OUT/checks.log 2>&1
echo "checks done $(date -u)" >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=bench timeout 400 bash scripts/test-gpu.sh /tmp/g > $OUT/suite-bench.log 2>&1
cp /tmp/g/report.txt $OUT/report.txt 2>/dev/null; cp /tmp/g/flex.log $OUT/flex.log 2>/dev/null
echo "end $(date -u)" >> $OUT/gpu.txt
