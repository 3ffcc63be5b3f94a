"""Peer timings for the attention-kernel harness: PyTorch SDPA and torch.compile(flex_attention)
on B=1 H=16 S=8192 D=128 bf16, timed like the harness (CUDA events around each call, warm-up,
>= 50 reps, median, 4 rotating input sets). Prints 'peer table' last."""
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch.nn.attention.flex_attention import create_block_mask, flex_attention

B, H, S, D = 1, 16, 8192, 128
REPS, WARM, SETS = 60, 5, 4
dev = "cuda"
torch._dynamo.config.recompile_limit = 64
torch._dynamo.config.cache_size_limit = 64

gen = torch.Generator(device=dev).manual_seed(7)
sets = []
for _ in range(SETS):
    q, k, v = (torch.randn(B, H, S, D, device=dev, dtype=torch.bfloat16, generator=gen) for _ in range(3))
    bias = torch.randn(B, H, S, device=dev, dtype=torch.bfloat16, generator=gen)
    sets.append((q, k, v, bias))

flex = torch.compile(flex_attention, dynamic=False)
# One bias tensor for every input set: rotating it would make dynamo recompile per set, and at
# 256 KB it is not what L2 would flatter (the 32 MB Q/K/V sets are).
BIAS = sets[0][3]


def kv_bias(score, b, h, q_idx, kv_idx):
    return score + BIAS[b, h, kv_idx]


def softcap(score, b, h, q_idx, kv_idx):
    return 30.0 * torch.tanh(score / 30.0)


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


causal_bm = create_block_mask(causal, B=None, H=None, Q_LEN=S, KV_LEN=S, device=dev)


def timed(fn):
    for i in range(WARM):
        fn(i % SETS)
    torch.cuda.synchronize()
    ev = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(REPS)]
    for i, (a, b) in enumerate(ev):
        a.record()
        fn(i % SETS)
        b.record()
    torch.cuda.synchronize()
    return statistics.median(a.elapsed_time(b) for a, b in ev)


def flex_call(mod, bm):
    def run(i):
        q, k, v, _ = sets[i]
        return flex(q, k, v, score_mod=mod, block_mask=bm)
    return run


cases = [
    ("sdpa", False, lambda i: F.scaled_dot_product_attention(*sets[i][:3])),
    ("sdpa", True, lambda i: F.scaled_dot_product_attention(*sets[i][:3], is_causal=True)),
    ("flex none", False, flex_call(None, None)),
    ("flex none", True, flex_call(None, causal_bm)),
    ("flex kv-bias", False, flex_call(kv_bias, None)),
    ("flex kv-bias", True, flex_call(kv_bias, causal_bm)),
    ("flex softcap30", False, flex_call(softcap, None)),
]
rows = []
print(f"torch {torch.__version__}, {torch.cuda.get_device_name()}", flush=True)
for name, is_causal, fn in cases:
    t0 = time.time()
    try:
        ms = timed(fn)
    except Exception as e:  # report and go on: one failing peer must not hide the others
        print(f"{name} causal={is_causal}: FAILED {type(e).__name__}: {e}", flush=True)
        rows.append((name, is_causal, float("nan"), float("nan")))
        continue
    flops = 4 * B * H * S * S * D * (0.5 if is_causal else 1.0)
    rows.append((name, is_causal, ms, flops / ms / 1e9))
    print(f"{name} causal={is_causal}: {ms:.3f} ms ({time.time() - t0:.1f} s incl. compile)", flush=True)

print(f"\npeer table: B={B} H={H} S={S} D={D} bf16, median of {REPS} reps, {SETS} rotating input sets")
print(f"{'kernel':<22} {'causal':<7} {'ms':>9} {'TFLOPS':>8}")
for name, c, ms, tf in rows:
    print(f"{name:<22} {'yes' if c else 'no':<7} {ms:>9.3f} {tf:>8.1f}")
sys.exit(1 if any(r[2] != r[2] for r in rows) else 0)
