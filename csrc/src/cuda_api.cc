// Finds and dlopens libcuda and libnvrtc. Never links them: the addon must load on machines
// with no GPU and no toolkit and then explain, through probe(), what is missing.
#include "cuda_api.h"

#include <dlfcn.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <vector>

namespace sm {
namespace {

bool fileExists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

std::vector<std::string> globAll(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g;
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

std::string envOr(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// Directories that may hold CUDA libraries, most specific first.
std::vector<std::string> cudaLibDirs() {
  std::vector<std::string> dirs;
  for (const char* var : {"CUDA_PATH", "CUDA_HOME"}) {
    std::string root = envOr(var);
    if (!root.empty()) {
      dirs.push_back(root + "/lib64");
      dirs.push_back(root + "/lib");
    }
  }
  dirs.push_back("/usr/local/cuda/lib64");
  for (auto& d : globAll("/usr/local/cuda-*/lib64")) dirs.push_back(d);
  // pip wheels: nvidia/cuda_nvrtc/lib (CUDA 12), nvidia/cu13/lib (CUDA 13).
  std::vector<std::string> sites = {"/usr/lib/python3*/site-packages", "/usr/lib/python3/dist-packages",
                                    "/usr/local/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages"};
  std::string home = envOr("HOME"), venv = envOr("VIRTUAL_ENV"), conda = envOr("CONDA_PREFIX");
  if (!home.empty()) sites.push_back(home + "/.local/lib/python3*/site-packages");
  if (!venv.empty()) sites.push_back(venv + "/lib/python3*/site-packages");
  if (!conda.empty()) {
    dirs.push_back(conda + "/lib");
    sites.push_back(conda + "/lib/python3*/site-packages");
  }
  for (auto& s : sites)
    for (auto& d : globAll(s + "/nvidia/*/lib")) dirs.push_back(d);
  return dirs;
}

template <typename F>
bool bind(void* h, F& fn, const char* name, std::string* missing) {
  fn = reinterpret_cast<F>(dlsym(h, name));
  if (!fn && missing) *missing += std::string(missing->empty() ? "" : ", ") + name;
  return fn != nullptr;
}
template <typename F>
bool bind2(void* h, F& fn, const char* a, const char* b, std::string* missing) {
  fn = reinterpret_cast<F>(dlsym(h, a));
  if (fn) return true;
  return bind(h, fn, b, missing);
}

// Tries an explicit override first, then each name through the default search (LD_LIBRARY_PATH,
// ld.so.cache), then each name in each directory. Returns the handle and records what was tried.
void* openFirst(const char* overrideVar, const std::vector<std::string>& names,
                const std::vector<std::string>& dirs, std::string* path, std::string* tried) {
  std::string forced = envOr(overrideVar);
  if (!forced.empty()) {
    void* h = dlopen(forced.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h) { *path = forced; return h; }
    *tried += std::string(overrideVar) + "=" + forced + " (" + dlerror() + ")";
    return nullptr;  // an explicit choice is never silently replaced
  }
  for (auto& n : names) {
    void* h = dlopen(n.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h) { *path = n; return h; }
    *tried += (tried->empty() ? "" : ", ") + n;
  }
  for (auto& d : dirs)
    for (auto& n : names) {
      std::string p = d + "/" + n;
      if (!fileExists(p)) continue;
      void* h = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (h) { *path = p; return h; }
      *tried += ", " + p + " (" + dlerror() + ")";
    }
  return nullptr;
}

std::once_flag driverOnce, nvrtcOnce;
Driver theDriver;
Nvrtc theNvrtc;
std::string driverError, nvrtcError;

void loadDriver() {
  std::string tried;
  void* h = openFirst("SCOREMOD_LIBCUDA", {"libcuda.so.1", "libcuda.so"}, {"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64"},
                      &theDriver.path, &tried);
  if (!h) { driverError = "libcuda (the NVIDIA driver) not found; tried " + tried; return; }
  Driver& d = theDriver;
  std::string miss;
  bind(h, d.cuInit, "cuInit", &miss);
  bind(h, d.cuDriverGetVersion, "cuDriverGetVersion", &miss);
  bind(h, d.cuDeviceGetCount, "cuDeviceGetCount", &miss);
  bind(h, d.cuDeviceGet, "cuDeviceGet", &miss);
  bind(h, d.cuDeviceGetName, "cuDeviceGetName", &miss);
  bind(h, d.cuDeviceGetAttribute, "cuDeviceGetAttribute", &miss);
  bind(h, d.cuDeviceTotalMem, "cuDeviceTotalMem_v2", &miss);
  bind(h, d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", &miss);
  bind(h, d.cuCtxSetCurrent, "cuCtxSetCurrent", &miss);
  bind(h, d.cuCtxSynchronize, "cuCtxSynchronize", &miss);
  bind(h, d.cuModuleLoadData, "cuModuleLoadData", &miss);
  bind(h, d.cuModuleUnload, "cuModuleUnload", &miss);
  bind(h, d.cuModuleGetFunction, "cuModuleGetFunction", &miss);
  bind(h, d.cuModuleGetGlobal, "cuModuleGetGlobal_v2", &miss);
  bind(h, d.cuFuncGetAttribute, "cuFuncGetAttribute", &miss);
  bind(h, d.cuFuncSetAttribute, "cuFuncSetAttribute", &miss);
  bind(h, d.cuLaunchKernel, "cuLaunchKernel", &miss);
  bind(h, d.cuMemAlloc, "cuMemAlloc_v2", &miss);
  bind(h, d.cuMemFree, "cuMemFree_v2", &miss);
  bind(h, d.cuMemcpyHtoD, "cuMemcpyHtoD_v2", &miss);
  bind(h, d.cuMemcpyDtoH, "cuMemcpyDtoH_v2", &miss);
  bind(h, d.cuMemsetD8, "cuMemsetD8_v2", &miss);
  bind(h, d.cuMemGetInfo, "cuMemGetInfo_v2", &miss);
  bind(h, d.cuEventCreate, "cuEventCreate", &miss);
  bind(h, d.cuEventRecord, "cuEventRecord", &miss);
  bind(h, d.cuEventSynchronize, "cuEventSynchronize", &miss);
  bind(h, d.cuEventQuery, "cuEventQuery", &miss);
  bind2(h, d.cuEventElapsedTime, "cuEventElapsedTime_v2", "cuEventElapsedTime", &miss);
  bind(h, d.cuEventDestroy, "cuEventDestroy_v2", &miss);
  bind(h, d.cuGetErrorName, "cuGetErrorName", &miss);
  bind(h, d.cuGetErrorString, "cuGetErrorString", &miss);
  bind(h, d.cuTensorMapEncodeTiled, "cuTensorMapEncodeTiled", nullptr);  // optional: the Hopper kernel only
  bind(h, d.cuFuncGetParamInfo, "cuFuncGetParamInfo", nullptr);          // optional: argument size check
  if (!miss.empty()) { driverError = theDriver.path + " lacks " + miss + " (driver too old?)"; return; }
  d.handle = h;
}

void loadNvrtc() {
  std::string tried;
  void* h = openFirst("SCOREMOD_NVRTC", {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"}, cudaLibDirs(),
                      &theNvrtc.path, &tried);
  if (!h) { nvrtcError = "libnvrtc not found; tried " + tried; return; }
  Nvrtc& n = theNvrtc;
  std::string miss;
  bind(h, n.nvrtcVersion, "nvrtcVersion", &miss);
  bind(h, n.nvrtcGetErrorString, "nvrtcGetErrorString", &miss);
  bind(h, n.nvrtcCreateProgram, "nvrtcCreateProgram", &miss);
  bind(h, n.nvrtcDestroyProgram, "nvrtcDestroyProgram", &miss);
  bind(h, n.nvrtcCompileProgram, "nvrtcCompileProgram", &miss);
  bind(h, n.nvrtcGetProgramLogSize, "nvrtcGetProgramLogSize", &miss);
  bind(h, n.nvrtcGetProgramLog, "nvrtcGetProgramLog", &miss);
  bind(h, n.nvrtcGetCUBINSize, "nvrtcGetCUBINSize", &miss);
  bind(h, n.nvrtcGetCUBIN, "nvrtcGetCUBIN", &miss);
  bind(h, n.nvrtcAddNameExpression, "nvrtcAddNameExpression", &miss);
  bind(h, n.nvrtcGetLoweredName, "nvrtcGetLoweredName", &miss);
  if (!miss.empty()) { nvrtcError = theNvrtc.path + " lacks " + miss + " (NVRTC older than 11.1?)"; return; }
  n.handle = h;
}

}  // namespace

const Driver* driver(std::string* error) {
  std::call_once(driverOnce, loadDriver);
  if (!theDriver.handle) { if (error) *error = driverError; return nullptr; }
  return &theDriver;
}

const Nvrtc* nvrtc(std::string* error) {
  std::call_once(nvrtcOnce, loadNvrtc);
  if (!theNvrtc.handle) { if (error) *error = nvrtcError; return nullptr; }
  return &theNvrtc;
}

std::string cudaRootForNvrtc() {
  const Nvrtc* n = nvrtc(nullptr);
  std::vector<std::string> roots;
  if (n) {
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(n->nvrtcVersion), &info) && info.dli_fname) {
      std::string lib = info.dli_fname;
      std::string dir = lib.substr(0, lib.rfind('/'));
      roots.push_back(dir.substr(0, dir.rfind('/')));  // <root>/lib64/libnvrtc.so -> <root>
    }
  }
  for (const char* var : {"CUDA_PATH", "CUDA_HOME"}) if (!envOr(var).empty()) roots.push_back(envOr(var));
  roots.push_back("/usr/local/cuda");
  for (auto& r : roots)
    if (fileExists(r + "/include/cuda_bf16.h")) return r;
  return "";
}

std::string cuErrorText(const char* call, CUresult r) {
  const char* name = nullptr;
  const char* text = nullptr;
  const Driver* d = driver(nullptr);
  if (d) { d->cuGetErrorName(r, &name); d->cuGetErrorString(r, &text); }
  return std::string(call) + ": " + (name ? name : "CUDA error " + std::to_string(r)) + (text ? std::string(" (") + text + ")" : "");
}

}  // namespace sm
