// Sample data made on the GPU: the runner fills aux tensors and Q/K/V here, element by element,
// with the same bits as the CPU sampler (runtime/src/sample.ts), and scans integer tensors for
// their value range. Bit-identity rests on two facts:
//  - the sampler's generator (mulberry32) keeps a counter as its state, so draw k of a stream is
//    a function of (seed, k) and any element can be computed on its own;
//  - its math (runtime/src/sampleMath.ts) uses only IEEE-754 double +, -, *, / and sqrt in a
//    fixed order; here each is an explicit round-to-nearest intrinsic, which the compiler never
//    fuses into a multiply-add.
// The same header compiles as plain C++ (no CUDA) so CI checks the element functions against the
// TypeScript sampler without a GPU (test/unit/runner/sampleFill.test.ts).
#pragma once

#if defined(__CUDACC__)
#define SM_SAMPLE_HD __host__ __device__ __forceinline__
#else
// Host builds use the compiler builtins (NVRTC has no <cmath> or <cstring> to include).
#define SM_SAMPLE_HD inline
#endif

#if defined(__CUDA_ARCH__)
#define SM_DADD(a, b) __dadd_rn((a), (b))
#define SM_DSUB(a, b) __dsub_rn((a), (b))
#define SM_DMUL(a, b) __dmul_rn((a), (b))
#define SM_DDIV(a, b) __ddiv_rn((a), (b))
#define SM_DSQRT(a) __dsqrt_rn(a)
#define SM_DFLOOR(a) floor(a)
#else
// Host: x86-64's SSE2 doubles round every operation; -ffp-contract=off keeps them apart.
#define SM_DADD(a, b) ((a) + (b))
#define SM_DSUB(a, b) ((a) - (b))
#define SM_DMUL(a, b) ((a) * (b))
#define SM_DDIV(a, b) ((a) / (b))
#define SM_DSQRT(a) __builtin_sqrt(a)
#define SM_DFLOOR(a) __builtin_floor(a)
#endif

#define SM_SAMPLE_MAX_RANK 8

// Init kinds (TensorOptions.init) and storage types; server/src/runner/gpuSample.ts mirrors both.
enum { SM_INIT_NORMAL = 0, SM_INIT_UNIFORM = 1, SM_INIT_RANGE = 2, SM_INIT_BITS = 3, SM_INIT_SEGMENTS = 4 };
enum { SM_ST_BF16 = 0, SM_ST_F16 = 1, SM_ST_F32 = 2, SM_ST_I32 = 3, SM_ST_U8 = 4, SM_ST_U32 = 5, SM_ST_I64 = 6, SM_ST_U16 = 7, SM_ST_I8 = 8, SM_ST_BOOL = 9,
       SM_ST_F64 = 10 /* not a DSL dtype: the double itself, for the GPU suite's last-bit check */ };
// SmSampleParams.flags
enum { SM_SAMPLE_SIGNED = 1, SM_SAMPLE_FAIR_BITS = 2, SM_SAMPLE_NONZERO = 4, SM_SAMPLE_ROW_MAJOR = 8 };

// One tensor to fill (or scan): the kernel's only parameter. Offsets are fixed (static_asserts
// below) and packed by gpuSample.ts.
struct SmSampleParams {
  unsigned long long out;      // the allocation (element 0 of the logical tensor)
  unsigned long long scratch;  // segments: int32 pool, rows x (len - 1); scan: SmRangeReport
  unsigned long long flagsBuf; // segments: uint8 cut flags, rows x len (zeroed by the caller)
  long long total;             // logical elements
  long long shape[SM_SAMPLE_MAX_RANK];
  long long strides[SM_SAMPLE_MAX_RANK];  // in elements
  double a;                    // normal: mean; uniform, range: lo; bits: p; scan: lo
  double b;                    // normal: std; uniform, range: hi; scan: hi
  unsigned int seed;           // the stream's seed (streamSeed(seed, name) on the host)
  int rank;
  int kind;
  int dtype;
  int width;                   // bits: bits per element; segments: cuts per row (runs - 1)
  int flags;
};

// What sm_sample_scan leaves: the extremes of an integer tensor and its first element outside
// [lo, hi) (logical row-major index; LLONG_MAX when none).
struct SmRangeReport {
  long long lo;
  long long hi;
  long long firstBad;
  long long badValue;
};

#if defined(__cplusplus) && __cplusplus >= 201103L
static_assert(sizeof(SmSampleParams) == 200, "SmSampleParams layout (gpuSample.ts SAMPLE_OFFSETS)");
#endif

// ---- the generator ----

