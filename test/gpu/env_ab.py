"""Kernel A/B through the CLI: each mod benched under each environment variant, alternated for
ROUNDS rounds in one process on one machine (lent machines differ by several %, so only
same-call comparisons count). Prints one line per run and a table of medians (ms).

usage: python3 test/gpu/env_ab.py NODE CLI_JS ROUNDS LABEL=ENV[,ENV...]|LABEL= ... -- FILE:MOD[@B,H,Q,KV,D] ...
  e.g. ... 2 w176= w128=SCOREMOD_WG_BLOCK_N=128 -- test/gpu/fixtures/identity.scoremod.ts:none
  (CLI=path in a variant runs that build of the CLI instead of CLI_JS; @shape passes --shape)
  AB_VS_NONE=1 in the environment adds --vs-none: each run also times the same kernel with no mod,
  alternated launch by launch, and the table shows the mod's cost (the pairs' median ratio) beside
  its time: a cost compared across variants is immune to the card changing speed mid-run."""
import json
import os
import subprocess
import sys

node, cli, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
rest = sys.argv[4:]
sep = rest.index("--")
variants = []
for v in rest[:sep]:
    label, env = v.split("=", 1)
    variants.append((label, dict(e.split("=", 1) for e in env.split(",") if e)))
mods = []
for m in rest[sep + 1:]:
    path, mod = m.rsplit(":", 1)
    mod, _, shape = mod.partition("@")
    mods.append((path, mod, shape))
vs_none = os.environ.get("AB_VS_NONE") == "1"
times = {}
costs = {}
for r in range(rounds):
    for path, mod, shape in mods:
        key = mod + ("@" + shape if shape else "")
        # The variants' order turns each round: a run heats the card for the next, so a fixed
        # order would favour whichever comes first.
        turn = r % len(variants)
        for label, env in variants[turn:] + variants[:turn]:
            # CLI=path in a variant's environment runs another build of the CLI (a before/after A/B).
            run_env = {k: v for k, v in env.items() if k != "CLI"}
            args = [node, env.get("CLI", cli), "bench", path, "--mod", mod, "--json"] + (["--shape", shape] if shape else []) + (["--vs-none"] if vs_none else [])
            p = subprocess.run(args, capture_output=True, text=True, env={**os.environ, **run_env})
            try:
                res = json.loads(p.stdout)["results"][0]
                ms = res["timing"]["ms"]
                ok = res.get("ok")
            except Exception:
                print("round %d %s %s: error: %s" % (r, key, label, (p.stdout + p.stderr)[-600:]), flush=True)
                continue
            times.setdefault((key, label), []).append(ms)
            cost = res["timing"].get("vsNone")
            if cost:
                costs.setdefault((key, label), []).append(cost["ratio"])
            print("round %d %s %s: %.4f ms ok=%s%s" % (r, key, label, ms, ok, " cost %+.1f%% (pairs 25-75%%: %+.1f%% to %+.1f%%, no mod %.4f ms)" % (
                100 * (cost["ratio"] - 1), 100 * (cost["ratioLow"] - 1), 100 * (cost["ratioHigh"] - 1), cost["ms"]) if cost else ""), flush=True)
print("\nmod | " + " | ".join(l for l, _ in variants))
for _, mod, shape in mods:
    key = mod + ("@" + shape if shape else "")
    print(key + " | " + " | ".join("/".join("%.3f" % t for t in times.get((key, l), [])) for l, _ in variants))
if costs:
    print("\ncost over no mod (alternated pairs' median), per run\nmod | " + " | ".join(l for l, _ in variants))
    for _, mod, shape in mods:
        key = mod + ("@" + shape if shape else "")
        print(key + " | " + " | ".join("/".join("%+.1f%%" % (100 * (c - 1)) for c in costs.get((key, l), [])) for l, _ in variants))
