#!/bin/bash
# Session 4, call 1 (2026-11-28): staged rows read into registers before the S wait (SM_WG_ROWS_EARLY),
# stage released right after the reads (SM_WG_AUX_RELEASE_AT_READ); checks at small shapes; A/B against HEAD (old).
set -u
mkdir -p /tmp/b abx/new abx/old && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new; tar xJf .device-carry/ab/old.tar.xz -C abx/old
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
(
for v in "" "SCOREMOD_KERNEL_DEFINES=SM_WG_AUX_RELEASE_AT_READ=1" "SCOREMOD_KERNEL_DEFINES=SM_WG_ROWS_EARLY=0"; do
for s in 2,4,1000,1000,128 1,2,256,256,64 2,2,777,1000,128 1,2,1000,1536,64; do
  for fm in examples/kv_bias.scoremod.ts:kvBiasMod examples/graph_distance.scoremod.ts:graphDistance examples/low_rank_bias.scoremod.ts:lowRankBias examples/full_bias.scoremod.ts:fullBias; do
    echo "## [$v] $fm $s"; env $v timeout 60 node $CLI bench ${fm%:*} --mod ${fm#*:} --shape $s 2>&1 | grep -E "ok |FAIL|fail|rror|aux ring" | head -8
  done
  echo "## [$v] bias_document $s"; env $v timeout 60 node $CLI bench test/gpu/fixtures/bias_document.scoremod.ts --mod biasMod --pair docMask --shape $s 2>&1 | grep -E "ok |FAIL|fail|rror" | head -8
done
echo "## [$v] kvBias f16 2,4,1000,1000,128"; env $v timeout 60 node $CLI bench examples/kv_bias.scoremod.ts --mod kvBiasMod --dtype f16 --shape 2,4,1000,1000,128 2>&1 | grep -E "ok |FAIL|fail|rror" | head -8
done
) > $OUT/checks.txt 2>&1
echo "checks done $(date -u)" >> $OUT/gpu.txt
python3 test/gpu/env_ab.py node $CLI 7 old=CLI=abx/old/dist/cli.js new= rel=SCOREMOD_KERNEL_DEFINES=SM_WG_AUX_RELEASE_AT_READ=1 late=SCOREMOD_KERNEL_DEFINES=SM_WG_ROWS_EARLY=0 -- examples/kv_bias.scoremod.ts:kvBiasMod test/gpu/fixtures/identity.scoremod.ts:none > $OUT/ab-kvbias.txt 2>&1
echo "ab1 done $(date -u)" >> $OUT/gpu.txt
python3 test/gpu/env_ab.py node $CLI 4 old=CLI=abx/old/dist/cli.js new= rel=SCOREMOD_KERNEL_DEFINES=SM_WG_AUX_RELEASE_AT_READ=1 -- examples/full_bias.scoremod.ts:fullBias examples/low_rank_bias.scoremod.ts:lowRankBias > $OUT/ab-fullbias.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
