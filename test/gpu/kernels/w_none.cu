// Hopper harness variant (see wg_variant.cuh).
#define VARIANT wnone
#include "wg_variant.cuh"
