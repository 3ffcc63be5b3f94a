#!/bin/bash
# Session 3, call 3 (2026-11-28): D=64 staged tile, two vs three aux stages (alternated); the GPU suite's bench part (Flex, SDPA in the same run) on the three-stage kernel.
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
cat > /tmp/ab64.sh <<'EOS'
for r in 0 1 2; do for m in full_bias.scoremod.ts:fullBias kv_bias.scoremod.ts:kvBiasMod; do for v in 2 3; do
  ms=$(SCOREMOD_WG_AUX_STAGES=$v timeout 60 node $CLI bench examples/${m%:*} --mod ${m#*:} --shape 1,16,8192,8192,64 --json 2>/dev/null | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print("%.4f ok=%s" % (r["timing"]["ms"], r.get("ok")))')
  echo "round $r ${m#*:} D64 stages=$v: $ms"
done; done; done
EOS
CLI=$CLI bash /tmp/ab64.sh > $OUT/ab-d64.txt 2>&1
echo "ab done $(date -u)" >> $OUT/gpu.txt
SCOREMOD_GPU_PARTS=bench timeout 480 bash scripts/test-gpu.sh /tmp/g > $OUT/suite-bench.log 2>&1
cp /tmp/g/report.txt $OUT/report.txt 2>/dev/null; cp /tmp/g/flex.log $OUT/flex.log 2>/dev/null; cp /tmp/g/runner.log $OUT/runner.log 2>/dev/null
echo "end $(date -u)" >> $OUT/gpu.txt
