#!/bin/bash
# Session 6, call 7 (2026-11-28, H200): the standalone kernel harnesses' checks (no timings) after
# their causal skip flag was replaced by causal block maps (the flag left the kernels with block
# sparsity; both harnesses had stopped compiling). Binaries built on the dev VM
# (scripts/gpu-kernels.sh build, build-wg).
set -u
mkdir -p /tmp/k && for f in harness wg_harness; do xz -dc .device-carry/kh/$f.xz > /tmp/k/$f && chmod +x /tmp/k/$f; done
date -u > $OUT/gpu.txt
timeout 170 /tmp/k/wg_harness --no-time > $OUT/wg_harness.log 2>&1
echo "wg_harness rc=$? $(date -u)" >> $OUT/gpu.txt
timeout 170 /tmp/k/harness --no-time --root $PWD --cuda-include /usr/local/cuda/include > $OUT/harness.log 2>&1
echo "harness rc=$? $(date -u)" >> $OUT/gpu.txt
