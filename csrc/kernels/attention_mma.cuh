// Portable forward attention with the score/mask mods inlined: mma.sync m16n8k16 (sm80+),
// ldmatrix + cp.async, fp32 accumulation, online softmax in the log2 domain.
//
// Instantiated by macros the includer defines first (all optional; absent = no mod):
//   SM_SCORE_MOD(s, b, h, q, kv0, p)  with SM_VEC       (s: float(&)[SM_VEC])
//   SM_MASK_MOD(keep, b, h, q, kv0, p) with SM_MASK_VEC (keep: bool(&)[SM_MASK_VEC], true = keep)
// Each call covers SM_VEC consecutive kv (kv0 % SM_VEC == 0) of one query row.
// Mods with V <= 2 run on the mma accumulator pairs; V > 2 stages the S tile through shared
// memory so one thread sees V consecutive kv of one row. Both paths hand the mod the same
// fp32 values and apply the same operations after it, so a V-lane build and a V = 1 build of
// the same mod produce bitwise equal outputs when the mod's lanes compute what its scalar
// form computes.
// Device code only; entry points live in attention_entries.cuh.
#pragma once
#include "attention_mods.cuh"


namespace {
namespace sm_mma {
using sm_mods::score_pair;
using sm_mods::mask_pair;

static_assert(SM_VEC >= 1 && SM_VEC <= SM_ATTN_BLOCK_N && (SM_VEC & (SM_VEC - 1)) == 0,
              "SM_VEC must be a power of two dividing the 128-column S tile");
static_assert(SM_MASK_VEC >= 1 && SM_MASK_VEC <= SM_ATTN_BLOCK_N && (SM_MASK_VEC & (SM_MASK_VEC - 1)) == 0,
              "SM_MASK_VEC must be a power of two dividing the 128-column S tile");

constexpr int BM = SM_ATTN_BLOCK_M;
constexpr int BN = SM_ATTN_BLOCK_N;
constexpr int NT = SM_ATTN_MMA_THREADS;
constexpr int NB = BN / 8;          // 8-column n-blocks of the S tile per warp
constexpr float LOG2E = 1.4426950408889634f;

__device__ __forceinline__ uint32_t smem_u32(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// 16-byte global->shared copy; src_bytes = 0 zero-fills (rows past the end of Q or KV).
__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src, int src_bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(src_bytes));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
__device__ __forceinline__ void cp_async_wait_all() { asm volatile("cp.async.wait_group 0;\n" ::: "memory"); }

__device__ __forceinline__ void ldsm_x4(uint32_t (&r)[4], uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
}
__device__ __forceinline__ void ldsm_x4_t(uint32_t (&r)[4], uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
}

template <typename T> struct Elem;
template <> struct Elem<__nv_bfloat16> {
  __device__ static __forceinline__ void mma(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
  __device__ static __forceinline__ uint32_t pack(float lo, float hi) {
    __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<uint32_t*>(&v);
  }
};
template <> struct Elem<__half> {
  __device__ static __forceinline__ void mma(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
  __device__ static __forceinline__ uint32_t pack(float lo, float hi) {
    __half2 v = __floats2half2_rn(lo, hi);
    return *reinterpret_cast<uint32_t*>(&v);
  }
};

__device__ __forceinline__ float ex2(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x));
  return y;
}

// Element offset of 16-byte chunk c of row r in a [rows][D] 16-bit tile. The chunk index is
// XOR-swizzled with the row so ldmatrix's 8 rows of one column hit 8 different bank groups.
template <int D>
__device__ __forceinline__ int tile_off(int r, int c) { return r * D + ((c ^ (r & 7)) << 3); }

// Copies rows [0, rows_valid) of a ROWS x D tile (row stride in elements) to shared memory;
// rows beyond are zero-filled so the mma reads defined values.
template <int D, int ROWS, typename T>
__device__ __forceinline__ void load_tile(T* s, const T* g, long long stride, int rows_valid, int tid) {
  constexpr int CH = D / 8;
  const uint32_t base = smem_u32(s);
#pragma unroll
  for (int i = tid; i < ROWS * CH; i += NT) {
    const int r = i / CH, c = i % CH;
    const bool ok = r < rows_valid;
    const T* src = ok ? g + r * stride + c * 8 : g;
    cp_async16(base + tile_off<D>(r, c) * 2, src, ok ? 16 : 0);
  }
}

// Physical float index of S element (r, c) in a warp's staged [16][128] fp32 region. Columns
// are XOR-swizzled in units of 8 floats by (r & 3) so the accumulator's float2 stores and
// reloads are conflict-free; 4-float groups stay contiguous and 16-byte aligned.
__device__ __forceinline__ int stage_off(int r, int c) { return r * BN + (c ^ ((r & 3) << 3)); }

#if SM_ATTN_STAGED
// Applies the wide mods to a warp's 16 x 128 S tile held in shared memory (score mod first,
// then mask). Thread `lane` takes chunks lane, lane + 32, ...: a chunk is V consecutive kv of
// one row. Rows past Q and chunks past KV are skipped so a mod never sees an index outside
// the problem (the runner's obligation KV % V == 0 keeps chunks whole).
__device__ __forceinline__ void apply_staged(float* st, int lane, int b, int h, int qrow0, int kvt,
                                             bool partial, const SmAttnParams& p) {
#if SM_STAGE_SCORE
  {
    constexpr int V = SM_VEC, PER_ROW = BN / V;
    for (int c = lane; c < 16 * PER_ROW; c += 32) {
      const int r = c / PER_ROW, col0 = (c % PER_ROW) * V;
      const int q = qrow0 + r, kv0 = kvt + col0;
      if (q >= p.Q || kv0 >= p.KV) continue;
      float s[V];
#pragma unroll
      for (int i = 0; i < V; i += 4) {
        const float4 v = *reinterpret_cast<const float4*>(st + stage_off(r, col0 + i));
        s[i] = v.x; s[i + 1] = v.y; s[i + 2] = v.z; s[i + 3] = v.w;
      }
      SM_SCORE_MOD(s, b, h, q, kv0, p.mod);
#pragma unroll
      for (int i = 0; i < V; i += 4)
        *reinterpret_cast<float4*>(st + stage_off(r, col0 + i)) = make_float4(s[i], s[i + 1], s[i + 2], s[i + 3]);
    }
  }
#endif
#if SM_STAGE_MASK
  if (partial) {  // a full tile keeps every score
#if SM_STAGE_SCORE
    __syncwarp();
#endif
    constexpr int V = SM_MASK_VEC, PER_ROW = BN / V;
    for (int c = lane; c < 16 * PER_ROW; c += 32) {
      const int r = c / PER_ROW, col0 = (c % PER_ROW) * V;
      const int q = qrow0 + r, kv0 = kvt + col0;
      if (q >= p.Q || kv0 >= p.KV) continue;
      bool keep[V];
#pragma unroll
      for (int i = 0; i < V; ++i) keep[i] = true;
      SM_MASK_MOD(keep, b, h, q, kv0, p.mod);
#pragma unroll
      for (int i = 0; i < V; i += 4) {
        float4* a = reinterpret_cast<float4*>(st + stage_off(r, col0 + i));
        float4 v = *a;
        if (!keep[i]) v.x = SM_NEG_INF;
        if (!keep[i + 1]) v.y = SM_NEG_INF;
        if (!keep[i + 2]) v.z = SM_NEG_INF;
        if (!keep[i + 3]) v.w = SM_NEG_INF;
        *a = v;
      }
    }
  }
#endif
}
#endif

template <typename T, int D>
__device__ __forceinline__ void attn_fwd(const SmAttnParams& p, unsigned char* smem) {
  static_assert(D == 64 || D == 128, "head dim must be 64 or 128");
  constexpr int KS = D / 16;   // k-steps of QK^T
  constexpr int DB = D / 8;    // 8-column n-blocks of O
  using E = Elem<T>;

  T* sQ = reinterpret_cast<T*>(smem);
  T* sK = sQ + BM * D;
  constexpr int KST = SM_ATTN_MMA_KSTAGES;
  static_assert(KST == 1 || KST == 2, "SM_ATTN_MMA_KSTAGES must be 1 or 2");
  T* sV = sK + KST * BN * D;
#if SM_ATTN_STAGED
  float* sS = reinterpret_cast<float*>(sV + BN * D);
#endif

  const int tid = threadIdx.x, warp = tid >> 5, lane = tid & 31;
  const int g = lane >> 2, t = lane & 3;
  const int qblk = (p.flags & SM_ATTN_FLAG_REVERSE_Q) ? (gridDim.x - 1 - blockIdx.x) : blockIdx.x;
  const int h = blockIdx.y, b = blockIdx.z;
  const int hk = h / (p.H / p.Hkv);
  const int q0 = qblk * BM;
  if (q0 >= p.Q) return;

  const T* gQ = static_cast<const T*>(p.q) + b * p.q_stride_b + h * p.q_stride_h + q0 * p.q_stride_s;
  const T* gK = static_cast<const T*>(p.k) + b * p.k_stride_b + hk * p.k_stride_h;
  const T* gV = static_cast<const T*>(p.v) + b * p.v_stride_b + hk * p.v_stride_h;

  // The kv tiles this block visits, ascending (block map, or all of them).
  const SmTileList tiles = sm_tile_list(p, b, h, qblk, (p.KV + BN - 1) / BN);
  const int ntiles = tiles.n;
  int ent = ntiles > 0 ? tiles.entry(0) : 0;  // tile j's entry: kv tile * 2 + partial

  load_tile<D, BM>(sQ, gQ, p.q_stride_s, p.Q - q0, tid);
  if (ntiles > 0) load_tile<D, BN>(sK, gK + (ent >> 1) * BN * p.k_stride_s, p.k_stride_s, p.KV - (ent >> 1) * BN, tid);
  cp_async_commit();

  float o[DB][4];
#pragma unroll
  for (int i = 0; i < DB; ++i) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.f;
  float m[2] = {SM_NEG_INF, SM_NEG_INF}, l[2] = {0.f, 0.f};  // m: row max * log2(e)
  const float scale = p.softmax_scale;
  const int qrow0 = q0 + warp * 16;  // this warp's first query row

  const uint32_t aQ = smem_u32(sQ), aK = smem_u32(sK), aV = smem_u32(sV);

  for (int j = 0; j < ntiles; ++j) {
    const int kvt = (ent >> 1) * BN;
    const bool partial = (ent & 1) != 0;
    const int ent_next = j + 1 < ntiles ? tiles.entry(j + 1) : 0;
    const int kvt_next = (ent_next >> 1) * BN;
    cp_async_wait_all();
    __syncthreads();  // K_j visible; every warp finished reading V_{j-1}
    load_tile<D, BN>(sV, gV + kvt * p.v_stride_s, p.v_stride_s, p.KV - kvt, tid);
    cp_async_commit();
    if (KST == 2 && j + 1 < ntiles) {  // K_{j+1} into the buffer K_{j-1} used (all warps are past it)
      load_tile<D, BN>(sK + ((j + 1) & 1) * BN * D, gK + kvt_next * p.k_stride_s, p.k_stride_s, p.KV - kvt_next, tid);
      cp_async_commit();
    }
    const uint32_t aKj = aK + (KST == 2 ? (j & 1) * BN * D * 2 : 0);

    // S = Q K^T for this warp's 16 rows x 128 kv.
    float s[NB][4];
#pragma unroll
    for (int i = 0; i < NB; ++i) s[i][0] = s[i][1] = s[i][2] = s[i][3] = 0.f;
#pragma unroll
    for (int kk = 0; kk < KS; ++kk) {
      uint32_t a[4];
      ldsm_x4(a, aQ + tile_off<D>(warp * 16 + (lane & 15), kk * 2 + (lane >> 4)) * 2);
#pragma unroll
      for (int np = 0; np < NB / 2; ++np) {
        uint32_t bk[4];
        ldsm_x4(bk, aKj + tile_off<D>(np * 16 + (lane & 7) + ((lane >> 4) << 3), kk * 2 + ((lane >> 3) & 1)) * 2);
        E::mma(s[2 * np], a, bk[0], bk[1]);
        E::mma(s[2 * np + 1], a, bk[2], bk[3]);
      }
    }

    // Scores in the natural-log domain, as the mods expect. __fmul_rn keeps the product from
    // being contracted into a mod's first add, so both mod paths see the same values.
#pragma unroll
    for (int i = 0; i < NB; ++i)
#pragma unroll
      for (int e = 0; e < 4; ++e) s[i][e] = __fmul_rn(s[i][e], scale);

    // Order: score mod, then mask (a score mod must never see a masked -inf).
#if SM_HAS_SCORE_MOD && !SM_STAGE_SCORE
#pragma unroll
    for (int i = 0; i < NB; ++i)
#pragma unroll
      for (int hr = 0; hr < 2; ++hr)
        score_pair(s[i][2 * hr], s[i][2 * hr + 1], b, h, qrow0 + g + 8 * hr, kvt + i * 8 + 2 * t, p);
#endif
#if SM_ATTN_STAGED
    {
      float* st = sS + warp * 16 * BN;
#pragma unroll
      for (int i = 0; i < NB; ++i)
#pragma unroll
        for (int hr = 0; hr < 2; ++hr)
          *reinterpret_cast<float2*>(st + stage_off(g + 8 * hr, i * 8 + 2 * t)) = make_float2(s[i][2 * hr], s[i][2 * hr + 1]);
      __syncwarp();
      apply_staged(st, lane, b, h, qrow0, kvt, partial, p);
      __syncwarp();
#pragma unroll
      for (int i = 0; i < NB; ++i)
#pragma unroll
        for (int hr = 0; hr < 2; ++hr) {
          const float2 v = *reinterpret_cast<const float2*>(st + stage_off(g + 8 * hr, i * 8 + 2 * t));
          s[i][2 * hr] = v.x; s[i][2 * hr + 1] = v.y;
        }
      __syncwarp();  // the next tile's stores must not overtake this tile's reloads
    }
#endif
#if SM_HAS_MASK_MOD && !SM_STAGE_MASK
    if (partial) {  // block-uniform: a full tile keeps every score
#pragma unroll
      for (int i = 0; i < NB; ++i)
#pragma unroll
        for (int hr = 0; hr < 2; ++hr)
          mask_pair(s[i][2 * hr], s[i][2 * hr + 1], b, h, qrow0 + g + 8 * hr, kvt + i * 8 + 2 * t, p);
    }
#endif
    if (kvt + BN > p.KV) {  // tail tile: columns past KV take no part
#pragma unroll
      for (int i = 0; i < NB; ++i)
#pragma unroll
        for (int e = 0; e < 4; ++e)
          if (kvt + i * 8 + 2 * t + (e & 1) >= p.KV) s[i][e] = SM_NEG_INF;
    }

    // Online softmax, log2 domain. Row r = g + 8 * hr lives in 4 threads (t = 0..3). The
    // running max is kept already scaled by log2(e), so a tile that does not raise it rescales
    // by exactly ex2(0) = 1: tiles that are fully masked change no bit of the result (which
    // makes skipping empty tiles bitwise neutral).
#pragma unroll
    for (int hr = 0; hr < 2; ++hr) {
      float mx = SM_NEG_INF;
#pragma unroll
      for (int i = 0; i < NB; ++i) mx = fmaxf(mx, fmaxf(s[i][2 * hr], s[i][2 * hr + 1]));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
      const float mnew = fmaxf(m[hr], mx * LOG2E);
      // A row with every score masked so far keeps max -inf; subtract 0 so exp2 gives 0, not NaN.
      const float ml2 = (mnew == SM_NEG_INF) ? 0.f : mnew;
      const float alpha = ex2(m[hr] - ml2);
      m[hr] = mnew;
      float sum = 0.f;
#pragma unroll
      for (int i = 0; i < NB; ++i) {
        const float p0 = ex2(fmaf(s[i][2 * hr], LOG2E, -ml2));
        const float p1 = ex2(fmaf(s[i][2 * hr + 1], LOG2E, -ml2));
        s[i][2 * hr] = p0; s[i][2 * hr + 1] = p1;
        sum += p0 + p1;
      }
      l[hr] = l[hr] * alpha + sum;
#pragma unroll
      for (int i = 0; i < DB; ++i) { o[i][2 * hr] *= alpha; o[i][2 * hr + 1] *= alpha; }
    }

    if (KST == 2 && j + 1 < ntiles) asm volatile("cp.async.wait_group 1;\n" ::: "memory");  // V_j, not K_{j+1}
    else cp_async_wait_all();
    __syncthreads();  // V_j visible; every warp finished reading K_j
    if (KST == 1 && j + 1 < ntiles) {
      load_tile<D, BN>(sK, gK + kvt_next * p.k_stride_s, p.k_stride_s, p.KV - kvt_next, tid);
      cp_async_commit();
    }

    // O += P V: the S accumulator pairs are already the A-fragment layout.
#pragma unroll
    for (int kk = 0; kk < BN / 16; ++kk) {
      uint32_t a[4];
      a[0] = E::pack(s[2 * kk][0], s[2 * kk][1]);
      a[1] = E::pack(s[2 * kk][2], s[2 * kk][3]);
      a[2] = E::pack(s[2 * kk + 1][0], s[2 * kk + 1][1]);
      a[3] = E::pack(s[2 * kk + 1][2], s[2 * kk + 1][3]);
#pragma unroll
      for (int dp = 0; dp < DB / 2; ++dp) {
        uint32_t bv[4];
        ldsm_x4_t(bv, aV + tile_off<D>(kk * 16 + (lane & 7) + (((lane >> 3) & 1) << 3), dp * 2 + (lane >> 4)) * 2);
        E::mma(o[2 * dp], a, bv[0], bv[1]);
        E::mma(o[2 * dp + 1], a, bv[2], bv[3]);
      }
    }
    ent = ent_next;
  }
  cp_async_wait_all();  // no copy may still target shared memory when the block exits

  // Normalise and store. A fully masked row (l == 0) writes zeros and lse = -inf.
#pragma unroll
  for (int hr = 0; hr < 2; ++hr) {
    float lt = l[hr];
    lt += __shfl_xor_sync(0xffffffffu, lt, 1);
    lt += __shfl_xor_sync(0xffffffffu, lt, 2);
    const float inv = lt > 0.f ? 1.f / lt : 0.f;
    const int q = qrow0 + g + 8 * hr;
    if (q < p.Q) {
      T* go = static_cast<T*>(p.o) + b * p.o_stride_b + h * p.o_stride_h + q * p.o_stride_s;
#pragma unroll
      for (int i = 0; i < DB; ++i)
        *reinterpret_cast<uint32_t*>(go + i * 8 + 2 * t) = E::pack(o[i][2 * hr] * inv, o[i][2 * hr + 1] * inv);
      if (p.lse != nullptr && t == 0)
        p.lse[b * p.lse_stride_b + h * p.lse_stride_h + q] = lt > 0.f ? (m[hr] + log2f(lt)) * 0.6931471805599453f : SM_NEG_INF;
    }
  }
}

}  // namespace sm_mma
}  // namespace
