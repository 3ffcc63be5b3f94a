#!/bin/bash
# Session 4, call 3 (2026-11-28): full-bias's tile stream: TMA L2 prefetch of the tile AHEAD tiles further
# (SM_AUX_TILE_L2_AHEAD) at D = 128 and 64; a same-binary pair (base, base2) to show the A/B's noise.
set -u
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
for s in 2,4,1000,1000,128 1,2,1000,1536,64; do echo "## $s"; SCOREMOD_KERNEL_DEFINES=SM_AUX_TILE_L2_AHEAD=2 timeout 60 node $CLI bench examples/full_bias.scoremod.ts --mod fullBias --shape $s 2>&1 | grep -E "ok |FAIL|fail|rror" | head -8; done > $OUT/checks.txt 2>&1
python3 test/gpu/env_ab.py node $CLI 5 base= base2= a1=SCOREMOD_KERNEL_DEFINES=SM_AUX_TILE_L2_AHEAD=1 a2=SCOREMOD_KERNEL_DEFINES=SM_AUX_TILE_L2_AHEAD=2 a4=SCOREMOD_KERNEL_DEFINES=SM_AUX_TILE_L2_AHEAD=4 -- examples/full_bias.scoremod.ts:fullBias examples/full_bias.scoremod.ts:fullBias@1,16,8192,8192,64 > $OUT/ab-l2.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
