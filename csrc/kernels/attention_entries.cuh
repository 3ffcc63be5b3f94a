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
