#!/bin/bash
# Session 7, call 1 (2026-11-28, H200): does peeling the KV-tail tile (SM_WG_PEEL_TAIL, today only
# for mod-free/identity builds) still lose with mods on the current kernel? The SASS of call 4
# (session 6) shows the unpeeled loop spends 88 FSEL + ~45 ISETP + ~40 IADD3 per tile on the tail
# check, as much as alibi's own arithmetic. Alternated A/B, two rounds, each run's cost over no mod
# (--vs-none, pairs alternated launch by launch), 300 ms warm-up.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
date -u > $OUT/gpu.txt
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.draw,temperature.gpu --format=csv >> $OUT/gpu.txt
AB_VS_NONE=1 timeout 330 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 peel0=SCOREMOD_WG_PEEL=0 peel1=SCOREMOD_WG_PEEL=1 -- examples/kv_bias.scoremod.ts:kvBiasMod examples/alibi.scoremod.ts:alibi examples/full_bias.scoremod.ts:fullBias examples/softcap.scoremod.ts:softcap examples/relative_position.scoremod.ts:relativePosition > $OUT/ab-peel-dense.txt 2>&1
echo "dense rc=$? $(date -u)" >> $OUT/gpu.txt
timeout 150 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 peel0=SCOREMOD_WG_PEEL=0 peel1=SCOREMOD_WG_PEEL=1 -- examples/causal.scoremod.ts:causalMask examples/sliding_window.scoremod.ts:slidingWindow examples/document_mask.scoremod.ts:documentMask > $OUT/ab-peel-mask.txt 2>&1
echo "mask rc=$? $(date -u)" >> $OUT/gpu.txt
