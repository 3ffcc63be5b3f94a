#!/bin/bash
# Session 4, call 6 (2026-11-28): the time-based warm-up (TimingOptions.warmupMs, 25 ms) against the
# fixed 10 launches: each bench a fresh process after 15 s idle, so the card starts cold each time.
set -u
mkdir -p /tmp/b abx/new abx/old && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new; tar xJf .device-carry/ab/old.tar.xz -C abx/old
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
for r in 0 1 2; do for v in old new; do
  sleep 15
  echo "round $r $v $(nvidia-smi --query-gpu=clocks.sm --format=csv,noheader): $(timeout 60 node abx/$v/dist/cli.js bench test/gpu/fixtures/identity.scoremod.ts --mod none 2>&1 | grep 'time:')"
done; done > $OUT/warmup.txt 2>&1
echo "end $(date -u)" >> $OUT/gpu.txt
