// Hopper harness variant (see wg_variant.cuh).
#define VARIANT wkvbias_v1
#define SM_VEC 1
#define SM_SCORE_MOD(s, b, h, q, kv0, p) sm_kvBias_v1(s, b, h, q, kv0, p)
#include "wg_variant.cuh"
