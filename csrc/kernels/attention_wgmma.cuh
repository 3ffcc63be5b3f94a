// Hopper (sm_90a) forward attention with the score/mask mods inlined, in the class of
// FlashAttention-3: TMA loads of Q, K, V (128B swizzle) on mbarriers into a 2-stage K/V ring,
// one producer warpgroup and two consumer warpgroups (setmaxnreg 24 / 240), S = Q K^T by
// wgmma from shared memory, O += P V by wgmma with P from registers, online softmax in the
// log2 domain, rescaled lazily (SM_WG_RESCALE_LOG2). Consumers overlap the softmax of tile j
// with the matrix work of tiles j and j-1 (intra-warpgroup overlap) and take turns issuing
// their GEMMs (ping-pong), so one warpgroup's exponentials run while the other's GEMMs occupy
// the tensor cores. With SM_WG_PERSISTENT a block walks several work items (query block, head,
// batch), its rings running on from one to the next.
//
// Mods: the wgmma accumulator gives a thread adjacent kv pairs of two rows, so mods run on
// pairs (SM_VEC and SM_MASK_VEC <= 2), through the same sm_mods::score_pair / mask_pair as the
// portable kernel. Wider mods run on the portable kernel (attention_mma.cuh).
//
// Aux staging: when the runner plugs in staged mods (SM_SCORE_AUX_BYTES / SM_MASK_AUX_BYTES > 0,
// with SM_*_MOD_ST and SM_*_STAGE; server/src/analysis/staging.ts decides which loads), warps
// 1-3 of the producer warpgroup copy each kv tile's staged aux values into an aux region of the
// tile's K/V stage: rows with cp.async, a tile (a q-dependent load) with one TMA copy. Both
// complete an aux_full mbarrier per stage (cp.async arrivals, TMA bytes); the stage is reused
// once every consumer warp has run that tile's softmax (aux_empty: one arrival per warp). The aux
// ring is SM_WG_AUX_STAGES deep; with SM_WG_Q_IN_AUX the consumers hold Q in registers and Q's
// shared memory is the ring's last stage.
//
// The hardware facts relied on (wgmma fragment layouts, shared-memory descriptors, TMA and
// mbarrier rules), with their public sources, are in README.md ("The Hopper kernel"). Device
// code only; the entry points and the launch contract are in attention_entries.cuh and README.md.
#pragma once
#include "attention_mods.cuh"
#include "wgmma_ops.cuh"

#ifndef SM_WG_OVERLAP
#define SM_WG_OVERLAP 1  // softmax of tile j overlaps S_j and P_{j-1} V_{j-1}
#endif
#ifndef SM_WG_PINGPONG
#define SM_WG_PINGPONG 1  // the two consumer warpgroups take turns issuing GEMMs (needs OVERLAP)
#endif
// Only the last kv tile's code carries the KV tail mask. That duplicates the loop body; whether
// it pays depends on how ptxas then schedules the loop (H200, 2026-11-28: 1-5% faster for masks
// and gathering mods, 1-10% slower for mods with uniform or staged loads). The runner decides per
// mod (server/src/runner/source.ts wgPeelTail); by default only mod-free builds peel.
// Lazy rescaling (FlashAttention-4's): a row's running max moves only when the tile's max passes
// it by more than 2^SM_WG_RESCALE_LOG2 (log2 units), else the stale max stays and P may reach
// 2^SM_WG_RESCALE_LOG2 (exact in fp32 and bf16/f16 alike: only the exponent differs). O is then
// rescaled on few tiles instead of on most. 0: every raise rescales (the max is exact).
#ifndef SM_WG_RESCALE_LOG2
#define SM_WG_RESCALE_LOG2 8
#endif
#ifndef SM_WG_PEEL_TAIL
#define SM_WG_PEEL_TAIL (!SM_HAS_SCORE_MOD && !SM_HAS_MASK_MOD)
#endif
// Persistent blocks: the grid is (min(work items, SMs), 1, 1) and each block walks the work items
// (query block, head, batch; query block fastest) blockIdx.x, + gridDim.x, ... . The K/V and aux
// rings run on across a block's work items, and the producer loads the next item's Q as soon as
// both consumer warpgroups have issued their last S GEMM (q_empty), so a new item's first tiles
// load while the last one's P V and stores run, instead of after a block exit and a launch.
// 0: grid (ceil(Q / 128), H, B), one work item per block. The runner decides (source.ts).
#ifndef SM_WG_PERSISTENT
#define SM_WG_PERSISTENT 0
#endif

// The driver's CUtensorMap: 128 opaque bytes, 64-byte aligned (cuda.h is a host header that
// NVRTC cannot include). The host encodes it with cuTensorMapEncodeTiled.
struct alignas(64) SmTmaDesc { unsigned long long opaque[16]; };

// The Hopper kernel's one parameter: tensor maps for Q, K, V ([B, H, S, D] as rank 4, box
// {64, 128, 1, 1}, 128B swizzle) and for a staged aux tile (ta: dims kv, q, others; box
// {64, 128, 1...}; unused, zeros, without one), then the common parameters. Mirrored by the host
// (server/src/runner/params.ts); SM_ATTN_WG_PARAMS_BYTES in attention_launch.h.
struct SmWgParams {
  SmTmaDesc tq, tk, tv, ta;
  SmAttnParams p;
};
static_assert(sizeof(SmWgParams) == SM_ATTN_WG_PARAMS_BYTES, "SmWgParams layout changed: update the host mirror");
// p follows the four maps (NVRTC has no offsetof; test/unit/runner/params.test.ts checks the
// offset with nvcc).
static_assert(4 * sizeof(SmTmaDesc) == SM_ATTN_WG_PARAMS_OFFSET && alignof(SmAttnParams) <= 64, "SmWgParams.p moved: update the host mirror");

