"""Kernel A/B through the CLI: each mod benched under each environment variant, alternated for
ROUNDS rounds in one process on one machine (lent machines differ by several %, so only
same-call comparisons count). Prints one line per run and a table of medians (ms).

usage: python3 test/gpu/env_ab.py NODE CLI_JS ROUNDS LABEL=ENV[,ENV...]|LABEL= ... -- FILE:MOD ...
  e.g. ... 2 w176= w128=SCOREMOD_WG_BLOCK_N=128 -- test/gpu/fixtures/identity.scoremod.ts:none
  (CLI=path in a variant runs that build of the CLI instead of CLI_JS)"""
import json
import os
import statistics
import subprocess
import sys

node, cli, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
rest = sys.argv[4:]
sep = rest.index("--")
variants = []
for v in rest[:sep]:
    label, env = v.split("=", 1)
    variants.append((label, dict(e.split("=", 1) for e in env.split(",") if e)))
mods = [m.rsplit(":", 1) for m in rest[sep + 1:]]
times = {}
for r in range(rounds):
    for path, mod in mods:
        for label, env in variants:
            # CLI=path in a variant's environment runs another build of the CLI (a before/after A/B).
            run_env = {k: v for k, v in env.items() if k != "CLI"}
            p = subprocess.run([node, env.get("CLI", cli), "bench", path, "--mod", mod, "--json"], capture_output=True, text=True, env={**os.environ, **run_env})
            try:
                res = json.loads(p.stdout)["results"][0]
                ms = res["timing"]["ms"]
                ok = res.get("ok")
            except Exception:
                print("round %d %s %s: error: %s" % (r, mod, label, (p.stdout + p.stderr)[-600:]), flush=True)
                continue
            times.setdefault((mod, label), []).append(ms)
            print("round %d %s %s: %.4f ms ok=%s" % (r, mod, label, ms, ok), flush=True)
print("\nmod | " + " | ".join(l for l, _ in variants))
for _, mod in mods:
    print(mod + " | " + " | ".join("/".join("%.3f" % t for t in times.get((mod, l), [])) for l, _ in variants))
