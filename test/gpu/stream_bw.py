"""The card's streaming bandwidth over full-bias's bias (B1 H16 8192 x 8192 bf16, 2.15 GB), the
memory floor in issue 8's full-bias bar: read-only reductions and a copy (read + write), timed
with triton.testing.do_bench (median). Prints one line per reader and a JSON summary.
usage: python3 test/gpu/stream_bw.py"""
import json

import torch
import triton.testing as tt

x = torch.randn(16, 8192, 8192, dtype=torch.bfloat16, device="cuda")
y = torch.empty_like(x)
n = x.numel() * x.element_size()
readers = {
    "sum (f32 accumulate)": (lambda: x.sum(dtype=torch.float32), n),
    "amax": (lambda: x.amax(), n),
    "copy (read + write)": (lambda: y.copy_(x), 2 * n),
}
out = {"device": torch.cuda.get_device_name(), "bytes": n, "torch": torch.__version__}
for name, (fn, moved) in readers.items():
    ms = tt.do_bench(fn, warmup=25, rep=200, return_mode="median")
    out[name] = {"ms": ms, "TBps": moved / (ms * 1e-3) / 1e12}
    print("%-22s %.3f ms  %.2f TB/s  (%.2f GB moved)" % (name, ms, moved / (ms * 1e-3) / 1e12, moved / 1e9), flush=True)
print(json.dumps(out))
