#!/bin/bash
# Session 5, call 1 (2026-11-28): the lent card is now an H200. Its baseline: streaming bandwidth over
# full-bias's 2.15 GB, `bench --compare` with the cost rounds (first run on a card) for kv-bias and
# full-bias, then the GPU suite's bench part (the eight mods, Flex and SDPA in the same run).
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node SCOREMOD_COMPARE_SCRIPT=$PWD/runtime/python/compare_flex.py
tar xJf .device-carry/ab/new.tar.xz -C abx/new
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,memory.total,power.limit --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
python3 test/gpu/stream_bw.py > $OUT/stream-bw.txt 2>&1
echo "bw done $(date -u)" >> $OUT/gpu.txt
for fm in examples/kv_bias.scoremod.ts:kvBiasMod examples/full_bias.scoremod.ts:fullBias; do
  echo "## $fm"; timeout 150 node $CLI bench ${fm%:*} --mod ${fm#*:} --compare 2>&1 | grep -vE "^  \.\. " | tail -12
done > $OUT/compare.txt 2>&1
echo "compare done $(date -u)" >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=bench timeout 330 bash scripts/test-gpu.sh /tmp/g > $OUT/suite-bench.log 2>&1
cp /tmp/g/report.txt $OUT/report.txt 2>/dev/null; cp /tmp/g/flex.log $OUT/flex.log 2>/dev/null
echo "end $(date -u)" >> $OUT/gpu.txt
