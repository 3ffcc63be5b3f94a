// Hopper harness variant (see wg_variant.cuh): causal mask with the peeled tail tile.
#define VARIANT wcausal_v1_peel
#define SM_WG_PEEL_TAIL 1
#define SM_MASK_VEC 1
#define SM_MASK_MOD(k, b, h, q, kv0, p) sm_causal_v1(k, b, h, q, kv0, p)
#include "wg_variant.cuh"
