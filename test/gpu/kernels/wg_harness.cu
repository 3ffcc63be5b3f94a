// Standalone GPU harness for the Hopper kernel (csrc/kernels/attention_wgmma.cuh). Checks, then
// times (B1 H16 S8192, bf16, CUDA events, warm-up, median, 4 rotating input sets):
//   1. small and odd problems (tails in Q and KV, GQA, D 64/128, bf16/f16): wgmma kernel vs
//      the fp32 reference kernel (rel L2, max abs, every output written over a NaN poison)
//   2. bitwise: V = 2 vs V = 1 builds; the three schedules (no overlap, overlap, ping-pong);
//      a causal block map vs none
//   3. large (B1 H16 S8192 D128): wgmma kernel vs the fp32 reference kernel
// Exit status is nonzero when any check fails. Usage: wg_harness [--no-time | --only-time] [--reps N]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>
#include <algorithm>
#include <cuda.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include "wg_req.h"

#define CK(x)                                                                                      \
  do {                                                                                             \
    cudaError_t e_ = (cudaError_t)(x);                                                             \
    if (e_ != cudaSuccess) {                                                                       \
      std::fprintf(stderr, "CUDA error %s at %s:%d: %s\n", cudaGetErrorName(e_), __FILE__, __LINE__, #x); \
      std::exit(2);                                                                                \
    }                                                                                              \
  } while (0)

#define WG_VARIANTS(X) X(wnone) X(wnone_s1) X(wnone_s2) X(wkvbias_v1) X(wkvbias_v2) X(wsoftcap_v1) X(wsoftcap_v2) \
  X(wcausal_v1) X(wkvbias_v2_causal) X(wsoftcap_rcp) X(wsoftcap_fast) X(wsoftcap_divfull) X(wnone_nopeel) X(wkvbias_v2_peel) X(wsoftcap_v2_peel) X(wcausal_v1_peel)
#define DECL(n) int wg_launch_##n(const WgReq&); BlockShape wg_shape_##n(WgKernel);
WG_VARIANTS(DECL)
// causal: the mask is exactly causal (keep kv <= q). shape: the tiles of each of its kernels.
struct Variant { const char* name; int (*launch)(const WgReq&); BlockShape (*shape)(WgKernel); bool causal; bool bias; bool softcap; int vec; };
static const Variant kVariants[] = {
    {"none", wg_launch_wnone, wg_shape_wnone, false, false, false, 1},
    {"none_s1", wg_launch_wnone_s1, wg_shape_wnone_s1, false, false, false, 1},
    {"none_s2", wg_launch_wnone_s2, wg_shape_wnone_s2, false, false, false, 1},
    {"kvbias_v1", wg_launch_wkvbias_v1, wg_shape_wkvbias_v1, false, true, false, 1},
    {"kvbias_v2", wg_launch_wkvbias_v2, wg_shape_wkvbias_v2, false, true, false, 2},
    {"softcap_v1", wg_launch_wsoftcap_v1, wg_shape_wsoftcap_v1, false, false, true, 1},
    {"softcap_v2", wg_launch_wsoftcap_v2, wg_shape_wsoftcap_v2, false, false, true, 2},
    {"causal_v1", wg_launch_wcausal_v1, wg_shape_wcausal_v1, true, false, false, 1},
    {"kvbias_v2_causal", wg_launch_wkvbias_v2_causal, wg_shape_wkvbias_v2_causal, true, true, false, 2},
    {"softcap_rcp", wg_launch_wsoftcap_rcp, wg_shape_wsoftcap_rcp, false, false, true, 2},
    {"softcap_fast", wg_launch_wsoftcap_fast, wg_shape_wsoftcap_fast, false, false, true, 2},
    {"softcap_divfull", wg_launch_wsoftcap_divfull, wg_shape_wsoftcap_divfull, false, false, true, 2},
    {"none_nopeel", wg_launch_wnone_nopeel, wg_shape_wnone_nopeel, false, false, false, 1},
    {"kvbias_v2_peel", wg_launch_wkvbias_v2_peel, wg_shape_wkvbias_v2_peel, false, true, false, 2},
    {"softcap_v2_peel", wg_launch_wsoftcap_v2_peel, wg_shape_wsoftcap_v2_peel, false, false, true, 2},
    {"causal_v1_peel", wg_launch_wcausal_v1_peel, wg_shape_wcausal_v1_peel, true, false, false, 1},
};
static const Variant& V(const char* n) {
  for (const Variant& v : kVariants)
    if (!std::strcmp(v.name, n)) return v;
  std::fprintf(stderr, "no variant %s\n", n);
  std::exit(2);
}

static int g_fail = 0;
static void verdict(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
  std::fflush(stdout);
  if (!ok) ++g_fail;
}

// The driver's encoder through the runtime (no -lcuda needed to build the harness).
typedef CUresult (*EncodeTiled)(CUtensorMap*, CUtensorMapDataType, cuuint32_t, void*, const cuuint64_t*, const cuuint64_t*,
                                const cuuint32_t*, const cuuint32_t*, CUtensorMapInterleave, CUtensorMapSwizzle,
                                CUtensorMapL2promotion, CUtensorMapFloatOOBfill);
static EncodeTiled encoder() {
  static EncodeTiled fn = nullptr;
  if (!fn) {
    void* p = nullptr;
    cudaDriverEntryPointQueryResult q;
    CK(cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &p, 12000, cudaEnableDefault, &q));
    if (q != cudaDriverEntryPointSuccess || !p) { std::fprintf(stderr, "no cuTensorMapEncodeTiled\n"); std::exit(2); }
    fn = (EncodeTiled)p;
  }
  return fn;
}

