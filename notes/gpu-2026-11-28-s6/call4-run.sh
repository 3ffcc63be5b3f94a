#!/bin/bash
# Session 6, call 4 (2026-11-28, H200): the final kernel (persistent Hopper blocks without a mask, no
# chaining): the GPU suite's bench part (every example at B1 H16 S8192 D128 bf16, its full-shape
# checks, the cost over no mod, Flex and SDPA in the same run, 300 ms warm-up); SASS of no mod,
# kv-bias and alibi (runner-tu cubins built on the dev VM with nvcc); one ncu launch of no mod and
# of kv-bias (what limits the kernel).
set -u
mkdir -p /tmp/b abx/new dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
for c in .device-carry/sass/*.cubin; do cuobjdump -sass -fun sm_attn_fwd_wgmma_bf16_d128 $c > /tmp/$(basename $c .cubin).sass 2>&1; done
tar cJf $OUT/sass.tar.xz -C /tmp $(cd /tmp && ls *.sass)
nvidia-smi dmon -s pc -d 1 > $OUT/dmon.txt 2>&1 &
DMON=$!
SCOREMOD_GPU_PARTS=bench timeout 400 bash scripts/test-gpu.sh /tmp/g > $OUT/suite-bench.log 2>&1
echo "suite rc=$? $(date -u)" >> $OUT/gpu.txt
cp /tmp/g/report.txt $OUT/report.txt 2>/dev/null; cp /tmp/g/flex.log $OUT/flex.log 2>/dev/null
kill $DMON
M='gpu__time_duration.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active,sm__pipe_xu_cycles_active.avg.pct_of_peak_sustained_active,sm__pipe_alu_cycles_active.avg.pct_of_peak_sustained_active,sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active,smsp__average_warps_issue_stalled_long_scoreboard_per_issue_active.ratio,smsp__average_warps_issue_stalled_wait_per_issue_active.ratio,smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio,dram__bytes_read.sum,lts__t_sector_hit_rate.pct'
(
for fm in test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod; do
  echo "######## $fm"
  timeout 80 ncu --target-processes all -k regex:sm_attn_fwd_wgmma --launch-skip 2 --launch-count 1 --metrics "$M" node $CLI bench ${fm%:*} --mod ${fm#*:} --reps 3 --json 2>&1 | grep -v '^{' | tail -16
done
) > $OUT/ncu.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
