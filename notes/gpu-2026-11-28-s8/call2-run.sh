#!/bin/bash
# Session 8, call 2 (2026-11-28, H200): uniform loads once per work item (codegen emitUniforms;
# the kernel's score_uniforms) against call 1's tree (loaded once per kv tile), on the examples
# with uniform loads (alibi, gated-decay, low-rank-bias, graph-distance), alternated, two rounds,
# --vs-none; alibi peeled vs not on the new tree; the suite's data, varlen and faults parts; the
# SASS of alibi (old and new) and low-rank-bias.
set -u
mkdir -p /tmp/b abx/new abx/old dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new; tar xJf .device-carry/ab/old.tar.xz -C abx/old
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv >> $OUT/gpu.txt
E=examples
AB_VS_NONE=1 timeout 250 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 item= tile=CLI=abx/old/dist/cli.js -- $E/alibi.scoremod.ts:alibi $E/gated_decay.scoremod.ts:gatedDecay $E/low_rank_bias.scoremod.ts:lowRankBias $E/graph_distance.scoremod.ts:graphDistance > $OUT/ab-uniforms.txt 2>&1
echo "ab rc=$? $(date -u)" >> $OUT/gpu.txt
AB_VS_NONE=1 timeout 80 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 rule= peel=SCOREMOD_WG_PEEL=1 -- $E/alibi.scoremod.ts:alibi > $OUT/ab-peel.txt 2>&1
echo "peel rc=$? $(date -u)" >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=data,varlen,faults timeout 150 node dist/gpu-tests.js run /tmp/gd > $OUT/parts.log 2>&1
echo "parts rc=$? $(date -u)" >> $OUT/gpu.txt
mkdir -p /tmp/sass && for f in .device-carry/cubin/*.cubin; do cuobjdump -sass $f > /tmp/sass/$(basename $f .cubin).sass; done
tar cJf $OUT/sass.tar.xz -C /tmp/sass .
echo "end $(date -u)" >> $OUT/gpu.txt