SM_SAMPLE_HD double sm_mulberry(unsigned int t) {
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return (double)(t ^ (t >> 14)) / 4294967296.0;
}

/** Draw k (from 0) of the stream `seed`: mulberry32 after k + 1 steps (the state wraps mod 2^32). */
SM_SAMPLE_HD double sm_uniform_at(unsigned int seed, unsigned long long k) {
  return sm_mulberry(seed + (unsigned int)(k + 1ull) * 0x6d2b79f5u);
}

SM_SAMPLE_HD long long sm_f64_bits(double x) {
#if defined(__CUDA_ARCH__)
  return __double_as_longlong(x);
#else
  long long b;
  __builtin_memcpy(&b, &x, 8);
  return b;
#endif
}

SM_SAMPLE_HD double sm_f64_from_bits(long long b) {
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(b);
#else
  double x;
  __builtin_memcpy(&x, &b, 8);
  return x;
#endif
}

// ---- sampleMath.ts, operation for operation ----

SM_SAMPLE_HD double sm_sample_log(double x) {
  const long long bits = sm_f64_bits(x);
  int k = (int)((bits >> 52) & 0x7ff) - 1023;
  double m = sm_f64_from_bits((bits & (long long)0x800fffffffffffffull) | ((long long)1023 << 52));
  if (m > 1.4142135623730951) { m = SM_DMUL(m, 0.5); k = k + 1; }
  const double s = SM_DDIV(SM_DSUB(m, 1.0), SM_DADD(m, 1.0));
  const double z = SM_DMUL(s, s);
  const double c[11] = {0.3333333333333333, 0.2, 0.14285714285714285, 0.1111111111111111, 0.09090909090909091, 0.07692307692307693,
                        0.06666666666666667, 0.058823529411764705, 0.05263157894736842, 0.047619047619047616, 0.043478260869565216};
  double p = c[10];
  for (int i = 9; i >= 0; i--) p = SM_DADD(c[i], SM_DMUL(z, p));
  p = SM_DADD(1.0, SM_DMUL(z, p));
  return SM_DADD(SM_DMUL((double)k, 0.6931471805599453), SM_DMUL(SM_DMUL(2.0, s), p));
}

/** cos and sin of 2 pi t, t in [0, 1). */
SM_SAMPLE_HD void sm_sample_sincos2pi(double t, double* cosv, double* sinv) {
  const double t4 = SM_DMUL(t, 4.0);
  const double q = SM_DFLOOR(SM_DADD(t4, 0.5));
  const double x = SM_DMUL(SM_DSUB(t4, q), 1.5707963267948966);
  const double z = SM_DMUL(x, x);
  const double sc[8] = {-0.16666666666666666, 0.008333333333333333, -0.0001984126984126984, 2.7557319223985893e-06,
                        -2.505210838544172e-08, 1.6059043836821613e-10, -7.647163731819816e-13, 2.8114572543455206e-15};
  const double cc[8] = {-0.5, 0.041666666666666664, -0.001388888888888889, 2.48015873015873e-05,
                        -2.755731922398589e-07, 2.08767569878681e-09, -1.1470745597729725e-11, 4.779477332387385e-14};
  double ps = sc[7];
  for (int i = 6; i >= 1; i--) ps = SM_DADD(sc[i], SM_DMUL(z, ps));
  ps = SM_DADD(sc[0], SM_DMUL(z, ps));
  const double s = SM_DADD(x, SM_DMUL(x, SM_DMUL(z, ps)));
  double pc = cc[7];
  for (int i = 6; i >= 0; i--) pc = SM_DADD(cc[i], SM_DMUL(z, pc));
  const double c = SM_DADD(1.0, SM_DMUL(z, pc));
  switch (((int)q) & 3) {
    case 0: *cosv = c; *sinv = s; break;
    case 1: *cosv = -s; *sinv = c; break;
    case 2: *cosv = -c; *sinv = -s; break;
    default: *cosv = s; *sinv = -c; break;
  }
}

/** Standard normal i of the stream (createRng(seed).normal() called i + 1 times). */
SM_SAMPLE_HD double sm_normal_at(unsigned int seed, unsigned long long i) {
  const unsigned long long pair = i >> 1;
  const double r = SM_DSQRT(SM_DMUL(-2.0, sm_sample_log(SM_DSUB(1.0, sm_uniform_at(seed, 2 * pair)))));
  double c, s;
  sm_sample_sincos2pi(sm_uniform_at(seed, 2 * pair + 1), &c, &s);
  return SM_DMUL(r, (i & 1) ? s : c);
}

