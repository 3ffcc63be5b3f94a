// fp32 reference attention for checking the fast kernels on large problems: no tensor cores,
// fp32 dot products and accurate expf, the mods called one score at a time (V = 1).
// Correctness over speed. Ignores the block map (it is the oracle a wrong map is caught by).
//
// Mods (all optional), defined by the includer before this header:
//   SM_REF_SCORE_MOD(s, b, h, q, kv, p)   s: float(&)[1]
//   SM_REF_MASK_MOD(keep, b, h, q, kv, p) keep: bool(&)[1]
// When absent, SM_SCORE_MOD / SM_MASK_MOD are used if their vector size is 1.
// Device code only; entry points live in attention_entries.cuh. Output O is fp32.
#pragma once
#include "attention_abi.cuh"

#if !defined(SM_REF_SCORE_MOD) && defined(SM_SCORE_MOD)
#if !defined(SM_VEC) || SM_VEC == 1
#define SM_REF_SCORE_MOD(s, b, h, q, kv, p) SM_SCORE_MOD(s, b, h, q, kv, p)
#else
#error "reference_fp32.cuh: SM_VEC > 1; define SM_REF_SCORE_MOD as the mod's V = 1 function"
#endif
#endif
#if !defined(SM_REF_MASK_MOD) && defined(SM_MASK_MOD)
#if !defined(SM_MASK_VEC) || SM_MASK_VEC == 1
#define SM_REF_MASK_MOD(k, b, h, q, kv, p) SM_MASK_MOD(k, b, h, q, kv, p)
#else
#error "reference_fp32.cuh: SM_MASK_VEC > 1; define SM_REF_MASK_MOD as the mask's V = 1 function"
#endif
#endif

namespace {
namespace sm_ref {

constexpr int NW = SM_ATTN_REF_WARPS;
constexpr int RPW = SM_ATTN_REF_ROWS_PER_WARP;
constexpr int BM = SM_ATTN_REF_BLOCK_M;
constexpr int TN = SM_ATTN_REF_TILE_N;
static_assert(TN == 32, "one kv column per lane");

template <typename T> __device__ __forceinline__ float to_f(T x);
template <> __device__ __forceinline__ float to_f<__nv_bfloat16>(__nv_bfloat16 x) { return __bfloat162float(x); }
template <> __device__ __forceinline__ float to_f<__half>(__half x) { return __half2float(x); }

// Each warp owns RPW query rows; lane i scores kv column i of each 32-wide kv tile, then the
// warp accumulates O with lane i owning head dims i, i + 32, ...
template <typename T, int D>
__device__ __forceinline__ void attn_ref(const SmAttnParams& p) {
  static_assert(D % 32 == 0, "D must be a multiple of 32");
  constexpr int DL = D / 32;
  __shared__ float sq[BM][D];
  __shared__ float sk[TN][D + 1];  // +1: lane i reads row i, column d without bank conflicts
  __shared__ float sv[TN][D];
  __shared__ float sp[NW][RPW][TN];

  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int h = blockIdx.y, b = blockIdx.z;
  const int hk = h / (p.H / p.Hkv);
  const int q0 = blockIdx.x * BM;
  const T* gQ = static_cast<const T*>(p.q) + b * p.q_stride_b + h * p.q_stride_h;
  const T* gK = static_cast<const T*>(p.k) + b * p.k_stride_b + hk * p.k_stride_h;
  const T* gV = static_cast<const T*>(p.v) + b * p.v_stride_b + hk * p.v_stride_h;

  for (int i = tid; i < BM * D; i += NW * 32) {
    const int r = i / D, d = i % D;
    sq[r][d] = (q0 + r < p.Q) ? to_f(gQ[(q0 + r) * p.q_stride_s + d]) : 0.f;
  }

  float o[RPW][DL], m[RPW], l[RPW];
#pragma unroll
  for (int r = 0; r < RPW; ++r) {
    m[r] = SM_NEG_INF; l[r] = 0.f;
#pragma unroll
    for (int j = 0; j < DL; ++j) o[r][j] = 0.f;
  }

  for (int kvt = 0; kvt < p.KV; kvt += TN) {
    __syncthreads();  // previous tile fully consumed (and sq written, first time round)
    for (int i = tid; i < TN * D; i += NW * 32) {
      const int r = i / D, d = i % D;
      const bool ok = kvt + r < p.KV;
      sk[r][d] = ok ? to_f(gK[(kvt + r) * p.k_stride_s + d]) : 0.f;
      sv[r][d] = ok ? to_f(gV[(kvt + r) * p.v_stride_s + d]) : 0.f;
    }
    __syncthreads();

    const int kv = kvt + lane;
    float dots[RPW];
#pragma unroll
    for (int r = 0; r < RPW; ++r) dots[r] = 0.f;
#pragma unroll 8
    for (int d = 0; d < D; ++d) {
      const float kd = sk[lane][d];
#pragma unroll
      for (int r = 0; r < RPW; ++r) dots[r] = fmaf(sq[warp * RPW + r][d], kd, dots[r]);
    }
#pragma unroll
    for (int r = 0; r < RPW; ++r) {
      const int row = warp * RPW + r, q = q0 + row;
      float s = dots[r] * p.softmax_scale;
      bool keep = q < p.Q && kv < p.KV;
      if (keep) {
#ifdef SM_REF_SCORE_MOD
        float sv1[1] = {s};
        SM_REF_SCORE_MOD(sv1, b, h, q, kv, p.mod);
        s = sv1[0];
#endif
#ifdef SM_REF_MASK_MOD
        bool k1[1] = {true};
        SM_REF_MASK_MOD(k1, b, h, q, kv, p.mod);
        keep = k1[0];
#endif
      }
      if (!keep) s = SM_NEG_INF;
      float mx = s;
#pragma unroll
      for (int off = 16; off > 0; off >>= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, off));
      const float mnew = fmaxf(m[r], mx);
      const float pr = (s == SM_NEG_INF) ? 0.f : expf(s - mnew);
      const float alpha = (m[r] == SM_NEG_INF) ? 0.f : expf(m[r] - mnew);
      float sum = pr;
#pragma unroll
      for (int off = 16; off > 0; off >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, off);
      m[r] = mnew;
      l[r] = l[r] * alpha + sum;
      sp[warp][r][lane] = pr;
#pragma unroll
      for (int j = 0; j < DL; ++j) o[r][j] *= alpha;
    }
    __syncwarp();
#pragma unroll
    for (int r = 0; r < RPW; ++r)
      for (int k = 0; k < TN; ++k) {
        const float pk = sp[warp][r][k];
#pragma unroll
        for (int j = 0; j < DL; ++j) o[r][j] = fmaf(pk, sv[k][lane + 32 * j], o[r][j]);
      }
    __syncwarp();
  }

#pragma unroll
  for (int r = 0; r < RPW; ++r) {
    const int q = q0 + warp * RPW + r;
    if (q >= p.Q) continue;
    const float inv = l[r] > 0.f ? 1.f / l[r] : 0.f;
    float* go = static_cast<float*>(p.o) + b * p.o_stride_b + h * p.o_stride_h + q * p.o_stride_s;
#pragma unroll
    for (int j = 0; j < DL; ++j) go[lane + 32 * j] = o[r][j] * inv;
    if (p.lse != nullptr && lane == 0)
      p.lse[b * p.lse_stride_b + h * p.lse_stride_h + q] = l[r] > 0.f ? m[r] + logf(l[r]) : SM_NEG_INF;
  }
}

}  // namespace sm_ref
}  // namespace
