// Launch interface of the runner's attention kernels (attention_mma.cuh, reference_fp32.cuh).
// Device-side header, NVRTC-compatible: the host mirrors SmAttnParams byte for byte (all
// fields are naturally aligned 8/4-byte scalars or pointers; SmParams is scoremod_abi.cuh's).
// Documented in csrc/kernels/README.md.
#pragma once
#include "scoremod_abi.cuh"
#include "attention_launch.h"

// -inf without <math.h> (NVRTC has no INFINITY macro).
#define SM_NEG_INF (-__int_as_float(0x7f800000))

struct SmAttnParams {
  // Q [B, H, Q, D], K and V [B, Hkv, KV, D], O [B, H, Q, D] addressed through the strides below
  // (in elements; the innermost D stride is 1). Q/K/V/O are 16-bit (bf16 or f16, per entry
  // point) for the tensor-core kernel; O is fp32 for the reference kernel.
  // Obligations: pointers 16-byte aligned, every stride a multiple of 8 elements.
  const void* q;
  const void* k;
  const void* v;
  void* o;
  float* lse;           // [B, H, Q] natural-log logsumexp, stride (lse_stride_b, lse_stride_h, 1); may be null
  long long q_stride_b, q_stride_h, q_stride_s;
  long long k_stride_b, k_stride_h, k_stride_s;
  long long v_stride_b, v_stride_h, v_stride_s;
  long long o_stride_b, o_stride_h, o_stride_s;
  long long lse_stride_b, lse_stride_h;
  int B, H, Hkv;        // H % Hkv == 0; query head h reads kv head h / (H / Hkv)
  int Q, KV, D;         // D must equal the entry point's head dim
  float softmax_scale;  // scores handed to the mod are (q . k) * softmax_scale
  unsigned flags;       // SM_ATTN_FLAG_* (attention_launch.h)
  // Block map (block sparsity): which kv tiles each block of query rows visits, and on which the
  // mask must run. Null: every kv tile, mask on every tile. Otherwise one row of blk_row ints per
  // (b, h, q block) at row b * blk_stride_b + h * blk_stride_h + q_block (strides in rows; 0
  // broadcasts): the count n, then n entries kv_tile * 2 + partial, kv tiles ascending. A tile
  // left out is empty (every score masked); partial = 0 means full (the mask keeps every score,
  // so it is not run). Tiles are the kernel's own: SM_ATTN_BLOCK_M / SM_ATTN_WG_BLOCK_M rows by
  // 128 kv. The reference kernel ignores the map: it is the oracle a wrong map is caught by.
  const int* blk;
  long long blk_stride_b, blk_stride_h;
  int blk_row;
  int blk_pad_;
  SmParams mod;         // handed to the score/mask mods as-is
};
static_assert(sizeof(SmAttnParams) == SM_ATTN_PARAMS_BYTES, "SmAttnParams layout changed: update the host mirror");

// The block-classification pre-pass's argument (attention_entries.cuh, sm_block_classify).
struct SmClassifyParams {
  SmAttnParams p;
  unsigned char* out;  // one byte per tile: 0 empty, 1 partial, 2 full
  int tile_q, tile_kv, n_q, n_kv, grids_b, grids_h;
};
static_assert(sizeof(SmClassifyParams) == SM_BLOCK_CLASSIFY_PARAMS_BYTES, "SmClassifyParams layout changed: update the host mirror");

// The kv tiles a block of query rows visits: a view of its block-map row (or of every tile).
struct SmTileList {
  const int* e;  // null: every tile, all partial
  int n;
  __device__ __forceinline__ int entry(int j) const { return e ? __ldg(e + j) : 2 * j + 1; }
};
__device__ __forceinline__ SmTileList sm_tile_list(const SmAttnParams& p, int b, int h, int qblk, int ntiles_dense) {
  if (p.blk == nullptr) return {nullptr, ntiles_dense};
  const int* row = p.blk + (b * p.blk_stride_b + h * p.blk_stride_h + qblk) * (long long)p.blk_row;
  return {row + 1, __ldg(row)};
}