namespace {
namespace sm_wg {

using sm_mods::mask_pair_st;
using sm_mods::score_pair_wg;
using sm_mods::score_uniforms;
using sm_mods::SmScoreUniforms;

static_assert(!SM_HAS_SCORE_MOD || SM_VEC <= 2, "the Hopper kernel runs mods on accumulator pairs: SM_VEC must be 1 or 2");
static_assert(!SM_HAS_MASK_MOD || SM_MASK_VEC <= 2, "the Hopper kernel runs mods on accumulator pairs: SM_MASK_VEC must be 1 or 2");
static_assert(!SM_WG_PINGPONG || SM_WG_OVERLAP, "SM_WG_PINGPONG needs SM_WG_OVERLAP");

constexpr int BM = SM_ATTN_WG_BLOCK_M;  // 128 query rows: 64 per consumer warpgroup
constexpr int BN = SM_ATTN_WG_BLOCK_N;  // 128 or 176 kv columns per S tile
#ifndef SM_WG_STAGES
#define SM_WG_STAGES 2
#endif
constexpr int STAGES = SM_WG_STAGES;  // K/V ring depth
constexpr int PANEL = 64;               // elements per 128-byte swizzle row (TMA box width)
#ifndef SM_SCORE_AUX_BYTES
#define SM_SCORE_AUX_BYTES 0
#endif
#ifndef SM_MASK_AUX_BYTES
#define SM_MASK_AUX_BYTES 0
#endif
// Aux rings: per stage, the score mod's staged values, then (a ring of its own) the mask mod's,
// each rounded up to 128 bytes. A staged tile (SM_SCORE_AUX_TILE) fills the score mod's region
// and is TMA's 128-byte swizzle, which needs 1024-byte aligned regions.
#define SM_WG_AUX ((SM_SCORE_AUX_BYTES + SM_MASK_AUX_BYTES) > 0)
constexpr int AUX_SCORE_BYTES = (SM_SCORE_AUX_BYTES + 127) / 128 * 128;
constexpr int AUX_MASK_BYTES = (SM_MASK_AUX_BYTES + 127) / 128 * 128;
constexpr int AUX_BYTES = AUX_SCORE_BYTES + AUX_MASK_BYTES;
constexpr bool AUX = AUX_BYTES > 0;
#ifdef SM_SCORE_AUX_TILE
static_assert(AUX_SCORE_BYTES % 1024 == 0, "a staged aux tile needs 1024-byte aligned stages (128-byte swizzle)");
#endif
// Aux ring depth: SM_WG_STAGES unless the runner gives the aux values more lead
// (server/src/runner/source.ts wgAuxLayout decides; attention_launch.h sizes the shared memory).
#ifndef SM_WG_AUX_STAGES
#define SM_WG_AUX_STAGES SM_WG_STAGES
#endif
constexpr int AUX_STAGES = SM_WG_AUX_STAGES;
// Q held in registers (the A operand of S = Q K^T from registers) once loaded, so its shared
// memory is the score aux ring's last stage: a staged tile gets a third stage where Q, K/V and two
// stages already fill the 227 KB.
#ifndef SM_WG_Q_IN_AUX
#define SM_WG_Q_IN_AUX 0
#endif
constexpr bool Q_IN_AUX = SM_WG_Q_IN_AUX != 0;
constexpr bool PERSISTENT = SM_WG_PERSISTENT != 0;
static_assert(!(PERSISTENT && Q_IN_AUX), "persistent blocks reload Q per work item: Q cannot live in the aux ring");
static_assert(AUX_STAGES >= 2, "the aux ring needs two stages");
static_assert(!Q_IN_AUX || (BN == 128 && AUX_SCORE_BYTES % 1024 == 0 && AUX_STAGES >= 3), "Q in the aux ring needs 128-column tiles, 1024-byte aligned score stages and a third stage");
constexpr int AUX_COPIERS = 96;  // producer warps 1-3
constexpr int AUX_READERS = 8;  // consumer warps: each releases an aux stage once its own reads are done
constexpr float LOG2E = 1.4426950408889634f;
static_assert(BM == 128 && (BN == 128 || BN == 176), "tile sizes are wired into the wgmma shapes below");
// A staged aux tile is TMA boxes of 64-column panels: 128-column kv tiles only. Staged rows are as
// wide as the tile (the analysis's target, targets.ts wideTile, says how wide).
#ifdef SM_SCORE_AUX_TILE
static_assert(BN == 128, "a staged aux tile needs 128-column kv tiles");
#endif

__device__ __forceinline__ uint32_t smem_u32(const void* p) { return static_cast<uint32_t>(__cvta_generic_to_shared(p)); }
// Four 8x8 matrices of 16-bit elements from shared memory: thread t gives the address of row t % 8
// of matrix t / 8 and receives, from each matrix, row lane / 4, columns 2 (lane % 4) and + 1: the
// accumulator's pair layout. Volatile: it stays after the wait for the stage it reads.
__device__ __forceinline__ void ldsm_x4(uint32_t addr, uint32_t& r0, uint32_t& r1, uint32_t& r2, uint32_t& r3) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(addr));
}
// A BM-row tile of 16-bit elements as TMA writes it (64-column panels of 128-byte rows, 16-byte
// chunk ch of row rr at ch ^ (rr % 8)), read as the accumulator pairs of thread t of consumer
// warpgroup cw: word 2 k + hr holds the pair of its row r + 8 hr (r = 64 cw + 16 (t / 32) +
// (t % 32) / 4), columns 8 k + 2 (t % 4), + 1. ldmatrix g reads matrices (hr, k) = (m % 2, 2 g +
// m / 2) for m = lane / 8, each thread naming one row of one of them. The same words, 4 per k16
// step, are the A operand of a wgmma from registers.
template <int NW>
__device__ __forceinline__ void ldsm_tile_pairs(uint32_t tile, int cw, int t, uint32_t (&w)[NW]) {
  const int lane = t % 32, m = lane / 8, rr = 64 * cw + 16 * (t / 32) + 8 * (m % 2) + lane % 8;
#pragma unroll
  for (int g = 0; g < NW / 4; ++g) {
    const int k = 2 * g + m / 2;
    ldsm_x4(tile + (k / 8) * BM * 128 + rr * 128 + (((k % 8) ^ (lane % 8)) << 4), w[4 * g], w[4 * g + 1], w[4 * g + 2], w[4 * g + 3]);
  }
}

