"""The Flex export's aux indices (issue 11): never wrapped, clamped where a guard discards the
value, and check_bounds raises where the CUDA would read out of range. Needs torch (CPU is enough;
CUDA when present). Run from the repository root after `node scripts/build.mjs`:
    python3 test/gpu/flex_bounds_check.py
Prints one line per check and exits 1 on any failure."""
import importlib.util
import os
import subprocess
import sys
import tempfile

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
dev = "cuda" if torch.cuda.is_available() else "cpu"
failures = 0


def export(name):
    out = os.path.join(tempfile.mkdtemp(), name + "_flex.py")
    src = os.path.join(ROOT, "test", "fixtures", "bounds", name + ".scoremod.ts")
    subprocess.run(["node", os.path.join(ROOT, "dist", "cli.js"), "export", src, "--to", "flex", "--out", out], check=True, capture_output=True)
    spec = importlib.util.spec_from_file_location("flex_" + name, out)
    m = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = m
    spec.loader.exec_module(m)
    return m


def check(what, ok, detail=""):
    global failures
    failures += 0 if ok else 1
    print(("PASS " if ok else "FAIL ") + what + (": " + detail if detail else ""))


def raises(f):
    try:
        f()
        return None
    except IndexError as e:
        return str(e)


B, H, Q, KV = 1, 2, 32, 48

# 1. kv - 1: check_bounds raises at kv = 0, index -1; without the check, kv = 0 reads prev[0] (clamped), never prev[-1].
m = export("neg_offset")
aux = m.make_aux(B, H, Q, KV, device=dev, seed=0)
msg = raises(lambda: m.make_prevBias(aux, B, H, Q, KV))
check("negative index raises IndexError before use", msg is not None and "index -1 not in [0, 48)" in msg and "kv=0" in msg, str(msg))
mod = m.make_prevBias(aux, B, H, Q, KV, check=False)
z = torch.zeros((), device=dev)
ar = lambda n, v: torch.arange(n, device=dev, dtype=torch.int32).view(*v)
got = mod(z, ar(B, (B, 1, 1, 1)), ar(H, (1, H, 1, 1)), ar(Q, (1, 1, Q, 1)), ar(KV, (1, 1, 1, KV)))
prev = aux["prev"].float()
check("kv = 0 reads the clamped prev[0], not the wrapped prev[-1]", bool((got[..., 0] == prev[0]).all()) and bool((got[..., 0] != prev[-1]).any() or prev[0] == prev[-1]))

# 2. A guard inside the mod: no error, the guarded side reads nothing outside, flex_attention agrees with eager masking.
m = export("guarded")
LEN = 20
aux = m.make_aux(B, H, Q, KV, device=dev, seed=0, LEN=LEN)
msg = raises(lambda: m.make_headBias(aux, B, H, Q, KV, LEN=LEN))
check("a guarded load passes check_bounds", msg is None, str(msg))
mod = m.make_headBias(aux, B, H, Q, KV, LEN=LEN)
s = torch.randn(B, H, Q, KV, device=dev)
got = mod(s, ar(B, (B, 1, 1, 1)), ar(H, (1, H, 1, 1)), ar(Q, (1, 1, Q, 1)), ar(KV, (1, 1, 1, KV)))
want = s.clone()
want[..., :LEN] += aux["head_bias"].float()
check("the guarded score_mod equals the reference", torch.allclose(got, want), f"max diff {float((got - want).abs().max())}")
try:
    from torch.nn.attention.flex_attention import flex_attention
    q, k, v = (torch.randn(B, H, n, 64, device=dev) for n in (Q, KV, KV))
    out = flex_attention(q, k, v, score_mod=mod)
    ref = torch.softmax((q @ k.transpose(-1, -2)) / 8 + torch.where(torch.arange(KV, device=dev) < LEN, torch.nn.functional.pad(aux["head_bias"].float(), (0, KV - LEN)), 0), -1) @ v
    check("flex_attention (eager) with the guarded mod", torch.allclose(out, ref, atol=2e-3, rtol=2e-3), f"max diff {float((out - ref).abs().max())}")
except Exception as e:  # noqa: BLE001
    check("flex_attention (eager) with the guarded mod", False, repr(e))

# 3. The off-by-one guard: check_bounds raises at kv = LEN.
m = export("guard_off_by_one")
aux = m.make_aux(B, H, Q, KV, device=dev, seed=0, LEN=LEN)
msg = raises(lambda: m.make_headBias(aux, B, H, Q, KV, LEN=LEN))
check("an off-by-one guard raises at kv = LEN", msg is not None and f"index {LEN} not in [0, {LEN})" in msg and f"kv={LEN}" in msg, str(msg))

print(f"{failures} failed")
sys.exit(1 if failures else 0)
