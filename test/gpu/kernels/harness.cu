// Standalone GPU harness for the runner's attention kernels (csrc/kernels). Checks, then times:
//   1. small problems: tensor-core kernel and fp32 reference kernel vs a float64 CPU reference
//   2. V-lane builds vs V = 1 builds (and a causal block map vs none): bitwise equal
//   3. large problems (B1 H16 S8192 D128): tensor-core kernel vs the fp32 reference kernel
//   4. bounds-checked build: an undersized aux allocation is reported, a right one is not
//   5. timing, B1 H16 S8192 D128 bf16, CUDA events, warm-up, >= 50 reps, median, 4 input sets
// Outputs are poisoned (all-ones bytes = NaN) before every launch; inputs are random normals.
//   6. the runner's path: attention_entries.cuh compiled by NVRTC (dlopened), loaded and
//      launched through the driver API, bounds report read with cuModuleGetGlobal
// Exit status is nonzero when any check fails.
// Usage: harness [--no-time] [--reps N] [--root REPO] [--cuda-include DIR]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <dlfcn.h>
#include <cuda.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include "launch_req.h"

#define CK(x)                                                                                   \
  do {                                                                                          \
    cudaError_t e_ = (x);                                                                       \
    if (e_ != cudaSuccess) {                                                                    \
      std::fprintf(stderr, "CUDA error %s at %s:%d: %s\n", cudaGetErrorName(e_), __FILE__, __LINE__, #x); \
      std::exit(2);                                                                             \
    }                                                                                           \
  } while (0)
#define CKI(x) CK((cudaError_t)(x))

#define VARIANTS(X) X(none) X(kvbias_v1) X(kvbias_v8) X(kvbias_v8_bc) X(softcap_v1) X(softcap_v2) X(softcap_v8) \
  X(causal_v1) X(causal_v8) X(kvbias_causal_v1) X(kvbias_causal_v8) X(kvbias_v1_causal_v8) \
  X(none_w4) X(kvbias_v8_w4) X(causal_v1_w4) X(causal_v8_w4) X(none_w4_k2) X(causal_v1_w4_k2)
#define DECL(n) int launch_##n(const LaunchReq&); BlockShape shape_##n();
VARIANTS(DECL)
extern "C" __global__ void sm_attn_fwd_mma_bf16_d128_kvbias_v8_bc(const SmAttnParams);

enum Score { S_NONE, S_KVBIAS, S_SOFTCAP };
struct Variant {
  const char* name;
  int (*launch)(const LaunchReq&);
  BlockShape (*shape)();  // its kernel's tiles (SM_ATTN_BLOCK_M depends on its warp count)
  Score score;
  bool causal;  // its mask is exactly causal (keep kv <= q)
};
static const Variant kVariants[] = {
    {"none", launch_none, shape_none, S_NONE, false},
    {"kvbias_v1", launch_kvbias_v1, shape_kvbias_v1, S_KVBIAS, false},
    {"kvbias_v8", launch_kvbias_v8, shape_kvbias_v8, S_KVBIAS, false},
    {"kvbias_v8_bc", launch_kvbias_v8_bc, shape_kvbias_v8_bc, S_KVBIAS, false},
    {"softcap_v1", launch_softcap_v1, shape_softcap_v1, S_SOFTCAP, false},
    {"softcap_v2", launch_softcap_v2, shape_softcap_v2, S_SOFTCAP, false},
    {"softcap_v8", launch_softcap_v8, shape_softcap_v8, S_SOFTCAP, false},
    {"causal_v1", launch_causal_v1, shape_causal_v1, S_NONE, true},
    {"causal_v8", launch_causal_v8, shape_causal_v8, S_NONE, true},
    {"kvbias_causal_v1", launch_kvbias_causal_v1, shape_kvbias_causal_v1, S_KVBIAS, true},
    {"kvbias_causal_v8", launch_kvbias_causal_v8, shape_kvbias_causal_v8, S_KVBIAS, true},
    {"kvbias_v1_causal_v8", launch_kvbias_v1_causal_v8, shape_kvbias_v1_causal_v8, S_KVBIAS, true},
    // the same kernels built with 4 warps (64 query rows) per block, and with double-buffered K
    {"none_w4", launch_none_w4, shape_none_w4, S_NONE, false},
    {"kvbias_v8_w4", launch_kvbias_v8_w4, shape_kvbias_v8_w4, S_KVBIAS, false},
    {"causal_v1_w4", launch_causal_v1_w4, shape_causal_v1_w4, S_NONE, true},
    {"causal_v8_w4", launch_causal_v8_w4, shape_causal_v8_w4, S_NONE, true},
    {"none_w4_k2", launch_none_w4_k2, shape_none_w4_k2, S_NONE, false},
    {"causal_v1_w4_k2", launch_causal_v1_w4_k2, shape_causal_v1_w4_k2, S_NONE, true},
};
static const Variant& V(const char* n) {
  for (const Variant& v : kVariants)
    if (std::strcmp(v.name, n) == 0) return v;
  std::fprintf(stderr, "no variant %s\n", n);
  std::exit(2);
}

static int g_fail = 0;
static void verdict(bool ok, const char* what) {
  std::printf("%s %s\n", ok ? "PASS" : "FAIL", what);
  if (!ok) ++g_fail;
}

// ---- host data --------------------------------------------------------------------------
struct Rng {
  unsigned long long s;
  explicit Rng(unsigned long long seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  double uni() { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return ((s >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
  double normal() { return std::sqrt(-2.0 * std::log(uni())) * std::cos(6.283185307179586 * uni()); }
};
static uint16_t f2bf(float f) {
  uint32_t u; std::memcpy(&u, &f, 4);
  u += 0x7FFFu + ((u >> 16) & 1u);
  return (uint16_t)(u >> 16);
}
static float bf2f(uint16_t b) { uint32_t u = (uint32_t)b << 16; float f; std::memcpy(&f, &u, 4); return f; }
static uint16_t f2h(float f) { __half h = __float2half_rn(f); uint16_t u; std::memcpy(&u, &h, 2); return u; }
static float h2f(uint16_t b) { __half h; std::memcpy(&h, &b, 2); return __half2float(h); }

struct Shape { int B, H, Hkv, Q, KV, D; };

// A problem on the device: one or more input sets (Q, K, V, kv_bias), outputs, and the
// rounded host copies of set 0 for the CPU reference.
struct Problem {
  Shape sh;
  bool f16;
  int nsets;
  std::vector<void*> q, k, v, bias;
  void* o = nullptr;       // 16-bit output
  float* of = nullptr;     // fp32 output (reference kernel)
  float* lse = nullptr;
  std::vector<float> hq, hk, hv, hbias;  // set 0, as the device sees them
  size_t nq() const { return (size_t)sh.B * sh.H * sh.Q * sh.D; }
  size_t nk() const { return (size_t)sh.B * sh.Hkv * sh.KV * sh.D; }
  size_t nb() const { return (size_t)sh.B * sh.H * sh.KV; }
  size_t nl() const { return (size_t)sh.B * sh.H * sh.Q; }
};

// Random normals rounded to the element type; `rounded` (if given) receives what the device sees.
static void* upload16(bool f16, std::vector<float>* rounded, Rng& rng, size_t n) {
  std::vector<uint16_t> h(n);
  if (rounded) rounded->resize(n);
  for (size_t i = 0; i < n; ++i) {
    const float f = (float)rng.normal();
    h[i] = f16 ? f2h(f) : f2bf(f);
    if (rounded) (*rounded)[i] = f16 ? h2f(h[i]) : bf2f(h[i]);
  }
  void* d;
  CK(cudaMalloc(&d, n * 2));
  CK(cudaMemcpy(d, h.data(), n * 2, cudaMemcpyHostToDevice));
  return d;
}

static Problem make_problem(Shape sh, bool f16, int nsets, unsigned long long seed) {
  Problem P;
  P.sh = sh; P.f16 = f16; P.nsets = nsets;
  Rng rng(seed);
  for (int s = 0; s < nsets; ++s) {
    P.q.push_back(upload16(f16, s == 0 ? &P.hq : nullptr, rng, P.nq()));
    P.k.push_back(upload16(f16, s == 0 ? &P.hk : nullptr, rng, P.nk()));
    P.v.push_back(upload16(f16, s == 0 ? &P.hv : nullptr, rng, P.nk()));
    P.bias.push_back(upload16(false, s == 0 ? &P.hbias : nullptr, rng, P.nb()));  // kv_bias is bf16
  }
  CK(cudaMalloc(&P.o, P.nq() * 2));
  CK(cudaMalloc(&P.of, P.nq() * 4));
  CK(cudaMalloc(&P.lse, P.nl() * 4));
  return P;
}
static void free_problem(Problem& P) {
  for (int s = 0; s < P.nsets; ++s) { CK(cudaFree(P.q[s])); CK(cudaFree(P.k[s])); CK(cudaFree(P.v[s])); CK(cudaFree(P.bias[s])); }
  CK(cudaFree(P.o)); CK(cudaFree(P.of)); CK(cudaFree(P.lse));
}

// Causal block maps on the device, shared by every request (freed at exit).
static CausalMaps g_maps;

// map: launch the tensor-core kernel with a causal block map for this variant's tiles (null: none;
// the reference kernel ignores it).
static LaunchReq make_req(const Problem& P, int set, bool reference, const Variant* map = nullptr) {
  LaunchReq r;
  std::memset(&r, 0, sizeof r);
  SmAttnParams& p = r.p;
  const Shape& s = P.sh;
  p.q = P.q[set]; p.k = P.k[set]; p.v = P.v[set];
  p.o = reference ? (void*)P.of : P.o;
  p.lse = P.lse;
  // Q/O [B, H, S, D]; K/V [B, Hkv, KV, D]
  p.q_stride_s = s.D; p.q_stride_h = (long long)s.Q * s.D; p.q_stride_b = (long long)s.H * s.Q * s.D;
  p.o_stride_s = s.D; p.o_stride_h = p.q_stride_h; p.o_stride_b = p.q_stride_b;
  p.k_stride_s = s.D; p.k_stride_h = (long long)s.KV * s.D; p.k_stride_b = (long long)s.Hkv * s.KV * s.D;
  p.v_stride_s = p.k_stride_s; p.v_stride_h = p.k_stride_h; p.v_stride_b = p.k_stride_b;
  p.lse_stride_h = s.Q; p.lse_stride_b = (long long)s.H * s.Q;
  p.B = s.B; p.H = s.H; p.Hkv = s.Hkv; p.Q = s.Q; p.KV = s.KV; p.D = s.D;
  p.softmax_scale = 1.0f / std::sqrt((float)s.D);
  p.flags = 0u;
  if (map != nullptr && !reference) {
    if (!map->causal) { std::fprintf(stderr, "causal block map asked for %s, whose mask is not causal\n", map->name); std::exit(2); }
    const CausalMaps::Map m = g_maps.get(map->shape(), s.Q, s.KV);
    p.blk = m.dev; p.blk_stride_b = 0; p.blk_stride_h = 0; p.blk_row = m.row;
  }
  p.mod.aux[0].data = P.bias[set];
  p.mod.aux[0].numel = (long long)P.nb();
  p.mod.dims[0] = s.B; p.mod.dims[1] = s.H; p.mod.dims[2] = s.Q; p.mod.dims[3] = s.KV;
  p.mod.fscalars[0] = 5.0f;  // softcap (small, so the cap matters at these score sizes)
  r.D = s.D; r.f16 = P.f16; r.reference = reference; r.stream = 0;
  return r;
}

// Poisons the output, launches, synchronizes, checks every error.
static void run(const Variant& v, const LaunchReq& r, const Problem& P) {
  CK(cudaMemset(r.reference ? (void*)P.of : P.o, 0xFF, P.nq() * (r.reference ? 4 : 2)));
  CK(cudaMemset(P.lse, 0xFF, P.nl() * 4));
  const int e = v.launch(r);
  if (e != 0) { std::fprintf(stderr, "launch %s: %s\n", v.name, cudaGetErrorString((cudaError_t)e)); std::exit(2); }
  CK(cudaDeviceSynchronize());
}
static std::vector<float> get_out(const Problem& P, bool reference) {
  std::vector<float> out(P.nq());
  if (reference) {
    CK(cudaMemcpy(out.data(), P.of, P.nq() * 4, cudaMemcpyDeviceToHost));
  } else {
    std::vector<uint16_t> h(P.nq());
    CK(cudaMemcpy(h.data(), P.o, P.nq() * 2, cudaMemcpyDeviceToHost));
    for (size_t i = 0; i < h.size(); ++i) out[i] = P.f16 ? h2f(h[i]) : bf2f(h[i]);
  }
  return out;
}
static std::vector<float> get_lse(const Problem& P) {
  std::vector<float> l(P.nl());
  CK(cudaMemcpy(l.data(), P.lse, P.nl() * 4, cudaMemcpyDeviceToHost));
  return l;
}

// float64 CPU attention with the same mods, on set 0.
static void cpu_ref(const Problem& P, const Variant& v, float cap, std::vector<double>& out, std::vector<double>& lse) {
  const Shape& s = P.sh;
  out.assign(P.nq(), 0.0);
  lse.assign(P.nl(), 0.0);
  const double sc = (double)(1.0f / std::sqrt((float)s.D));
  std::vector<double> sv(s.KV);
  for (int b = 0; b < s.B; ++b)
    for (int h = 0; h < s.H; ++h) {
      const int hk = h / (s.H / s.Hkv);
      for (int q = 0; q < s.Q; ++q) {
        const float* qr = &P.hq[(((size_t)b * s.H + h) * s.Q + q) * s.D];
        double mx = -INFINITY;
        for (int kv = 0; kv < s.KV; ++kv) {
          const float* kr = &P.hk[(((size_t)b * s.Hkv + hk) * s.KV + kv) * s.D];
          double d = 0;
          for (int i = 0; i < s.D; ++i) d += (double)qr[i] * kr[i];
          double x = d * sc;
          if (v.score == S_KVBIAS) x += P.hbias[((size_t)b * s.H + h) * s.KV + kv];
          if (v.score == S_SOFTCAP) x = cap * std::tanh(x / cap);
          if (v.causal && kv > q) x = -INFINITY;
          sv[kv] = x;
          mx = std::max(mx, x);
        }
        double l = 0;
        double* o = &out[(((size_t)b * s.H + h) * s.Q + q) * s.D];
        for (int kv = 0; kv < s.KV; ++kv) {
          if (sv[kv] == -INFINITY) continue;
          const double pr = std::exp(sv[kv] - mx);
          l += pr;
          const float* vr = &P.hv[(((size_t)b * s.Hkv + hk) * s.KV + kv) * s.D];
          for (int i = 0; i < s.D; ++i) o[i] += pr * vr[i];
        }
        for (int i = 0; i < s.D; ++i) o[i] /= l;
        lse[((size_t)b * s.H + h) * s.Q + q] = mx + std::log(l);
      }
    }
}

struct Err { double rel, maxabs; size_t nan; };
template <typename A, typename B>
static Err compare(const std::vector<A>& x, const std::vector<B>& ref) {
  Err e{0, 0, 0};
  double num = 0, den = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite((double)x[i])) { ++e.nan; continue; }
    const double d = (double)x[i] - (double)ref[i];
    num += d * d; den += (double)ref[i] * (double)ref[i];
    e.maxabs = std::max(e.maxabs, std::fabs(d));
  }
  e.rel = std::sqrt(num / std::max(den, 1e-300));
  return e;
}

static void check_small(const char* vname, int D, bool f16) {
  const Variant& v = V(vname);
  Problem P = make_problem({2, 4, 2, 200, 328, D}, f16, 1, 1000 + D + (f16 ? 7 : 0));
  std::vector<double> ro, rl;
  cpu_ref(P, v, 5.0f, ro, rl);
  for (int ref = 0; ref < 2; ++ref) {
    run(v, make_req(P, 0, ref == 1), P);
    const Err eo = compare(get_out(P, ref == 1), ro);
    const Err el = compare(get_lse(P), rl);
    const double tol = ref ? 1e-5 : 1.5e-2, ltol = ref ? 1e-4 : 2e-2;
    char msg[256];
    std::snprintf(msg, sizeof msg, "small vs float64 CPU: %-20s %s D=%-3d %s  out rel %.2e max %.2e  lse max %.2e  nan %zu",
                  vname, f16 ? "f16 " : "bf16", D, ref ? "fp32-ref" : "mma     ", eo.rel, eo.maxabs, el.maxabs, eo.nan + el.nan);
    verdict(eo.nan + el.nan == 0 && eo.rel < tol && el.maxabs < ltol, msg);
  }
  free_problem(P);
}

static bool bits_equal(const Problem& P, const Variant& a, bool map_a, const Variant& b, bool map_b) {
  run(a, make_req(P, 0, false, map_a ? &a : nullptr), P);
  std::vector<uint16_t> oa(P.nq()), ob(P.nq());
  std::vector<float> la = get_lse(P);
  CK(cudaMemcpy(oa.data(), P.o, P.nq() * 2, cudaMemcpyDeviceToHost));
  run(b, make_req(P, 0, false, map_b ? &b : nullptr), P);
  std::vector<float> lb = get_lse(P);
  CK(cudaMemcpy(ob.data(), P.o, P.nq() * 2, cudaMemcpyDeviceToHost));
  size_t nan = 0;
  for (uint16_t x : oa) nan += (x & 0x7F80) == 0x7F80;
  return nan == 0 && std::memcmp(oa.data(), ob.data(), oa.size() * 2) == 0 &&
         std::memcmp(la.data(), lb.data(), la.size() * 4) == 0;
}

static void check_bitwise() {
  Problem P = make_problem({1, 4, 1, 1000, 1032, 128}, false, 1, 77);
  struct Pair { const char *a, *b; bool ma, mb; };  // ma, mb: with a causal block map
  const Pair pairs[] = {
      {"kvbias_v1", "kvbias_v8", false, false},
      {"softcap_v1", "softcap_v2", false, false},
      {"softcap_v1", "softcap_v8", false, false},
      {"causal_v1", "causal_v8", false, false},
      {"kvbias_causal_v1", "kvbias_causal_v8", false, false},
      {"kvbias_causal_v1", "kvbias_v1_causal_v8", false, false},
      {"kvbias_causal_v8", "kvbias_causal_v8", false, true},  // the block map changes no bit
      {"causal_v1", "causal_v1", false, true},
      {"none", "none_w4", false, false},  // block height changes no row's arithmetic
      {"kvbias_v1", "kvbias_v8_w4", false, false},
      {"causal_v1", "causal_v8_w4", false, true},
      {"none", "none_w4_k2", false, false},
      {"causal_v1", "causal_v1_w4_k2", false, true},
  };
  for (const Pair& pr : pairs) {
    char msg[200];
    std::snprintf(msg, sizeof msg, "bitwise B1 H4 Hkv1 Q1000 KV1032 D128: %s%s == %s%s", pr.a, pr.ma ? "+blockmap" : "",
                  pr.b, pr.mb ? "+blockmap" : "");
    verdict(bits_equal(P, V(pr.a), pr.ma, V(pr.b), pr.mb), msg);
  }
  free_problem(P);
}

static void check_large(const char* vname, bool blockmap) {
  const Variant& v = V(vname);
  Problem P = make_problem({1, 16, 16, 8192, 8192, 128}, false, 1, 4242);
  cudaEvent_t e0, e1;
  CK(cudaEventCreate(&e0)); CK(cudaEventCreate(&e1));
  CK(cudaEventRecord(e0));
  run(v, make_req(P, 0, true), P);
  CK(cudaEventRecord(e1)); CK(cudaEventSynchronize(e1));
  float ref_ms; CK(cudaEventElapsedTime(&ref_ms, e0, e1));
  const std::vector<float> ro = get_out(P, true), rl = get_lse(P);
  run(v, make_req(P, 0, false, blockmap ? &v : nullptr), P);
  const Err eo = compare(get_out(P, false), ro), el = compare(get_lse(P), rl);
  char msg[256];
  std::snprintf(msg, sizeof msg, "large vs fp32-ref kernel: %-18s%s B1 H16 S8192 D128 bf16  out rel %.2e max %.2e  lse max %.2e  nan %zu  (ref kernel %.0f ms)",
                vname, blockmap ? "+blockmap" : "", eo.rel, eo.maxabs, el.maxabs, eo.nan + el.nan, ref_ms);
  verdict(eo.nan + el.nan == 0 && eo.rel < 1.5e-2 && el.maxabs < 2e-2, msg);
  CK(cudaEventDestroy(e0)); CK(cudaEventDestroy(e1));
  free_problem(P);
}

// ---- driver API and NVRTC, reached without linking either (as the runner's addon does) ----
template <typename F> static F drv(const char* name) {
  void* fn = nullptr;
  cudaDriverEntryPointQueryResult q;
  CK(cudaGetDriverEntryPointByVersion(name, &fn, 12000, cudaEnableDefault, &q));
  if (fn == nullptr || q != cudaDriverEntryPointSuccess) { std::fprintf(stderr, "no driver entry %s\n", name); std::exit(2); }
  return reinterpret_cast<F>(fn);
}
#define CU(x)                                                                                   \
  do {                                                                                          \
    CUresult r_ = (x);                                                                          \
    if (r_ != CUDA_SUCCESS) { std::fprintf(stderr, "driver error %d at %s:%d: %s\n", (int)r_, __FILE__, __LINE__, #x); std::exit(2); } \
  } while (0)

// Reads sm_bounds_report of the module that holds `kernel`, by name, as the runner does.
static bool bounds_by_name(const void* kernel, SmBoundsReport* out, bool reset) {
  static auto getModule = drv<CUresult (*)(CUmodule*, CUfunction)>("cuFuncGetModule");
  static auto getGlobal = drv<CUresult (*)(CUdeviceptr*, size_t*, CUmodule, const char*)>("cuModuleGetGlobal");
  cudaFunction_t f;
  CK(cudaGetFuncBySymbol(&f, kernel));
  CUmodule m;
  CU(getModule(&m, (CUfunction)f));
  CUdeviceptr ptr; size_t bytes;
  if (getGlobal(&ptr, &bytes, m, "sm_bounds_report") != CUDA_SUCCESS || bytes != sizeof(SmBoundsReport)) return false;
  if (reset) CK(cudaMemset((void*)ptr, 0, sizeof *out));
  else CK(cudaMemcpy(out, (void*)ptr, sizeof *out, cudaMemcpyDeviceToHost));
  return true;
}

typedef struct _nvrtcProgram* nvrtcProgram;
struct Nvrtc {
  int (*create)(nvrtcProgram*, const char*, const char*, int, const char* const*, const char* const*);
  int (*compile)(nvrtcProgram, int, const char* const*);
  int (*logSize)(nvrtcProgram, size_t*);
  int (*log)(nvrtcProgram, char*);
  int (*cubinSize)(nvrtcProgram, size_t*);
  int (*cubin)(nvrtcProgram, char*);
  int (*destroy)(nvrtcProgram*);
  int (*version)(int*, int*);
};
static bool load_nvrtc(Nvrtc& n) {
  void* h = nullptr;
  for (const char* lib : {"libnvrtc.so.13", "libnvrtc.so", "/usr/local/cuda/lib64/libnvrtc.so.13"})
    if ((h = dlopen(lib, RTLD_NOW)) != nullptr) break;
  if (h == nullptr) return false;
#define SYM(f, name) *reinterpret_cast<void**>(&n.f) = dlsym(h, name)
  SYM(create, "nvrtcCreateProgram"); SYM(compile, "nvrtcCompileProgram"); SYM(logSize, "nvrtcGetProgramLogSize");
  SYM(log, "nvrtcGetProgramLog"); SYM(cubinSize, "nvrtcGetCUBINSize"); SYM(cubin, "nvrtcGetCUBIN");
  SYM(destroy, "nvrtcDestroyProgram"); SYM(version, "nvrtcVersion");
#undef SYM
  return n.create && n.compile && n.logSize && n.log && n.cubinSize && n.cubin && n.destroy && n.version;
}

// Compiles the kv-bias V=8 bounds-checked build from the headers with NVRTC, launches it
// through the driver API, and compares with the nvcc build of the same macros (v_kvbias_v8_bc).
static void check_nvrtc(const std::string& root, const std::string& cuda_inc) {
  Nvrtc n;
  if (!load_nvrtc(n)) { verdict(false, "nvrtc: libnvrtc not found"); return; }
  int maj = 0, mnr = 0;
  n.version(&maj, &mnr);
  const char* src =
      "#define SM_BOUNDS_CHECK 1\n"
      "#define SM_VEC 8\n"
      "#define SM_SCORE_MOD(s, b, h, q, kv0, p) sm_kvBias_v8(s, b, h, q, kv0, p)\n"
      "#define SM_REF_SCORE_MOD(s, b, h, q, kv, p) sm_kvBias_v1(s, b, h, q, kv, p)\n"
      "#define SM_ATTN_DTYPE_BF16\n#define SM_ATTN_D128\n"
      "#include \"mods.cuh\"\n#include \"attention_entries.cuh\"\n";
  nvrtcProgram prog;
  if (n.create(&prog, src, "nvrtc_kvbias_v8_bc.cu", 0, nullptr, nullptr) != 0) { verdict(false, "nvrtc: create"); return; }
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  const std::string arch = "-arch=sm_" + std::to_string(prop.major * 10 + prop.minor) + (prop.major == 9 ? "a" : "");
  const std::string i1 = "-I" + root + "/csrc/kernels", i2 = "-I" + root + "/test/gpu/kernels", i3 = "-I" + cuda_inc,
                    i4 = "-I" + root + "/csrc/kernels/nvrtc";  // <stdint.h> shim: NVRTC ships none
  const char* opts[] = {arch.c_str(), "-std=c++17", "-lineinfo", i1.c_str(), i2.c_str(), i3.c_str(), i4.c_str()};
  const double t0 = (double)clock() / CLOCKS_PER_SEC;
  const int rc = n.compile(prog, 7, opts);
  const double secs = (double)clock() / CLOCKS_PER_SEC - t0;
  size_t ls = 0;
  n.logSize(prog, &ls);
  std::string log(ls, '\0');
  n.log(prog, &log[0]);
  if (rc != 0) {
    std::printf("%s\n", log.c_str());
    verdict(false, "nvrtc: compile of attention_entries.cuh + mods.cuh failed");
    n.destroy(&prog);
    return;
  }
  size_t cs = 0;
  n.cubinSize(prog, &cs);
  std::vector<char> cubin(cs);
  n.cubin(prog, cubin.data());
  n.destroy(&prog);
  char msg[300];
  std::snprintf(msg, sizeof msg, "nvrtc %d.%d %s: compiled attention_entries.cuh (kvbias v8, bounds-checked, bf16 d128) in %.1f s CPU, cubin %zu bytes%s",
                maj, mnr, arch.c_str(), secs, cs, log.size() > 1 ? " (log follows)" : "");
  verdict(true, msg);
  if (log.size() > 1) std::printf("%s\n", log.c_str());

  auto loadData = drv<CUresult (*)(CUmodule*, const void*)>("cuModuleLoadData");
  auto getFunction = drv<CUresult (*)(CUfunction*, CUmodule, const char*)>("cuModuleGetFunction");
  auto setAttr = drv<CUresult (*)(CUfunction, CUfunction_attribute, int)>("cuFuncSetAttribute");
  auto launch = drv<CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream, void**, void**)>("cuLaunchKernel");
  auto getGlobal = drv<CUresult (*)(CUdeviceptr*, size_t*, CUmodule, const char*)>("cuModuleGetGlobal");
  CUmodule mod;
  CU(loadData(&mod, cubin.data()));
  CUfunction fm, fr;
  CU(getFunction(&fm, mod, "sm_attn_fwd_mma_bf16_d128"));
  CU(getFunction(&fr, mod, "sm_attn_fwd_ref_bf16_d128"));
  CUdeviceptr rep_ptr; size_t rep_bytes;
  const bool have_rep = getGlobal(&rep_ptr, &rep_bytes, mod, "sm_bounds_report") == CUDA_SUCCESS && rep_bytes == sizeof(SmBoundsReport);
  verdict(have_rep, "nvrtc module: cuModuleGetGlobal(\"sm_bounds_report\") finds the report");

  Problem P = make_problem({2, 4, 2, 200, 328, 128}, false, 1, 5150);
  const int smem = SM_ATTN_MMA_SMEM_BYTES(128, SM_ATTN_MMA_STAGED(8, 1));
  CU(setAttr(fm, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem));
  for (int undersized = 0; undersized < 2; ++undersized) {
    LaunchReq r = make_req(P, 0, false);
    if (undersized) r.p.mod.aux[0].numel -= 8;
    if (have_rep) CK(cudaMemset((void*)rep_ptr, 0, sizeof(SmBoundsReport)));
    CK(cudaMemset(P.o, 0xFF, P.nq() * 2));
    void* args[] = {&r.p};
    CU(launch(fm, (P.sh.Q + SM_ATTN_BLOCK_M - 1) / SM_ATTN_BLOCK_M, P.sh.H, P.sh.B, SM_ATTN_MMA_THREADS, 1, 1, smem, 0, args, nullptr));
    CK(cudaGetLastError());
    CK(cudaDeviceSynchronize());
    SmBoundsReport rep = {};
    if (have_rep) CK(cudaMemcpy(&rep, (void*)rep_ptr, sizeof rep, cudaMemcpyDeviceToHost));
    if (!undersized) {
      std::vector<uint16_t> a(P.nq()), b(P.nq());
      CK(cudaMemcpy(a.data(), P.o, P.nq() * 2, cudaMemcpyDeviceToHost));
      // Same inputs through the nvcc build, then the fp32 reference launched from the NVRTC module.
      run(V("kvbias_v8_bc"), make_req(P, 0, false), P);
      CK(cudaMemcpy(b.data(), P.o, P.nq() * 2, cudaMemcpyDeviceToHost));
      std::vector<float> got(P.nq());
      for (size_t i = 0; i < a.size(); ++i) got[i] = bf2f(a[i]);
      LaunchReq rr = make_req(P, 0, true);
      void* rargs[] = {&rr.p};
      CK(cudaMemset(P.of, 0xFF, P.nq() * 4));
      CU(launch(fr, (P.sh.Q + SM_ATTN_REF_BLOCK_M - 1) / SM_ATTN_REF_BLOCK_M, P.sh.H, P.sh.B, SM_ATTN_REF_THREADS, 1, 1, 0, 0, rargs, nullptr));
      CK(cudaGetLastError());
      CK(cudaDeviceSynchronize());
      const Err e = compare(got, get_out(P, true));
      std::snprintf(msg, sizeof msg, "nvrtc module via cuLaunchKernel: mma vs its fp32-ref out rel %.2e max %.2e nan %zu; bitwise %s the nvcc build; report hit=%d",
                    e.rel, e.maxabs, e.nan, std::memcmp(a.data(), b.data(), a.size() * 2) == 0 ? "equal to" : "DIFFERENT from", rep.hit);
      verdict(e.nan == 0 && e.rel < 1.5e-2 && rep.hit == 0, msg);
    } else {
      std::snprintf(msg, sizeof msg, "nvrtc module, undersized aux: report hit=%d load=%d dim=%d b=%d h=%d q=%d kv=%d index=%lld extent=%lld",
                    rep.hit, rep.load_id, rep.dim, rep.b, rep.h, rep.q, rep.kv, rep.index, rep.extent);
      verdict(have_rep && rep.hit == 1 && rep.index >= rep.extent, msg);
    }
  }
  free_problem(P);
}

static void check_bounds() {
  const Variant& v = V("kvbias_v8_bc");
  Problem P = make_problem({2, 4, 2, 200, 328, 128}, false, 1, 9);
  for (int undersized = 0; undersized < 2; ++undersized)
    for (int ref = 0; ref < 2; ++ref) {
      LaunchReq r = make_req(P, 0, ref == 1);
      if (undersized) r.p.mod.aux[0].numel -= 8;  // pretend the allocation is 8 elements short
      SmBoundsReport rep = {};
      const void* kern = (const void*)sm_attn_fwd_mma_bf16_d128_kvbias_v8_bc;
      if (!bounds_by_name(kern, &rep, true)) { verdict(false, "bounds: cuModuleGetGlobal(sm_bounds_report) on the nvcc build"); return; }
      run(v, r, P);
      bounds_by_name(kern, &rep, false);
      char msg[256];
      std::snprintf(msg, sizeof msg, "bounds-checked build, %s, %s aux: hit=%d load=%d dim=%d b=%d h=%d q=%d kv=%d index=%lld extent=%lld",
                    ref ? "fp32-ref" : "mma", undersized ? "undersized" : "right-sized", rep.hit, rep.load_id, rep.dim, rep.b,
                    rep.h, rep.q, rep.kv, rep.index, rep.extent);
      const bool ok = undersized ? (rep.hit == 1 && rep.index >= rep.extent && rep.extent == r.p.mod.aux[0].numel &&
                                    rep.b == 1 && rep.h == 3)
                                 : rep.hit == 0;
      verdict(ok, msg);
    }
  free_problem(P);
}

// ---- timing -----------------------------------------------------------------------------
struct Timing { std::string name; bool causal; double ms, tflops, spread; };
static Timing time_variant(const char* vname, bool blockmap, Problem& P, int reps) {
  const Variant& v = V(vname);
  const int warm = 5;
  std::vector<cudaEvent_t> ev(2 * reps);
  for (auto& e : ev) CK(cudaEventCreate(&e));
  const Variant* map = blockmap ? &v : nullptr;
  for (int i = 0; i < warm; ++i) CKI(v.launch(make_req(P, i % P.nsets, false, map)));
  CK(cudaDeviceSynchronize());
  std::vector<LaunchReq> reqs;
  for (int s = 0; s < P.nsets; ++s) reqs.push_back(make_req(P, s, false, map));
  for (int i = 0; i < reps; ++i) {
    CK(cudaEventRecord(ev[2 * i]));
    CKI(v.launch(reqs[i % P.nsets]));
    CK(cudaEventRecord(ev[2 * i + 1]));
  }
  CK(cudaDeviceSynchronize());
  std::vector<double> ms(reps);
  for (int i = 0; i < reps; ++i) { float m; CK(cudaEventElapsedTime(&m, ev[2 * i], ev[2 * i + 1])); ms[i] = m; }
  for (auto& e : ev) CK(cudaEventDestroy(e));
  std::sort(ms.begin(), ms.end());
  const Shape& s = P.sh;
  double flops = 4.0 * s.B * s.H * (double)s.Q * s.KV * s.D;
  if (v.causal) flops *= 0.5;
  Timing t;
  t.name = std::string(vname) + (blockmap ? "+blockmap" : "");
  t.causal = v.causal;
  t.ms = ms[reps / 2];
  t.tflops = flops / (t.ms * 1e-3) / 1e12;
  t.spread = (ms[reps * 9 / 10] - ms[reps / 10]) / t.ms;
  return t;
}

int main(int argc, char** argv) {
  bool do_time = true;
  int reps = 60;
  std::string root = ".", cuda_inc = "/usr/local/cuda/include";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--no-time")) do_time = false;
    else if (!std::strcmp(argv[i], "--root") && i + 1 < argc) root = argv[++i];
    else if (!std::strcmp(argv[i], "--cuda-include") && i + 1 < argc) cuda_inc = argv[++i];
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::max(50, std::atoi(argv[++i]));
  }
  cudaDeviceProp prop;
  CK(cudaGetDeviceProperties(&prop, 0));
  std::printf("device: %s, sm_%d%d, %d SMs\n", prop.name, prop.major, prop.minor, prop.multiProcessorCount);

  for (int D : {64, 128})
    for (const char* n : {"none", "kvbias_v1", "kvbias_v8", "softcap_v2", "softcap_v8", "causal_v8", "kvbias_causal_v8",
                          "kvbias_v1_causal_v8", "none_w4", "kvbias_v8_w4", "causal_v1_w4", "none_w4_k2"})
      check_small(n, D, false);
  check_small("none", 128, true);
  check_small("kvbias_causal_v8", 64, true);
  check_bitwise();
  check_bounds();
  check_nvrtc(root, cuda_inc);
  check_large("none", false);
  check_large("kvbias_v8", false);
  check_large("kvbias_causal_v8", true);

  std::vector<Timing> ts;
  if (do_time) {
    Problem P = make_problem({1, 16, 16, 8192, 8192, 128}, false, 4, 31337);
    const std::pair<const char*, bool> runs[] = {
        {"none", false}, {"kvbias_v1", false}, {"kvbias_v8", false}, {"softcap_v2", false}, {"softcap_v8", false},
        {"causal_v1", true}, {"causal_v8", true}, {"kvbias_causal_v8", true}, {"none", false},
        {"none_w4", false}, {"kvbias_v8_w4", false}, {"causal_v1_w4", true}, {"causal_v8_w4", true},
        {"none_w4_k2", false}, {"causal_v1_w4_k2", true}};
    for (auto& r : runs) ts.push_back(time_variant(r.first, r.second, P, reps));
    free_problem(P);
    std::printf("\nB=1 H=16 S=8192 D=128 bf16, median of %d reps (4 rotating input sets), %s\n", reps, prop.name);
    std::printf("%-26s %-7s %9s %8s %8s\n", "kernel", "causal", "ms", "TFLOPS", "p90-p10");
    for (const Timing& t : ts)
      std::printf("%-26s %-7s %9.3f %8.1f %7.1f%%\n", t.name.c_str(), t.causal ? "yes" : "no", t.ms, t.tflops, 100 * t.spread);
  }
  g_maps.free_all();
  std::printf("\n%s: %d check(s) failed\n", g_fail ? "FAILED" : "OK", g_fail);
  return g_fail ? 1 : 0;
}
