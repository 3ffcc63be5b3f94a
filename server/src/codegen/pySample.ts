// Python (torch) twin of runtime/src/sample.ts, for every FlexAttention export, so the
// GPU checks can feed FlexAttention the same aux data the runner uses: mulberry32 streams seeded
// by FNV-1a of the tensor name, Box-Muller normals, the same init kinds, round-to-nearest-even
// to the dtype from float64, the declared strides. mulberry32's state is a counter, so the
// stream is computed vectorised. The log and sin/cos are sampleMath.ts's, one float64 tensor
// operation per IEEE operation in the same order, so the values match the runner's bit for bit.
import { COS_COEFFS, LOG_COEFFS, SIN_COEFFS } from "scoremod/sampleMath";
import { DTYPE_NAMES, DTYPE_SPECS } from "scoremod/vocabulary";

const pyList = (xs: readonly number[]): string => `[${xs.map((x) => String(x)).join(", ")}]`;

/** The sampler: the same for every file, so it is one module beside the exports (sampleModule.ts). */
export const PY_SAMPLER = `_M32 = 0xFFFFFFFF


def _hash_string(s):
    h = 0x811C9DC5
    units = s.encode("utf-16-le")
    for i in range(0, len(units), 2):
        h ^= units[i] | (units[i + 1] << 8)
        h = (h * 0x01000193) & _M32
    return h


def _stream_seed(seed, name):
    return (_hash_string(name) ^ ((seed * 0x9E3779B1) & _M32)) & _M32


def _uniforms(seed, start, count, device):
    """Calls start .. start+count-1 of mulberry32(seed), as float64 in [0, 1)."""
    k = torch.arange(start + 1, start + count + 1, dtype=torch.int64, device=device)
    t = (seed + k * 0x6D2B79F5) & _M32
    t = ((t ^ (t >> 15)) * (t | 1)) & _M32
    t = t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & _M32)) & _M32)
    t = (t ^ (t >> 14)) & _M32
    return t.to(torch.float64) / 4294967296.0


_LOG_C = ${pyList(LOG_COEFFS)}
_SIN_C = ${pyList(SIN_COEFFS)}
_COS_C = ${pyList(COS_COEFFS)}


def _horner(lead, cs, z):
    p = torch.full_like(z, cs[-1])
    for c in reversed(cs[:-1]):
        p = c + z * p
    return lead + z * p


def _sample_log(x):
    """sampleMath.ts sampleLog: x = m * 2^k, m in [sqrt(1/2), sqrt(2)), an atanh series."""
    m, e = torch.frexp(x)
    m = m * 2.0
    k = (e - 1).to(torch.float64)
    big = m > 1.4142135623730951
    m = torch.where(big, m * 0.5, m)
    k = torch.where(big, k + 1.0, k)
    s = (m - 1.0) / (m + 1.0)
    p = _horner(1.0, _LOG_C, s * s)
    return k * 0.6931471805599453 + (2.0 * s) * p


def _sample_sincos_2pi(t):
    """sampleMath.ts sampleSinCos2Pi: (cos, sin) of 2 pi t, t in [0, 1)."""
    t4 = t * 4.0
    q = torch.floor(t4 + 0.5)
    x = (t4 - q) * 1.5707963267948966
    z = x * x
    s = x + x * (z * _horner(_SIN_C[0], _SIN_C[1:], z))
    c = _horner(1.0, _COS_C, z)
    quad = q.to(torch.int64) % 4
    cos = torch.where(quad == 0, c, torch.where(quad == 1, -s, torch.where(quad == 2, -c, s)))
    sin = torch.where(quad == 0, s, torch.where(quad == 1, c, torch.where(quad == 2, -s, -c)))
    return cos, sin


def _normals(seed, count, device):
    pairs = (count + 1) // 2
    u = _uniforms(seed, 0, 2 * pairs, device).view(pairs, 2)
    r = torch.sqrt(-2.0 * _sample_log(1.0 - u[:, 0]))
    cos, sin = _sample_sincos_2pi(u[:, 1])
    return torch.stack((r * cos, r * sin), dim=1).reshape(-1)[:count]


def _round_float(x, mant, emin):
    """Round float64 to nearest-even with mant fraction bits and min normal exponent emin."""
    _, e = torch.frexp(x)
    e = torch.clamp(e, min=emin + 1)
    scale = torch.ldexp(torch.ones_like(x), (mant + 1 - e).to(torch.float64))
    return torch.round(x * scale) / scale


def _logical_values(spec, shape, seed, device):
    init = spec["init"]
    total = 1
    for d in shape:
        total *= d
    s = _stream_seed(seed, spec["name"])
    kind = next(iter(init))
    if kind == "normal":
        mean = init["normal"].get("mean", 0.0)
        std = init["normal"].get("std", 1.0)
        return mean + std * _normals(s, total, device)
    if kind == "uniform":
        lo, hi = init["uniform"]
        return lo + (hi - lo) * _uniforms(s, 0, total, device)
    if kind == "range":
        lo, hi = init["range"]
        return lo + torch.floor(_uniforms(s, 0, total, device) * (hi - lo))
    if kind == "segments":
        length = shape[-1]
        runs = min(init["segments"], length)
        rows = total // length
        count = runs - 1
        u = _uniforms(s, 0, rows * count, "cpu").tolist()
        out = torch.empty(total, dtype=torch.float64)
        for row in range(rows):
            pool = list(range(1, length))
            for i in range(count):
                j = i + math.floor(u[row * count + i] * (len(pool) - i))
                pool[i], pool[j] = pool[j], pool[i]
            cuts = sorted(pool[:count])
            ids = torch.zeros(length, dtype=torch.float64)
            for c in cuts:
                ids[c:] += 1
            out[row * length:(row + 1) * length] = ids
        return out.to(device)
    p = init["bits"]
    # i64: 32 bits as a signed int32 value, which a lane holds whole (as runtime/src/sample.ts).
    width = 1 if spec["dtype"] == "bool" else 32 if spec["dtype"] == "i64" else spec["bytes"] * 8
    u = _uniforms(s, 0, total * width, device).view(total, width)
    weights = torch.pow(2.0, torch.arange(width, dtype=torch.float64, device=device))
    v = ((u < p).to(torch.float64) * weights).sum(dim=1)
    if spec["dtype"] in ("i32", "i8", "i64"):
        v = torch.where(v >= 2.0 ** (width - 1), v - 2.0 ** width, v)
    return v


_TORCH_DTYPE = {${DTYPE_NAMES.map((n) => `"${n}": ${DTYPE_SPECS[n].torch}`).join(", ")}}


def _store(values, dtype):
    if dtype == "bf16":
        return _round_float(values, 7, -126).to(torch.bfloat16)
    if dtype == "f16":
        return _round_float(values, 10, -14).to(torch.float16)
    if dtype == "f32":
        return values.to(torch.float32)
    if dtype == "bool":
        return values != 0
    if dtype == "u32":
        # u32 is held as int32 with the same bits, as the CUDA reads it.
        return torch.where(values >= 2.0 ** 31, values - 2.0 ** 32, values).to(torch.int32)
    if dtype == "i64":
        # Through float64: exact for the integers the sample data holds (|v| < 2 ** 53).
        return values.to(torch.int64)
    return values.to(_TORCH_DTYPE[dtype])
`;

