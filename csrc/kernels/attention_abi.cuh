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
  SmParams mod;         // handed to the score/mask mods as-is
};
static_assert(sizeof(SmAttnParams) == SM_ATTN_PARAMS_BYTES, "SmAttnParams layout changed: update the host mirror");
