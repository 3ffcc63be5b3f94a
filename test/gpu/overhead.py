"""Where a bench's wall time goes at the standard shape (B1 H16 S8192 D128 bf16): the CLI run as
a user runs it, per mod, split by the worker's stages (result.phases). "worker outside" is the
worker's own time less compilation and the timed reps; "process outside" is the whole CLI process
(Node start-up, its own analysis, the runner's start and exit included) less the compile and timed
stages the worker waited on: the bar of issue 15 is under 1 s. Compilation the runner started
ahead (while the CLI analyses) and finished before the bench asked for it counts as outside, so
the figure is an upper bound. Each build runs one bench first, untimed (it writes the code cache). Several CLI builds can be
compared in one call (before/after a change, on the same machine).

usage: python3 test/gpu/overhead.py NODE LABEL=CLI_JS [LABEL=CLI_JS ...] > table"""
import json
import subprocess
import sys
import time

node, builds = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
MODS = [
    ("test/gpu/fixtures/identity.scoremod.ts", "none"),
    ("examples/kv_bias.scoremod.ts", "kvBiasMod"),
    ("examples/full_bias.scoremod.ts", "fullBias"),
    ("examples/document_mask.scoremod.ts", "documentMask"),
    ("examples/graph_distance.scoremod.ts", "graphDistance"),
    ("examples/spatial_bias.scoremod.ts", "spatialBiasMod"),
]
rows = [["build", "mod", "process s", "worker s", "compile", "data", "time", "other", "worker outside", "process outside (bar < 1 s)", "ok"]]
for label, cli in builds:
    subprocess.run([node, cli, "bench", MODS[0][0], "--mod", MODS[0][1], "--json"], capture_output=True, text=True)
    for path, mod in MODS:
        t0, r = time.time(), None
        p = subprocess.run([node, cli, "bench", path, "--mod", mod, "--json"], capture_output=True, text=True)
        wall = time.time() - t0
        try:
            r = json.loads(p.stdout)["results"][0]
            if "error" in r:
                raise RuntimeError("%s: %s" % (r["error"]["kind"], r["error"]["message"]))
            ph = r["phases"]
            st = ph["stages"]
            other = ph["totalMs"] - st.get("compile", 0) - st.get("data", 0) - st.get("time", 0)
            rows.append([label, mod, "%.2f" % wall, "%.2f" % (ph["totalMs"] / 1e3), "%.0f" % st.get("compile", 0), "%.0f" % st.get("data", 0),
                         "%.0f" % st.get("time", 0), "%.0f" % other, "%.0f ms" % ph["outsideMs"],
                         "%.0f ms" % (wall * 1e3 - st.get("compile", 0) - st.get("time", 0)), str(r.get("ok"))])
        except Exception as e:  # a refusal or crash is a row, not an abort
            why = str(e) if isinstance(e, RuntimeError) else ((p.stdout + p.stderr).strip().splitlines() or [type(e).__name__])[-1]
            rows.append([label, mod, "%.2f" % wall, "-", "-", "-", "-", "-", "-", "-", "error: %s" % why[:160]])
        print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
        if isinstance(r, dict) and r.get("ok") is False:
            for c in r.get("checks", []):
                if not c.get("ok", True):
                    print("  FAILED check %s: %s" % (c.get("name"), json.dumps(c)[:600]), file=sys.stderr, flush=True)
            for o in r.get("obligations", []):
                if not o.get("ok", True):
                    print("  FAILED obligation %s" % json.dumps(o)[:400], file=sys.stderr, flush=True)
        if "phases" in (r if isinstance(r, dict) else {}):
            print("  stages: " + ", ".join("%s %.0f" % kv for kv in r["phases"]["stages"].items()), file=sys.stderr, flush=True)
w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
for r in rows:
    print("  ".join(x.ljust(w[i]) for i, x in enumerate(r)))
