#!/bin/bash
# Session 4, call 7 (2026-11-28): where the bench's two speeds come from: every rep's time (timing.samples)
# of no mod and kv-bias, fresh processes, grouped by input set.
set -u
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
for r in 0 1 2 3; do for fm in test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod; do
  timeout 60 node abx/new/dist/cli.js bench ${fm%:*} --mod ${fm#*:} --reps 60 --json 2>/dev/null | python3 -c '
import json,sys,statistics as st
r=json.load(sys.stdin)["results"][0]; t=r["timing"]; s=t["samples"]; n=t["inputSets"]; w=10
by=[[x for i,x in enumerate(s) if (w+i)%n==k] for k in range(n)]
print("%s med %.3f | per set %s | first10 %s | last10 %s" % (r["mod"], t["ms"], " ".join("%.3f" % st.median(b) for b in by), " ".join("%.3f" % x for x in s[:10]), " ".join("%.3f" % x for x in s[-10:])))'
done; done > $OUT/samples.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