// ---- storage: double -> the dtype's bits, round to nearest even (dtypes.ts storeValue) ----

/** x rounded to a binary float with `mant` fraction bits and exponent bias `bias`; overflow is inf. */
SM_SAMPLE_HD unsigned int sm_round_float_bits(double x, int mant, int bias) {
  const long long bits = sm_f64_bits(x);
  const unsigned int sign = (unsigned int)((unsigned long long)bits >> 63) << (mant + (bias == 127 ? 8 : 5));
  const int E = (int)((bits >> 52) & 0x7ff);
  const unsigned long long frac = (unsigned long long)bits & 0xfffffffffffffull;
  const unsigned int expMask = (1u << (bias == 127 ? 8 : 5)) - 1u;
  if (E == 0x7ff) return sign | (expMask << mant) | (frac ? (1u << (mant - 1)) : 0u);  // inf, NaN
  if (E == 0) return sign;  // zero, or a double subnormal: far below every target's subnormals
  const int e = E - 1023;
  const unsigned long long sig = (1ull << 52) | frac;
  const int emin = 1 - bias;
  int shift = 52 - mant + (e < emin ? emin - e : 0);
  if (shift > 63) shift = 63;
  unsigned long long r = sig >> shift;
  const unsigned long long rem = sig & ((1ull << shift) - 1ull), half = 1ull << (shift - 1);
  if (rem > half || (rem == half && (r & 1ull))) r++;
  if (e < emin) return sign | (unsigned int)r;  // subnormal (r == 2^mant is the smallest normal)
  int ef = e + bias;
  if (r == (2ull << mant)) { r >>= 1; ef++; }
  if (ef >= (int)expMask) return sign | (expMask << mant);
  return sign | ((unsigned int)ef << mant) | ((unsigned int)r & ((1u << mant) - 1u));
}

/** The logical value of element i (row-major) of a tensor whose init is not segments. */
SM_SAMPLE_HD double sm_sample_value(const SmSampleParams& p, unsigned long long i) {
  switch (p.kind) {
    case SM_INIT_NORMAL: {
      const double z = sm_normal_at(p.seed, i);
      const double v = SM_DADD(p.a, SM_DMUL(p.b, z));
      return (p.flags & SM_SAMPLE_NONZERO) && v == 0.0 ? 1e-3 : v;
    }
    case SM_INIT_UNIFORM: return SM_DADD(p.a, SM_DMUL(SM_DSUB(p.b, p.a), sm_uniform_at(p.seed, i)));
    case SM_INIT_RANGE: return SM_DADD(p.a, SM_DFLOOR(SM_DMUL(sm_uniform_at(p.seed, i), SM_DSUB(p.b, p.a))));
    default: {  // bits
      const int w = p.width;
      double v = 0.0;
      if (p.flags & SM_SAMPLE_FAIR_BITS) {
        v = SM_DFLOOR(SM_DMUL(sm_uniform_at(p.seed, i), (double)(1ull << w)));
      } else {
        double bit = 1.0;
        for (int k = 0; k < w; k++) {
          if (sm_uniform_at(p.seed, i * (unsigned long long)w + k) < p.a) v = SM_DADD(v, bit);
          bit = SM_DMUL(bit, 2.0);
        }
      }
      const double top = (double)(1ull << w);
      return (p.flags & SM_SAMPLE_SIGNED) && v >= SM_DMUL(top, 0.5) ? SM_DSUB(v, top) : v;
    }
  }
}

SM_SAMPLE_HD long long sm_sample_offset(const SmSampleParams& p, unsigned long long i) {
  if (p.flags & SM_SAMPLE_ROW_MAJOR) return (long long)i;
  long long off = 0;
  unsigned long long rest = i;
  for (int d = p.rank - 1; d >= 0; d--) {
    const unsigned long long n = (unsigned long long)p.shape[d];
    off += (long long)(rest % n) * p.strides[d];
    rest /= n;
  }
  return off;
}

/** Store v (already a value the dtype holds) as element `off` of the allocation at `out`. */
SM_SAMPLE_HD void sm_sample_store(unsigned char* out, int dtype, long long off, double v) {
  switch (dtype) {
    case SM_ST_BF16: ((unsigned short*)out)[off] = (unsigned short)sm_round_float_bits(v, 7, 127); break;
    case SM_ST_F16: ((unsigned short*)out)[off] = (unsigned short)sm_round_float_bits(v, 10, 15); break;
    case SM_ST_F32: ((unsigned int*)out)[off] = sm_round_float_bits(v, 23, 127); break;
    case SM_ST_I32: case SM_ST_U32: ((unsigned int*)out)[off] = (unsigned int)(long long)v; break;
    case SM_ST_U8: case SM_ST_I8: out[off] = (unsigned char)(long long)v; break;
    case SM_ST_U16: ((unsigned short*)out)[off] = (unsigned short)(long long)v; break;
    case SM_ST_I64: ((long long*)out)[off] = (long long)v; break;
    case SM_ST_F64: ((double*)out)[off] = v; break;
    default: out[off] = v != 0.0 ? 1 : 0; break;  // bool
  }
}

