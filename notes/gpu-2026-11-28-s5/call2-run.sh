#!/bin/bash
# Session 5, call 2 (2026-11-28, H200): the alternated no-mod baseline (bench --vs-none) on the card
# for kv-bias, full-bias, alibi, softcap; peeling the KV tail for kv-bias and full-bias A/B'd by
# their cost over no mod (env_ab.py with AB_VS_NONE=1); --compare end to end; clocks and power
# logged each second (nvidia-smi dmon) to see what the two speeds are.
set -u
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node SCOREMOD_COMPARE_SCRIPT=$PWD/runtime/python/compare_flex.py
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
nvidia-smi dmon -s pucm -d 1 > $OUT/dmon.txt 2>&1 &
DMON=$!
date -u > $OUT/gpu.txt
for fm in kv_bias:kvBiasMod full_bias:fullBias alibi:alibi softcap:softcap; do
  timeout 100 node $CLI bench examples/${fm%:*}.scoremod.ts --mod ${fm#*:} --vs-none 2>&1 | grep -vE "^  \.\. "
done > $OUT/vsnone.txt 2>&1
echo "vs-none done $(date -u)" >> $OUT/gpu.txt
AB_VS_NONE=1 timeout 300 python3 test/gpu/env_ab.py node $CLI 3 head= peel=SCOREMOD_KERNEL_DEFINES=SM_WG_PEEL_TAIL=1 -- examples/kv_bias.scoremod.ts:kvBiasMod examples/full_bias.scoremod.ts:fullBias > $OUT/ab-peel.txt 2>&1
echo "ab done $(date -u)" >> $OUT/gpu.txt
timeout 150 node $CLI bench examples/kv_bias.scoremod.ts --mod kvBiasMod --compare 2>&1 | grep -vE "^  \.\. " > $OUT/compare.txt
echo "end $(date -u)" >> $OUT/gpu.txt
kill $DMON
