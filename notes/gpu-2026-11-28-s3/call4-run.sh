#!/bin/bash
# Session 3, call 4 (2026-11-28): the final kernel (3 aux stages: rows where they fit, a tile at D=128 with Q in registers): the GPU suite's checks part; bench --compare (ours, Flex, SDPA in one process).
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks timeout 330 node dist/gpu-tests.js run /tmp/g > $OUT/checks.log 2>&1
echo "checks done $(date -u)" >> $OUT/gpu.txt
(
for fm in test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod examples/full_bias.scoremod.ts:fullBias examples/alibi.scoremod.ts:alibi; do
  echo "## $fm"; timeout 90 node $CLI bench ${fm%:*} --mod ${fm#*:} --compare 2>&1 | tail -12
done
) > $OUT/compare.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
