#!/bin/bash
# Session 5, call 3 (2026-11-28, H200): the GPU suite's bench part with each mod timed alternated
# with the no-mod kernel (vsNone: the "vs none" column), Flex and SDPA in the same run; the SASS of
# kv-bias, full-bias and no mod (runner-tu cubins built here with nvcc) for the softmax's instruction mix.
set -u
mkdir -p /tmp/b dist && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
xz -dc .device-carry/dist/runner-worker.js.xz > dist/runner-worker.js; xz -dc .device-carry/dist/gpu-tests.js.xz > dist/gpu-tests.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
for c in .device-carry/sass/*.cubin; do cuobjdump -sass -fun sm_attn_fwd_wgmma_bf16_d128 $c > /tmp/$(basename $c .cubin).sass 2>&1; done
tar cJf $OUT/sass.tar.xz -C /tmp $(cd /tmp && ls *.sass)
nvidia-smi dmon -s pc -d 1 > $OUT/dmon.txt 2>&1 &
DMON=$!
SCOREMOD_GPU_PARTS=bench timeout 420 bash scripts/test-gpu.sh /tmp/g > $OUT/suite-bench.log 2>&1
cp /tmp/g/report.txt $OUT/report.txt 2>/dev/null; cp /tmp/g/flex.log $OUT/flex.log 2>/dev/null
echo "end $(date -u)" >> $OUT/gpu.txt
kill $DMON
