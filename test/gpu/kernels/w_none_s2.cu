// Hopper harness variant (see wg_variant.cuh).
#define VARIANT wnone_s2
#define SM_WG_PINGPONG 0
#include "wg_variant.cuh"
