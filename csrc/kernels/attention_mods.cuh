// How the runner's kernels plug in the generated mods (csrc/kernels/README.md): the macros
// that select them, and the direct path that applies a mod of V <= 2 to one accumulator pair
// (kv, kv + 1) of a query row. Shared by the portable kernel (attention_mma.cuh) and the
// Hopper kernel (attention_wgmma.cuh), so both hand a mod the same values in the same order.
#pragma once
#include "attention_abi.cuh"

#ifndef SM_VEC
#define SM_VEC 1
#endif
#ifndef SM_MASK_VEC
#define SM_MASK_VEC 1
#endif
#ifdef SM_SCORE_MOD
#define SM_HAS_SCORE_MOD 1
#else
#define SM_HAS_SCORE_MOD 0
#endif
#ifdef SM_MASK_MOD
#define SM_HAS_MASK_MOD 1
#else
#define SM_HAS_MASK_MOD 0
#endif
// A mod that is present and wider than a pair goes through the staged S tile.
#define SM_STAGE_SCORE (SM_HAS_SCORE_MOD && SM_VEC > 2)
#define SM_STAGE_MASK (SM_HAS_MASK_MOD && SM_MASK_VEC > 2)
#define SM_ATTN_STAGED (SM_STAGE_SCORE || SM_STAGE_MASK)

