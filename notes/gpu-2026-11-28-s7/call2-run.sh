#!/bin/bash
# Session 7, call 2 (2026-11-28, H200): where the consumer warps wait. One ncu launch each of no
# mod, kv-bias and alibi (runner defaults) and of alibi with the KV tail peeled (which call 1 found
# 14 points slower), with PC sampling (SourceCounters, WarpStateStats): per-SASS-instruction stall
# samples as CSV. SASS (cuobjdump) of the peeled kv-bias and alibi builds and of relative-position
# (runner-tu cubins built on the dev VM).
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
date -u > $OUT/gpu.txt; ncu --version | tail -1 >> $OUT/gpu.txt
for c in .device-carry/sass/*.cubin; do cuobjdump -sass -fun sm_attn_fwd_wgmma_bf16_d128 $c > /tmp/$(basename $c .cubin).sass 2>&1; done
tar cJf $OUT/sass.tar.xz -C /tmp $(cd /tmp && ls *.sass)
prof() {  # name env file mod
  local name=$1 envs=$2 file=$3 mod=$4
  env $envs timeout 120 ncu --target-processes all -k regex:sm_attn_fwd_wgmma --launch-skip 2 --launch-count 1 --section WarpStateStats --section SourceCounters --section SpeedOfLight --import-source no -f -o /tmp/rep_$name node $CLI bench $file --mod $mod --reps 3 --json > /tmp/ncu_$name.log 2>&1
  echo "$name ncu rc=$? $(date -u)" >> $OUT/gpu.txt
  ncu -i /tmp/rep_$name.ncu-rep --page details > $OUT/det_$name.txt 2>&1
  ncu -i /tmp/rep_$name.ncu-rep --page source --csv --print-source sass > /tmp/src_$name.csv 2>&1 || ncu -i /tmp/rep_$name.ncu-rep --page source --csv > /tmp/src_$name.csv 2>&1
  echo "$name source rc=$? lines $(wc -l < /tmp/src_$name.csv)" >> $OUT/gpu.txt
  xz -c /tmp/src_$name.csv > $OUT/src_$name.csv.xz
  tail -3 /tmp/ncu_$name.log >> $OUT/gpu.txt
}
prof none X=1 test/gpu/fixtures/identity.scoremod.ts none
prof kvbias X=1 examples/kv_bias.scoremod.ts kvBiasMod
prof alibi X=1 examples/alibi.scoremod.ts alibi
prof alibi_peel SCOREMOD_WG_PEEL=1 examples/alibi.scoremod.ts alibi
echo "end $(date -u)" >> $OUT/gpu.txt
