#!/bin/bash
# Session 7, call 5 (2026-11-28, H200): SM_WG_MAX_TREE, the row max as four interleaved chains
# instead of one 22-deep chain (call 2's profile: the softmax is the step's critical path, and the
# exponentials wait for the max). Exact: max gives the same value in any order. Alternated A/B, two
# rounds, cost over no mod of the same variant.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
date -u > $OUT/gpu.txt
AB_VS_NONE=1 timeout 450 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 chain=SCOREMOD_KERNEL_DEFINES=SM_WG_MAX_TREE=0 tree=SCOREMOD_KERNEL_DEFINES=SM_WG_MAX_TREE=1 -- test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod examples/alibi.scoremod.ts:alibi examples/softcap.scoremod.ts:softcap examples/causal.scoremod.ts:causalMask > $OUT/ab-maxtree.txt 2>&1
echo "ab rc=$? $(date -u)" >> $OUT/gpu.txt
