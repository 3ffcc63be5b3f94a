// Host-side request shared by the Hopper harness (wg_harness.cu) and its variant units.
#pragma once
#include <cuda_runtime.h>
#include "attention_abi.cuh"
#include "block_map.h"
#include "attention_wgmma.cuh"
enum WgKernel { WG_KERNEL, MMA_KERNEL, REF_KERNEL };
struct WgReq {
  SmWgParams wp;  // tensor maps (used by WG_KERNEL only) and the common parameters
  int D;
  bool f16;
  WgKernel kernel;
  cudaStream_t stream;
};
