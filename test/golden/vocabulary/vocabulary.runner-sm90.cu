__device__ __forceinline__ float sm_expF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 3 "vocabulary.scoremod.ts"
  return (score + expf((score * 0.25f)));
#line 3 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_exp2F_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 4 "vocabulary.scoremod.ts"
  return (score + exp2f((score * 0.25f)));
#line 4 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_logF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 5 "vocabulary.scoremod.ts"
  return (score + logf((score * 0.25f)));
#line 5 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_log2F_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 6 "vocabulary.scoremod.ts"
  return (score + log2f((score * 0.25f)));
#line 6 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_tanhF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 7 "vocabulary.scoremod.ts"
  return (score + tanhf((score * 0.25f)));
#line 7 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_sigmoidF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 8 "vocabulary.scoremod.ts"
  return (score + (1.0f / (1.0f + expf(-(score * 0.25f)))));
#line 8 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_sqrtF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 9 "vocabulary.scoremod.ts"
  return (score + sqrtf((score * 0.25f)));
#line 9 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_rsqrtF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 10 "vocabulary.scoremod.ts"
  return (score + rsqrtf((score * 0.25f)));
#line 10 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_sinF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 11 "vocabulary.scoremod.ts"
  return (score + sinf((score * 0.25f)));
#line 11 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_cosF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 12 "vocabulary.scoremod.ts"
  return (score + cosf((score * 0.25f)));
#line 12 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_absF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 13 "vocabulary.scoremod.ts"
  return (score + fabsf((score * 0.25f)));
#line 13 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_absI_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 14 "vocabulary.scoremod.ts"
  return (score + ((float)(abs((q - kv)))));
#line 14 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_minF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p, float c0) {
#line 15 "vocabulary.scoremod.ts"
  return (score + fminf(score, c0));
#line 15 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_minI_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 16 "vocabulary.scoremod.ts"
  return (score + ((float)(min(q, (kv + 1)))));
#line 16 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_maxF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p, float c0) {
#line 17 "vocabulary.scoremod.ts"
  return (score + fmaxf(score, c0));
#line 17 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_maxI_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 18 "vocabulary.scoremod.ts"
  return (score + ((float)(max(q, (kv + 1)))));
#line 18 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_floorF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 19 "vocabulary.scoremod.ts"
  return (score + floorf((score * 0.25f)));
#line 19 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_floorI_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 20 "vocabulary.scoremod.ts"
  return (score + ((float)((q - kv))));
#line 20 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_ceilF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 21 "vocabulary.scoremod.ts"
  return (score + ceilf((score * 0.25f)));
#line 21 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_ceilI_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 22 "vocabulary.scoremod.ts"
  return (score + ((float)((q - kv))));
#line 22 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_idivI_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 23 "vocabulary.scoremod.ts"
  return (score + ((float)((q / (kv + 1)))));
#line 23 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_erfF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 24 "vocabulary.scoremod.ts"
  return (score + erff((score * 0.25f)));
#line 24 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_log1pF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 25 "vocabulary.scoremod.ts"
  return (score + log1pf((score * 0.25f)));
#line 25 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_expm1F_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 26 "vocabulary.scoremod.ts"
  return (score + expm1f((score * 0.25f)));
#line 26 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_clampF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p, float c0) {
#line 27 "vocabulary.scoremod.ts"
  return (score + fminf(fmaxf(score, c0), 2.5f));
#line 27 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_clampI_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 28 "vocabulary.scoremod.ts"
  return (score + ((float)(min(max(q, (kv + 1)), (q + 7)))));
#line 28 "vocabulary.scoremod.ts"
}
__device__ __forceinline__ float sm_powF_v1_lane(float score, int b, int h, int q, int kv, const SmParams& p) {
#line 29 "vocabulary.scoremod.ts"
  return (score + sm_powi<3>(score));
#line 29 "vocabulary.scoremod.ts"
}