static CUtensorMap tensor_map(const void* ptr, int D, int S, int heads, int B, bool f16) {
  CUtensorMap m;
  cuuint64_t dims[4] = {(cuuint64_t)D, (cuuint64_t)S, (cuuint64_t)heads, (cuuint64_t)B};
  cuuint64_t strides[3] = {(cuuint64_t)D * 2, (cuuint64_t)S * D * 2, (cuuint64_t)heads * S * D * 2};
  cuuint32_t box[4] = {64, 128, 1, 1}, estr[4] = {1, 1, 1, 1};
  CUresult r = encoder()(&m, f16 ? CU_TENSOR_MAP_DATA_TYPE_FLOAT16 : CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 4,
                                      const_cast<void*>(ptr), dims, strides, box, estr, CU_TENSOR_MAP_INTERLEAVE_NONE,
                                      CU_TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
                                      CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  if (r != CUDA_SUCCESS) {
    std::fprintf(stderr, "cuTensorMapEncodeTiled failed: CUresult %d\n", (int)r);
    std::exit(2);
  }
  return m;
}

struct Problem { int B, H, Hkv, Q, KV, D; bool f16; };

struct Inputs {
  Problem pr;
  std::vector<void*> q, k, v;  // one per input set
  void* bias = nullptr;        // bf16 [B, H, KV]
  void *o = nullptr, *o2 = nullptr, *oref = nullptr;
  size_t qn = 0, kn = 0;
};

static void fill16(void* dev, size_t n, bool f16, std::mt19937& g) {
  std::normal_distribution<float> nd(0.f, 1.f);
  std::vector<uint16_t> h(n);
  for (size_t i = 0; i < n; ++i) {
    float x = nd(g);
    if (f16) { __half v = __float2half_rn(x); std::memcpy(&h[i], &v, 2); }
    else { __nv_bfloat16 v = __float2bfloat16_rn(x); std::memcpy(&h[i], &v, 2); }
  }
  CK(cudaMemcpy(dev, h.data(), n * 2, cudaMemcpyHostToDevice));
}

static Inputs make_inputs(const Problem& pr, int sets, unsigned seed) {
  Inputs in;
  in.pr = pr;
  in.qn = (size_t)pr.B * pr.H * pr.Q * pr.D;
  in.kn = (size_t)pr.B * pr.Hkv * pr.KV * pr.D;
  std::mt19937 g(seed);
  for (int s = 0; s < sets; ++s) {
    void *q, *k, *v;
    CK(cudaMalloc(&q, in.qn * 2)); CK(cudaMalloc(&k, in.kn * 2)); CK(cudaMalloc(&v, in.kn * 2));
    fill16(q, in.qn, pr.f16, g); fill16(k, in.kn, pr.f16, g); fill16(v, in.kn, pr.f16, g);
    in.q.push_back(q); in.k.push_back(k); in.v.push_back(v);
  }
  const size_t bn = (size_t)pr.B * pr.H * pr.KV;
  CK(cudaMalloc(&in.bias, bn * 2));
  fill16(in.bias, bn, false, g);
  CK(cudaMalloc(&in.o, in.qn * 2)); CK(cudaMalloc(&in.o2, in.qn * 2)); CK(cudaMalloc(&in.oref, in.qn * 4));
  return in;
}
static void free_inputs(Inputs& in) {
  for (size_t s = 0; s < in.q.size(); ++s) { cudaFree(in.q[s]); cudaFree(in.k[s]); cudaFree(in.v[s]); }
  cudaFree(in.bias); cudaFree(in.o); cudaFree(in.o2); cudaFree(in.oref);
}

// Causal block maps on the device, shared by every request (freed at exit).
static CausalMaps g_maps;

// blockmap: launch with a causal block map for the variant's tiles of `kernel` (the reference
// kernel ignores it, so it gets none).
static WgReq request(const Inputs& in, int set, void* out, WgKernel kernel, const Variant& var, bool blockmap) {
  const Problem& pr = in.pr;
  WgReq r;
  std::memset(&r, 0, sizeof r);
  r.D = pr.D; r.f16 = pr.f16; r.kernel = kernel; r.stream = 0;
  SmAttnParams& p = r.wp.p;
  p.q = in.q[set]; p.k = in.k[set]; p.v = in.v[set]; p.o = out; p.lse = nullptr;
  p.q_stride_b = (long long)pr.H * pr.Q * pr.D; p.q_stride_h = (long long)pr.Q * pr.D; p.q_stride_s = pr.D;
  p.k_stride_b = (long long)pr.Hkv * pr.KV * pr.D; p.k_stride_h = (long long)pr.KV * pr.D; p.k_stride_s = pr.D;
  p.v_stride_b = p.k_stride_b; p.v_stride_h = p.k_stride_h; p.v_stride_s = pr.D;
  p.o_stride_b = p.q_stride_b; p.o_stride_h = p.q_stride_h; p.o_stride_s = pr.D;
  p.B = pr.B; p.H = pr.H; p.Hkv = pr.Hkv; p.Q = pr.Q; p.KV = pr.KV; p.D = pr.D;
  p.softmax_scale = 1.f / std::sqrt((float)pr.D);
  p.flags = 0u;
  if (blockmap && kernel != REF_KERNEL) {
    if (!var.causal) { std::fprintf(stderr, "causal block map asked for %s, whose mask is not causal\n", var.name); std::exit(2); }
    const CausalMaps::Map m = g_maps.get(var.shape(kernel), pr.Q, pr.KV);
    p.blk = m.dev; p.blk_stride_b = 0; p.blk_stride_h = 0; p.blk_row = m.row;
  }
  p.mod.aux[0].data = in.bias; p.mod.aux[0].numel = (long long)pr.B * pr.H * pr.KV;
  p.mod.dims[0] = pr.B; p.mod.dims[1] = pr.H; p.mod.dims[2] = pr.Q; p.mod.dims[3] = pr.KV;
  p.mod.fscalars[0] = var.softcap ? 5.f : 0.f;  // softcap(5): most scores are near the cap
  if (kernel == WG_KERNEL) {
    static_assert(sizeof(CUtensorMap) == sizeof(SmTmaDesc), "CUtensorMap size");
    CUtensorMap tq = tensor_map(in.q[set], pr.D, pr.Q, pr.H, pr.B, pr.f16);
    CUtensorMap tk = tensor_map(in.k[set], pr.D, pr.KV, pr.Hkv, pr.B, pr.f16);
    CUtensorMap tv = tensor_map(in.v[set], pr.D, pr.KV, pr.Hkv, pr.B, pr.f16);
    std::memcpy(&r.wp.tq, &tq, sizeof tq); std::memcpy(&r.wp.tk, &tk, sizeof tk); std::memcpy(&r.wp.tv, &tv, sizeof tv);
  }
  return r;
}

static void run(const Variant& var, const WgReq& r) {
  CK(var.launch(r));
  CK(cudaDeviceSynchronize());
}

static std::vector<float> read16(const void* dev, size_t n, bool f16) {
  std::vector<uint16_t> h(n);
  CK(cudaMemcpy(h.data(), dev, n * 2, cudaMemcpyDeviceToHost));
  std::vector<float> f(n);
  for (size_t i = 0; i < n; ++i) {
    if (f16) { __half v; std::memcpy(&v, &h[i], 2); f[i] = __half2float(v); }
    else { __nv_bfloat16 v; std::memcpy(&v, &h[i], 2); f[i] = __bfloat162float(v); }
  }
  return f;
}

// wgmma kernel vs fp32 reference kernel on the same inputs.
static void check_vs_ref(const Inputs& in, const Variant& var, bool blockmap) {
  const Problem& pr = in.pr;
  CK(cudaMemset(in.o, 0xff, in.qn * 2));
  CK(cudaMemset(in.oref, 0xff, in.qn * 4));
  run(var, request(in, 0, in.o, WG_KERNEL, var, blockmap));
  run(var, request(in, 0, in.oref, REF_KERNEL, var, false));
  std::vector<float> out = read16(in.o, in.qn, pr.f16), ref(in.qn);
  CK(cudaMemcpy(ref.data(), in.oref, in.qn * 4, cudaMemcpyDeviceToHost));
  double num = 0, den = 0, maxabs = 0;
  size_t bad = 0;
  for (size_t i = 0; i < in.qn; ++i) {
    if (!std::isfinite(out[i]) || !std::isfinite(ref[i])) { ++bad; continue; }
    const double d = (double)out[i] - ref[i];
    num += d * d; den += (double)ref[i] * ref[i];
    maxabs = std::max(maxabs, std::fabs(d));
  }
  const double rel = std::sqrt(num / std::max(den, 1e-30));
  const double tol = pr.f16 ? 2e-3 : 1e-2;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s%s vs fp32 ref: B%d H%d Hkv%d Q%d KV%d D%d %s: rel L2 %.2e, max abs %.2e, non-finite %zu",
                var.name, blockmap ? "+blockmap" : "", pr.B, pr.H, pr.Hkv, pr.Q, pr.KV, pr.D, pr.f16 ? "f16" : "bf16", rel, maxabs, bad);
  verdict(bad == 0 && rel < tol, buf);
}