namespace {
namespace sm_mods {

// Direct path: a mod of V <= 2 applied to the accumulator pair (kv, kv + 1) of one row.
// Branch-free, so the aux loads of all of a thread's pairs can be in flight together: a row
// past Q or a column past KV calls the mod at the last valid position instead (every index the
// mod computes stays in the range it has for real positions) and its result is discarded:
// such rows are never stored and such columns are set to -inf after the mods. With V = 2 the
// runner's obligation KV % 2 == 0 keeps a pair wholly inside or wholly past the end.
__device__ __forceinline__ void score_pair(float& x0, float& x1, int b, int h, int q, int kv, const SmAttnParams& p) {
#if SM_HAS_SCORE_MOD && !SM_STAGE_SCORE
  const int qc = min(q, p.Q - 1);
#if SM_VEC == 2
  float s[2] = {x0, x1};
  SM_SCORE_MOD(s, b, h, qc, min(kv, p.KV - 2), p.mod);
  x0 = s[0]; x1 = s[1];
#else
  float s0[1] = {x0}, s1[1] = {x1};
  SM_SCORE_MOD(s0, b, h, qc, min(kv, p.KV - 1), p.mod);
  SM_SCORE_MOD(s1, b, h, qc, min(kv + 1, p.KV - 1), p.mod);
  x0 = s0[0]; x1 = s1[0];
#endif
#endif
}
__device__ __forceinline__ void mask_pair(float& x0, float& x1, int b, int h, int q, int kv, const SmAttnParams& p) {
#if SM_HAS_MASK_MOD && !SM_STAGE_MASK
  const int qc = min(q, p.Q - 1);
#if SM_MASK_VEC == 2
  bool k[2] = {true, true};
  SM_MASK_MOD(k, b, h, qc, min(kv, p.KV - 2), p.mod);
  x0 = k[0] ? x0 : SM_NEG_INF;
  x1 = k[1] ? x1 : SM_NEG_INF;
#else
  bool k0[1] = {true}, k1[1] = {true};
  SM_MASK_MOD(k0, b, h, qc, min(kv, p.KV - 1), p.mod);
  SM_MASK_MOD(k1, b, h, qc, min(kv + 1, p.KV - 1), p.mod);
  x0 = k0[0] ? x0 : SM_NEG_INF;
  x1 = k1[0] ? x1 : SM_NEG_INF;
#endif
#endif
}

// Staged twins for the Hopper kernel (aux staging, attention_wgmma.cuh): when the runner plugs in
// SM_SCORE_MOD_ST / SM_MASK_MOD_ST, the mod reads its staged loads from the kv tile's stage at st,
// at row tq and column tkv of the block's tile: the pair's own position, not clamped (callers pass
// compile-time offsets, so the reads need no address arithmetic; values of positions past Q or
// KV are discarded like their scores). Without them, the direct path.
__device__ __forceinline__ void score_pair_st(float& x0, float& x1, int b, int h, int q, int kv, const SmAttnParams& p, const unsigned char* st, int tq, int tkv) {
#if defined(SM_SCORE_MOD_ST) && SM_HAS_SCORE_MOD && !SM_STAGE_SCORE
  const int qc = min(q, p.Q - 1);
#if SM_VEC == 2
  float s[2] = {x0, x1};
  SM_SCORE_MOD_ST(s, b, h, qc, min(kv, p.KV - 2), p.mod, st, tq, tkv);
  x0 = s[0]; x1 = s[1];
#else
  float s0[1] = {x0}, s1[1] = {x1};
  SM_SCORE_MOD_ST(s0, b, h, qc, min(kv, p.KV - 1), p.mod, st, tq, tkv);
  SM_SCORE_MOD_ST(s1, b, h, qc, min(kv + 1, p.KV - 1), p.mod, st, tq, tkv + 1);
  x0 = s0[0]; x1 = s1[0];
#endif
#else
  (void)st; (void)tq; (void)tkv;
  score_pair(x0, x1, b, h, q, kv, p);
#endif
}
// The runner defines SM_FLOAT_POSITIONS=1 for runs whose positions stay exact in f32
// (analysis/positions.ts); SM_SCORE_MOD_WG passes it to the mod's own entry as FPOS.
#ifndef SM_FLOAT_POSITIONS
#define SM_FLOAT_POSITIONS 0
#endif
// A score mod's kv-invariant loads for one query row (the generated uniforms function: no index
// depends on kv, so the Hopper kernel loads them once per work item, not once per kv tile, where
// its barriers would keep the compiler from hoisting them). Empty without the mod's own entry.
#if defined(SM_SCORE_MOD_WG) && SM_HAS_SCORE_MOD && !SM_STAGE_SCORE
using SmScoreUniforms = SM_SCORE_UNIFORMS_T;
__device__ __forceinline__ SmScoreUniforms score_uniforms(int b, int h, int q, const SmAttnParams& p) {
  return SM_SCORE_UNIFORMS(b, h, min(q, p.Q - 1), p.mod);
}
#else
struct SmScoreUniforms {};
__device__ __forceinline__ SmScoreUniforms score_uniforms(int, int, int, const SmAttnParams&) { return {}; }
#endif
// The Hopper kernel's score path: when the runner plugs in SM_SCORE_MOD_WG (the mod's own entry
// for that kernel, codegen/cuda.ts _wg/_st), the mod gets the unscaled scores and the scale (so
// `score + E` is one fused multiply-add) and the pair's float positions: kvBase + kvOff is the
// pair's first kv, not clamped, qf + qOff the row's q (kvOff and qOff compile-time constants at
// each call: the thread's second row passes the first row's qf and qOff 8, so a position that
// differs by kv - q between the rows is the same expression, computed once); un holds the row's
// uniform loads (score_uniforms, loaded once per work item); stw
// is the pair's word of a staged aux tile (read by the kernel with ldmatrix), else unused.
// Without it: scale, then the staged or direct path.
__device__ __forceinline__ void score_pair_wg(float& x0, float& x1, float scale, int b, int h, int q, int kv, const SmAttnParams& p, const unsigned char* st, int tq, int tkv, float kvBase, int kvOff, float qf, int qOff, unsigned stw, const SmScoreUniforms& un) {
#if defined(SM_SCORE_MOD_WG) && SM_HAS_SCORE_MOD && !SM_STAGE_SCORE
  const int qc = min(q, p.Q - 1);
  (void)st; (void)tq; (void)tkv;
#if SM_VEC == 2
  float s[2] = {x0, x1};
  SM_SCORE_MOD_WG(s, scale, b, h, qc, min(kv, p.KV - 2), p.mod, kvBase, kvOff, qf, qOff, st, tq, tkv, stw, un);
  x0 = s[0]; x1 = s[1];
#else
  float s0[1] = {x0}, s1[1] = {x1};
  SM_SCORE_MOD_WG(s0, scale, b, h, qc, min(kv, p.KV - 1), p.mod, kvBase, kvOff, qf, qOff, st, tq, tkv, stw, un);
  SM_SCORE_MOD_WG(s1, scale, b, h, qc, min(kv + 1, p.KV - 1), p.mod, kvBase, kvOff + 1, qf, qOff, st, tq, tkv + 1, stw, un);
  x0 = s0[0]; x1 = s1[0];
#endif
#else
  (void)kvBase; (void)kvOff; (void)qf; (void)qOff; (void)stw; (void)un;
  x0 = __fmul_rn(x0, scale);
  x1 = __fmul_rn(x1, scale);
  score_pair_st(x0, x1, b, h, q, kv, p, st, tq, tkv);
#endif
}
__device__ __forceinline__ void mask_pair_st(float& x0, float& x1, int b, int h, int q, int kv, const SmAttnParams& p, const unsigned char* st, int tq, int tkv) {
#if defined(SM_MASK_MOD_ST) && SM_HAS_MASK_MOD && !SM_STAGE_MASK
  const int qc = min(q, p.Q - 1);
#if SM_MASK_VEC == 2
  bool k[2] = {true, true};
  SM_MASK_MOD_ST(k, b, h, qc, min(kv, p.KV - 2), p.mod, st, tq, tkv);
  x0 = k[0] ? x0 : SM_NEG_INF;
  x1 = k[1] ? x1 : SM_NEG_INF;
#else
  bool k0[1] = {true}, k1[1] = {true};
  SM_MASK_MOD_ST(k0, b, h, qc, min(kv, p.KV - 1), p.mod, st, tq, tkv);
  SM_MASK_MOD_ST(k1, b, h, qc, min(kv + 1, p.KV - 1), p.mod, st, tq, tkv + 1);
  x0 = k0[0] ? x0 : SM_NEG_INF;
  x1 = k1[0] ? x1 : SM_NEG_INF;
#endif
#else
  (void)st; (void)tq; (void)tkv;
  mask_pair(x0, x1, b, h, q, kv, p);
#endif
}
}  // namespace sm_mods
}  // namespace
