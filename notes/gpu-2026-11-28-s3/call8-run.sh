#!/bin/bash
# Session 3, call 8 (2026-11-28): SM clock and power while no mod and kv-bias run (2000 timed launches each, alternated): is kv-bias's gap partly the power limit?
set -u
mkdir -p /tmp/b abx/new && xz -dc .device-carry/node.xz > /tmp/b/node && chmod +x /tmp/b/node
export PATH=/tmp/b:$PATH SCOREMOD_NATIVE=$PWD/csrc/build/Release/scoremod_native.node
tar xJf .device-carry/ab/new.tar.xz -C abx/new
CLI=abx/new/dist/cli.js
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv > $OUT/gpu.txt; date -u >> $OUT/gpu.txt
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu --format=csv,noheader,nounits -lms 20 > /tmp/clk.csv &
SMI=$!
for r in 0 1 2; do
  for fm in test/gpu/fixtures/identity.scoremod.ts:none examples/kv_bias.scoremod.ts:kvBiasMod; do
    t0=$(date +%s.%N)
    res=$(timeout 90 node $CLI bench ${fm%:*} --mod ${fm#*:} --reps 2000 --json 2>/dev/null | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print("%.4f" % r["timing"]["ms"])')
    t1=$(date +%s.%N)
    echo "$r ${fm#*:} $t0 $t1 $res"
  done
done > /tmp/runs.txt
kill $SMI
cp /tmp/runs.txt $OUT/runs.txt; cp /tmp/clk.csv $OUT/clk.csv
python3 - <<'PY' > $OUT/clocks.txt
import datetime, statistics
rows=[]
for line in open('/tmp/clk.csv'):
    p=[x.strip() for x in line.split(',')]
    try:
        ts=datetime.datetime.strptime(p[0], '%Y/%m/%d %H:%M:%S.%f').replace(tzinfo=datetime.timezone.utc).timestamp()
        rows.append((ts, float(p[1]), float(p[2]), float(p[3])))
    except Exception: pass
print("round mod ms | samples under load (power > 300 W): median SM MHz, median W, max C")
for line in open('/tmp/runs.txt'):
    r, mod, t0, t1, ms = line.split()
    s=[x for x in rows if float(t0) <= x[0] <= float(t1) and x[2] > 300]
    if s: print(r, mod, ms, "|", len(s), statistics.median(x[1] for x in s), statistics.median(x[2] for x in s), max(x[3] for x in s))
    else: print(r, mod, ms, "| no samples under load")
PY
echo "end $(date -u)" >> $OUT/gpu.txt
