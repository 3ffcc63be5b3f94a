// Hopper harness variant (see wg_variant.cuh).
#define VARIANT wnone_s1
#define SM_WG_OVERLAP 0
#define SM_WG_PINGPONG 0
#include "wg_variant.cuh"
