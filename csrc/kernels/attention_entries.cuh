// Entry points of the runner's attention kernels: the one header the runner includes after
// the generated mod code and the mod macros (see README.md). Defines, for each selected
// element type and head dim, two extern "C" kernels taking `const SmAttnParams` by value:
//   sm_attn_fwd_mma_<bf16|f16>_d<64|128><SM_ATTN_ENTRY_SUFFIX>  tensor-core kernel, O in Q's dtype
//   sm_attn_fwd_ref_<bf16|f16>_d<64|128><SM_ATTN_ENTRY_SUFFIX>  fp32 reference, O fp32
// Selection macros (optional): SM_ATTN_DTYPE_BF16 / SM_ATTN_DTYPE_F16 and SM_ATTN_D64 /
// SM_ATTN_D128; with none of a pair defined, both of that pair are built. SM_ATTN_ENTRY_SUFFIX
// (default empty) lets several mods share one program (the test harness links many).
// SM_ATTN_WGMMA (sm_90a builds only, mods of V <= 2) adds the Hopper kernel:
//   sm_attn_fwd_wgmma_<bf16|f16>_d<64|128><SM_ATTN_ENTRY_SUFFIX>  taking `const SmWgParams`
#pragma once
#include "attention_mma.cuh"
#include "reference_fp32.cuh"
#ifdef SM_ATTN_WGMMA
#include "attention_wgmma.cuh"
#endif

// Bounds-checked build: sm_bounds_report (scoremod_abi.cuh) records the first out-of-range aux
// index. In whole-program compilation (NVRTC's and nvcc's default) the header's extern
// declaration already is the definition (nvcc warns 20044 and treats it as a static
// definition; defining it again is an error), so this TU defines it only for relocatable
// builds (-rdc=true), where the extern needs one definition. The runner zeroes it before a
// launch and reads it back (driver API: cuModuleGetGlobal(..., "sm_bounds_report")).
#if defined(SM_BOUNDS_CHECK) && defined(__CUDACC_RDC__)
__device__ SmBoundsReport sm_bounds_report;
#endif

#ifndef SM_ATTN_ENTRY_SUFFIX
#define SM_ATTN_ENTRY_SUFFIX
#endif
#define SM_ATTN_CAT2_(a, b) a##b
#define SM_ATTN_CAT_(a, b) SM_ATTN_CAT2_(a, b)

#if !defined(SM_ATTN_DTYPE_BF16) && !defined(SM_ATTN_DTYPE_F16)
#define SM_ATTN_DTYPE_BF16
#define SM_ATTN_DTYPE_F16
#endif
#if !defined(SM_ATTN_D64) && !defined(SM_ATTN_D128)
#define SM_ATTN_D64
#define SM_ATTN_D128
#endif

#define SM_ATTN_DEFINE_ENTRIES_(T, tname, D)                                                          \
  extern "C" __global__ void __launch_bounds__(SM_ATTN_MMA_THREADS)                                    \
  SM_ATTN_CAT_(sm_attn_fwd_mma_##tname##_d##D, SM_ATTN_ENTRY_SUFFIX)(const __grid_constant__ SmAttnParams p) { \
    extern __shared__ __align__(128) unsigned char sm_attn_dyn_smem[];                                \
    sm_mma::attn_fwd<T, D>(p, sm_attn_dyn_smem);                                                      \
  }                                                                                                   \
  extern "C" __global__ void __launch_bounds__(SM_ATTN_REF_THREADS)                                    \
  SM_ATTN_CAT_(sm_attn_fwd_ref_##tname##_d##D, SM_ATTN_ENTRY_SUFFIX)(const __grid_constant__ SmAttnParams p) { \
    sm_ref::attn_ref<T, D>(p);                                                                        \
  }

