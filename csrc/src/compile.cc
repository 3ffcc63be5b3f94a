// CUDA source -> cubin: NVRTC when it is present, nvcc otherwise (or when asked for).
// Compile errors are results (ok=false, reason="compile-error", log), never exceptions.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gpu.h"

namespace sm {
namespace {

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string archNumber(const std::string& arch) {  // "sm_90a" -> "90a"
  return arch.rfind("sm_", 0) == 0 ? arch.substr(3) : arch;
}

// NVRTC ships no C library headers; the project's ABI header includes <stdint.h>.
const char* kStdintShim =
    "#pragma once\n"
    "typedef signed char int8_t; typedef short int16_t; typedef int int32_t; typedef long long int64_t;\n"
    "typedef unsigned char uint8_t; typedef unsigned short uint16_t; typedef unsigned int uint32_t;\n"
    "typedef unsigned long long uint64_t; typedef long long intptr_t; typedef unsigned long long uintptr_t;\n"
    "#define INT32_MAX 2147483647\n#define INT32_MIN (-INT32_MAX - 1)\n#define UINT32_MAX 4294967295u\n"
    "#define INT64_MAX 9223372036854775807LL\n#define INT64_MIN (-INT64_MAX - 1)\n";

CompileResult compileNvrtc(const Nvrtc* n, const CompileRequest& req) {
  CompileResult res;
  res.compiler = "nvrtc";
  nvrtcProgram prog = nullptr;
  const char* headers[] = {kStdintShim, kStdintShim};
  const char* names[] = {"stdint.h", "cstdint"};
  nvrtcResult r = n->nvrtcCreateProgram(&prog, req.source.c_str(), req.name.c_str(), 2, headers, names);
  if (r != 0) { res.reason = "internal"; res.log = std::string("nvrtcCreateProgram: ") + n->nvrtcGetErrorString(r); return res; }
  for (auto& e : req.nameExpressions) n->nvrtcAddNameExpression(prog, e.c_str());
  std::vector<std::string> opts = {"--gpu-architecture=sm_" + archNumber(req.arch), "--std=c++17", "--ptxas-options=-v"};
  if (req.lineInfo) opts.push_back("--generate-line-info");
  std::string root = cudaRootForNvrtc();
  if (!root.empty()) opts.push_back("--include-path=" + root + "/include");
  for (auto& i : req.includeDirs) opts.push_back("--include-path=" + i);
  for (auto& d : req.defines) opts.push_back("--define-macro=" + d);
  for (auto& o : req.extraOptions) opts.push_back(o);
  std::vector<const char*> argv;
  for (auto& o : opts) argv.push_back(o.c_str());
  r = n->nvrtcCompileProgram(prog, (int)argv.size(), argv.data());
  size_t logSize = 0;
  n->nvrtcGetProgramLogSize(prog, &logSize);
  if (logSize > 1) {
    std::string log(logSize, '\0');
    n->nvrtcGetProgramLog(prog, &log[0]);
    log.resize(logSize - 1);
    res.log = log;
  }
  if (r != 0) {
    res.reason = "compile-error";
    if (res.log.empty()) res.log = std::string("nvrtcCompileProgram: ") + n->nvrtcGetErrorString(r);
    n->nvrtcDestroyProgram(&prog);
    return res;
  }
  size_t size = 0;
  if ((r = n->nvrtcGetCUBINSize(prog, &size)) != 0 || size == 0) {
    res.reason = "internal";
    res.log += std::string("\nnvrtcGetCUBINSize: ") + n->nvrtcGetErrorString(r) + " (is the arch a real sm_XX?)";
    n->nvrtcDestroyProgram(&prog);
    return res;
  }
  res.cubin.resize(size);
  n->nvrtcGetCUBIN(prog, res.cubin.data());
  for (auto& e : req.nameExpressions) {
    const char* lowered = nullptr;
    if (n->nvrtcGetLoweredName(prog, e.c_str(), &lowered) == 0 && lowered) res.lowered[e] = lowered;
  }
  n->nvrtcDestroyProgram(&prog);
  res.ok = true;
  return res;
}

CompileResult compileNvcc(const std::string& nvcc, const CompileRequest& req) {
  CompileResult res;
  res.compiler = "nvcc";
  char dirTemplate[] = "/tmp/scoremod-nvcc-XXXXXX";
  if (!mkdtemp(dirTemplate)) { res.reason = "internal"; res.log = "mkdtemp failed"; return res; }
  std::string dir = dirTemplate, src = dir + "/" + req.name, out = dir + "/out.cubin";
  { std::ofstream f(src); f << req.source; }
  std::string arch = archNumber(req.arch);
  std::string cmd = shellQuote(nvcc) + " -cubin -std=c++17 -Xptxas -v -gencode=arch=compute_" + arch + ",code=sm_" + arch;
  if (req.lineInfo) cmd += " -lineinfo";
  for (auto& i : req.includeDirs) cmd += " -I" + shellQuote(i);
  for (auto& d : req.defines) cmd += " -D" + shellQuote(d);
  for (auto& o : req.extraOptions) cmd += " " + shellQuote(o);
  cmd += " -o " + shellQuote(out) + " " + shellQuote(src) + " </dev/null 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) { res.reason = "internal"; res.log = "could not start nvcc"; return res; }
  char buf[4096];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, p)) > 0) res.log.append(buf, got);
  int status = pclose(p);
  bool ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (ok) {
    std::ifstream f(out, std::ios::binary);
    res.cubin.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    ok = !res.cubin.empty();
  }
  std::remove(src.c_str());
  std::remove(out.c_str());
  rmdir(dir.c_str());
  if (!ok) { res.reason = "compile-error"; return res; }
  // nvcc gives no lowered names: entry points must be extern "C" for this path.
  for (auto& e : req.nameExpressions) res.lowered[e] = e;
  res.ok = true;
  return res;
}

}  // namespace

CompileResult compile(const CompileRequest& req) {
  std::string nvrtcWhy;
  const Nvrtc* n = req.compiler == "nvcc" ? nullptr : nvrtc(&nvrtcWhy);
  if (n) {
    CompileResult res = compileNvrtc(n, req);
    // NVRTC lacks the host headers some sources include; nvcc has them. Only under "auto", and
    // only when nvcc exists: its log then replaces NVRTC's.
    bool missingHeader = !res.ok && res.log.find("cannot open source file") != std::string::npos;
    std::string nvcc = req.compiler == "auto" && missingHeader ? req.nvcc : "";
    if (nvcc.empty()) return res;
    CompileResult viaNvcc = compileNvcc(nvcc, req);
    viaNvcc.log = "NVRTC could not compile this (missing header), so nvcc did:\n" + viaNvcc.log;
    return viaNvcc;
  }
  std::string nvcc = req.compiler == "nvrtc" ? "" : req.nvcc;
  if (!nvcc.empty()) return compileNvcc(nvcc, req);
  CompileResult res;
  res.compiler = "none";
  res.reason = req.compiler == "nvcc" ? "no-compiler" : "no-nvrtc";
  res.log = req.compiler == "nvcc" ? "nvcc not given (the caller found none: set CUDA_HOME or put nvcc on PATH)"
                                   : nvrtcWhy + (req.compiler == "nvrtc" ? "" : "; and no nvcc to fall back on");
  return res;
}

}  // namespace sm
