#!/bin/bash
# Session 5, call 4 (2026-11-28, H200): the suite's bench part again, now with a 300 ms warm-up
# before our reps and the peers' (the card's steady clock), each mod alternated with no mod; then
# `bench --compare` for kv-bias and alibi (the --warmup-ms path into compare_flex.py).
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node SCOREMOD_COMPARE_SCRIPT=$PWD/runtime/python/compare_flex.py
tar xJf .device-carry/ab/new.tar.xz -C abx/new
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=bench timeout 420 bash scripts/test-gpu.sh /tmp/g > $OUT/suite-bench.log 2>&1
cp /tmp/g/report.txt $OUT/report.txt 2>/dev/null; cp /tmp/g/flex.log $OUT/flex.log 2>/dev/null
echo "suite done $(date -u)" >> $OUT/gpu.txt
for fm in kv_bias:kvBiasMod alibi:alibi; do
  timeout 120 node abx/new/dist/cli.js bench examples/${fm%:*}.scoremod.ts --mod ${fm#*:} --compare 2>&1 | grep -vE "^  \.\. " | tail -10
done > $OUT/compare.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
