#!/bin/bash
# Session 7, call 3 (2026-11-28, H200): SM_WG_PV_WAIT_FENCE. Call 2's SASS showed ptxas placing
# the P V wait (wgmma.wait_group 0) ahead of most of the tile's exponentials (none: after 28 of 90;
# alibi: before all 90), so the softmax no longer overlaps P_{j-1} V_{j-1}. The fence keeps the wait
# in a loop whose trip count depends on the row sums. SASS order of both builds (runner-tu cubins
# from the dev VM), then an alternated A/B, two rounds, each run's cost over no mod (same variant).
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
date -u > $OUT/gpu.txt
mkdir -p /tmp/s && for c in .device-carry/sass/*.cubin; do cuobjdump -sass -fun sm_attn_fwd_wgmma_bf16_d128 $c > /tmp/s/$(basename $c .cubin).sass 2>&1; done
python3 notes/gpu-2026-11-28-s7/sass_order.py /tmp/s/*.sass > $OUT/sass-order.txt 2>&1
tar cJf $OUT/sass.tar.xz -C /tmp/s .
AB_VS_NONE=1 timeout 400 python3 test/gpu/env_ab.py node abx/new/dist/cli.js 2 fence0=SCOREMOD_KERNEL_DEFINES=SM_WG_PV_WAIT_FENCE=0 fence1=SCOREMOD_KERNEL_DEFINES=SM_WG_PV_WAIT_FENCE=1 -- test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod examples/alibi.scoremod.ts:alibi examples/full_bias.scoremod.ts:fullBias examples/softcap.scoremod.ts:softcap > $OUT/ab-fence.txt 2>&1
echo "ab rc=$? $(date -u)" >> $OUT/gpu.txt
