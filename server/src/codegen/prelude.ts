// Helpers every generated file carries (guarded, so several generated files can share one
// translation unit): unpack a raw load of N elements into lane values.
// Every conversion here is exact, so a vector load
// followed by unpacking gives bit for bit what N scalar loads would.
import type { DTypeName } from "../analysis/facts";
import { DTYPE_SPECS } from "scoremod/vocabulary";

export const RAW_TYPE: Record<number, string> = {
  1: "unsigned char", 2: "unsigned short", 4: "unsigned int", 8: "uint2", 16: "uint4", 32: "ulonglong4_32a",
};

/** The C type a lane holds after loading an element of this dtype. */
export function laneType(d: DTypeName): "float" | "int" | "bool" {
  return DTYPE_SPECS[d].lane;
}

export const PRELUDE = `#ifndef SM_CODEGEN_PRELUDE
#define SM_CODEGEN_PRELUDE
// The DSL's float division: div.full.f32 (full range, at most 2 ulp, like the accurate tanhf and
// expf). IEEE div.rn carries a per-element slow-path call that costs 1.75x the whole softcap
// kernel on the H100 (docs/codegen.md).
__device__ __forceinline__ float sm_fdiv(float a, float b) {
  float y;
  asm("div.full.f32 %0, %1, %2;" : "=f"(y) : "f"(a), "f"(b));
  return y;
}
// pow(x, N) for a constant N (the analysis keeps it in [-32, 32]): binary exponentiation, unrolled;
// r starts as the first factor, so x^|N| is |N| exact factors with |N| - 1 roundings, multiplied
// in the same order as the FA4 export's _powi. 1/x^|N| (IEEE division) for N < 0.
template <int N> __device__ __forceinline__ float sm_powi(float x) {
  float r = 1.0f;
  bool first = true;
  _Pragma("unroll") for (int e = N < 0 ? -N : N; e > 0; e >>= 1) {
    if (e & 1) { r = first ? x : r * x; first = false; }
    if (e > 1) x = x * x;
  }
  return N < 0 ? 1.0f / r : r;
}
// Split a raw load into 32-bit words through member access only: reinterpreting the loaded
// aggregate through a pointer lets nvcc split one vector load into several narrow ones.
__device__ __forceinline__ void sm_words(unsigned char r, unsigned* w) { w[0] = r; }
__device__ __forceinline__ void sm_words(unsigned short r, unsigned* w) { w[0] = r; }
__device__ __forceinline__ void sm_words(unsigned int r, unsigned* w) { w[0] = r; }
__device__ __forceinline__ void sm_words(const uint2& r, unsigned* w) { w[0] = r.x; w[1] = r.y; }
__device__ __forceinline__ void sm_words(const uint4& r, unsigned* w) { w[0] = r.x; w[1] = r.y; w[2] = r.z; w[3] = r.w; }
__device__ __forceinline__ void sm_words(const ulonglong4_32a& r, unsigned* w) {
  w[0] = (unsigned)r.x; w[1] = (unsigned)(r.x >> 32); w[2] = (unsigned)r.y; w[3] = (unsigned)(r.y >> 32);
  w[4] = (unsigned)r.z; w[5] = (unsigned)(r.z >> 32); w[6] = (unsigned)r.w; w[7] = (unsigned)(r.w >> 32);
}
#define SM_WORDS(R, r) unsigned w[(sizeof(R) + 3) / 4]; sm_words(r, w)
__device__ __forceinline__ unsigned short sm_half_bits(const unsigned* w, int t) { return (unsigned short)(w[t / 2] >> (16 * (t % 2))); }
__device__ __forceinline__ unsigned sm_byte(const unsigned* w, int t) { return (w[t / 4] >> (8 * (t % 4))) & 0xffu; }
// Unpack N elements held in a raw load R (sizeof(R) == N * element size) into lane values.
// Every conversion is exact, so a vector load gives bit for bit what N scalar loads give.
// bf16 -> f32 is the bf16's bits in the high half of the word: a shift for the low element and a
// mask for the high one (nvcc's bf16 intrinsics spend a shift more on the high one).
template <int N, typename R> __device__ __forceinline__ void sm_unpack_bf16(const R& r, float* out) {
  SM_WORDS(R, r);
  _Pragma("unroll") for (int t = 0; t < N / 2; ++t) {
    out[2 * t] = __uint_as_float(w[t] << 16); out[2 * t + 1] = __uint_as_float(w[t] & 0xffff0000u);
  }
  if (N % 2) out[N - 1] = __uint_as_float((unsigned)sm_half_bits(w, N - 1) << 16);
}
template <int N, typename R> __device__ __forceinline__ void sm_unpack_f16(const R& r, float* out) {
  SM_WORDS(R, r);
  _Pragma("unroll") for (int t = 0; t < N / 2; ++t) {
    const float2 f = __half22float2(__halves2half2(__ushort_as_half(sm_half_bits(w, 2 * t)), __ushort_as_half(sm_half_bits(w, 2 * t + 1))));
    out[2 * t] = f.x; out[2 * t + 1] = f.y;
  }
  if (N % 2) out[N - 1] = __half2float(__ushort_as_half(sm_half_bits(w, N - 1)));
}
template <int N, typename R> __device__ __forceinline__ void sm_unpack_f32(const R& r, float* out) {
  SM_WORDS(R, r);
  _Pragma("unroll") for (int t = 0; t < N; ++t) out[t] = __uint_as_float(w[t]);
}
template <int N, typename R> __device__ __forceinline__ void sm_unpack_i32(const R& r, int* out) {
  SM_WORDS(R, r);
  _Pragma("unroll") for (int t = 0; t < N; ++t) out[t] = (int)w[t];
}
// u32 lanes are int32 (two's complement bits): the DSL's ints are 32-bit (docs/codegen.md).
template <int N, typename R> __device__ __forceinline__ void sm_unpack_u32(const R& r, int* out) {
  SM_WORDS(R, r);
  _Pragma("unroll") for (int t = 0; t < N; ++t) out[t] = (int)w[t];
}
template <int N, typename R> __device__ __forceinline__ void sm_unpack_u8(const R& r, int* out) {
  SM_WORDS(R, r);
  _Pragma("unroll") for (int t = 0; t < N; ++t) out[t] = (int)sm_byte(w, t);
}
// i64 lanes are the value saturated to int32 (the DSL's ints are 32-bit): a value outside never
// wraps onto an in-range index. Both words are read, so a vector load stays one vector load.
__device__ __forceinline__ int sm_sat_i32(unsigned lo, unsigned hi) {
  const int l = (int)lo, h = (int)hi;
  return h == (l >> 31) ? l : (h < 0 ? (int)0x80000000 : 0x7fffffff);
}
template <int N, typename R> __device__ __forceinline__ void sm_unpack_i64(const R& r, int* out) {
  SM_WORDS(R, r);
  _Pragma("unroll") for (int t = 0; t < N; ++t) out[t] = sm_sat_i32(w[2 * t], w[2 * t + 1]);
}
template <int N, typename R> __device__ __forceinline__ void sm_unpack_u16(const R& r, int* out) {
  SM_WORDS(R, r);
  _Pragma("unroll") for (int t = 0; t < N; ++t) out[t] = (int)sm_half_bits(w, t);
}
template <int N, typename R> __device__ __forceinline__ void sm_unpack_i8(const R& r, int* out) {
  SM_WORDS(R, r);
  _Pragma("unroll") for (int t = 0; t < N; ++t) out[t] = (int)(signed char)sm_byte(w, t);
}
template <int N, typename R> __device__ __forceinline__ void sm_unpack_bool(const R& r, bool* out) {
  SM_WORDS(R, r);
  _Pragma("unroll") for (int t = 0; t < N; ++t) out[t] = sm_byte(w, t) != 0u;
}
#endif`;
