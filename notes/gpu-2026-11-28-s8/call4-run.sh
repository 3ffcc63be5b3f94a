#!/bin/bash
# Session 8, call 4 (2026-11-28, H200): what limits a mod's cost. The floor: a score mod that adds
# one per-head value (test/gpu/fixtures/head_bias.scoremod.ts: a uniform load, once per work item,
# and one fused add per score), against kv-bias and alibi on the same card; and the tile width of
# the two bar mods on this kernel (176, the runner's choice, against 128). Alternated, two
# rounds, --vs-none.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
date -u > $OUT/gpu.txt
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv >> $OUT/gpu.txt
E=examples
AB_VS_NONE=1 timeout 150 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 w176= -- test/gpu/fixtures/head_bias.scoremod.ts:headBiasMod > $OUT/ab-floor.txt 2>&1
echo "floor rc=$? $(date -u)" >> $OUT/gpu.txt
AB_VS_NONE=1 timeout 250 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 w176= w128=SCOREMOD_WG_BLOCK_N=128 -- $E/alibi.scoremod.ts:alibi $E/kv_bias.scoremod.ts:kvBiasMod > $OUT/ab-width.txt 2>&1
echo "width rc=$? $(date -u)" >> $OUT/gpu.txt
