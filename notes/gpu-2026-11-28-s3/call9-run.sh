#!/bin/bash
# Session 3, call 9 (2026-11-28): the final tree (sm_tma_tile back to its checked form): staged-tile and row builds at small shapes, and the standard shape.
set -u
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
(
for s in 2,4,1000,1000,128 2,2,777,1000,128 1,2,1000,1536,64; do
  for fm in examples/full_bias.scoremod.ts:fullBias examples/kv_bias.scoremod.ts:kvBiasMod; do
    echo "## $fm $s"; timeout 60 node $CLI bench ${fm%:*} --mod ${fm#*:} --shape $s 2>&1 | grep -E "ok |FAIL|fail|error|aux ring" | head -8
  done
done
for fm in examples/full_bias.scoremod.ts:fullBias examples/kv_bias.scoremod.ts:kvBiasMod test/gpu/fixtures/identity.scoremod.ts:none; do
  echo "## $fm standard"; timeout 60 node $CLI bench ${fm%:*} --mod ${fm#*:} 2>&1 | grep -E "ok |FAIL|fail|error|time:|aux ring" | head -8
done
) > $OUT/checks.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
