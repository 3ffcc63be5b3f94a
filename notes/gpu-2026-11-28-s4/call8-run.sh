#!/bin/bash
# Session 4, call 8 (2026-11-28): the bench's "two speeds" line on the card (kv-bias and no mod, 60 reps, fresh processes).
set -u
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
for r in 0 1 2; do for fm in examples/kv_bias.scoremod.ts:kvBiasMod test/gpu/fixtures/identity.scoremod.ts:none; do
  echo "## round $r $fm"; timeout 60 node abx/new/dist/cli.js bench ${fm%:*} --mod ${fm#*:} --reps 60 2>&1 | grep -E "time:|two speeds"
done; done > $OUT/two-speeds.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
