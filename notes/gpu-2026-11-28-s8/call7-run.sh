#!/bin/bash
# Session 8, call 7 (2026-11-28, H200): Flex agreement for the mods whose kernel changed this
# session: `scoremod bench --compare` (our kernel, torch.compile(flex_attention) with the Flex
# export and SDPA on the same inputs, outputs compared) for alibi, gated-decay, low-rank-bias,
# graph-distance.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node SCOREMOD_COMPARE_SCRIPT=$PWD/runtime/python/compare_flex.py
tar xJf .device-carry/ab/new.tar.xz -C abx/new
date -u > $OUT/gpu.txt
for a in "examples/alibi.scoremod.ts --mod alibi" "examples/gated_decay.scoremod.ts --mod gatedDecay" "examples/low_rank_bias.scoremod.ts --mod lowRankBias" "examples/graph_distance.scoremod.ts --mod graphDistance"; do
  echo "######## $a"; timeout 75 node abx/new/dist/cli.js bench $a --compare 2>&1 | grep -vE "^  \.\. " | tail -9
done > $OUT/compare.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