// Two builds (or a causal block map and none) must produce the same bits.
static void check_bitwise(const Inputs& in, const Variant& a, bool mapA, const Variant& b, bool mapB) {
  CK(cudaMemset(in.o, 0xff, in.qn * 2));
  CK(cudaMemset(in.o2, 0xff, in.qn * 2));
  run(a, request(in, 0, in.o, WG_KERNEL, a, mapA));
  run(b, request(in, 0, in.o2, WG_KERNEL, b, mapB));
  std::vector<uint16_t> x(in.qn), y(in.qn);
  CK(cudaMemcpy(x.data(), in.o, in.qn * 2, cudaMemcpyDeviceToHost));
  CK(cudaMemcpy(y.data(), in.o2, in.qn * 2, cudaMemcpyDeviceToHost));
  size_t diff = 0, poisoned = 0;
  for (size_t i = 0; i < in.qn; ++i) { diff += x[i] != y[i]; poisoned += x[i] == 0xffff; }
  char buf[256];
  std::snprintf(buf, sizeof buf, "bitwise %s%s == %s%s (Q%d KV%d D%d): %zu differ, %zu unwritten", a.name, mapA ? "+blockmap" : "",
                b.name, mapB ? "+blockmap" : "", in.pr.Q, in.pr.KV, in.pr.D, diff, poisoned);
  verdict(diff == 0 && poisoned == 0, buf);
}

