// The few CUDA driver and NVRTC declarations the runner uses, written here so the addon builds
// with plain g++ and no CUDA toolkit. Both libraries are dlopen'ed at run time (cuda_api.cc);
// a machine without them still loads the addon and gets a structured reason from probe().
#pragma once
#include <cstddef>
#include <string>

namespace sm {

typedef int CUresult;  // 0 = CUDA_SUCCESS
typedef int CUdevice;
typedef struct CUctx_st* CUcontext;
typedef struct CUmod_st* CUmodule;
typedef struct CUfunc_st* CUfunction;
typedef struct CUevent_st* CUevent;
typedef struct CUstream_st* CUstream;
typedef unsigned long long CUdeviceptr;
typedef int nvrtcResult;  // 0 = NVRTC_SUCCESS
typedef struct _nvrtcProgram* nvrtcProgram;

// Values from the CUDA driver API (stable across CUDA 11-13).
enum {
  ATTR_CLOCK_RATE = 13, ATTR_MULTIPROCESSOR_COUNT = 16, ATTR_MEMORY_CLOCK_RATE = 36,
  ATTR_GLOBAL_MEMORY_BUS_WIDTH = 37, ATTR_L2_CACHE_SIZE = 38, ATTR_CC_MAJOR = 75, ATTR_CC_MINOR = 76,
  ATTR_MAX_SMEM_PER_BLOCK_OPTIN = 97,
};
enum {
  FUNC_MAX_THREADS_PER_BLOCK = 0, FUNC_SHARED_SIZE_BYTES = 1, FUNC_CONST_SIZE_BYTES = 2,
  FUNC_LOCAL_SIZE_BYTES = 3, FUNC_NUM_REGS = 4, FUNC_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
};
const CUresult CUDA_ERROR_NOT_READY = 600;
// cuTensorMapEncodeTiled's enums (cuda.h, CUDA 12-13).
enum { TMAP_DTYPE_FLOAT16 = 6, TMAP_DTYPE_BFLOAT16 = 9, TMAP_INTERLEAVE_NONE = 0, TMAP_SWIZZLE_128B = 3,
       TMAP_L2_PROMOTION_256B = 3, TMAP_OOB_FILL_NONE = 0 };

struct Driver {
  void* handle = nullptr;
  std::string path;
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int*);
  CUresult (*cuDeviceGetCount)(int*);
  CUresult (*cuDeviceGet)(CUdevice*, int);
  CUresult (*cuDeviceGetName)(char*, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int*, int, CUdevice);
  CUresult (*cuDeviceTotalMem)(size_t*, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext*, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuModuleLoadData)(CUmodule*, const void*);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction*, CUmodule, const char*);
  CUresult (*cuModuleGetGlobal)(CUdeviceptr*, size_t*, CUmodule, const char*);
  CUresult (*cuFuncGetAttribute)(int*, int, CUfunction);
  CUresult (*cuFuncSetAttribute)(CUfunction, int, int);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                             unsigned, CUstream, void**, void**);
  CUresult (*cuMemAlloc)(CUdeviceptr*, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void*, size_t);
  CUresult (*cuMemcpyDtoH)(void*, CUdeviceptr, size_t);
  CUresult (*cuMemsetD8)(CUdeviceptr, unsigned char, size_t);
  CUresult (*cuMemGetInfo)(size_t*, size_t*);
  CUresult (*cuEventCreate)(CUevent*, unsigned);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuEventQuery)(CUevent);
  CUresult (*cuEventElapsedTime)(float*, CUevent, CUevent);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuGetErrorName)(CUresult, const char**);
  CUresult (*cuGetErrorString)(CUresult, const char**);
  // Optional (CUDA 12.4+ drivers): offset and size of a kernel parameter; null when absent.
  CUresult (*cuFuncGetParamInfo)(CUfunction, size_t index, size_t* offset, size_t* size);
  // Optional (CUDA 12+ drivers): null when the driver predates TMA.
  CUresult (*cuTensorMapEncodeTiled)(void* map, int dtype, unsigned rank, void* global, const unsigned long long* dims,
                                     const unsigned long long* strides, const unsigned* box, const unsigned* elementStrides,
                                     int interleave, int swizzle, int l2promotion, int oobFill);
};

struct Nvrtc {
  void* handle = nullptr;
  std::string path;
  nvrtcResult (*nvrtcVersion)(int*, int*);
  const char* (*nvrtcGetErrorString)(nvrtcResult);
  nvrtcResult (*nvrtcCreateProgram)(nvrtcProgram*, const char*, const char*, int, const char* const*,
                                    const char* const*);
  nvrtcResult (*nvrtcDestroyProgram)(nvrtcProgram*);
  nvrtcResult (*nvrtcCompileProgram)(nvrtcProgram, int, const char* const*);
  nvrtcResult (*nvrtcGetProgramLogSize)(nvrtcProgram, size_t*);
  nvrtcResult (*nvrtcGetProgramLog)(nvrtcProgram, char*);
  nvrtcResult (*nvrtcGetCUBINSize)(nvrtcProgram, size_t*);
  nvrtcResult (*nvrtcGetCUBIN)(nvrtcProgram, char*);
  nvrtcResult (*nvrtcAddNameExpression)(nvrtcProgram, const char*);
  nvrtcResult (*nvrtcGetLoweredName)(nvrtcProgram, const char*, const char**);
};

// Loaded once per process; `error` says why a library is unavailable (the dlopen/dlsym message
// and every path tried), so probe() can tell the user what to install or set.
const Driver* driver(std::string* error);
const Nvrtc* nvrtc(std::string* error);
// The CUDA toolkit root that holds the NVRTC library found (for its include/ dir), or "".
std::string cudaRootForNvrtc();
// "cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY (out of memory)".
std::string cuErrorText(const char* call, CUresult r);

}  // namespace sm
