#!/bin/bash
# Session 6, call 9 (2026-11-28, H200): the standalone kernel harnesses' checks (no timings) again,
# after the review moved their causal block maps into test/gpu/kernels/block_map.h (CausalMaps).
set -u
mkdir -p /tmp/k && for f in harness wg_harness; do xz -dc .device-carry/kh/$f.xz > /tmp/k/$f && chmod +x /tmp/k/$f; done
date -u > $OUT/gpu.txt
timeout 170 /tmp/k/wg_harness --no-time > $OUT/wg_harness.log 2>&1
echo "wg_harness rc=$? $(date -u)" >> $OUT/gpu.txt
timeout 170 /tmp/k/harness --no-time --root $PWD --cuda-include /usr/local/cuda/include > $OUT/harness.log 2>&1
echo "harness rc=$? $(date -u)" >> $OUT/gpu.txt