SM_SAMPLE_HD long long sm_sample_load_int(const unsigned char* in, int dtype, long long off) {
  switch (dtype) {
    case SM_ST_I32: return ((const int*)in)[off];
    case SM_ST_U32: return ((const unsigned int*)in)[off];
    case SM_ST_U8: return in[off];
    case SM_ST_I8: return (signed char)in[off];
    case SM_ST_U16: return ((const unsigned short*)in)[off];
    case SM_ST_I64: return ((const long long*)in)[off];
    default: return in[off];  // bool
  }
}

/**
 * One row (the last dim) of a segments tensor, as sample.ts: `width` cuts chosen by a partial
 * Fisher-Yates shuffle of 1 .. len-1 with draws row * width + i, then each id counts the cuts
 * at or before its column. Needs the row's pool (int32, len - 1) and zeroed cut flags (len).
 */
SM_SAMPLE_HD void sm_sample_segment_row(const SmSampleParams& p, long long row) {
  const long long len = p.shape[p.rank - 1];
  int* pool = (int*)p.scratch + row * (len - 1);
  unsigned char* cut = (unsigned char*)p.flagsBuf + row * len;
  for (long long j = 0; j < len - 1; j++) pool[j] = (int)(j + 1);
  const int count = p.width;
  for (int i = 0; i < count; i++) {
    const double u = sm_uniform_at(p.seed, (unsigned long long)row * count + i);
    const long long j = i + (long long)SM_DFLOOR(SM_DMUL(u, (double)(len - 1 - i)));
    const int t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  for (int i = 0; i < count; i++) cut[pool[i]] = 1;
  int id = 0;
  for (long long j = 0; j < len; j++) {
    id += cut[j];
    sm_sample_store((unsigned char*)p.out, p.dtype, sm_sample_offset(p, (unsigned long long)row * len + j), (double)id);
  }
}

#if defined(__CUDACC__)

/** Every element of a normal/uniform/range/bits tensor; any grid (grid-stride). */
extern "C" __global__ void sm_sample_fill(const SmSampleParams p) {
  const unsigned long long step = (unsigned long long)gridDim.x * blockDim.x;
  for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned long long)p.total; i += step) {
    sm_sample_store((unsigned char*)p.out, p.dtype, sm_sample_offset(p, i), sm_sample_value(p, i));
  }
}

/** Segments: a thread per row (the last dim); see sm_sample_segment_row. */
extern "C" __global__ void sm_sample_segments(const SmSampleParams p) {
  const long long row = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (row < p.total / p.shape[p.rank - 1]) sm_sample_segment_row(p, row);
}

/** An integer tensor's extremes and first element outside [a, b): scratch -> SmRangeReport, pre-set by the caller. */
extern "C" __global__ void sm_sample_scan(const SmSampleParams p) {
  SmRangeReport* rep = (SmRangeReport*)p.scratch;
  long long lo = 0x7fffffffffffffffll, hi = -0x7fffffffffffffffll - 1, bad = 0x7fffffffffffffffll;
  const unsigned long long step = (unsigned long long)gridDim.x * blockDim.x;
  for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; i < (unsigned long long)p.total; i += step) {
    const long long v = sm_sample_load_int((const unsigned char*)p.out, p.dtype, sm_sample_offset(p, i));
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    if (((double)v < p.a || (double)v >= p.b) && (long long)i < bad) bad = (long long)i;
  }
  atomicMin(&rep->lo, lo);
  atomicMax(&rep->hi, hi);
  if (bad != 0x7fffffffffffffffll) atomicMin(&rep->firstBad, bad);
}

/** The value at the first bad element (one thread, after sm_sample_scan). */
extern "C" __global__ void sm_sample_bad_value(const SmSampleParams p) {
  SmRangeReport* rep = (SmRangeReport*)p.scratch;
  if (rep->firstBad != 0x7fffffffffffffffll) {
    rep->badValue = sm_sample_load_int((const unsigned char*)p.out, p.dtype, sm_sample_offset(p, (unsigned long long)rep->firstBad));
  }
}

#endif
