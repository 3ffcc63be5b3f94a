#!/bin/bash
# Session 3, call 6 (2026-11-28): what limits the final kernel (ncu, one launch each: no mod, kv-bias, full-bias); the bench's aux-ring line on the card.
set -u
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
( timeout 60 node $CLI bench examples/full_bias.scoremod.ts --mod fullBias --shape 2,4,1000,1000,128; timeout 60 node $CLI bench examples/kv_bias.scoremod.ts --mod kvBiasMod --shape 2,4,1000,1000,64 ) > $OUT/bench-lines.txt 2>&1
M='gpu__time_duration.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active,sm__pipe_xu_cycles_active.avg.pct_of_peak_sustained_active,sm__pipe_alu_cycles_active.avg.pct_of_peak_sustained_active,sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active,smsp__average_warps_issue_stalled_long_scoreboard_per_issue_active.ratio,smsp__average_warps_issue_stalled_wait_per_issue_active.ratio,smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio,dram__bytes_read.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__t_sector_hit_rate.pct'
(
for fm in test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod examples/full_bias.scoremod.ts:fullBias; do
  echo "######## $fm"
  timeout 150 ncu --target-processes all -k regex:sm_attn_fwd_wgmma --launch-skip 2 --launch-count 1 --metrics "$M" node $CLI bench ${fm%:*} --mod ${fm#*:} --reps 3 --json 2>&1 | grep -v '^{' | tail -16
done
) > $OUT/ncu.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