// ---- mbarrier, TMA, fences ----
__device__ __forceinline__ void mbar_init(uint32_t bar, uint32_t count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(count));
}
__device__ __forceinline__ void mbar_expect_tx(uint32_t bar, uint32_t bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(bar), "r"(bytes) : "memory");
}
__device__ __forceinline__ void mbar_arrive(uint32_t bar) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(bar) : "memory");
}
__device__ __forceinline__ void mbar_wait(uint32_t bar, uint32_t parity) {
  uint32_t done;
  do {
    asm volatile("{\n.reg .pred p;\nmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\nselp.u32 %0, 1, 0, p;\n}\n"
                 : "=r"(done) : "r"(bar), "r"(parity) : "memory");
  } while (!done);
}
__device__ __forceinline__ void tma_load_4d(uint32_t dst, const SmTmaDesc* map, uint32_t bar, int c0, int c1, int c2, int c3) {
  asm volatile(
      "cp.async.bulk.tensor.4d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%3, %4, %5, %6}], [%2];\n"
      ::"r"(dst), "l"(map), "r"(bar), "r"(c0), "r"(c1), "r"(c2), "r"(c3) : "memory");
}
__device__ __forceinline__ void tma_prefetch_desc(const SmTmaDesc* map) {
  asm volatile("prefetch.tensormap [%0];\n" ::"l"(map) : "memory");
}

// ---- wgmma plumbing ----
__device__ __forceinline__ void wg_fence() { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wg_commit() { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
// No "memory" clobber on the wait and the register fences: the consumers touch no memory the
// wgmmas use (operands come through descriptors and registers), and leaving memory ops free
// lets the compiler issue a mod's aux loads while the matrix work is still running.
template <int N>
__device__ __forceinline__ void wg_wait() { asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N)); }
// Keeps the compiler from moving reads or writes of these registers across the asynchronous
// wgmma region (otherwise ptxas serialises the wgmmas or reads accumulators too early).
template <int N>
__device__ __forceinline__ void reg_fence(float (&a)[N]) {
#pragma unroll
  for (int i = 0; i < N; ++i) asm volatile("" : "+f"(a[i]));
}
template <int N>
__device__ __forceinline__ void reg_fence(uint32_t (&a)[N]) {
#pragma unroll
  for (int i = 0; i < N; ++i) asm volatile("" : "+r"(a[i]));
}

// Shared-memory matrix descriptor, 128-byte swizzle (tiles are 1024-byte aligned).
__device__ __forceinline__ uint64_t make_desc(uint32_t addr, uint32_t lbo, uint32_t sbo) {
  return static_cast<uint64_t>((addr & 0x3FFFF) >> 4) | (static_cast<uint64_t>(lbo >> 4) << 16) |
         (static_cast<uint64_t>(sbo >> 4) << 32) | (1ull << 62);
}

// Named barriers for the ping-pong (ids 0..7 left to others; bar 0 is __syncthreads).
__device__ __forceinline__ void named_sync(int id) { asm volatile("bar.sync %0, 256;\n" ::"r"(id) : "memory"); }
__device__ __forceinline__ void named_arrive(int id) { asm volatile("bar.arrive %0, 256;\n" ::"r"(id) : "memory"); }
constexpr int PP_BAR = 8;

__device__ __forceinline__ float ex2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x));
  return y;
}

template <typename T> __device__ __forceinline__ uint32_t pack2(float lo, float hi);
template <> __device__ __forceinline__ uint32_t pack2<__nv_bfloat16>(float lo, float hi) {
  __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
  return *reinterpret_cast<uint32_t*>(&v);
}
template <> __device__ __forceinline__ uint32_t pack2<__half>(float lo, float hi) {
  __half2 v = __floats2half2_rn(lo, hi);
  return *reinterpret_cast<uint32_t*>(&v);
}

