#!/bin/bash
# Session 3, call 7 (2026-11-28): is kv-bias's cost over no mod in the instructions or in the data? kv-bias with its generated random row against an all-zero row (--aux), alternated with no mod.
set -u
C=.device-carry/s3c7
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
ms() { timeout 60 node $CLI bench "$@" --json 2>/dev/null | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print("%.4f ok=%s" % (r["timing"]["ms"], r.get("ok")))'; }
for r in 0 1 2 3 4; do
  echo "round $r none: $(ms test/gpu/fixtures/identity.scoremod.ts --mod none)"
  echo "round $r kv-bias random: $(ms examples/kv_bias.scoremod.ts --mod kvBiasMod)"
  echo "round $r kv-bias zeros: $(ms examples/kv_bias.scoremod.ts --mod kvBiasMod --aux kv_bias=$C/kvzero.safetensors)"
done > $OUT/ab-zeros.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
