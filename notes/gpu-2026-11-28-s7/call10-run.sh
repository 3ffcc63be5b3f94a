#!/bin/bash
# Session 7, call 10 (2026-11-28, H200): `scoremod bench --compare` (ours, torch.compile(flex_attention)
# with the Flex export, SDPA; one process, the same inputs; outputs checked against Flex) for mods
# whose kernel changed this session (peeled KV tail): causal, softcap+causal, relative-position.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node SCOREMOD_COMPARE_SCRIPT=$PWD/runtime/python/compare_flex.py
tar xJf .device-carry/ab/new.tar.xz -C abx/new
date -u > $OUT/gpu.txt
for a in "examples/causal.scoremod.ts --mod causalMask" "examples/softcap.scoremod.ts --mod softcap --pair causal" "examples/relative_position.scoremod.ts --mod relativePosition"; do
  echo "######## $a"; timeout 90 node abx/new/dist/cli.js bench $a --compare 2>&1 | grep -vE "^  \.\. " | tail -9
done > $OUT/compare.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
