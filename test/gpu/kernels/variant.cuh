// One harness variant: the includer defines VARIANT (a name) and the mod macros, then
// includes this. It builds the runner's entry points with suffix _VARIANT and a host launcher
// `int launch_VARIANT(const LaunchReq&)` returning a cudaError_t, and `BlockShape shape_VARIANT()`:
// the tiles its tensor-core kernel was built with (a block map for it must use them).
#pragma once
#include "mods.cuh"
#define SM_ATTN_ENTRY_SUFFIX SM_ATTN_CAT_(_, VARIANT)
#define SM_ATTN_CAT2_(a, b) a##b
#define SM_ATTN_CAT_(a, b) SM_ATTN_CAT2_(a, b)
#include "attention_entries.cuh"
#include "launch_req.h"

#define VFN_(base) SM_ATTN_CAT_(base, SM_ATTN_ENTRY_SUFFIX)

int SM_ATTN_CAT_(launch_, VARIANT)(const LaunchReq& r) {
  typedef void (*K)(const SmAttnParams);
  K k = nullptr;
  bool ref = r.reference;
  if (!r.f16 && r.D == 64) k = ref ? VFN_(sm_attn_fwd_ref_bf16_d64) : VFN_(sm_attn_fwd_mma_bf16_d64);
  if (!r.f16 && r.D == 128) k = ref ? VFN_(sm_attn_fwd_ref_bf16_d128) : VFN_(sm_attn_fwd_mma_bf16_d128);
  if (r.f16 && r.D == 64) k = ref ? VFN_(sm_attn_fwd_ref_f16_d64) : VFN_(sm_attn_fwd_mma_f16_d64);
  if (r.f16 && r.D == 128) k = ref ? VFN_(sm_attn_fwd_ref_f16_d128) : VFN_(sm_attn_fwd_mma_f16_d128);
  if (k == nullptr) return (int)cudaErrorInvalidValue;
  const SmAttnParams& p = r.p;
  if (ref) {
    dim3 grid((p.Q + SM_ATTN_REF_BLOCK_M - 1) / SM_ATTN_REF_BLOCK_M, p.H, p.B);
    k<<<grid, SM_ATTN_REF_THREADS, 0, r.stream>>>(p);
  } else {
    const int smem = SM_ATTN_MMA_SMEM_BYTES(r.D, SM_ATTN_STAGED);
    cudaError_t e = cudaFuncSetAttribute((const void*)k, cudaFuncAttributeMaxDynamicSharedMemorySize, smem);
    if (e != cudaSuccess) return (int)e;
    dim3 grid((p.Q + SM_ATTN_BLOCK_M - 1) / SM_ATTN_BLOCK_M, p.H, p.B);
    k<<<grid, SM_ATTN_MMA_THREADS, smem, r.stream>>>(p);
  }
  return (int)cudaGetLastError();
}

BlockShape SM_ATTN_CAT_(shape_, VARIANT)() { return {SM_ATTN_BLOCK_M, SM_ATTN_BLOCK_N}; }
