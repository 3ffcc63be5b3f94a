// Host-side request shared by the harness and its variant translation units.
#pragma once
#include <cuda_runtime.h>
#include "attention_abi.cuh"
struct LaunchReq {
  SmAttnParams p;
  int D;
  bool f16;
  bool reference;  // fp32 reference kernel (O is float)
  cudaStream_t stream;
};
// A variant's tensor-core kernel tiles (its SM_ATTN_BLOCK_M, SM_ATTN_BLOCK_N): the block map's.
struct BlockShape { int m, n; };
