#!/bin/bash
# Session 3, call 1 (2026-11-28): a third aux stage (Q in registers for a 32 KB tile at D=128), L2 evict-first on the bias tile; checks at small shapes; ncu of full-bias.
set -u
C=.device-carry/s3c1
mkdir -p /tmp/b abx/new /tmp/sass && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
for c in $C/*.cubin; do cuobjdump -sass -fun sm_attn_fwd_wgmma_bf16_d128 $c > /tmp/sass/$(basename $c .cubin).sass 2>&1; done
( for f in /tmp/sass/*.sass; do echo "## $f"; grep -c HGMMA $f; grep -E 'HGMMA' $f | sed 's/^ *\/\*[0-9a-f]*\*\/ *//' | sort | uniq -c | sort -rn | head -8; grep -cE 'LDL|STL' $f; done ) > $OUT/sass.txt 2>&1
(
for s in 2,4,1000,1000,128 1,2,256,256,64 2,2,777,1000,128 1,2,1000,1536,64; do
  for fm in examples/full_bias.scoremod.ts:fullBias examples/kv_bias.scoremod.ts:kvBiasMod; do
    echo "## $fm $s"; timeout 60 node $CLI bench ${fm%:*} --mod ${fm#*:} --shape $s 2>&1 | grep -E "ok |FAIL|fail|error|tiles" | head -8
  done
  echo "## bias_document $s"; timeout 60 node $CLI bench test/gpu/fixtures/bias_document.scoremod.ts --mod biasMod --pair docMask --shape $s 2>&1 | grep -E "ok |FAIL|fail|error|tiles" | head -8
done
echo "## fullBias f16 2,4,1000,1000,128"; timeout 60 node $CLI bench examples/full_bias.scoremod.ts --mod fullBias --dtype f16 --shape 2,4,1000,1000,128 2>&1 | grep -E "ok |FAIL|fail|error|tiles" | head -8
echo "## fullBias evict-first 2,2,777,1000,128"; SCOREMOD_KERNEL_DEFINES=SM_AUX_TILE_EVICT_FIRST=1 timeout 60 node $CLI bench examples/full_bias.scoremod.ts --mod fullBias --shape 2,2,777,1000,128 2>&1 | grep -E "ok |FAIL|fail|error|tiles" | head -8
) > $OUT/checks.txt 2>&1
echo "checks done $(date -u)" >> $OUT/gpu.txt
python3 test/gpu/env_ab.py node $CLI 3 two=SCOREMOD_WG_AUX_STAGES=2 three= three_ef=SCOREMOD_KERNEL_DEFINES=SM_AUX_TILE_EVICT_FIRST=1 two_ef=SCOREMOD_WG_AUX_STAGES=2,SCOREMOD_KERNEL_DEFINES=SM_AUX_TILE_EVICT_FIRST=1 -- examples/full_bias.scoremod.ts:fullBias > $OUT/ab-fullbias.txt 2>&1
python3 test/gpu/env_ab.py node $CLI 3 two=SCOREMOD_WG_AUX_STAGES=2 three= -- examples/kv_bias.scoremod.ts:kvBiasMod test/gpu/fixtures/identity.scoremod.ts:none > $OUT/ab-kvbias.txt 2>&1
echo "ab done $(date -u)" >> $OUT/gpu.txt
M='gpu__time_duration.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,regex:^sm__pipe_tensor_op_gmma_cycles_active\.avg\.pct_of_peak_sustained_active$,regex:^smsp__average_warps_issue_stalled_[a-z_]+_per_issue_active\.ratio$,dram__bytes_read.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__t_sector_hit_rate.pct'
(
for v in "SCOREMOD_WG_AUX_STAGES=2" "SCOREMOD_WG_AUX_STAGES=3"; do
  echo "######## fullBias $v"
  env $v timeout 150 ncu --target-processes all -k regex:sm_attn_fwd_wgmma --launch-skip 2 --launch-count 1 --metrics "$M" node $CLI bench examples/full_bias.scoremod.ts --mod fullBias --reps 3 --json 2>&1 | grep -v '^{' | grep -E '^ +[a-z]' | tail -60
done
) > $OUT/ncu.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
