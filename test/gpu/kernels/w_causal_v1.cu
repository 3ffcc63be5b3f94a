// Hopper harness variant (see wg_variant.cuh).
#define VARIANT wcausal_v1
#define SM_MASK_VEC 1
#define SM_MASK_MOD(k, b, h, q, kv0, p) sm_causal_v1(k, b, h, q, kv0, p)
#include "wg_variant.cuh"
