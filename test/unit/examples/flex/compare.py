# Compares the float64 JS reference (dump.ts) with PyTorch FlexAttention on the same inputs.
# The mods below are the Python equivalents of examples/*.scoremod.ts, written by hand.
# Usage: python3 compare.py DUMPDIR [--compiled]   (exit 1 on any mismatch)
# Default: eager FlexAttention (its float64 math path), tolerance 1e-9. --compiled: the fused
# Triton kernel from torch.compile on the GPU in float32, tolerance 1e-4.
import json
import os
import sys

import numpy as np
import torch
from torch.nn.attention.flex_attention import create_block_mask, flex_attention

d = sys.argv[1]
cases = json.load(open(os.path.join(d, "manifest.json")))
dev = "cuda" if torch.cuda.is_available() else "cpu"
compiled = "--compiled" in sys.argv[2:]
if compiled and dev != "cuda":
    raise SystemExit("--compiled needs a GPU")
attend = torch.compile(flex_attention, dynamic=False) if compiled else flex_attention
work = torch.float32 if compiled else torch.float64
tol = 1e-4 if compiled else 1e-9


def load(file, shape):
    return torch.from_numpy(np.fromfile(os.path.join(d, file), dtype="<f8").reshape(shape)).to(dev, work)


def mods(c, t):
    sc = c["scalars"]
    n = c["name"]
    causal = lambda b, h, q, kv: q >= kv
    if n == "kv_bias":
        return (lambda s, b, h, q, kv: s + t["kv_bias"][b, h, kv]), None
    if n == "full_bias":
        return (lambda s, b, h, q, kv: s + t["full_bias"][b, h, q, kv]), None
    if n == "alibi":
        return (lambda s, b, h, q, kv: s + t["alibi_slopes"][h] * (kv - q)), None
    if n == "softcap":
        cap = sc["softcap"]
        return (lambda s, b, h, q, kv: cap * torch.tanh(s / cap)), causal
    if n == "relative_position":
        return (lambda s, b, h, q, kv: s + t["rel_bias"][h, torch.clamp(q - kv, -128, 128) + 128]), None
    if n == "document_mask":
        return None, (lambda b, h, q, kv: t["doc_id"][b, q] == t["doc_id"][b, kv])
    if n == "sliding_window":
        w = sc["window"]
        return None, (lambda b, h, q, kv: torch.abs(q - kv) <= w)
    if n == "prefix_lm":
        return None, (lambda b, h, q, kv: (kv < t["prefix_len"][b]) | (q >= kv))
    if n == "causal":
        return None, causal
    if n == "empty_rows":
        return (lambda s, b, h, q, kv: s + t["kv_bias"][b, h, kv]), (lambda b, h, q, kv: q >= kv + 2)
    raise SystemExit(f"no Python mods for case {n}")


bad = 0
print(f"torch {torch.__version__} on {dev}, {'compiled' if compiled else 'eager'}, {work}")
for c in cases:
    B, H, Hkv, Q, KV, D = c["B"], c["H"], c["Hkv"], c["Q"], c["KV"], c["D"]
    t = {name: load(x["file"], x["shape"]) for name, x in c["tensors"].items()}
    for name in ("doc_id", "prefix_len"):
        if name in t:
            t[name] = t[name].to(torch.int64)
    q, k, v = load(c["q"], (B, H, Q, D)), load(c["k"], (B, Hkv, KV, D)), load(c["v"], (B, Hkv, KV, D))
    sm, mm = mods(c, t)
    bm = create_block_mask(mm, B, H, Q, KV, device=dev) if mm else None
    out, lse = attend(q, k, v, score_mod=sm, block_mask=bm, scale=c["scale"], enable_gqa=Hkv != H, return_lse=True)
    ref_out, ref_lse = load(c["out"], (B, H, Q, D)), load(c["lse"], (B, H, Q))
    err_out = (out - ref_out).abs().max().item()
    both_inf = torch.isinf(lse) & torch.isinf(ref_lse) & (torch.sign(lse) == torch.sign(ref_lse))
    err_lse = torch.where(both_inf, torch.zeros_like(lse), (lse - ref_lse).abs()).max().item()
    masked_rows = int(torch.isinf(ref_lse).sum().item())
    ok = err_out < tol and err_lse < tol
    bad += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {c['name']:<18} dtype={out.dtype} max|out-ref|={err_out:.3e} max|lse-ref|={err_lse:.3e} fully-masked rows={masked_rows}")
sys.exit(1 if bad else 0)
