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

// Aux tile staging (attention_wgmma.cuh): one TMA copy of a ROWS-row tile into dst (1024-byte
// aligned) as PANELS boxes of 128-byte rows (128 / ELEM columns each, 128-byte swizzle), through
// the tensor map at tmap (dims: kv, q, then the load's other dims), at coordinates c (kv, q,
// others). The copier raises the stage barrier's expected bytes first; TMA counts zero-filled
// bytes outside the tensor too.
template <int RANK, int ROWS, int PANELS, int ELEM>
__device__ __forceinline__ void sm_tma_tile(unsigned dst, const void* tmap, unsigned bar, const int (&c)[RANK]) {
  static_assert(RANK >= 2 && RANK <= 5, "a TMA tensor map has 2 to 5 dims here");
  asm volatile("mbarrier.expect_tx.relaxed.cta.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "n"(ROWS * 128 * PANELS) : "memory");
#pragma unroll
  for (int pn = 0; pn < PANELS; ++pn) {
    const unsigned d = dst + pn * ROWS * 128;
    const int c0 = c[0] + pn * (128 / ELEM);
    if constexpr (RANK == 2)
      asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%3, %4}], [%2];\n"
                   ::"r"(d), "l"(tmap), "r"(bar), "r"(c0), "r"(c[1]) : "memory");
    else if constexpr (RANK == 3)
      asm volatile("cp.async.bulk.tensor.3d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%3, %4, %5}], [%2];\n"
                   ::"r"(d), "l"(tmap), "r"(bar), "r"(c0), "r"(c[1]), "r"(c[RANK > 2 ? 2 : 0]) : "memory");
    else if constexpr (RANK == 4)
      asm volatile("cp.async.bulk.tensor.4d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%3, %4, %5, %6}], [%2];\n"
                   ::"r"(d), "l"(tmap), "r"(bar), "r"(c0), "r"(c[1]), "r"(c[RANK > 2 ? 2 : 0]), "r"(c[RANK > 3 ? 3 : 0]) : "memory");
    else
      asm volatile("cp.async.bulk.tensor.5d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%3, %4, %5, %6, %7}], [%2];\n"
                   ::"r"(d), "l"(tmap), "r"(bar), "r"(c0), "r"(c[1]), "r"(c[RANK > 2 ? 2 : 0]), "r"(c[RANK > 3 ? 3 : 0]), "r"(c[RANK > 4 ? 4 : 0]) : "memory");
  }
}
