#!/bin/bash
# Session 8, call 5 (2026-11-28, H200): the runner's peel rule (source.ts wgPeelTail: not peeled
# when the score mod has a uniform or staged load) measured again now that uniform loads are
# loaded once per work item: the other examples with uniform loads (gated-decay, low-rank-bias,
# graph-distance) peeled and not. Alternated, two rounds, --vs-none. (ALiBi: call 2.)
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
date -u > $OUT/gpu.txt
E=examples
AB_VS_NONE=1 timeout 300 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 rule= peel=SCOREMOD_WG_PEEL=1 -- $E/gated_decay.scoremod.ts:gatedDecay $E/low_rank_bias.scoremod.ts:lowRankBias $E/graph_distance.scoremod.ts:graphDistance > $OUT/ab-peel.txt 2>&1
echo "peel rc=$? $(date -u)" >> $OUT/gpu.txt