#ifdef SM_ATTN_WGMMA
// __launch_bounds__(384, 1) gives the kernel a register cap at entry (168), which setmaxnreg
// needs; the producer warpgroup then drops to 24 and the consumers rise to 240.
#define SM_ATTN_DEFINE_WG_ENTRY_(T, tname, D)                                                         \
  extern "C" __global__ void __launch_bounds__(SM_ATTN_WG_THREADS, 1)                                  \
  SM_ATTN_CAT_(sm_attn_fwd_wgmma_##tname##_d##D, SM_ATTN_ENTRY_SUFFIX)(const __grid_constant__ SmWgParams p) { \
    extern __shared__ __align__(1024) unsigned char sm_attn_wg_smem[];                                \
    sm_wg::attn_fwd<T, D>(p, sm_attn_wg_smem);                                                        \
  }
#else
#define SM_ATTN_DEFINE_WG_ENTRY_(T, tname, D)
#endif

#if defined(SM_ATTN_DTYPE_BF16) && defined(SM_ATTN_D64)
SM_ATTN_DEFINE_ENTRIES_(__nv_bfloat16, bf16, 64)
SM_ATTN_DEFINE_WG_ENTRY_(__nv_bfloat16, bf16, 64)
#endif
#if defined(SM_ATTN_DTYPE_BF16) && defined(SM_ATTN_D128)
SM_ATTN_DEFINE_ENTRIES_(__nv_bfloat16, bf16, 128)
SM_ATTN_DEFINE_WG_ENTRY_(__nv_bfloat16, bf16, 128)
#endif
#if defined(SM_ATTN_DTYPE_F16) && defined(SM_ATTN_D64)
SM_ATTN_DEFINE_ENTRIES_(__half, f16, 64)
SM_ATTN_DEFINE_WG_ENTRY_(__half, f16, 64)
#endif
#if defined(SM_ATTN_DTYPE_F16) && defined(SM_ATTN_D128)
SM_ATTN_DEFINE_ENTRIES_(__half, f16, 128)
SM_ATTN_DEFINE_WG_ENTRY_(__half, f16, 128)
#endif

#if SM_HAS_MASK_MOD
// Block classification pre-pass (attention_launch.h): the mask on every element of one tile per
// block, reduced to empty / partial / full. Exact, not sampled. The mask is called with its own V
// lanes (kv0 a multiple of V, as in the kernels); grids that do not depend on b (h) run at b = 0
// (h = 0), which the runner decides from the analysis.
extern "C" __global__ void __launch_bounds__(SM_BLOCK_CLASSIFY_THREADS)
SM_ATTN_CAT_(sm_block_classify, SM_ATTN_ENTRY_SUFFIX)(const __grid_constant__ SmClassifyParams c) {
  const SmAttnParams& p = c.p;
  constexpr int V = SM_MASK_VEC;
  const int kt = blockIdx.x, qt = blockIdx.y;
  const int gb = blockIdx.z / c.grids_h, gh = blockIdx.z % c.grids_h;
  const int q0 = qt * c.tile_q, k0 = kt * c.tile_kv;
  const int per_row = c.tile_kv / V;
  bool any = false, all = true;
  for (int g = threadIdx.x; g < c.tile_q * per_row; g += blockDim.x) {
    const int q = q0 + g / per_row, kv0 = k0 + (g % per_row) * V;
    if (q >= p.Q || kv0 >= p.KV) continue;
    bool keep[V];
#pragma unroll
    for (int i = 0; i < V; ++i) keep[i] = true;
    SM_MASK_MOD(keep, gb, gh, q, kv0, p.mod);
#pragma unroll
    for (int i = 0; i < V; ++i)
      if (kv0 + i < p.KV) { any |= keep[i]; all &= keep[i]; }
  }
  any = __syncthreads_or(any);
  all = __syncthreads_and(all);
  if (threadIdx.x == 0) c.out[((long long)blockIdx.z * c.n_q + qt) * c.n_kv + kt] = !any ? 0 : all ? 2 : 1;
}
#endif
