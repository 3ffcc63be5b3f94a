"""Block sparsity cross-check on the GPU (not part of CI): the tiles PyTorch's create_block_mask
finds empty / full / partial for the exported masks, against the counts our analysis proves
(`scoremod check --shape ... --json`, written by scripts/test-gpu.sh --prepare to
.device-carry/blocksparsity.json); and the FA4 block size (256 x 128) BlockMask that the FA4
export's recipe builds. Prints one JSON line per mask and a closing `N passed, N failed`.
Usage: python3 test/gpu/blockmask_check.py .device-carry"""
import importlib.util
import json
import os
import sys

import torch

carry = sys.argv[1]
expected = json.load(open(os.path.join(carry, "blocksparsity.json")))
passed = failed = 0
try:
    import flash_attn.cute  # noqa: F401
    fa4 = "importable"
except Exception as e:  # FA4 is not part of this machine's stack
    fa4 = "not installed (%s)" % type(e).__name__
print(json.dumps({"flash_attn.cute": fa4, "torch": torch.__version__}))
for e in expected:
    path = os.path.join(carry, "flex", e["file"] + ".py")
    spec = importlib.util.spec_from_file_location("flex_" + e["file"], path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    B, H, Q, KV = e["shape"]
    aux = mod.make_aux(B, H, Q, KV, device="cuda", seed=0)
    bm = mod.make_block_mask(e["mask"], aux, B, H, Q, KV, device="cuda")
    nq, nkv = (Q + 127) // 128, (KV + 127) // 128
    reps = (B // bm.kv_num_blocks.shape[0]) * (H // bm.kv_num_blocks.shape[1])
    partial = int(bm.kv_num_blocks.sum()) * reps
    full = int(bm.full_kv_num_blocks.sum()) * reps if bm.full_kv_num_blocks is not None else 0
    tiles = B * H * nq * nkv
    got = {"empty": tiles - partial - full, "full": full, "partial": partial, "tiles": tiles}
    want = {k: e["blockSparsity"][k] for k in ("empty", "full", "partial", "tiles")}
    ok = got == want
    bm_fa4 = mod.make_block_mask(e["mask"], aux, B, H, Q, KV, device="cuda", block_size=(256, 128))
    fa4_shape = [list(bm_fa4.kv_num_blocks.shape), list(bm_fa4.kv_indices.shape), list(bm_fa4.BLOCK_SIZE)]
    passed += ok
    failed += not ok
    print(json.dumps({"mask": e["mask"], "ok": ok, "create_block_mask": got, "ours": want, "fa4_block_mask": fa4_shape}))
print("%d passed, %d failed" % (passed, failed))
