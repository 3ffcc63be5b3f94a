"""`scoremod bench --compare`, the Python half: on the inputs our kernel just ran (a dump
directory the runner wrote: meta.json, q/k/v/out/aux_*.bin as raw little-endian bytes, and
flex.py, the project's FlexAttention export of the same file), run torch.compile(flex_attention)
and SDPA, check that FlexAttention's output agrees with ours (bf16/f16 tolerance: max abs 2e-2,
rel L2 1.5e-2, no NaN), time them and flex_attention with neither mod (triton.testing.do_bench,
median, after --warmup-ms of warm-up) and print one JSON object as the last line of stdout.
Usage: python3 compare_flex.py DUMP_DIR [--warmup-ms N] [--causal]"""
import importlib.util
import json
import os
import sys


def main():
    d = sys.argv[1]
    causal = "--causal" in sys.argv[2:]
    # Our run's warm-up (the runner's TIMING), so ours and the peers are timed at the card's steady
    # clock: an H200 drops from 1980 MHz to about 1770-1875 within tens of milliseconds of load.
    warmup_ms = int(sys.argv[sys.argv.index("--warmup-ms") + 1]) if "--warmup-ms" in sys.argv else 25
    try:
        import torch
        import torch.nn.functional as F
        import triton.testing as tt
        from torch.nn.attention.flex_attention import flex_attention
    except Exception as e:  # no torch/triton: say so, as data
        print(json.dumps({"ok": False, "error": "python3 cannot import torch, triton and flex_attention: %s" % e}))
        return 1
    if not torch.cuda.is_available():
        print(json.dumps({"ok": False, "error": "torch sees no CUDA device"}))
        return 1
    dev = "cuda"
    meta = json.load(open(os.path.join(d, "meta.json")))
    dt = {"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32, "i32": torch.int32, "u8": torch.uint8,
          "u32": torch.int32, "i64": torch.int64, "u16": torch.uint16, "i8": torch.int8, "bool": torch.bool}
    s = meta["shape"]
    B, H, Hkv, Q, KV, D = s["B"], s["H"], s["Hkv"], s["Q"], s["KV"], s["D"]
    io = dt[meta["dtype"]]

    def raw(name, dtype, count):
        data = bytearray(open(os.path.join(d, name), "rb").read())
        return torch.frombuffer(data, dtype=dtype, count=count).to(dev)

    q = raw("q.bin", io, B * H * Q * D).view(B, H, Q, D)
    k = raw("k.bin", io, B * Hkv * KV * D).view(B, Hkv, KV, D)
    v = raw("v.bin", io, B * Hkv * KV * D).view(B, Hkv, KV, D)
    ours = raw("out.bin", io, B * H * Q * D).view(B, H, Q, D).float()
    aux = {}
    for a in meta["aux"]:
        buf = raw("aux_%s.bin" % a["name"], dt[a["dtype"]], a["allocElements"])
        aux[a["name"]] = torch.as_strided(buf, a["shape"], a["strides"])
    spec = importlib.util.spec_from_file_location("scoremod_flex_export", os.path.join(d, "flex.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dynamo resolves the mods' globals through sys.modules
    spec.loader.exec_module(mod)
    user = {n: x for n, x in meta["dims"].items() if n not in ("B", "H", "Q", "KV")}
    make = lambda name: mod.MODS[name][1](aux, B, H, Q, KV, scalars=meta["scalars"], **user) if name else None
    score_mod, mask_mod = make(meta["score"]), make(meta["mask"])
    torch._dynamo.config.cache_size_limit = 64
    flex = torch.compile(flex_attention, dynamic=False)
    # The export's own BlockMask (128x128 blocks, b/h broadcast where the analysis proved it).
    block_mask = mod.make_block_mask(meta["mask"], aux, B, H, Q, KV, device=dev, scalars=meta["scalars"], **user) if meta["mask"] else None
    run_flex = lambda: flex(q, k, v, score_mod=score_mod, block_mask=block_mask, scale=meta["scale"], enable_gqa=Hkv != H)
    got = run_flex().float()
    err = (got - ours).abs()
    nan = bool(torch.isnan(got).any() or torch.isnan(ours).any())
    rel = float(torch.linalg.vector_norm(got - ours) / torch.linalg.vector_norm(got))
    mx = float(err.max())
    agree = (not nan) and mx <= 2e-2 and rel <= 1.5e-2
    flex_ms = tt.do_bench(run_flex, warmup=warmup_ms, rep=100, return_mode="median")
    # Flex with neither mod on the same inputs: what the mods cost in Flex (a mask's baseline is dense).
    run_none = lambda: flex(q, k, v, scale=meta["scale"], enable_gqa=Hkv != H)
    run_none()
    flex_none_ms = tt.do_bench(run_none, warmup=warmup_ms, rep=100, return_mode="median")
    sdpa = lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal, scale=meta["scale"], enable_gqa=Hkv != H)
    sdpa_ms = tt.do_bench(sdpa, warmup=warmup_ms, rep=100, return_mode="median")
    print(json.dumps({"ok": agree, "torch": torch.__version__, "device": torch.cuda.get_device_name(),
                      "flex_ms": flex_ms, "flex_none_ms": flex_none_ms, "sdpa_ms": sdpa_ms, "sdpa_causal": causal,
                      "max_abs": mx, "rel_l2": rel, "nan": nan}))
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
