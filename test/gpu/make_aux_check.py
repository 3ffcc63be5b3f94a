"""The Flex exports' make_aux on the GPU against the CPU sampler: every tensor of the examples the
GPU suite lists (MAKE_AUX), byte for byte. The suite writes the CPU's bytes to OUTDIR/make_aux.

usage: python3 test/gpu/make_aux_check.py OUTDIR FLEX_EXPORT_DIR"""
import importlib.util
import json
import os
import sys

import torch

out_dir, flex_dir = sys.argv[1], sys.argv[2]
root = os.path.join(out_dir, "make_aux")
checks = []
for base in sorted(os.listdir(root)):
    meta = json.load(open(os.path.join(root, base, "meta.json")))
    try:
        spec = importlib.util.spec_from_file_location("export_" + base, os.path.join(flex_dir, base + ".py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        d = meta["dims"]
        aux = mod.make_aux(d["B"], d["H"], d["Q"], d["KV"], device="cuda", seed=meta["seed"])
        bad = []
        for t in meta["tensors"]:
            want = open(os.path.join(root, base, t["name"] + ".bin"), "rb").read()
            v = aux[t["name"]]
            # The allocation behind the strided view, as bytes (the CPU's allocation, padding 0).
            span = 1 + sum((n - 1) * st for n, st in zip(v.shape, v.stride()))
            flat = torch.as_strided(v, (span,), (1,), v.storage_offset()).contiguous()
            got = flat.view(torch.uint8).cpu().numpy().tobytes() if flat.dtype != torch.bool else flat.to(torch.uint8).cpu().numpy().tobytes()
            if got != want:
                first = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
                bad.append("%s (%s): first differing byte %d of %d" % (t["name"], t["dtype"], first, len(want)))
        ok = not bad
        detail = "; ".join(bad) or "%d tensors bitwise equal to the CPU sampler" % len(meta["tensors"])
    except Exception as e:  # an export that fails to run is a failed check
        ok, detail = False, "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
    checks.append({"name": "make_aux %s" % base, "ok": ok, "detail": detail})
    print("%s make_aux %s: %s" % ("PASS" if ok else "FAIL", base, detail), flush=True)
json.dump({"checks": checks}, open(os.path.join(out_dir, "make_aux.json"), "w"))
