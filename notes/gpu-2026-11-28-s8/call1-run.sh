#!/bin/bash
# Session 8, call 1 (2026-11-28, H200): the thread's two rows share their float positions
# (SM_WG_ROW_POS_SHARED: the second row passes the first row's qf and qOff 8, so `kv - q` of
# row r + 8 at column c is row r's at c - 8, one expression). A/B on the mods whose positions
# depend on q (alibi, gated-decay), alternated, two rounds, --vs-none; then the suite's checks part
# on this tree (every example three ways, f16, the portable kernel, block maps, walks).
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
date -u > $OUT/gpu.txt
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv >> $OUT/gpu.txt
E=examples
AB_VS_NONE=1 timeout 200 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 shared= own=SCOREMOD_KERNEL_DEFINES=SM_WG_ROW_POS_SHARED=0 -- $E/alibi.scoremod.ts:alibi $E/gated_decay.scoremod.ts:gatedDecay > $OUT/ab-rowpos.txt 2>&1
echo "ab rc=$? $(date -u)" >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=checks timeout 330 node dist/gpu-tests.js run /tmp/gc > $OUT/checks.log 2>&1
echo "checks rc=$? end $(date -u)" >> $OUT/gpu.txt
# The switch SM_WG_ROW_POS_SHARED existed only for this A/B and was removed afterwards; the kept kernel compiles to the same PTX as "shared".
