// The runner's output checks on the GPU, so they cost the same at any size: bitwise equality of
// two 16-bit outputs (the V-lane build against the V = 1 build) with poison detection, and the
// error of a 16-bit output against the fp32 reference kernel's. server/src/runner/gpuCompare.ts
// reads the results; the definitions are compare.ts's (bitwiseCheck, errorCheck).
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#define SM_COMPARE_THREADS 256

struct SmCompareParams {
  unsigned long long a;      // 16-bit output
  unsigned long long b;      // bitwise: the other 16-bit output; error: the fp32 reference
  unsigned long long stats;  // bitwise: one SmBitStats (pre-set by the caller); error: SmErrStats per block
  long long n;
  int isF16;                 // a (and b, bitwise) hold f16, else bf16
  int poison;                // the 16-bit poison pattern
};

struct SmBitStats {
  unsigned long long differ;
  unsigned long long poisoned;
  long long firstDiffer;     // LLONG_MAX when none
  long long firstPoisoned;
};

struct SmErrStats {
  double maxAbs;
  double maxRef;
  double sumSq;              // sum of (out - ref)^2 over finite outputs
  double refSq;              // sum of ref^2 over finite outputs
  long long worst;           // first index of maxAbs
  long long nonFinite;
  long long firstNonFinite;  // LLONG_MAX when none
  long long pad;
};

extern "C" __global__ void sm_compare_bitwise(const SmCompareParams p) {
  const unsigned short* a = (const unsigned short*)p.a;
  const unsigned short* b = (const unsigned short*)p.b;
  SmBitStats* s = (SmBitStats*)p.stats;
  unsigned long long differ = 0, poisoned = 0;
  long long firstDiffer = 0x7fffffffffffffffll, firstPoisoned = 0x7fffffffffffffffll;
  const long long step = (long long)gridDim.x * blockDim.x;
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < p.n; i += step) {
    const unsigned short x = a[i], y = b[i];
    if (x != y) { differ++; if (i < firstDiffer) firstDiffer = i; }
    // Two runs that left the same outputs unwritten agree bit for bit and prove nothing.
    if (x == (unsigned short)p.poison || y == (unsigned short)p.poison) { poisoned++; if (i < firstPoisoned) firstPoisoned = i; }
  }
  if (differ) { atomicAdd(&s->differ, differ); atomicMin(&s->firstDiffer, firstDiffer); }
  if (poisoned) { atomicAdd(&s->poisoned, poisoned); atomicMin(&s->firstPoisoned, firstPoisoned); }
}

__device__ __forceinline__ float sm_compare_load16(const unsigned short* a, long long i, int isF16) {
  const unsigned short h = a[i];
  if (isF16) return __half2float(__ushort_as_half(h));
  return __uint_as_float((unsigned int)h << 16);
}

/** Per block: the stats of its elements (a fixed grid: the same partials on every run). */
extern "C" __global__ void __launch_bounds__(SM_COMPARE_THREADS) sm_compare_error(const SmCompareParams p) {
  const unsigned short* a = (const unsigned short*)p.a;
  const float* ref = (const float*)p.b;
  double maxAbs = 0.0, maxRef = 0.0, sumSq = 0.0, refSq = 0.0;
  long long worst = 0x7fffffffffffffffll, nonFinite = 0, firstNonFinite = 0x7fffffffffffffffll;
  const long long step = (long long)gridDim.x * blockDim.x;
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < p.n; i += step) {
    const float o = sm_compare_load16(a, i, p.isF16);
    const double r = (double)ref[i];
    if (!isfinite(o)) { nonFinite++; if (i < firstNonFinite) firstNonFinite = i; continue; }
    const double d = fabs((double)o - r);
    if (d > maxAbs) { maxAbs = d; worst = i; }
    maxRef = fmax(maxRef, fabs(r));
    sumSq += d * d;
    refSq += r * r;
  }
  __shared__ double sMax[SM_COMPARE_THREADS], sRef[SM_COMPARE_THREADS], sSum[SM_COMPARE_THREADS], sRSq[SM_COMPARE_THREADS];
  __shared__ long long sWorst[SM_COMPARE_THREADS], sNon[SM_COMPARE_THREADS], sFirst[SM_COMPARE_THREADS];
  const int t = threadIdx.x;
  sMax[t] = maxAbs; sRef[t] = maxRef; sSum[t] = sumSq; sRSq[t] = refSq; sWorst[t] = worst; sNon[t] = nonFinite; sFirst[t] = firstNonFinite;
  __syncthreads();
  for (int w = SM_COMPARE_THREADS / 2; w > 0; w >>= 1) {
    if (t < w) {
      // The larger error wins; on a tie the earlier index, as a sequential scan would find it.
      if (sMax[t + w] > sMax[t] || (sMax[t + w] == sMax[t] && sWorst[t + w] < sWorst[t])) { sMax[t] = sMax[t + w]; sWorst[t] = sWorst[t + w]; }
      sRef[t] = fmax(sRef[t], sRef[t + w]);
      sSum[t] += sSum[t + w];
      sRSq[t] += sRSq[t + w];
      sNon[t] += sNon[t + w];
      sFirst[t] = sFirst[t + w] < sFirst[t] ? sFirst[t + w] : sFirst[t];
    }
    __syncthreads();
  }
  if (t == 0) {
    SmErrStats* out = (SmErrStats*)p.stats + blockIdx.x;
    out->maxAbs = sMax[0]; out->maxRef = sRef[0]; out->sumSq = sSum[0]; out->refSq = sRSq[0];
    out->worst = sWorst[0]; out->nonFinite = sNon[0]; out->firstNonFinite = sFirst[0]; out->pad = 0;
  }
}
