#!/bin/bash
# Session 3, call 2 (2026-11-28): D=64 staged-tile checks (3 stages beside Q); where full-bias's time goes: no-copy diagnostic, ncu.
set -u
# (SM_WG_DIAG_NO_AUX_COPY was a temporary switch: the copiers skipped SM_SCORE_STAGE; removed after this call.)
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
(
for s in 1,2,256,256,64 1,2,1000,1536,64 2,3,640,1000,64; do
  echo "## fullBias $s"; timeout 60 node $CLI bench examples/full_bias.scoremod.ts --mod fullBias --shape $s 2>&1 | grep -E "ok |FAIL|fail|error|tiles" | head -8
done
echo "## fullBias f16 1,2,1000,1536,64"; timeout 60 node $CLI bench examples/full_bias.scoremod.ts --mod fullBias --dtype f16 --shape 1,2,1000,1536,64 2>&1 | grep -E "ok |FAIL|fail|error|tiles" | head -8
echo "## fullBias D64 standard"; timeout 60 node $CLI bench examples/full_bias.scoremod.ts --mod fullBias --shape 1,16,8192,8192,64 2>&1 | grep -E "ok |FAIL|fail|error|tiles|time:" | head -8
echo "## fullBias D64 standard two stages"; SCOREMOD_WG_AUX_STAGES=2 timeout 60 node $CLI bench examples/full_bias.scoremod.ts --mod fullBias --shape 1,16,8192,8192,64 2>&1 | grep -E "ok |FAIL|fail|error|tiles|time:" | head -8
) > $OUT/checks.txt 2>&1
echo "checks done $(date -u)" >> $OUT/gpu.txt
python3 test/gpu/env_ab.py node $CLI 3 three= nocopy=SCOREMOD_KERNEL_DEFINES=SM_WG_DIAG_NO_AUX_COPY=1 early=SCOREMOD_KERNEL_DEFINES=SM_WG_AUX_WAIT_LATE=0 -- examples/full_bias.scoremod.ts:fullBias examples/kv_bias.scoremod.ts:kvBiasMod > $OUT/ab-diag.txt 2>&1
python3 test/gpu/env_ab.py node $CLI 3 base= -- test/gpu/fixtures/identity.scoremod.ts:none >> $OUT/ab-diag.txt 2>&1
echo "ab done $(date -u)" >> $OUT/gpu.txt
M='gpu__time_duration.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,sm__pipe_tensor_op_gmma_cycles_active.avg.pct_of_peak_sustained_active,regex:^smsp__average_warps_issue_stalled_[a-z_]+_per_issue_active\.ratio$,dram__bytes_read.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__t_sector_hit_rate.pct'
(
for fm in examples/full_bias.scoremod.ts:fullBias test/gpu/fixtures/identity.scoremod.ts:none; do
  echo "######## $fm"
  timeout 150 ncu --target-processes all -k regex:sm_attn_fwd_wgmma --launch-skip 2 --launch-count 1 --metrics "$M" node $CLI bench ${fm%:*} --mod ${fm#*:} --reps 3 --json 2>&1 | grep -v '^{' | tail -45
done
) > $OUT/ncu.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
