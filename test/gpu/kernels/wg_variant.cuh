// One Hopper-kernel harness variant: the includer defines VARIANT and the mod macros (V <= 2),
// then includes this. Builds the runner's entry points (wgmma, mma, fp32 reference) with suffix
// _VARIANT and a host launcher `int wg_launch_VARIANT(const WgReq&)` returning a cudaError_t,
// and `BlockShape wg_shape_VARIANT(WgKernel)`: the tiles of that kernel (a block map must use them).
#pragma once
#include "mods.cuh"
#define SM_ATTN_WGMMA
#define SM_ATTN_ENTRY_SUFFIX SM_ATTN_CAT_(_, VARIANT)
#define SM_ATTN_CAT2_(a, b) a##b
#define SM_ATTN_CAT_(a, b) SM_ATTN_CAT2_(a, b)
#include "attention_entries.cuh"
#include "wg_req.h"

#define VFN_(base) SM_ATTN_CAT_(base, SM_ATTN_ENTRY_SUFFIX)

int SM_ATTN_CAT_(wg_launch_, VARIANT)(const WgReq& r) {
  const SmAttnParams& p = r.wp.p;
  if (r.kernel == WG_KERNEL) {
    typedef void (*K)(const SmWgParams);
    K k = nullptr;
    if (!r.f16 && r.D == 64) k = VFN_(sm_attn_fwd_wgmma_bf16_d64);
    if (!r.f16 && r.D == 128) k = VFN_(sm_attn_fwd_wgmma_bf16_d128);
    if (r.f16 && r.D == 64) k = VFN_(sm_attn_fwd_wgmma_f16_d64);
    if (r.f16 && r.D == 128) k = VFN_(sm_attn_fwd_wgmma_f16_d128);
    const int smem = SM_ATTN_WG_SMEM_BYTES(r.D, 0, SM_WG_STAGES, 0);
    cudaError_t e = cudaFuncSetAttribute((const void*)k, cudaFuncAttributeMaxDynamicSharedMemorySize, smem);
    if (e != cudaSuccess) return (int)e;
    dim3 grid((p.Q + SM_ATTN_WG_BLOCK_M - 1) / SM_ATTN_WG_BLOCK_M, p.H, p.B);
    k<<<grid, SM_ATTN_WG_THREADS, smem, r.stream>>>(r.wp);
    return (int)cudaGetLastError();
  }
  typedef void (*K)(const SmAttnParams);
  K k = nullptr;
  const bool ref = r.kernel == REF_KERNEL;
  if (!r.f16 && r.D == 64) k = ref ? VFN_(sm_attn_fwd_ref_bf16_d64) : VFN_(sm_attn_fwd_mma_bf16_d64);
  if (!r.f16 && r.D == 128) k = ref ? VFN_(sm_attn_fwd_ref_bf16_d128) : VFN_(sm_attn_fwd_mma_bf16_d128);
  if (r.f16 && r.D == 64) k = ref ? VFN_(sm_attn_fwd_ref_f16_d64) : VFN_(sm_attn_fwd_mma_f16_d64);
  if (r.f16 && r.D == 128) k = ref ? VFN_(sm_attn_fwd_ref_f16_d128) : VFN_(sm_attn_fwd_mma_f16_d128);
  if (ref) {
    dim3 grid((p.Q + SM_ATTN_REF_BLOCK_M - 1) / SM_ATTN_REF_BLOCK_M, p.H, p.B);
    k<<<grid, SM_ATTN_REF_THREADS, 0, r.stream>>>(p);
  } else {
    const int smem = SM_ATTN_MMA_SMEM_BYTES(r.D, 0);
    cudaError_t e = cudaFuncSetAttribute((const void*)k, cudaFuncAttributeMaxDynamicSharedMemorySize, smem);
    if (e != cudaSuccess) return (int)e;
    dim3 grid((p.Q + SM_ATTN_BLOCK_M - 1) / SM_ATTN_BLOCK_M, p.H, p.B);
    k<<<grid, SM_ATTN_MMA_THREADS, smem, r.stream>>>(p);
  }
  return (int)cudaGetLastError();
}

BlockShape SM_ATTN_CAT_(wg_shape_, VARIANT)(WgKernel kernel) {
  if (kernel == WG_KERNEL) return {SM_ATTN_WG_BLOCK_M, SM_ATTN_WG_BLOCK_N};
  return {SM_ATTN_BLOCK_M, SM_ATTN_BLOCK_N};  // MMA_KERNEL (the reference kernel ignores the map)
}