// Shared memory: Q [D/64 panels][BM][64], K and V rings [STAGES][D/64 panels][BN][64], the aux
// rings [AUX_STAGES][AUX_SCORE_BYTES] and [AUX_STAGES][AUX_MASK_BYTES], then the barriers. Every
// Q/K/V tile and the score mod's aux ring start on a 1024-byte boundary (the swizzle atom). With
// Q_IN_AUX, Q occupies the start of the score ring's last stage until the consumers hold it.
template <int D>
struct Smem {
  static constexpr int Q_BYTES = BM * D * 2;
  static constexpr int KV_BYTES = BN * D * 2;
  static constexpr int K_OFF = Q_IN_AUX ? 0 : Q_BYTES;
  static constexpr int V_OFF = K_OFF + STAGES * KV_BYTES;
  static constexpr int AUX_OFF = V_OFF + STAGES * KV_BYTES;
  static constexpr int AUX_MASK_OFF = AUX_OFF + AUX_STAGES * AUX_SCORE_BYTES;
  static constexpr int Q_OFF = Q_IN_AUX ? AUX_OFF + (AUX_STAGES - 1) * AUX_SCORE_BYTES : 0;
  static constexpr int BAR_OFF = AUX_MASK_OFF + AUX_STAGES * AUX_MASK_BYTES;
  // q_full, q_empty, k_full[S], k_empty[S], v_full[S], v_empty[S], aux_full[AS], aux_empty[AS]
  static constexpr int BYTES = BAR_OFF + (8 * (2 + 4 * STAGES + 2 * AUX_STAGES) + 127) / 128 * 128;
  static_assert(!Q_IN_AUX || AUX_SCORE_BYTES >= Q_BYTES, "Q does not fit in an aux stage");
};
template <int D>
__host__ __device__ constexpr int smem_bytes() { return SM_ATTN_WG_SMEM_BYTES(D, AUX_BYTES, AUX_STAGES, Q_IN_AUX ? 1 : 0); }
static_assert(smem_bytes<128>() == Smem<128>::BYTES + 1024, "attention_launch.h's smem formula disagrees with Smem");
static_assert(smem_bytes<64>() == Smem<64>::BYTES + 1024, "attention_launch.h's smem formula disagrees with Smem");

// A block's walk over work items (query block qi of nq, head h, batch b; qi fastest): one item
// (its blockIdx), or with PERSISTENT blockIdx.x, + gridDim.x, ... until b reaches B.
struct WorkIter {
  int qi, h, b;
  // Query blocks per head (recomputed, not carried: the producer warps run in 24 registers).
  static __device__ __forceinline__ int blocks(int Q) { return PERSISTENT ? (Q + BM - 1) / BM : static_cast<int>(gridDim.x); }
  __device__ __forceinline__ void next(int Q, int H) {
    if constexpr (PERSISTENT) {
      const int nq = blocks(Q);
      qi += gridDim.x;
      while (qi >= nq) {
        qi -= nq;
        if (++h == H) { h = 0; ++b; }
      }
    } else {
      b = 0x7fffffff;  // one item per block
    }
  }
};

