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
__device__ __forceinline__ void score_pair(float& x0, float& x1, int b, int h, int q, int kv, const SmAttnParams& p) {
#if SM_HAS_SCORE_MOD && !SM_STAGE_SCORE
  if (q >= p.Q) return;
#if SM_VEC == 2
  if (kv < p.KV) {
    float s[2] = {x0, x1};
    SM_SCORE_MOD(s, b, h, q, kv, p.mod);
    x0 = s[0]; x1 = s[1];
  }
#else
  if (kv < p.KV) { float s[1] = {x0}; SM_SCORE_MOD(s, b, h, q, kv, p.mod); x0 = s[0]; }
  if (kv + 1 < p.KV) { float s[1] = {x1}; SM_SCORE_MOD(s, b, h, q, kv + 1, p.mod); x1 = s[0]; }
#endif
#endif
}
__device__ __forceinline__ void mask_pair(float& x0, float& x1, int b, int h, int q, int kv, const SmAttnParams& p) {
#if SM_HAS_MASK_MOD && !SM_STAGE_MASK
  if (q >= p.Q) return;
#if SM_MASK_VEC == 2
  if (kv < p.KV) {
    bool k[2] = {true, true};
    SM_MASK_MOD(k, b, h, q, kv, p.mod);
    if (!k[0]) x0 = SM_NEG_INF;
    if (!k[1]) x1 = SM_NEG_INF;
  }
#else
  if (kv < p.KV) { bool k[1] = {true}; SM_MASK_MOD(k, b, h, q, kv, p.mod); if (!k[0]) x0 = SM_NEG_INF; }
  if (kv + 1 < p.KV) { bool k[1] = {true}; SM_MASK_MOD(k, b, h, q, kv + 1, p.mod); if (!k[0]) x1 = SM_NEG_INF; }
#endif
#endif
}

}  // namespace sm_mods
}  // namespace
