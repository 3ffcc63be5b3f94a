#!/bin/bash
# Session 4, call 4 (2026-11-28): `bench --compare` with the no-mod runs (ours and Flex: what the mods
# cost); the card's streaming bandwidth over full-bias's 2.15 GB (test/gpu/stream_bw.py).
set -u
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node SCOREMOD_COMPARE_SCRIPT=$PWD/runtime/python/compare_flex.py
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
python3 test/gpu/stream_bw.py > $OUT/stream-bw.txt 2>&1
echo "bw done $(date -u)" >> $OUT/gpu.txt
for fm in examples/kv_bias.scoremod.ts:kvBiasMod examples/full_bias.scoremod.ts:fullBias examples/softcap.scoremod.ts:softcap examples/causal.scoremod.ts:causalMask; do
  echo "## $fm"; timeout 240 node $CLI bench ${fm%:*} --mod ${fm#*:} --compare 2>&1 | grep -vE "^  \.\. " | tail -9
done > $OUT/compare.txt 2>&1
echo "compare done $(date -u)" >> $OUT/gpu.txt
timeout 200 node $CLI bench examples/kv_bias.scoremod.ts --mod kvBiasMod --compare --json > $OUT/compare.json 2>$OUT/compare-json.err
echo "end $(date -u)" >> $OUT/gpu.txt
