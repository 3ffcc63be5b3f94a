// Probe, context, modules, memory, launches and event timing over the dlopen'ed driver.
#include "gpu.h"

#include <mutex>
#include <utility>

namespace sm {
namespace {

std::mutex stateMutex;
CUcontext ctx = nullptr;
int ctxDevice = -1;
std::vector<CUmodule> modules;  // handle = index + 1; unloaded slots are nullptr

#define SM_CHECK(call, args)                              \
  do {                                                    \
    CUresult r_ = d->call args;                           \
    if (r_ != 0) { *err = cuErrorText(#call, r_); return false; } \
  } while (0)

const Driver* need(std::string* err) {
  std::string why;
  const Driver* d = driver(&why);
  if (!d) *err = why;
  return d;
}

CUmodule moduleAt(int handle) {
  std::lock_guard<std::mutex> lock(stateMutex);
  if (handle <= 0 || handle > (int)modules.size()) return nullptr;
  return modules[handle - 1];
}

}  // namespace

ProbeInfo probe(const std::string& nvcc) {
  ProbeInfo p;
  std::string why;
  p.nvcc = nvcc;
  const Nvrtc* n = nvrtc(&p.nvrtcError);
  if (n) {
    p.libnvrtc = n->path;
    if (n->nvrtcVersion(&p.nvrtcMajor, &p.nvrtcMinor) != 0) p.nvrtcMajor = p.nvrtcMinor = 0;
  }
  const Driver* d = driver(&why);
  if (!d) { p.reason = "no-driver"; p.detail = why; return p; }
  p.libcuda = d->path;
  CUresult r = d->cuInit(0);
  if (r != 0) {
    // 100 = CUDA_ERROR_NO_DEVICE: a driver without a usable GPU.
    p.reason = r == 100 ? "no-device" : "no-driver";
    p.detail = cuErrorText("cuInit", r);
    return p;
  }
  d->cuDriverGetVersion(&p.driverVersion);
  int count = 0;
  r = d->cuDeviceGetCount(&count);
  if (r != 0 || count == 0) {
    p.reason = "no-device";
    p.detail = r != 0 ? cuErrorText("cuDeviceGetCount", r) : "the driver sees no CUDA device";
    return p;
  }
  std::string deviceErrors;
  for (int i = 0; i < count; ++i) {
    // Every query is checked; a device whose properties cannot be read is left out, with why.
    CUresult e = 0;
    const char* failed = nullptr;
    auto q = [&](const char* what, CUresult res) { if (res != 0 && !failed) { failed = what; e = res; } };
    CUdevice dev = 0;
    q("cuDeviceGet", d->cuDeviceGet(&dev, i));
    DeviceInfo info;
    info.index = i;
    char name[256] = {0};
    if (!failed) q("cuDeviceGetName", d->cuDeviceGetName(name, sizeof name - 1, dev));
    info.name = name;
    const std::pair<int*, int> attrs[] = {
        {&info.major, ATTR_CC_MAJOR}, {&info.minor, ATTR_CC_MINOR}, {&info.smCount, ATTR_MULTIPROCESSOR_COUNT},
        {&info.clockKHz, ATTR_CLOCK_RATE}, {&info.memClockKHz, ATTR_MEMORY_CLOCK_RATE}, {&info.memBusWidth, ATTR_GLOBAL_MEMORY_BUS_WIDTH},
        {&info.l2Bytes, ATTR_L2_CACHE_SIZE}, {&info.maxSmemOptin, ATTR_MAX_SMEM_PER_BLOCK_OPTIN}};
    for (auto& a : attrs)
      if (!failed) q("cuDeviceGetAttribute", d->cuDeviceGetAttribute(a.first, a.second, dev));
    size_t mem = 0;
    if (!failed) q("cuDeviceTotalMem", d->cuDeviceTotalMem(&mem, dev));
    info.memoryBytes = mem;
    if (failed) {
      deviceErrors += (deviceErrors.empty() ? "" : "; ") + std::string("device ") + std::to_string(i) + ": " + cuErrorText(failed, e);
      continue;
    }
    p.devices.push_back(info);
  }
  if (p.devices.empty()) {
    p.reason = "no-device";
    p.detail = "no device could be queried: " + deviceErrors;
    return p;
  }
  if (!n && p.nvcc.empty()) {
    p.reason = "no-nvrtc";
    p.detail = p.nvrtcError + "; and no nvcc (set CUDA_HOME, or pip install nvidia-cuda-nvrtc)";
    return p;
  }
  p.ok = true;
  return p;
}

// Retains `device`'s primary context as the runner's (stateMutex held, no context yet).
static bool retainLocked(const Driver* d, int device, std::string* err) {
  SM_CHECK(cuInit, (0));
  CUdevice dev;
  SM_CHECK(cuDeviceGet, (&dev, device));
  CUcontext c;
  SM_CHECK(cuDevicePrimaryCtxRetain, (&c, dev));
  ctx = c;
  ctxDevice = device;
  return true;
}

bool ensureContext(int device, std::string* err) {
  const Driver* d = need(err);
  if (!d) return false;
  std::lock_guard<std::mutex> lock(stateMutex);
  if (ctx && device != ctxDevice) { *err = "the runner already uses device " + std::to_string(ctxDevice); return false; }
  if (!ctx && !retainLocked(d, device, err)) return false;
  SM_CHECK(cuCtxSetCurrent, (ctx));
  return true;
}

bool warmContext(std::string* err) {
  const Driver* d = need(err);
  if (!d) return false;
  // Under the lock: an ensureContext() that comes meanwhile waits for this context instead of
  // making its own.
  std::lock_guard<std::mutex> lock(stateMutex);
  return ctx != nullptr || retainLocked(d, 0, err);
}

bool makeCurrent(std::string* err) {
  const Driver* d = need(err);
  if (!d) return false;
  if (!ctx) return ensureContext(0, err);
  SM_CHECK(cuCtxSetCurrent, (ctx));
  return true;
}

int loadModule(const std::vector<char>& image, std::string* err) {
  if (!makeCurrent(err)) return 0;
  const Driver* d = driver(nullptr);
  CUmodule m;
  CUresult r = d->cuModuleLoadData(&m, image.data());
  if (r != 0) { *err = cuErrorText("cuModuleLoadData", r); return 0; }
  std::lock_guard<std::mutex> lock(stateMutex);
  modules.push_back(m);
  return (int)modules.size();
}

bool unloadModule(int handle, std::string* err) {
  CUmodule m = moduleAt(handle);
  if (!m) { *err = "unknown module handle " + std::to_string(handle); return false; }
  if (!makeCurrent(err)) return false;
  const Driver* d = driver(nullptr);
  SM_CHECK(cuModuleUnload, (m));
  std::lock_guard<std::mutex> lock(stateMutex);
  modules[handle - 1] = nullptr;
  return true;
}

static bool getFunction(int module, const std::string& fn, CUfunction* f, std::string* err) {
  CUmodule m = moduleAt(module);
  if (!m) { *err = "unknown module handle " + std::to_string(module); return false; }
  const Driver* d = driver(nullptr);
  CUresult r = d->cuModuleGetFunction(f, m, fn.c_str());
  if (r != 0) { *err = cuErrorText("cuModuleGetFunction", r) + " for '" + fn + "'"; return false; }
  return true;
}

bool functionInfo(int module, const std::string& fn, FuncInfo* out, std::string* err) {
  if (!makeCurrent(err)) return false;
  const Driver* d = driver(nullptr);
  CUfunction f;
  if (!getFunction(module, fn, &f, err)) return false;
  SM_CHECK(cuFuncGetAttribute, (&out->registers, FUNC_NUM_REGS, f));
  SM_CHECK(cuFuncGetAttribute, (&out->localBytes, FUNC_LOCAL_SIZE_BYTES, f));
  SM_CHECK(cuFuncGetAttribute, (&out->staticSmem, FUNC_SHARED_SIZE_BYTES, f));
  SM_CHECK(cuFuncGetAttribute, (&out->constBytes, FUNC_CONST_SIZE_BYTES, f));
  SM_CHECK(cuFuncGetAttribute, (&out->maxThreads, FUNC_MAX_THREADS_PER_BLOCK, f));
  return true;
}

static bool prepare(const Launch& l, CUfunction* f, std::string* err) {
  if (!makeCurrent(err)) return false;
  if (l.argSets.empty()) { *err = "launch without an argument buffer"; return false; }
  if (!getFunction(l.module, l.fn, f, err)) return false;
  const Driver* d = driver(nullptr);
  // Above 48 KiB, dynamic shared memory must be opted into per function.
  if (l.smem > 48 * 1024) SM_CHECK(cuFuncSetAttribute, (*f, FUNC_MAX_DYNAMIC_SHARED_SIZE_BYTES, (int)l.smem));
  // The driver copies the kernel's parameter size from each buffer: a shorter buffer would be
  // over-read, a longer one means the host packed a different struct.
  size_t offset = 0, size = 0;
  if (d->cuFuncGetParamInfo && d->cuFuncGetParamInfo(*f, 0, &offset, &size) == 0) {
    for (auto& a : l.argSets)
      if (a.size() != size) {
        *err = "launch of '" + l.fn + "': argument buffer is " + std::to_string(a.size()) + " bytes, the kernel's parameter is " + std::to_string(size);
        return false;
      }
  }
  return true;
}

// Every runner kernel takes exactly one parameter (a packed struct), so `args` is that struct's
// bytes and goes through kernelParams: the driver then places it at the offset the kernel
// expects. CU_LAUNCH_PARAM_BUFFER_POINTER would copy it to the start of parameter space instead,
// which is wrong for the Hopper kernel's 64-byte-aligned SmWgParams (seen on the H100: the
// kernel read its sizes from the wrong bytes and wrote nothing).
static bool launchWith(const Launch& l, CUfunction f, const std::vector<char>& args, std::string* err) {
  const Driver* d = driver(nullptr);
  void* params[] = {const_cast<char*>(args.data())};
  SM_CHECK(cuLaunchKernel, (f, l.grid[0], l.grid[1], l.grid[2], l.block[0], l.block[1], l.block[2], l.smem,
                            nullptr, params, nullptr));
  return true;
}

bool launchOnce(const Launch& l, std::string* err) {
  CUfunction f;
  if (!prepare(l, &f, err)) return false;
  if (!launchWith(l, f, l.argSets[0], err)) return false;
  const Driver* d = driver(nullptr);
  SM_CHECK(cuCtxSynchronize, ());
  return true;
}

bool timeLaunches(const std::vector<Launch>& ls, int warmup, int reps, std::vector<float>* ms, std::string* err) {
  if (ls.empty()) { *err = "time: no launch"; return false; }
  std::vector<CUfunction> fs(ls.size());
  for (size_t j = 0; j < ls.size(); ++j)
    if (!prepare(ls[j], &fs[j], err)) return false;
  const Driver* d = driver(nullptr);
  // Launch k (warm-up included) runs ls[k % n] on its argument set k % (its sets): consecutive
  // launches read different inputs, whether they are reps of one kernel or alternate kernels.
  const size_t n = ls.size();
  auto launchK = [&](size_t k) { const Launch& l = ls[k % n]; return launchWith(l, fs[k % n], l.argSets[k % l.argSets.size()], err); };
  for (size_t k = 0; k < (size_t)warmup * n; ++k)
    if (!launchK(k)) return false;
  SM_CHECK(cuCtxSynchronize, ());
  const size_t timed = (size_t)reps * n, first = (size_t)warmup * n;
  std::vector<CUevent> ev(timed + 1, nullptr);
  bool ok = true;
  for (auto& e : ev) {
    CUresult r = d->cuEventCreate(&e, 0);
    if (r != 0) { *err = cuErrorText("cuEventCreate", r); ok = false; break; }
  }
  if (ok) {
    CUresult r = d->cuEventRecord(ev[0], nullptr);
    if (r != 0) { *err = cuErrorText("cuEventRecord", r); ok = false; }
    for (size_t i = 0; ok && i < timed; ++i) {
      ok = launchK(first + i);
      if (ok && (r = d->cuEventRecord(ev[i + 1], nullptr)) != 0) { *err = cuErrorText("cuEventRecord", r); ok = false; }
    }
    if (ok && (r = d->cuEventSynchronize(ev[timed])) != 0) { *err = cuErrorText("cuEventSynchronize", r); ok = false; }
    for (size_t i = 0; ok && i < timed; ++i) {
      float t = 0;
      if ((r = d->cuEventElapsedTime(&t, ev[i], ev[i + 1])) != 0) { *err = cuErrorText("cuEventElapsedTime", r); ok = false; }
      ms->push_back(t);
    }
  }
  for (auto e : ev)
    if (e) d->cuEventDestroy(e);
  return ok;
}

bool memAlloc(size_t bytes, CUdeviceptr* out, std::string* err) {
  if (!makeCurrent(err)) return false;
  const Driver* d = driver(nullptr);
  SM_CHECK(cuMemAlloc, (out, bytes));
  return true;
}
bool memFree(CUdeviceptr p, std::string* err) {
  if (!makeCurrent(err)) return false;
  const Driver* d = driver(nullptr);
  SM_CHECK(cuMemFree, (p));
  return true;
}
bool memUpload(CUdeviceptr p, const void* src, size_t bytes, std::string* err) {
  if (!makeCurrent(err)) return false;
  const Driver* d = driver(nullptr);
  SM_CHECK(cuMemcpyHtoD, (p, src, bytes));
  return true;
}
bool memDownload(CUdeviceptr p, void* dst, size_t bytes, std::string* err) {
  if (!makeCurrent(err)) return false;
  const Driver* d = driver(nullptr);
  SM_CHECK(cuMemcpyDtoH, (dst, p, bytes));
  return true;
}
bool memSet(CUdeviceptr p, unsigned char v, size_t bytes, std::string* err) {
  if (!makeCurrent(err)) return false;
  const Driver* d = driver(nullptr);
  SM_CHECK(cuMemsetD8, (p, v, bytes));
  SM_CHECK(cuCtxSynchronize, ());
  return true;
}
bool memInfo(size_t* freeB, size_t* totalB, std::string* err) {
  if (!makeCurrent(err)) return false;
  const Driver* d = driver(nullptr);
  SM_CHECK(cuMemGetInfo, (freeB, totalB));
  return true;
}
bool globalAddress(int module, const std::string& name, CUdeviceptr* p, size_t* bytes, std::string* err) {
  CUmodule m = moduleAt(module);
  if (!m) { *err = "unknown module handle " + std::to_string(module); return false; }
  if (!makeCurrent(err)) return false;
  const Driver* d = driver(nullptr);
  CUresult r = d->cuModuleGetGlobal(p, bytes, m, name.c_str());
  if (r != 0) { *err = cuErrorText("cuModuleGetGlobal", r) + " for '" + name + "'"; return false; }
  return true;
}

bool encodeTensorMap(const TensorMapSpec& t, unsigned char out[128], std::string* err) {
  const Driver* d = need(err);
  if (!d) return false;
  if (!d->cuTensorMapEncodeTiled) { *err = "this CUDA driver has no cuTensorMapEncodeTiled (TMA needs a CUDA 12+ driver)"; return false; }
  const size_t rank = t.dims.size();
  if (rank < 1 || rank > 5 || t.strides.size() != rank - 1 || t.box.size() != rank) {
    *err = "tensor map: rank 1..5 with rank-1 strides and rank box sizes";
    return false;
  }
  std::vector<unsigned> estr(rank, 1);
  alignas(64) unsigned char map[128];
  CUresult r = d->cuTensorMapEncodeTiled(map, t.f16 ? TMAP_DTYPE_FLOAT16 : TMAP_DTYPE_BFLOAT16, (unsigned)rank,
                                         reinterpret_cast<void*>(t.ptr), t.dims.data(), t.strides.data(), t.box.data(),
                                         estr.data(), TMAP_INTERLEAVE_NONE, TMAP_SWIZZLE_128B, TMAP_L2_PROMOTION_256B,
                                         TMAP_OOB_FILL_NONE);
  if (r != 0) { *err = cuErrorText("cuTensorMapEncodeTiled", r); return false; }
  for (int i = 0; i < 128; ++i) out[i] = map[i];
  return true;
}

}  // namespace sm
