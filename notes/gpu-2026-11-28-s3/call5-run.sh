#!/bin/bash
# Session 3, call 5 (2026-11-28): the V x alignment sweep of kv-bias on the final Hopper kernel (GPU suite's sweep part); kv-bias against no mod alternated.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
python3 test/gpu/env_ab.py node $CLI 5 base= -- test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod > $OUT/ab-kvbias-none.txt 2>&1
echo "ab done $(date -u)" >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=sweep timeout 400 node dist/gpu-tests.js run /tmp/g > $OUT/sweep.log 2>&1
node dist/gpu-tests.js report /tmp/g > $OUT/report.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
