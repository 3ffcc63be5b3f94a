// Hopper harness variant (see wg_variant.cuh): the no-mod kernel without the peeled tail tile.
#define VARIANT wnone_nopeel
#define SM_WG_PEEL_TAIL 0
#include "wg_variant.cuh"