template <typename T, int D>
__device__ __forceinline__ void attn_fwd(const SmWgParams& P, unsigned char* smem_raw) {
  static_assert(D == 64 || D == 128, "head dim must be 64 or 128");
  static_assert(smem_bytes<D>() <= SM_ATTN_WG_SMEM_MAX, "the staged aux values do not fit in shared memory (targets.ts auxStaging, source.ts wgAuxLayout)");
  using S = Smem<D>;
  constexpr int NP = D / PANEL;  // 64-column panels (TMA boxes) per tile
  const SmAttnParams& p = P.p;

  // 1024-byte alignment of the dynamic shared memory is not guaranteed: round up (the launcher
  // adds 1024 bytes of slack).
  const uint32_t raw = smem_u32(smem_raw);
  const uint32_t base = (raw + 1023u) & ~1023u;
  const uint32_t sQ = base + S::Q_OFF, sK = base + S::K_OFF, sV = base + S::V_OFF, bars = base + S::BAR_OFF;
  const uint32_t sAux = base + S::AUX_OFF, sAuxMask = base + S::AUX_MASK_OFF;
  const uint32_t q_full = bars, q_empty = bars + 8;
  auto k_full = [&](int s) { return bars + 8 * (2 + s); };
  auto k_empty = [&](int s) { return bars + 8 * (2 + STAGES + s); };
  auto v_full = [&](int s) { return bars + 8 * (2 + 2 * STAGES + s); };
  auto v_empty = [&](int s) { return bars + 8 * (2 + 3 * STAGES + s); };
  auto aux_full = [&](int s) { return bars + 8 * (2 + 4 * STAGES + s); };
  auto aux_empty = [&](int s) { return bars + 8 * (2 + 4 * STAGES + AUX_STAGES + s); };

  const int tid = threadIdx.x;
  // Warpgroup index, made provably uniform so wgmma and setmaxnreg stay in converged code.
  const int wg = __shfl_sync(0xffffffffu, tid / 128, 0);
  // The block's work items: query block, head, batch (SM_WG_PERSISTENT), each with the kv tiles it
  // visits, ascending (block map, or all of them).
  // The first item is decoded here, before the producer gives its registers back; each role then
  // steps through the rest without divisions (WorkIter::next).
  WorkIter first;
  if constexpr (PERSISTENT) {
    const int nq = WorkIter::blocks(p.Q), w = blockIdx.x;
    first = {w % nq, (w / nq) % p.H, w / (nq * p.H)};
  } else {
    first = {static_cast<int>(blockIdx.x), static_cast<int>(blockIdx.y), static_cast<int>(blockIdx.z)};
  }
  struct Work { int b, h, q0; SmTileList tiles; };
  auto work = [&](const WorkIter& it) -> Work {
    const int qblk = (p.flags & SM_ATTN_FLAG_REVERSE_Q) ? WorkIter::blocks(p.Q) - 1 - it.qi : it.qi;
    return {it.b, it.h, qblk * BM, sm_tile_list(p, it.b, it.h, qblk, (p.KV + BN - 1) / BN)};
  };

  if (tid == 0) {
    mbar_init(q_full, 1);
    mbar_init(q_empty, 2);  // one arrival per consumer warpgroup, after its last S GEMM of a work item
    for (int s = 0; s < STAGES; ++s) {
      mbar_init(k_full(s), 1);
      mbar_init(v_full(s), 1);
      mbar_init(k_empty(s), 2);  // one arrival per consumer warpgroup
      mbar_init(v_empty(s), 2);
    }
    if constexpr (AUX) {
      for (int s = 0; s < AUX_STAGES; ++s) {
        mbar_init(aux_full(s), AUX_COPIERS);  // one cp.async arrival per copier (+ a tile's TMA bytes)
        mbar_init(aux_empty(s), AUX_READERS);  // one arrival per consumer warp, after its last read of the stage
      }
    }
    asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
  }
  __syncthreads();

  if (wg == 0) {
    // ---- producer: one thread issues every TMA; the other warps only give registers back ----
    asm volatile("setmaxnreg.dec.sync.aligned.u32 24;\n");
    if (tid == 0) {
      tma_prefetch_desc(&P.tq);
      tma_prefetch_desc(&P.tk);
      tma_prefetch_desc(&P.tv);
      // g: kv tiles loaded so far (the ring position), nql: Q tiles loaded so far.
      int g = 0, nql = 0;
      for (WorkIter it = first; it.b < p.B; it.next(p.Q, p.H)) {
        const Work x = work(it);
        if (x.tiles.n == 0) continue;
        const int hk = x.h / (p.H / p.Hkv);
        mbar_wait(q_empty, (nql++ & 1) ^ 1);
        mbar_expect_tx(q_full, S::Q_BYTES);
        for (int pn = 0; pn < NP; ++pn) tma_load_4d(sQ + pn * BM * 128, &P.tq, q_full, pn * PANEL, x.q0, x.h, x.b);
        for (int j = 0; j < x.tiles.n; ++j, ++g) {
          const int s = g % STAGES;
          const uint32_t ph = (g / STAGES) & 1;
          // Rows past KV are filled with zeros by TMA and still count in the transaction bytes.
          mbar_wait(k_empty(s), ph ^ 1);
          mbar_expect_tx(k_full(s), S::KV_BYTES);
          const int kv0 = (x.tiles.entry(j) >> 1) * BN;
          for (int pn = 0; pn < NP; ++pn) tma_load_4d(sK + s * S::KV_BYTES + pn * BN * 128, &P.tk, k_full(s), pn * PANEL, kv0, hk, x.b);
          mbar_wait(v_empty(s), ph ^ 1);
          mbar_expect_tx(v_full(s), S::KV_BYTES);
          for (int pn = 0; pn < NP; ++pn) tma_load_4d(sV + s * S::KV_BYTES + pn * BN * 128, &P.tv, v_full(s), pn * PANEL, kv0, hk, x.b);
        }
      }
    }
#if SM_WG_AUX
    {
      // Warps 1-3 copy the staged aux values of each tile into its stage as soon as both consumer
      // warpgroups have run the softmax of the tile that used the stage before (aux_empty):
      // released there rather than with V, a copy gets one softmax step more of lead (and one more
      // per stage beyond two).
      // With Q_IN_AUX the last stage holds Q until every consumer warp has it in registers: that
      // stage's aux_empty completes one phase earlier (the consumers' arrivals after loading Q),
      // so its waits are one parity later.
      if (tid >= 32 && tid < 32 + AUX_COPIERS) {
        const int ct = tid - 32;
        int g = 0;
        for (WorkIter it = first; it.b < p.B; it.next(p.Q, p.H)) {
          const Work x = work(it);
          for (int j = 0; j < x.tiles.n; ++j, ++g) {
            const int s = g % AUX_STAGES;
            const uint32_t held = (Q_IN_AUX && s == AUX_STAGES - 1) ? 1u : 0u;
            mbar_wait(aux_empty(s), ((g / AUX_STAGES) & 1) ^ 1 ^ held);
            const int kvt = (x.tiles.entry(j) >> 1) * BN;
#if defined(SM_SCORE_STAGE)
            SM_SCORE_STAGE(sAux + s * AUX_SCORE_BYTES, aux_full(s), &P.ta, x.b, x.h, x.q0, kvt, p.Q, p.KV, p.mod, ct, AUX_COPIERS);
#endif
#if defined(SM_MASK_STAGE)
            SM_MASK_STAGE(sAuxMask + s * AUX_MASK_BYTES, aux_full(s), &P.ta, x.b, x.h, x.q0, kvt, p.Q, p.KV, p.mod, ct, AUX_COPIERS);
#endif
            asm volatile("cp.async.mbarrier.arrive.noinc.shared::cta.b64 [%0];\n" ::"r"(aux_full(s)) : "memory");
          }
        }
      }
    }
#endif
    return;
  }

  // ---- consumers: warpgroup cw owns query rows q0 + 64 cw .. + 63 of each work item ----
  asm volatile("setmaxnreg.inc.sync.aligned.u32 240;\n");
  const int cw = wg - 1;
  const int t = tid % 128, lane = t % 32;
  const int r = 16 * (t / 32) + lane / 4, c = lane % 4;  // accumulator row r and r + 8, column pair 2c
  const int trow = 64 * cw + r;  // row in the block's tile
  // The work item in hand (set at the top of the work loop below; the lambdas read them).
  int b = 0, h = 0, qrow = 0;
  int g0 = 0;  // kv tiles of the block's earlier work items: ring slots run on across items
  SmTileList tiles{nullptr, 0};
  // The first row's q as a float (score_pair_wg): the second row passes it too, with qOff 8, so a
  // float position that depends on kv - q is one expression for row r + 8 at column c and row r
  // at c - 8, computed once (session 8: alibi's cost over no mod +18.5% -> +12.0%).
  float qf = 0.f;
  SmScoreUniforms uni[2];  // the rows' uniform loads, once per work item (score_uniforms)

  float sacc[BN / 2];   // S tile: element i at (r + 8 ((i >> 1) & 1), 8 (i >> 2) + 2c + (i & 1))
  float oacc[D / 2];    // O tile: same layout over D columns
  uint32_t pfrag[BN / 4];  // P as bf16/f16 pairs, the A operand of P V (k-step kk: 4kk .. 4kk+3)
  float m[2], l[2];  // m: running row max, log2 units
  const float scale = p.softmax_scale;
  (void)qf;
  // The aux rings as generic pointers into shared memory (the compiler keeps them in the shared window).
  const unsigned char* aux_ring = smem_raw + (sAux - raw);
  const unsigned char* aux_mask_ring = smem_raw + (sAuxMask - raw);
  // Staged aux of tile j: waited for just before its softmax (SM_WG_AUX_WAIT_LATE, after the
  // GEMMs are issued, so a late copy delays only this warpgroup's mods, not the turn it hands
  // to the other warpgroup), or with K_j before the turn.
#ifndef SM_WG_AUX_WAIT_LATE
#define SM_WG_AUX_WAIT_LATE 1
#endif
  auto aux_wait = [&](int j) {
    if constexpr (AUX) mbar_wait(aux_full((g0 + j) % AUX_STAGES), ((g0 + j) / AUX_STAGES) & 1);
  };
  // Every warp releases the stage after its own last read: the warps of a warpgroup are not in
  // step here (one thread's arrival could free the stage while another warp still reads it), and
  // __syncwarp orders the lanes' reads before lane 0's release arrive.
  auto aux_release = [&](int j) {
    if constexpr (AUX) {
      __syncwarp();
      if (lane == 0) mbar_arrive(aux_empty((g0 + j) % AUX_STAGES));
    }
  };
  auto aux_wait_early = [&](int j) { if (!SM_WG_AUX_WAIT_LATE) aux_wait(j); };
  auto aux_wait_late = [&](int j) { if (SM_WG_AUX_WAIT_LATE) aux_wait(j); };

  // Q_IN_AUX: this warpgroup's Q rows as the A operand of S = Q K^T (k16 step kk: words 4 kk .. + 3).
  uint32_t qfrag[Q_IN_AUX ? D / 4 : 1];
  (void)qfrag;
  // S = Q K^T from stage s (not waited for).
  auto issue_qk = [&](int s) {
#pragma unroll
    for (int kk = 0; kk < D / 16; ++kk) {
      const uint64_t db = make_desc(sK + s * S::KV_BYTES + (kk / 4) * BN * 128 + (kk % 4) * 32, 16, 1024);
      if constexpr (Q_IN_AUX) {
        sm_wgops::wgmma_rsk_n128(static_cast<const T*>(nullptr), sacc, qfrag[4 * kk], qfrag[4 * kk + 1], qfrag[4 * kk + 2], qfrag[4 * kk + 3], db, kk > 0 ? 1u : 0u);
      } else {
        const uint64_t da = make_desc(sQ + (kk / 4) * BM * 128 + cw * 64 * 128 + (kk % 4) * 32, 16, 1024);
        if constexpr (BN == 176)
          sm_wgops::wgmma_ss_n176(static_cast<const T*>(nullptr), sacc, da, db, kk > 0 ? 1u : 0u);
        else
          sm_wgops::wgmma_ss_n128(static_cast<const T*>(nullptr), sacc, da, db, kk > 0 ? 1u : 0u);
      }
    }
  };
  // O += P V from stage s (V is MN-major: trans-b; LBO steps between the 64-column panels).
  auto issue_pv = [&](int s) {
#pragma unroll
    for (int kk = 0; kk < BN / 16; ++kk) {
      const uint64_t db = make_desc(sV + s * S::KV_BYTES + kk * 16 * 128, BN * 128, 1024);
      if constexpr (D == 128)
        sm_wgops::wgmma_rs_n128(static_cast<const T*>(nullptr), oacc, pfrag[4 * kk], pfrag[4 * kk + 1], pfrag[4 * kk + 2], pfrag[4 * kk + 3], db, 1u);
      else
        sm_wgops::wgmma_rs_n64(static_cast<const T*>(nullptr), oacc, pfrag[4 * kk], pfrag[4 * kk + 1], pfrag[4 * kk + 2], pfrag[4 * kk + 3], db, 1u);
    }
  };
  // Scale, mods, tail mask, online softmax: S becomes P (fp32). Sets the O rescale factors and
  // returns whether any row of this warp raised its running max (else every factor is exactly 1
  // and the caller skips the rescale).
  // TAIL (a constant at each call): this tile may reach past KV. Unpeeled, every tile branches
  // over the tail's compares and selects (a uniform branch in the SASS); SM_WG_PEEL_TAIL drops them
  // from the loop.
  // (Plain bool parameters, not generic lambdas: NVRTC compiles a lambda with `auto`
  // parameters as a host function. The lambdas are inlined, so constant arguments fold.)
  auto softmax_tile = [&](int j, float (&alpha)[2], bool TAIL) -> bool {
    const int ent = tiles.entry(j);
    const int kvt = (ent >> 1) * BN;
    const int as = (g0 + j) % AUX_STAGES;
    const unsigned char* st = aux_ring + as * AUX_SCORE_BYTES;
    const unsigned char* st_mask = aux_mask_ring + as * AUX_MASK_BYTES;
    (void)st; (void)st_mask;
#if SM_HAS_SCORE_MOD
    // A score mod sees natural-log scores. Scaling each score (__fmul_rn: kept out of the mod's
    // arithmetic, as in the portable kernel) happens in score_pair_wg, or inside the mod's own
    // entry, which fuses it into `score + E`.
    constexpr float kLog = LOG2E;
    const float kvBase = static_cast<float>(kvt + 2 * c);  // exact: the runner's SM_FLOAT_POSITIONS bound
    // A staged aux tile, read as the accumulator's pairs: word 2 k + hr holds the pair of row
    // trow + 8 hr, columns 8 k + 2 c, + 1.
    uint32_t tw[BN / 4];
#ifdef SM_SCORE_AUX_TILE
    ldsm_tile_pairs(sAux + as * AUX_SCORE_BYTES, cw, t, tw);
#else
#pragma unroll
    for (int i = 0; i < BN / 4; ++i) tw[i] = 0u;
#endif
#pragma unroll
    for (int i = 0; i < BN / 2; i += 2)
      score_pair_wg(sacc[i], sacc[i + 1], scale, b, h, qrow + 8 * ((i >> 1) & 1), kvt + 8 * (i >> 2) + 2 * c, p, st, trow + 8 * ((i >> 1) & 1), 8 * (i >> 2) + 2 * c, kvBase, 8 * (i >> 2), qf, 8 * ((i >> 1) & 1), tw[i / 2], uni[(i >> 1) & 1]);
#else
    const float kLog = scale * LOG2E;  // no score mod: fold the scale into the exponent's FMA
#endif
#if SM_HAS_MASK_MOD
    if (ent & 1) {  // partial tile (block-uniform): a full one keeps every score
#pragma unroll
      for (int i = 0; i < BN / 2; i += 2)
        mask_pair_st(sacc[i], sacc[i + 1], b, h, qrow + 8 * ((i >> 1) & 1), kvt + 8 * (i >> 2) + 2 * c, p, st_mask, trow + 8 * ((i >> 1) & 1), 8 * (i >> 2) + 2 * c);
    }
#endif
    if (TAIL && kvt + BN > p.KV) {  // columns past KV take no part
#pragma unroll
      for (int i = 0; i < BN / 2; ++i)
        if (kvt + 8 * (i >> 2) + 2 * c + (i & 1) >= p.KV) sacc[i] = SM_NEG_INF;
    }
    bool moved = false;
#pragma unroll
    for (int hr = 0; hr < 2; ++hr) {
      float mx = SM_NEG_INF;
#pragma unroll
      for (int i = 2 * hr; i < BN / 2; i += 4) mx = fmaxf(mx, fmaxf(sacc[i], sacc[i + 1]));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
      // cand - m: +inf from a row's first score (m = -inf), NaN while every score is masked (stays).
      const float cand = fmaxf(m[hr], mx * kLog);
      const bool grow = cand - m[hr] > static_cast<float>(SM_WG_RESCALE_LOG2);
      const float mnew = grow ? cand : m[hr];
      moved |= grow;
      // A row with every score masked so far keeps max -inf; subtract 0 so exp2 gives 0, not NaN.
      const float ml2 = (mnew == SM_NEG_INF) ? 0.f : mnew;
      alpha[hr] = ex2(m[hr] - ml2);
      m[hr] = mnew;
      float sum = 0.f;
#pragma unroll
      for (int i = 2 * hr; i < BN / 2; i += 4) {
        sacc[i] = ex2(fmaf(sacc[i], kLog, -ml2));
        sacc[i + 1] = ex2(fmaf(sacc[i + 1], kLog, -ml2));
        sum += sacc[i] + sacc[i + 1];
      }
      l[hr] = l[hr] * alpha[hr] + sum;
    }
    return __any_sync(0xffffffffu, moved);
  };
  auto rescale_o = [&](const float (&alpha)[2]) {
#pragma unroll
    for (int i = 0; i < D / 2; ++i) oacc[i] *= alpha[(i >> 1) & 1];
  };
  auto pack_p = [&]() {
#pragma unroll
    for (int i = 0; i < BN / 4; ++i) pfrag[i] = pack2<T>(sacc[2 * i], sacc[2 * i + 1]);
  };
  auto release = [&](uint32_t bar) {
    if (t == 0) mbar_arrive(bar);
  };
#if SM_WG_PINGPONG
  // Warpgroup cw issues its GEMMs between bar.sync(own) and bar.arrive(other). Both consumer
  // warpgroups of a block walk the same tiles (n + 1 issue steps per work item each); warpgroup 1
  // opens the first turn, and warpgroup 0 takes warpgroup 1's last hand-over after the work loop,
  // so no arrival is left pending at exit.
  auto turn_begin = [&]() { named_sync(PP_BAR + cw); };
  auto turn_end = [&]() { named_arrive(PP_BAR + (1 - cw)); };
  if (cw == 1) named_arrive(PP_BAR + 0);
#else
  auto turn_begin = [&]() {};
  auto turn_end = [&]() {};
#endif
  // K/V ring slot and phase of this work item's tile j.
  auto slot = [&](int j) { return (g0 + j) % STAGES; };
  auto phase = [&](int j) { return static_cast<uint32_t>(((g0 + j) / STAGES) & 1); };
  // Persistent blocks: this warpgroup has issued its last S GEMM of the item and it is done, so
  // the producer may load the next item's Q.
  auto q_done = [&]() { if constexpr (PERSISTENT) release(q_empty); };

  int nql = 0;
  for (WorkIter it = first; it.b < p.B; it.next(p.Q, p.H)) {
    {
      const Work x = work(it);
      b = x.b;
      h = x.h;
      qrow = x.q0 + trow;
      tiles = x.tiles;
      qf = static_cast<float>(qrow);
      uni[0] = score_uniforms(b, h, qrow, p);
      uni[1] = score_uniforms(b, h, qrow + 8, p);
    }
    const int ntiles = tiles.n;
#pragma unroll
    for (int i = 0; i < D / 2; ++i) oacc[i] = 0.f;
    m[0] = m[1] = SM_NEG_INF;
    l[0] = l[1] = 0.f;
    if (ntiles > 0) {
      mbar_wait(q_full, nql++ & 1);
      if constexpr (Q_IN_AUX) {
        // Q into registers, then free its shared memory (the last aux stage) for the copiers.
        ldsm_tile_pairs(sQ, cw, t, qfrag);
        aux_release(AUX_STAGES - 1);
      }
#if SM_WG_OVERLAP
      float alpha[2];
      // Tile 0: S only.
      mbar_wait(k_full(slot(0)), phase(0));
      aux_wait_early(0);
      turn_begin();
      reg_fence(sacc);
      wg_fence();
      issue_qk(slot(0));
      wg_commit();
      turn_end();
      aux_wait_late(0);
      wg_wait<0>();
      reg_fence(sacc);
      release(k_empty(slot(0)));
      if (ntiles == 1) q_done();
      softmax_tile(0, alpha, true);  // O is still zero: no rescale
      aux_release(0);
      pack_p();
      // Step j: S_j and P_{j-1} V_{j-1}, then tile j's softmax while P V runs.
      auto step = [&](int j, bool tail) {
        const int s = slot(j), sp = slot(j - 1);
        // Both waits come before the fence: a wait loop between wgmma.fence and a wgmma makes
        // ptxas inject its own warpgroup.arrive (C7519). V_{j-1} has long been loaded by now.
        mbar_wait(k_full(s), phase(j));
        mbar_wait(v_full(sp), phase(j - 1));
        aux_wait_early(j);
        turn_begin();
        reg_fence(sacc);
        reg_fence(oacc);
        reg_fence(pfrag);
        wg_fence();
        issue_qk(s);
        wg_commit();
        issue_pv(sp);
        wg_commit();
        turn_end();
        aux_wait_late(j);
        wg_wait<1>();  // S_j done; P_{j-1} V_{j-1} may still run
        reg_fence(sacc);
        release(k_empty(s));
        if (j == ntiles - 1) q_done();
        const bool moved = softmax_tile(j, alpha, tail);
        aux_release(j);
        wg_wait<0>();
        reg_fence(oacc);
        reg_fence(pfrag);
        release(v_empty(sp));
        if (moved) rescale_o(alpha);  // warp-uniform
        pack_p();
      };
#if SM_WG_PEEL_TAIL
      for (int j = 1; j + 1 < ntiles; ++j) step(j, false);
      if (ntiles > 1) step(ntiles - 1, true);
#else
      for (int j = 1; j < ntiles; ++j) step(j, true);
#endif
      {  // last P V
        const int sp = slot(ntiles - 1);
        mbar_wait(v_full(sp), phase(ntiles - 1));
        turn_begin();
        reg_fence(oacc);
        reg_fence(pfrag);
        wg_fence();
        issue_pv(sp);
        wg_commit();
        turn_end();
        wg_wait<0>();
        reg_fence(oacc);
        release(v_empty(sp));
      }
#else
      for (int j = 0; j < ntiles; ++j) {
        const int s = slot(j);
        const uint32_t ph = phase(j);
        float alpha[2];
        mbar_wait(k_full(s), ph);
        aux_wait(j);
        reg_fence(sacc);
        wg_fence();
        issue_qk(s);
        wg_commit();
        wg_wait<0>();
        reg_fence(sacc);
        release(k_empty(s));
        if (j == ntiles - 1) q_done();
        const bool moved = softmax_tile(j, alpha, true);
        aux_release(j);
        if (moved) rescale_o(alpha);
        pack_p();
        mbar_wait(v_full(s), ph);
        reg_fence(oacc);
        reg_fence(pfrag);
        wg_fence();
        issue_pv(s);
        wg_commit();
        wg_wait<0>();
        reg_fence(oacc);
        release(v_empty(s));
      }
#endif
    }

    // Normalise and store. A fully masked row (l == 0) writes zeros and lse = -inf.
#pragma unroll
    for (int hr = 0; hr < 2; ++hr) {
      float lt = l[hr];
      lt += __shfl_xor_sync(0xffffffffu, lt, 1);
      lt += __shfl_xor_sync(0xffffffffu, lt, 2);
      const float inv = lt > 0.f ? 1.f / lt : 0.f;
      const int q = qrow + 8 * hr;
      if (q < p.Q) {
        T* go = static_cast<T*>(p.o) + b * p.o_stride_b + h * p.o_stride_h + q * p.o_stride_s;
#pragma unroll
        for (int i = 2 * hr; i < D / 2; i += 4)
          *reinterpret_cast<uint32_t*>(go + 8 * (i >> 2) + 2 * c) = pack2<T>(oacc[i] * inv, oacc[i + 1] * inv);
        if (p.lse != nullptr && c == 0)
          p.lse[b * p.lse_stride_b + h * p.lse_stride_h + q] = lt > 0.f ? (m[hr] + log2f(lt)) * 0.6931471805599453f : SM_NEG_INF;
      }
    }
    g0 += ntiles;
  }
#if SM_WG_PINGPONG
  if (cw == 0) named_sync(PP_BAR + 0);  // warpgroup 1's last hand-over
#endif
}

}  // namespace sm_wg
}  // namespace
