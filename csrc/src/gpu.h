// The runner's GPU core, free of N-API so each piece can be called from worker threads.
// Every function checks every CUDA call and reports failures as text; none throws.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "cuda_api.h"

namespace sm {

struct DeviceInfo {
  int index = 0;
  std::string name;
  int major = 0, minor = 0, smCount = 0;
  unsigned long long memoryBytes = 0;
  int clockKHz = 0, memClockKHz = 0, memBusWidth = 0, l2Bytes = 0, maxSmemOptin = 0;
};

struct ProbeInfo {
  bool ok = false;
  std::string reason, detail;  // reason: no-driver | no-device | no-nvrtc
  int driverVersion = 0;
  std::vector<DeviceInfo> devices;
  std::string libcuda, libnvrtc, nvrtcError, nvcc;
  int nvrtcMajor = 0, nvrtcMinor = 0;
};
// `nvcc`: the caller's nvcc path (server/src/toolchain/nvcc.ts finds it), or empty.
ProbeInfo probe(const std::string& nvcc);

struct CompileRequest {
  std::string source, name = "scoremod.cu", arch, compiler = "auto";  // auto | nvrtc | nvcc
  // nvcc's path, found by the caller (server/src/toolchain/nvcc.ts, the one finder); empty: none.
  std::string nvcc;
  std::vector<std::string> defines, includeDirs, nameExpressions, extraOptions;
  bool lineInfo = true;
};
struct CompileResult {
  bool ok = false;
  std::string compiler, log, reason;  // reason: compile-error | no-nvrtc | no-compiler | internal
  std::vector<char> cubin;
  std::map<std::string, std::string> lowered;
};
CompileResult compile(const CompileRequest& req);

// Context: the primary context of one device, made current on whichever thread calls.
bool ensureContext(int device, std::string* err);
// Makes device 0's context without making it current (any thread; ensureContext(0) then only
// makes it current): the runner process starts it while it loads its code.
bool warmContext(std::string* err);
bool makeCurrent(std::string* err);

int loadModule(const std::vector<char>& image, std::string* err);  // handle > 0, or 0 on error
bool unloadModule(int handle, std::string* err);
struct FuncInfo { int registers, localBytes, staticSmem, constBytes, maxThreads; };
bool functionInfo(int module, const std::string& fn, FuncInfo* out, std::string* err);

struct Launch {
  int module = 0;
  std::string fn;
  unsigned grid[3] = {1, 1, 1}, block[3] = {1, 1, 1};
  unsigned smem = 0;
  std::vector<std::vector<char>> argSets;  // packed kernel argument buffers, cycled
};
// One launch with argSets[0], then a synchronize (faults surface here).
bool launchOnce(const Launch& l, std::string* err);
// warmup rounds, then reps rounds timed launch by launch with events; a round launches each of
// `ls` once, in order (several: kernels alternated, so a change of GPU speed hits them alike).
// ms per launch, in launch order (reps x ls.size()).
bool timeLaunches(const std::vector<Launch>& ls, int warmup, int reps, std::vector<float>* ms, std::string* err);

bool memAlloc(size_t bytes, CUdeviceptr* out, std::string* err);
bool memFree(CUdeviceptr p, std::string* err);
bool memUpload(CUdeviceptr p, const void* src, size_t bytes, std::string* err);
bool memDownload(CUdeviceptr p, void* dst, size_t bytes, std::string* err);
bool memSet(CUdeviceptr p, unsigned char v, size_t bytes, std::string* err);
bool memInfo(size_t* freeB, size_t* totalB, std::string* err);
bool globalAddress(int module, const std::string& name, CUdeviceptr* p, size_t* bytes, std::string* err);

// A TMA tensor map (cuTensorMapEncodeTiled) for a 16-bit tensor: dims innermost first, strides in
// bytes for dims 1..rank-1, a box per copy, 128-byte swizzle, out-of-bounds elements read as 0.
struct TensorMapSpec {
  CUdeviceptr ptr = 0;
  bool f16 = false;  // else bf16
  std::vector<unsigned long long> dims, strides;
  std::vector<unsigned> box;
};
bool encodeTensorMap(const TensorMapSpec& spec, unsigned char out[128], std::string* err);

}  // namespace sm