/**
 * make_aux and the dims it resolves: they read the export's own TENSORS and DIVISIBLE, so they are
 * emitted in each export, and call the sampler above (scoremod_sample.py, sampleModule.ts).
 */
export const PY_MAKE_AUX = `def _resolve_dims(B, H, Q, KV, user_dims):
    # TOTAL_Q / TOTAL_KV: the packed token counts of a varlen batch (pass them for unequal lengths).
    dims = {"B": B, "H": H, "Q": Q, "KV": KV, "TOTAL_Q": B * Q, "TOTAL_KV": B * KV}
    dims.update(user_dims)
    for k, m in DIVISIBLE.items():
        if k in dims and dims[k] % m != 0:
            raise ValueError("dim %s = %d breaks the declared fact %s %% %d == 0" % (k, dims[k], k, m))
    for spec in TENSORS:
        for k in spec["dim_names"]:
            _need_dim(dims, k)
    return dims


def _need_dim(dims, name):
    # A size is never guessed: the file's own dims come from the caller, as --dim does in the runner.
    if name not in dims:
        raise ValueError("dim %s is not set: pass %s=N" % (name, name))
    return dims[name]


def _eval_poly(poly, dims):
    return sum(c * math.prod(dims[v] for v in vs) for c, vs in poly)


def make_aux(B, H, Q, KV, device="cuda", seed=0, **user_dims):
    """The aux tensors, by declared name in declaration order (SmParams.aux order), filled as the
    runner fills them for the same seed, with the declared dtype, shape and strides."""
    dims = _resolve_dims(B, H, Q, KV, user_dims)
    out = {}
    for spec in TENSORS:
        shape = [d if isinstance(d, int) else dims[d] for d in spec["shape"]]
        strides = [_eval_poly(p, dims) for p in spec["strides"]]
        span = 1 + sum((n - 1) * st for n, st in zip(shape, strides))
        stored = _store(_logical_values(spec, shape, seed, device), spec["dtype"])
        buf = torch.zeros(span, dtype=stored.dtype, device=device)
        view = torch.as_strided(buf, shape, strides)
        view.copy_(stored.view(shape))
        out[spec["name"]] = view
    return out
`;
