/* <stdint.h> for NVRTC, which ships none: scoremod_abi.cuh includes it. Add -I<this folder>
 * to NVRTC's options only (nvcc uses the system header). Widths are those of every CUDA
 * target (LP64 device ABI). */
#ifndef SM_NVRTC_STDINT_H
#define SM_NVRTC_STDINT_H
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long long int64_t;
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef long long intptr_t;
typedef unsigned long long uintptr_t;
typedef long long intmax_t;
typedef unsigned long long uintmax_t;
#endif
