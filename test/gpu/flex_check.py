"""GPU tests, Flex half (run by scripts/test-gpu.sh after the Node suite, in the same run):
1. Flex cross-check: for every case the Node suite dumped (OUTDIR/cases/*/: q/k/v/aux/out as raw
   little-endian bytes + meta.json), run the Flex export of the same file (FLEXDIR/<file>.py, made
   by `scoremod export --to flex --out`, with the scoremod_sample.py it loads beside it) through torch.compile(flex_attention) on the same inputs and
   compare with the runner's output (bf16 tolerance: max abs 2e-2, rel L2 1.5e-2; NaN fails).
2. Peer timings at B1 H16 S8192 D128 bf16 for every benchmarked case (OUTDIR/runner.json):
   torch.compile(flex_attention) with the exported mods (masks through create_block_mask) and
   SDPA (is_causal for causal cases), median of triton.testing.do_bench.
Writes OUTDIR/flex.json; prints one line per check."""
import importlib.util
import json
import math
import os
import sys
import traceback

import torch
import torch.nn.functional as F
from torch.nn.attention.flex_attention import flex_attention

out_dir, flex_dir = sys.argv[1], sys.argv[2]
dev = "cuda"
torch._dynamo.config.recompile_limit = 256
torch._dynamo.config.cache_size_limit = 256
flex = torch.compile(flex_attention, dynamic=False)
DT = {"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32, "i32": torch.int32, "u8": torch.uint8, "u32": torch.int32, "i64": torch.int64, "u16": torch.uint16, "i8": torch.int8, "bool": torch.bool}
result = {"torch": f"torch {torch.__version__}", "checks": [], "bench": []}
modules = {}


def export(base):
    if base not in modules:
        path = os.path.join(flex_dir, base + ".py")
        spec = importlib.util.spec_from_file_location("flex_" + base, path)
        m = importlib.util.module_from_spec(spec)
        # Registered before running it: dynamo resolves the mods' globals (math, torch) through
        # sys.modules when it traces them.
        sys.modules[spec.name] = m
        spec.loader.exec_module(m)
        modules[base] = m
    return modules[base]


def raw(path, dtype, count):
    data = bytearray(open(path, "rb").read())
    return torch.frombuffer(data, dtype=dtype, count=count).to(dev)


def score_mod_for(mod, score, B, H, Q, KV, aux, scalars, dims, extra=None):
    """The export's score_mod (the mask reaches Flex through block_mask below)."""
    user = {k: v for k, v in dims.items() if k not in ("B", "H", "Q", "KV")}
    user.update(extra or {})
    return mod.MODS[score][1](aux, B, H, Q, KV, scalars=scalars, **user) if score else None


def block_mask(mod, mask, aux, B, H, Q, KV, scalars, dims, extra=None):
    """The export's own BlockMask (128x128 blocks, b/h broadcast where the analysis proved it)."""
    user = {k: v for k, v in dims.items() if k not in ("B", "H", "Q", "KV")}
    user.update(extra or {})
    return mod.make_block_mask(mask, aux, B, H, Q, KV, device=dev, scalars=scalars, **user) if mask else None


def unpack(packed, cu, S):
    """A packed [heads, TOTAL, D] tensor as the padded batch [B, heads, S, D] (zeros past each sequence)."""
    heads, _, dd = packed.shape
    out = torch.zeros(len(cu) - 1, heads, S, dd, dtype=packed.dtype, device=packed.device)
    for b in range(len(cu) - 1):
        out[b, :, : cu[b + 1] - cu[b]] = packed[:, cu[b]: cu[b + 1]]
    return out


def pack(padded, cu):
    """The rows of each sequence of a padded [B, heads, S, D] batch, packed: [heads, TOTAL, D]."""
    return torch.cat([padded[b, :, : cu[b + 1] - cu[b]] for b in range(len(cu) - 1)], dim=1)


# ---- 1. cross-check on the dumped small problems ----
cases_dir = os.path.join(out_dir, "cases")
for name in sorted(os.listdir(cases_dir)) if os.path.isdir(cases_dir) else []:
    d = os.path.join(cases_dir, name)
    try:
        meta = json.load(open(os.path.join(d, "meta.json")))
        s = meta["shape"]
        B, H, Hkv, Q, KV, D = s["B"], s["H"], s["Hkv"], s["Q"], s["KV"], s["D"]
        vl = meta.get("seqlens")
        extra = None
        if vl:
            # A varlen run (docs/varlen.md): the runner's buffers are packed [1, heads, TOTAL, D];
            # Flex has no varlen, so the export runs the padded batch with cu_seqlens (seqlens=).
            cq, ck = vl["cu_seqlens_q"], vl["cu_seqlens_k"]
            TQ, TK = cq[-1], ck[-1]
            q = unpack(raw(os.path.join(d, "q.bin"), torch.bfloat16, H * TQ * D).view(H, TQ, D), cq, Q)
            k = unpack(raw(os.path.join(d, "k.bin"), torch.bfloat16, Hkv * TK * D).view(Hkv, TK, D), ck, KV)
            v = unpack(raw(os.path.join(d, "v.bin"), torch.bfloat16, Hkv * TK * D).view(Hkv, TK, D), ck, KV)
            ours = raw(os.path.join(d, "out.bin"), torch.bfloat16, H * TQ * D).view(H, TQ, D).float()
            extra = {"seqlens": (cq, ck)}
        else:
            q = raw(os.path.join(d, "q.bin"), torch.bfloat16, B * H * Q * D).view(B, H, Q, D)
            k = raw(os.path.join(d, "k.bin"), torch.bfloat16, B * Hkv * KV * D).view(B, Hkv, KV, D)
            v = raw(os.path.join(d, "v.bin"), torch.bfloat16, B * Hkv * KV * D).view(B, Hkv, KV, D)
            ours = raw(os.path.join(d, "out.bin"), torch.bfloat16, B * H * Q * D).view(B, H, Q, D).float()
        aux = {}
        for a in meta["aux"]:
            buf = raw(os.path.join(d, "aux_%s.bin" % a["name"]), DT[a["dtype"]], a["allocElements"])
            aux[a["name"]] = torch.as_strided(buf, a["shape"], a["strides"])
        base = os.path.basename(meta["file"]).replace(".scoremod.ts", "")
        mod = export(base)
        sm = score_mod_for(mod, meta["score"], B, H, Q, KV, aux, meta["scalars"], meta["dims"], extra)
        bm = block_mask(mod, meta["mask"], aux, B, H, Q, KV, meta["scalars"], meta["dims"], extra)
        note = ""
        try:
            got = flex(q, k, v, score_mod=sm, block_mask=bm, scale=meta["scale"], enable_gqa=Hkv != H).float()
        except Exception as e:
            # Flex's own autotuning can pick a config whose shared memory does not fit (seen on
            # the packed bit mask at D = 64): that is Flex's limit, not the export's; retry with
            # smaller blocks and one stage, and say so.
            if "out of resource" not in str(e) and "No valid triton configs" not in str(e):
                raise
            got = flex(q, k, v, score_mod=sm, block_mask=bm, scale=meta["scale"], enable_gqa=Hkv != H,
                       kernel_options={"BLOCK_M": 64, "BLOCK_N": 64, "num_stages": 1}).float()
            note = " (Flex's default config did not fit shared memory: BLOCK 64x64, 1 stage)"
        if vl:
            got = pack(got, cq)
        err = (got - ours).abs()
        nan = bool(torch.isnan(got).any() or torch.isnan(ours).any())
        rel = float(torch.linalg.vector_norm(got - ours) / torch.linalg.vector_norm(got))
        mx = float(err.max())
        ok = (not nan) and mx <= 2e-2 and rel <= 1.5e-2
        detail = "vs torch.compile(flex_attention) on the same inputs: max abs %.2e, rel L2 %.2e%s%s" % (mx, rel, ", NaN" if nan else "", note)
    except Exception as e:  # a broken export or a torch error is a failed check, not a crash
        ok, detail = False, "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
        traceback.print_exc()
    result["checks"].append({"label": name, "ok": ok, "detail": detail})
    print("%s flex cross-check %s: %s" % ("PASS" if ok else "FAIL", name, detail), flush=True)

# ---- 2. peer timings on the benchmark shape ----
try:
    import triton.testing as tt
except ImportError:
    tt = None
runner = json.load(open(os.path.join(out_dir, "runner.json")))
B, H, S, D = 1, 16, 8192, 128
gen = torch.Generator(device=dev).manual_seed(7)
q, k, v = (torch.randn(B, H, S, D, device=dev, dtype=torch.bfloat16, generator=gen) for _ in range(3))


def bench_aux(mod, dims):
    """make_aux, except tensors too large to sample element by element get plain randn (timing only)."""
    small, out = [], {}
    for spec in mod.TENSORS:
        shape = [x if isinstance(x, int) else dims[x] for x in spec["shape"]]
        if math.prod(shape) <= (1 << 24) or spec["dtype"] not in ("bf16", "f16", "f32"):
            small.append(spec)
            continue
        strides = [mod._eval_poly(p, dims) for p in spec["strides"]]
        span = 1 + sum((n - 1) * st for n, st in zip(shape, strides))
        out[spec["name"]] = torch.as_strided(torch.randn(span, device=dev, dtype=DT[spec["dtype"]], generator=gen), shape, strides)
    keep = mod.TENSORS
    mod.TENSORS = small
    try:
        out.update(mod.make_aux(B, H, S, S, device=dev, seed=1))
    finally:
        mod.TENSORS = keep
    return out


def timed(fn, warmup_ms):
    """do_bench after our run's warm-up (its timing.warmupMs): both timed at the card's steady clock."""
    fn()
    torch.cuda.synchronize()
    return tt.do_bench(fn, warmup=warmup_ms, rep=100, return_mode="median")


for b in runner.get("benches", []):
    row = {"label": b["label"], "flex_ms": None, "sdpa_ms": None, "causal": b.get("causal", False)}
    try:
        base = b["file"]
        mod = export(base)
        dims = {"B": B, "H": H, "Q": S, "KV": S}
        aux = bench_aux(mod, dims)
        kinds = {n: kind for n, (kind, _) in mod.MODS.items()}
        names = [b["mod"]] + ([b["pair"]] if b.get("pair") else [])
        score = next((n for n in names if kinds[n] == "score"), None)
        mask = next((n for n in names if kinds[n] == "mask"), None)
        sm = score_mod_for(mod, score, B, H, S, S, aux, None, dims)
        bm = block_mask(mod, mask, aux, B, H, S, S, None, dims)
        warmup_ms = b["timing"].get("warmupMs", 25)
        row["flex_ms"] = timed(lambda: flex(q, k, v, score_mod=sm, block_mask=bm), warmup_ms)
        row["sdpa_ms"] = timed(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=row["causal"]), warmup_ms)
    except Exception as e:
        row["error"] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
        traceback.print_exc()
    result["bench"].append(row)
    print("peer %s: flex %s ms, sdpa %s ms%s" % (row["label"], row["flex_ms"], row["sdpa_ms"], " (" + row["error"] + ")" if "error" in row else ""), flush=True)

json.dump(result, open(os.path.join(out_dir, "flex.json"), "w"), indent=1)
