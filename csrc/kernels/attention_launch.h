/* Launch geometry of the runner's attention kernels, shared by the kernels (NVRTC/nvcc) and
 * the host code that launches them (g++). Plain C preprocessor only: no CUDA headers, so the
 * addon can include it on a machine without a CUDA toolkit. See csrc/kernels/README.md. */
#ifndef SM_ATTENTION_LAUNCH_H
#define SM_ATTENTION_LAUNCH_H

/* ---- tensor-core kernel (attention_mma.cuh): sm_attn_fwd_mma_<dtype>_d<D> ---- */
/* Warps per block; each warp owns 16 query rows. Default 8 (128 rows: every K/V tile read
 * from L2 serves twice the rows of 4 warps; +17% non-causal on the H100, see
 * notes/kernels.md). A runner may define 4 before including the kernels, and must then use
 * the same value on the host side. */
#ifndef SM_ATTN_MMA_WARPS
#define SM_ATTN_MMA_WARPS 8
#endif
#define SM_ATTN_MMA_THREADS (32 * SM_ATTN_MMA_WARPS)
#define SM_ATTN_BLOCK_M (16 * SM_ATTN_MMA_WARPS) /* query rows per block */
#define SM_ATTN_BLOCK_N 128                       /* kv columns per S tile (targets.ts tileN) */
/* K tiles in flight: 1 (K_{j+1} loads during P.V_j) or 2 (K_{j+1} loads from the start of
 * tile j, double-buffered). Same rule as the warps: define it for kernels and host alike. */
#ifndef SM_ATTN_MMA_KSTAGES
#define SM_ATTN_MMA_KSTAGES 1
#endif
/* Dynamic shared memory in bytes: Q tile + K tile(s) + V tile (16-bit elements), plus, when the
 * build stages S for a vectorized mod (SM_VEC > 2 or SM_MASK_VEC > 2), one fp32 S tile.
 * staged = 1 exactly when the mod macros say so; SM_ATTN_MMA_STAGED(vec, maskvec) computes it. */
#define SM_ATTN_MMA_STAGED(vec, maskvec) (((vec) > 2) || ((maskvec) > 2))
#define SM_ATTN_MMA_SMEM_BYTES(D, staged) \
  ((SM_ATTN_BLOCK_M * (D) + (SM_ATTN_MMA_KSTAGES + 1) * SM_ATTN_BLOCK_N * (D)) * 2 + \
   ((staged) ? SM_ATTN_BLOCK_M * SM_ATTN_BLOCK_N * 4 : 0))
/* grid = (ceil(Q / SM_ATTN_BLOCK_M), H, B), block = (SM_ATTN_MMA_THREADS, 1, 1). */

/* ---- Hopper kernel (attention_wgmma.cuh): sm_attn_fwd_wgmma_<dtype>_d<D>, sm_90a only ---- */
/* One producer warpgroup (TMA) and two consumer warpgroups of 64 query rows each. */
#define SM_ATTN_WG_THREADS 384
#define SM_ATTN_WG_BLOCK_M 128
/* kv columns per S tile: 128, or 176 (FlashAttention-3's width for head dim 128 without a mask:
 * fewer per-tile softmax steps for the same matrix work). Like the warps above, a runner that
 * defines it must use the same value on the host side (server/src/runner/source.ts wgBlockN):
 * the K/V boxes of the tensor maps and the block map's tiles are this wide. */
#ifndef SM_ATTN_WG_BLOCK_N
#define SM_ATTN_WG_BLOCK_N 128
#endif
/* Q tile (none when qInAux: Q lives in the last aux stage until the consumers hold it in
 * registers) + SM_WG_STAGES-deep K and V rings (16-bit elements), the mbarriers (rounded up to 128
 * bytes), auxStages staged aux stages (aux bytes per stage, a multiple of 128; 0 without staging),
 * and 1024 bytes of slack: the kernel rounds the dynamic shared memory base up to the 1024-byte
 * swizzle atom. The runner mirrors it (server/src/runner/source.ts wgSmemBytes). */
#ifndef SM_WG_STAGES
#define SM_WG_STAGES 2
#endif
#define SM_ATTN_WG_SMEM_BYTES(D, aux, auxStages, qInAux) \
  ((((((qInAux) ? 0 : SM_ATTN_WG_BLOCK_M * (D)) + 2 * SM_WG_STAGES * SM_ATTN_WG_BLOCK_N * (D)) * 2 + \
    8 * (2 + 4 * SM_WG_STAGES + 2 * (auxStages)) + 127) / 128) * 128 + \
   (auxStages) * (aux) + 1024)
/* The most dynamic shared memory an sm_90 block may opt into (227 KB). */
#define SM_ATTN_WG_SMEM_MAX 232448
/* Its one parameter, SmWgParams: four 128-byte tensor maps (Q, K, V, a staged aux tile), then
 * SmAttnParams at byte SM_ATTN_WG_PARAMS_OFFSET; the struct is padded to a multiple of 64 bytes. */
#define SM_ATTN_WG_PARAMS_OFFSET 512
#define SM_ATTN_WG_PARAMS_BYTES 1088
/* grid = (ceil(Q / SM_ATTN_WG_BLOCK_M), H, B), or with SM_WG_PERSISTENT (min(ceil(Q / SM_ATTN_WG_BLOCK_M) * H * B,
 * SMs), 1, 1); block = (SM_ATTN_WG_THREADS, 1, 1). */

/* ---- fp32 reference kernel (reference_fp32.cuh): sm_attn_fwd_ref_<dtype>_d<D> ---- */
#define SM_ATTN_REF_WARPS 4
#define SM_ATTN_REF_ROWS_PER_WARP 4
#define SM_ATTN_REF_THREADS (32 * SM_ATTN_REF_WARPS)
#define SM_ATTN_REF_BLOCK_M (SM_ATTN_REF_WARPS * SM_ATTN_REF_ROWS_PER_WARP) /* 16 query rows per block */
#define SM_ATTN_REF_TILE_N 32
/* Static shared memory only (under 48 KB for D <= 128): launch with 0 dynamic bytes.
 * grid = (ceil(Q / SM_ATTN_REF_BLOCK_M), H, B), block = (SM_ATTN_REF_THREADS, 1, 1). */

/* sizeof(SmAttnParams) (attention_abi.cuh) on every CUDA target (LP64): the host's mirror of
 * the struct should static_assert the same. */
#define SM_ATTN_PARAMS_BYTES 536

/* ---- flags (SmAttnParams.flags) ---- */
/* Launch the query blocks last first (the runner sets it when later blocks visit more kv tiles,
 * as under a causal mask, so the longest blocks start first). Changes no result. */
#define SM_ATTN_FLAG_REVERSE_Q 1u

/* ---- block classification pre-pass (attention_entries.cuh): sm_block_classify ---- */
/* For a mask that reads aux data: evaluates the mask on every element of every tile and writes
 * one byte per tile (0 empty, 1 partial, 2 full), [grid_b][grid_h][q tile][kv tile].
 * grid = (n_kv, n_q, grids_b * grids_h), block = (SM_BLOCK_CLASSIFY_THREADS, 1, 1). */
#define SM_BLOCK_CLASSIFY_THREADS 256
#define SM_BLOCK_CLASSIFY_PARAMS_BYTES 568

#endif
