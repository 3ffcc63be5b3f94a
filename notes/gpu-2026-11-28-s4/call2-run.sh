#!/bin/bash
# Session 4, call 2 (2026-11-28): what kv-bias's gap over no mod is made of: the peeled KV tail
# (no mod peels, kv-bias does not), the 176- vs 128-column tile, and staging off.
set -u
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
python3 test/gpu/env_ab.py node $CLI 5 base= peel1=SCOREMOD_WG_PEEL=1 peel0=SCOREMOD_WG_PEEL=0 n128=SCOREMOD_WG_BLOCK_N=128 n128peel1=SCOREMOD_WG_BLOCK_N=128,SCOREMOD_WG_PEEL=1 nostage=SCOREMOD_AUX_STAGE=0 -- examples/kv_bias.scoremod.ts:kvBiasMod test/gpu/fixtures/identity.scoremod.ts:none > $OUT/ab-peel.txt 2>&1
echo "ab1 done $(date -u)" >> $OUT/gpu.txt
python3 test/gpu/env_ab.py node $CLI 4 base= peel1=SCOREMOD_WG_PEEL=1 -- examples/full_bias.scoremod.ts:fullBias examples/alibi.scoremod.ts:alibi > $OUT/ab-peel-full.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
