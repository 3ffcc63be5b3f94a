#!/bin/bash
# Session 7, call 4 (2026-11-28, H200): mbarrier try_wait with a suspend-time hint. Call 2's
# profile counted the producer's and copiers' wait loops at 13.6M (no mod) and 22M (kv-bias)
# try_wait+yield iterations per launch, on issue slots of SMSPs whose consumer warps run the
# critical softmax. Variants (SCOREMOD_KERNEL_DEFINES): none; producer/copier waits with a 10 ms
# hint; every wait with it. Alternated, two rounds, cost over no mod of the same variant.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
date -u > $OUT/gpu.txt
H=10000000
AB_VS_NONE=1 timeout 450 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 h0= hP=SCOREMOD_KERNEL_DEFINES=SM_WG_PRODUCER_WAIT_HINT=$H "hPC=SCOREMOD_KERNEL_DEFINES=SM_WG_PRODUCER_WAIT_HINT=$H;SM_WG_CONSUMER_WAIT_HINT=$H" -- test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod examples/alibi.scoremod.ts:alibi examples/causal.scoremod.ts:causalMask > $OUT/ab-hint.txt 2>&1
echo "ab rc=$? $(date -u)" >> $OUT/gpu.txt
