// Host-side causal block map for the harnesses (harness.cu, wg_harness.cu); the format is
// SmAttnParams.blk's (attention_abi.cuh, csrc/kernels/README.md "Block map"). Plain C++.
#pragma once
#include <algorithm>
#include <vector>

// One row per query block of bm rows (ceil(Q / bm) rows of `row` = 1 + ceil(KV / bn) ints, the
// tail of a row unused): the count n, then kv_tile * 2 + partial for every kv tile of bn columns
// that holds a kept score (kv <= q) of some row of the block, ascending. A tile that crosses the
// diagonal is partial (1); a tile entirely at or below it (its last kv <= the block's first q) is
// full (0) when full_ok, that is when the variant's mask is exactly causal (keep kv <= q), else
// partial (the mask runs; always correct). Rows past Q keep nothing, so the last block's list
// ends at the diagonal of row Q - 1. The same rows serve every batch and head (strides 0).
static std::vector<int> causal_block_map(int Q, int KV, int bm, int bn, bool full_ok, int* row) {
  const int nq = (Q + bm - 1) / bm, nkv = (KV + bn - 1) / bn;
  *row = 1 + nkv;
  std::vector<int> m((size_t)nq * *row, 0);
  for (int qb = 0; qb < nq; ++qb) {
    const int q_first = qb * bm, q_last = std::min(q_first + bm, Q) - 1;
    int* r = &m[(size_t)qb * *row];
    int n = 0;
    for (int t = 0; t < nkv && t * bn <= q_last; ++t) {
      const bool full = full_ok && (t + 1) * bn - 1 <= q_first;
      r[1 + n++] = t * 2 + (full ? 0 : 1);
    }
    r[0] = n;
  }
  return m;
}
