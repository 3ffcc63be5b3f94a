// Hand-written mods in the style of the generated code (server/src/codegen): one device
// function per mod and vector size, taking scores (or keep flags) for V consecutive kv of one
// query row. Lanes of a V-wide body do exactly what the V = 1 body does, so builds agree
// bitwise. Aux tensor 0 is kv_bias: bf16 [B, H, KV], row-major, 16-byte aligned.
#pragma once
#include "scoremod_abi.cuh"

// kvBias: s + kv_bias[b, h, kv]
static __device__ __forceinline__ void sm_kvBias_v1(float (&s)[1], int b, int h, int q, int kv0, const SmParams& p) {
  const __nv_bfloat16* t = static_cast<const __nv_bfloat16*>(p.aux[0].data);
  long long i = ((long long)b * p.dims[1] + h) * p.dims[3] + kv0;
  if (!SM_CHECK_INDEX(0, 2, i, p.aux[0].numel, b, h, q, kv0)) i = 0;
  s[0] = __fadd_rn(s[0], __bfloat162float(t[i]));
}
static __device__ __forceinline__ void sm_kvBias_v8(float (&s)[8], int b, int h, int q, int kv0, const SmParams& p) {
  const __nv_bfloat16* t = static_cast<const __nv_bfloat16*>(p.aux[0].data);
  long long i = ((long long)b * p.dims[1] + h) * p.dims[3] + kv0;  // contiguous, 16 B: one v4 load
  if (!SM_CHECK_INDEX(0, 2, i + 7, p.aux[0].numel, b, h, q, kv0 + 7)) i = 0;
  const uint4 w = *reinterpret_cast<const uint4*>(t + i);
  const __nv_bfloat16* e = reinterpret_cast<const __nv_bfloat16*>(&w);
#pragma unroll
  for (int j = 0; j < 8; ++j) s[j] = __fadd_rn(s[j], __bfloat162float(e[j]));
}
static __device__ __forceinline__ void sm_kvBias_v2(float (&s)[2], int b, int h, int q, int kv0, const SmParams& p) {
  const __nv_bfloat16* t = static_cast<const __nv_bfloat16*>(p.aux[0].data);
  long long i = ((long long)b * p.dims[1] + h) * p.dims[3] + kv0;  // contiguous, 4 B: one b32 load
  if (!SM_CHECK_INDEX(0, 2, i + 1, p.aux[0].numel, b, h, q, kv0 + 1)) i = 0;
  const __nv_bfloat162 w = *reinterpret_cast<const __nv_bfloat162*>(t + i);
  s[0] = __fadd_rn(s[0], __low2float(w));
  s[1] = __fadd_rn(s[1], __high2float(w));
}

// softcap: cap * tanh(s / cap), cap = fscalars[0]
static __device__ __forceinline__ float sm_softcap_lane(float s, float cap) {
  return __fmul_rn(cap, tanhf(__fdiv_rn(s, cap)));
}
static __device__ __forceinline__ void sm_softcap_v1(float (&s)[1], int, int, int, int, const SmParams& p) {
  s[0] = sm_softcap_lane(s[0], p.fscalars[0]);
}
static __device__ __forceinline__ void sm_softcap_v2(float (&s)[2], int, int, int, int, const SmParams& p) {
  s[0] = sm_softcap_lane(s[0], p.fscalars[0]);
  s[1] = sm_softcap_lane(s[1], p.fscalars[0]);
}
static __device__ __forceinline__ void sm_softcap_v8(float (&s)[8], int, int, int, int, const SmParams& p) {
#pragma unroll
  for (int j = 0; j < 8; ++j) s[j] = sm_softcap_lane(s[j], p.fscalars[0]);
}
// Experiments on the cost of softcap's math (Hopper harness): the division by a reciprocal
// computed once (not correctly rounded), and that plus the hardware tanh approximation.
static __device__ __forceinline__ void sm_softcapRcp_v2(float (&s)[2], int, int, int, int, const SmParams& p) {
  const float cap = p.fscalars[0], inv = __frcp_rn(cap);
  s[0] = __fmul_rn(cap, tanhf(__fmul_rn(s[0], inv)));
  s[1] = __fmul_rn(cap, tanhf(__fmul_rn(s[1], inv)));
}
static __device__ __forceinline__ float sm_tanh_approx(float x) {
  float y;
  asm("tanh.approx.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}
static __device__ __forceinline__ void sm_softcapFast_v2(float (&s)[2], int, int, int, int, const SmParams& p) {
  const float cap = p.fscalars[0], inv = __frcp_rn(cap);
  s[0] = __fmul_rn(cap, sm_tanh_approx(__fmul_rn(s[0], inv)));
  s[1] = __fmul_rn(cap, sm_tanh_approx(__fmul_rn(s[1], inv)));
}
// Division as div.full.f32 (full range, max 2 ulp) instead of IEEE div.rn, accurate tanhf.
static __device__ __forceinline__ float sm_div_full(float a, float b) {
  float y;
  asm("div.full.f32 %0, %1, %2;" : "=f"(y) : "f"(a), "f"(b));
  return y;
}
static __device__ __forceinline__ void sm_softcapDivFull_v2(float (&s)[2], int, int, int, int, const SmParams& p) {
  const float cap = p.fscalars[0];
  s[0] = __fmul_rn(cap, tanhf(sm_div_full(s[0], cap)));
  s[1] = __fmul_rn(cap, tanhf(sm_div_full(s[1], cap)));
}

// causal mask: keep kv <= q
static __device__ __forceinline__ void sm_causal_v1(bool (&k)[1], int, int, int q, int kv0, const SmParams&) {
  k[0] = kv0 <= q;
}
static __device__ __forceinline__ void sm_causal_v8(bool (&k)[8], int, int, int q, int kv0, const SmParams&) {
#pragma unroll
  for (int j = 0; j < 8; ++j) k[j] = kv0 + j <= q;
}
