#!/bin/bash
# Session 7, call 6 (2026-11-28, H200): peeling the KV-tail tile for every other example the runner
# does not peel today (call 1 measured kv-bias, alibi, full-bias, softcap, relative-position,
# causal, sliding-window, document): masks, uniform-load mods, gathers, staged rows. Alternated
# A/B, two rounds, 300 ms warm-up; each bench checks its output (ok=).
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
date -u > $OUT/gpu.txt
E=examples
timeout 500 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 peel0=SCOREMOD_WG_PEEL=0 peel1=SCOREMOD_WG_PEEL=1 -- $E/causal.scoremod.ts:causalMask $E/relative_position.scoremod.ts:relativePosition $E/prefix_lm.scoremod.ts:prefixLm $E/gated_decay.scoremod.ts:gatedDecay $E/graph_distance.scoremod.ts:graphDistance $E/spatial_bias.scoremod.ts:spatialBiasMod $E/composed_mask.scoremod.ts:documentCausal $E/composed_mask.scoremod.ts:slidingWithSinks $E/composed_mask.scoremod.ts:blockCausal $E/low_rank_bias.scoremod.ts:lowRankBias $E/low_rank_bias.scoremod.ts:topKeys > $OUT/ab-peel-rest.txt 2>&1
echo "ab rc=$? $(date -u)" >> $OUT/gpu.txt
