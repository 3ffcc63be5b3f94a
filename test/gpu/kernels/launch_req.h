// Host-side request shared by the harness and its variant translation units.
#pragma once
#include <cuda_runtime.h>
#include "attention_abi.cuh"
#include "block_map.h"
struct LaunchReq {
  SmAttnParams p;
  int D;
  bool f16;
  bool reference;  // fp32 reference kernel (O is float)
  cudaStream_t stream;
};