static float median(std::vector<float> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; }

static float time_kernel(const Inputs& in, const Variant& var, WgKernel kernel, bool blockmap, int reps) {
  const int sets = (int)in.q.size();
  std::vector<WgReq> reqs;
  for (int s = 0; s < sets; ++s) reqs.push_back(request(in, s, in.o, kernel, var, blockmap));
  for (int i = 0; i < 5; ++i) CK(var.launch(reqs[i % sets]));
  CK(cudaDeviceSynchronize());
  std::vector<cudaEvent_t> ev(reps + 1);
  for (auto& e : ev) CK(cudaEventCreate(&e));
  CK(cudaEventRecord(ev[0]));
  for (int i = 0; i < reps; ++i) { CK(var.launch(reqs[i % sets])); CK(cudaEventRecord(ev[i + 1])); }
  CK(cudaEventSynchronize(ev[reps]));
  std::vector<float> ms(reps);
  for (int i = 0; i < reps; ++i) CK(cudaEventElapsedTime(&ms[i], ev[i], ev[i + 1]));
  for (auto e : ev) cudaEventDestroy(e);
  return median(ms);
}

int main(int argc, char** argv) {
  bool timing = true, checks = true;
  int reps = 50;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--no-time")) timing = false;
    else if (!std::strcmp(argv[i], "--only-time")) checks = false;
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
  }
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  std::printf("device: %s (sm_%d%d, %d SMs)\n", prop.name, prop.major, prop.minor, prop.multiProcessorCount);

  // ---- 1, 2: small and odd problems ----
  const Problem small[] = {
      {2, 4, 2, 1000, 1000, 128, false}, {2, 4, 2, 333, 777, 64, false}, {1, 4, 4, 1024, 1024, 128, true},
      {1, 2, 1, 200, 130, 128, false},   {1, 3, 1, 129, 17, 64, true},    {1, 2, 2, 640, 384, 64, false},
  };
  unsigned seed = 1;
  for (const Problem& pr : small) {
    if (!checks) break;
    Inputs in = make_inputs(pr, 1, seed++);
    for (const Variant& v : kVariants) {
      if (pr.KV % v.vec != 0) continue;  // the kernel's obligation KV % V == 0 (a V-chunk never straddles the end)
      check_vs_ref(in, v, false);
      if (v.causal) check_vs_ref(in, v, true);
    }
    if (pr.KV % 2 == 0) {
      check_bitwise(in, V("kvbias_v1"), false, V("kvbias_v2"), false);
      check_bitwise(in, V("softcap_v1"), false, V("softcap_v2"), false);
    }
    check_bitwise(in, V("none"), false, V("none_s1"), false);
    check_bitwise(in, V("none"), false, V("none_s2"), false);
    check_bitwise(in, V("none"), false, V("none_nopeel"), false);
    if (pr.KV % 2 == 0) check_bitwise(in, V("kvbias_v2"), false, V("kvbias_v2_peel"), false);
    check_bitwise(in, V("causal_v1"), false, V("causal_v1"), true);
    if (pr.KV % 2 == 0) check_bitwise(in, V("kvbias_v2_causal"), false, V("kvbias_v2_causal"), true);
    free_inputs(in);
  }

  // ---- 3 and timing: B1 H16 S8192 ----
  struct Row { std::string name; bool causal; float ms; double tflops; };
  std::vector<Row> rows;
  for (int D : {128, 64}) {
    for (bool f16 : {false, true}) {
      if (f16 && D == 64) continue;
      const Problem big = {1, 16, 16, 8192, 8192, D, f16};
      Inputs in = make_inputs(big, timing ? 4 : 1, 100 + D + f16);
      if (!checks) {
      } else if (D == 128 && !f16) {
        for (const char* n : {"none", "kvbias_v2", "softcap_v2"}) check_vs_ref(in, V(n), false);
        check_vs_ref(in, V("causal_v1"), true);
      } else {
        check_vs_ref(in, V("none"), false);
      }
      if (timing) {
        const double flops = 4.0 * big.B * big.H * (double)big.Q * big.KV * big.D;
        auto add = [&](const std::string& label, const Variant& v, WgKernel k, bool blockmap) {
          const float ms = time_kernel(in, v, k, blockmap, reps);
          rows.push_back({label, blockmap, ms, (blockmap ? 0.5 : 1.0) * flops / (ms * 1e-3) / 1e12});
          std::printf("time %-40s %8.3f ms\n", label.c_str(), ms);
          std::fflush(stdout);
        };
        const std::string tag = std::string(f16 ? "f16" : "bf16") + " d" + std::to_string(D) + " ";
        if (D == 128 && !f16) {
          add(tag + "mma.sync none (portable)", V("none"), MMA_KERNEL, false);
          add(tag + "wgmma none, stage 1 (WS, no overlap)", V("none_s1"), WG_KERNEL, false);
          add(tag + "wgmma none, stage 2 (+ overlap)", V("none_s2"), WG_KERNEL, false);
          add(tag + "wgmma none, stage 3 (+ ping-pong)", V("none"), WG_KERNEL, false);
          add(tag + "wgmma none, tail check on every tile (no peeling)", V("none_nopeel"), WG_KERNEL, false);
          add(tag + "wgmma kv-bias V=1", V("kvbias_v1"), WG_KERNEL, false);
          add(tag + "wgmma kv-bias V=2", V("kvbias_v2"), WG_KERNEL, false);
          add(tag + "wgmma kv-bias V=2, peeled tail tile", V("kvbias_v2_peel"), WG_KERNEL, false);
          add(tag + "wgmma softcap(5) V=1", V("softcap_v1"), WG_KERNEL, false);
          add(tag + "wgmma softcap(5) V=2", V("softcap_v2"), WG_KERNEL, false);
          add(tag + "wgmma softcap(5) x*rcp(cap), tanhf", V("softcap_rcp"), WG_KERNEL, false);
          add(tag + "wgmma softcap(5) x*rcp(cap), tanh.approx", V("softcap_fast"), WG_KERNEL, false);
          add(tag + "wgmma softcap(5) div.full, tanhf", V("softcap_divfull"), WG_KERNEL, false);
          add(tag + "wgmma softcap(5) div.full, tanhf, peeled tail tile", V("softcap_v2_peel"), WG_KERNEL, false);
          add(tag + "wgmma causal mask + block map", V("causal_v1"), WG_KERNEL, true);
          add(tag + "wgmma causal mask + block map, peeled tail tile", V("causal_v1_peel"), WG_KERNEL, true);
          add(tag + "wgmma kv-bias V=2 + causal + block map", V("kvbias_v2_causal"), WG_KERNEL, true);
        } else {
          add(tag + "wgmma none", V("none"), WG_KERNEL, false);
          add(tag + "wgmma causal mask + block map", V("causal_v1"), WG_KERNEL, true);
        }
      }
      free_inputs(in);
    }
  }
  if (!rows.empty()) {
    std::printf("\nwgmma table: B=1 H=16 S=8192, median of %d reps, 4 rotating input sets\n", reps);
    std::printf("%-46s %-7s %9s %8s\n", "kernel", "causal", "ms", "TFLOPS");
    for (const Row& r : rows) std::printf("%-46s %-7s %9.3f %8.1f\n", r.name.c_str(), r.causal ? "yes" : "no", r.ms, r.tflops);
  }
  g_maps.free_all();
  std::printf("\n%s: %d failed\n", g_fail ? "FAILED" : "OK", g_fail);
  return g_fail ? 1 : 0;
}
