// Causal block maps for the harnesses (harness.cu, wg_harness.cu), in SmAttnParams.blk's format
// (attention_abi.cuh, csrc/kernels/README.md "Block map"), built on the host and kept on the device.
#pragma once
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>

// A kernel's tiles as its translation unit was built (SM_ATTN_BLOCK_M x SM_ATTN_BLOCK_N, or the
// Hopper kernel's SM_ATTN_WG_*): a block map must use them.
struct BlockShape { int m, n; };

// One row per query block of bm rows (ceil(Q / bm) rows of `row` = 1 + ceil(KV / bn) ints, the
// tail of a row unused): the count n, then kv_tile * 2 + partial for every kv tile of bn columns
// that holds a kept score (kv <= q) of some row of the block, ascending. For a mask that is exactly
// causal (keep kv <= q): a tile that crosses the diagonal is partial (1), one entirely at or below
// it (its last kv <= the block's first q) is full (0). Rows past Q keep nothing, so the last
// block's list ends at the diagonal of row Q - 1. The same rows serve every batch and head.
inline std::vector<int> causal_block_map(int Q, int KV, int bm, int bn, int* row) {
  const int nq = (Q + bm - 1) / bm, nkv = (KV + bn - 1) / bn;
  *row = 1 + nkv;
  std::vector<int> m((size_t)nq * *row, 0);
  for (int qb = 0; qb < nq; ++qb) {
    const int q_first = qb * bm, q_last = std::min(q_first + bm, Q) - 1;
    int* r = &m[(size_t)qb * *row];
    int n = 0;
    for (int t = 0; t < nkv && t * bn <= q_last; ++t) r[1 + n++] = t * 2 + ((t + 1) * bn - 1 <= q_first ? 0 : 1);
    r[0] = n;
  }
  return m;
}

// Device copies of causal maps, one per (tiles, Q, KV), made on first use; set them with strides 0.
class CausalMaps {
 public:
  struct Map { const int* dev; int row; };
  Map get(BlockShape t, int Q, int KV) {
    for (const Entry& e : maps_)
      if (e.t.m == t.m && e.t.n == t.n && e.Q == Q && e.KV == KV) return {e.dev, e.row};
    Entry e{t, Q, KV, 0, nullptr};
    const std::vector<int> h = causal_block_map(Q, KV, t.m, t.n, &e.row);
    check(cudaMalloc(&e.dev, h.size() * sizeof(int)), "cudaMalloc");
    check(cudaMemcpy(e.dev, h.data(), h.size() * sizeof(int), cudaMemcpyHostToDevice), "cudaMemcpy");
    maps_.push_back(e);
    return {e.dev, e.row};
  }
  void free_all() {
    for (const Entry& e : maps_) check(cudaFree(e.dev), "cudaFree");
    maps_.clear();
  }

 private:
  struct Entry { BlockShape t; int Q, KV, row; int* dev; };
  std::vector<Entry> maps_;
  static void check(cudaError_t err, const char* what) {
    if (err == cudaSuccess) return;
    std::fprintf(stderr, "CUDA error %s in %s (a causal block map)\n", cudaGetErrorName(err), what);
    std::exit(2);
  }
};
