#!/bin/bash
# Session 4, call 9 (2026-11-28): --compare's cost rounds (the mod and no mod alternated, timing only) on the card;
# the Python half replaced by a stand-in that prints fixed peer times (no torch.compile: this call has 3 minutes).
set -u
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
printf '#!/bin/sh\necho %s\n' "'{\"ok\": true, \"flex_ms\": 1.25, \"flex_none_ms\": 1.12, \"sdpa_ms\": 0.88, \"max_abs\": 0.001, \"rel_l2\": 0.001, \"torch\": \"stand-in\"}'" > /tmp/fakepy && chmod +x /tmp/fakepy
date -u > $OUT/gpu.txt
SCOREMOD_PYTHON=/tmp/fakepy timeout 75 node abx/new/dist/cli.js bench examples/kv_bias.scoremod.ts --mod kvBiasMod --compare > $OUT/compare.txt 2>&1
echo "rc=$? end $(date -u)" >> $OUT/gpu.txt
