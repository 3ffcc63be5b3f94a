// Hopper harness variant (see wg_variant.cuh): kv-bias with the peeled tail tile.
#define VARIANT wkvbias_v2_peel
#define SM_WG_PEEL_TAIL 1
#define SM_VEC 2
#define SM_SCORE_MOD(s, b, h, q, kv0, p) sm_kvBias_v2(s, b, h, q, kv0, p)
#define SM_REF_SCORE_MOD(s, b, h, q, kv, p) sm_kvBias_v1(s, b, h, q, kv, p)
#include "wg_variant.cuh"
