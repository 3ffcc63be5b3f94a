// The ABI between generated mod code (server/src/codegen) and the runner's kernels (csrc/kernels).
// Generated code includes this header and nothing else from the project.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

#define SM_MAX_AUX 8
#define SM_MAX_DIMS 16
#define SM_MAX_SCALARS 8

struct SmAuxTensor {
  const void* data;     // base pointer; its alignment is a runtime obligation checked by the runner
  long long numel;      // allocation size in elements (for the bounds-checked build)
};

struct SmParams {
  SmAuxTensor aux[SM_MAX_AUX];      // in declaration order of the file's tensors
  long long dims[SM_MAX_DIMS];      // symbolic dims: 0=B 1=H 2=Q 3=KV, then user dims in order of first appearance
  float fscalars[SM_MAX_SCALARS];   // f32 scalars in declaration order
  int iscalars[SM_MAX_SCALARS];     // i32 scalars in declaration order
};

// Bounds-checked build (-DSM_BOUNDS_CHECK): generated code calls SM_CHECK_INDEX for every index
// of every load; the first violation is recorded here and the lane reads element 0 instead.
struct SmBoundsReport {
  int hit;              // 0 until the first violation
  int load_id, dim;     // which load (ModFact.loads[id]) and which of its indices
  int b, h, q, kv;
  long long index, extent;
};
#ifdef SM_BOUNDS_CHECK
extern __device__ SmBoundsReport sm_bounds_report;
__device__ __forceinline__ bool sm_check_index(int load_id, int dim, long long idx, long long extent,
                                               int b, int h, int q, int kv) {
  if (idx >= 0 && idx < extent) return true;
  if (atomicCAS(&sm_bounds_report.hit, 0, 1) == 0) {
    sm_bounds_report.load_id = load_id; sm_bounds_report.dim = dim;
    sm_bounds_report.b = b; sm_bounds_report.h = h; sm_bounds_report.q = q; sm_bounds_report.kv = kv;
    sm_bounds_report.index = idx; sm_bounds_report.extent = extent;
  }
  return false;
}
#define SM_CHECK_INDEX(load_id, dim, idx, extent, b, h, q, kv) sm_check_index(load_id, dim, idx, extent, b, h, q, kv)
#else
#define SM_CHECK_INDEX(load_id, dim, idx, extent, b, h, q, kv) true
#endif

// Aux staging (attention_wgmma.cuh): generated producer code copies N bytes (4, 8 or 16) from
// global to shared memory with cp.async; when !full it writes N zero bytes and reads nothing.
// Completion is tracked per thread by cp.async.mbarrier.arrive in the kernel.
template <int N>
__device__ __forceinline__ void sm_cp_async(unsigned dst, const void* src, bool full) {
  static_assert(N == 4 || N == 8 || N == 16, "cp.async copies 4, 8 or 16 bytes");
  const unsigned n = full ? N : 0;
  if constexpr (N == 16) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(n) : "memory");
  } else {
    asm volatile("cp.async.ca.shared.global [%0], [%1], %2, %3;\n" ::"r"(dst), "l"(src), "n"(N), "r"(n) : "memory");
  }
}

// Aux tile staging (attention_wgmma.cuh): one query row of a staged tile, n bytes (a multiple of
// 16, at most PITCH) from global src (16-byte aligned) into the row at dst, rotated by rot bytes
// (a multiple of 16): logical byte x lands at (x + rot) % PITCH. Bulk copies (the TMA engine)
// complete on the stage's mbarrier bar, whose expected bytes this thread raises first.
template <int PITCH>
__device__ __forceinline__ void sm_bulk_row_rotated(unsigned dst, const void* src, unsigned n, unsigned rot, unsigned bar) {
  static_assert(PITCH >= 128 && (PITCH & (PITCH - 1)) == 0, "a staged tile row is a power of two of at least 128 bytes");
  asm volatile("mbarrier.expect_tx.relaxed.cta.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(n) : "memory");
  const unsigned first = n < PITCH - rot ? n : PITCH - rot;
  asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];\n"
               ::"r"(dst + rot), "l"(src), "r"(first), "r"(bar) : "memory");
  if (n > first)
    asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];\n"
                 ::"r"(dst), "l"(static_cast<const char*>(src) + first), "r"(n - first), "r"(bar) : "memory");
}
