// N-API face of the runner core (gpu.h). Synchronous calls for quick things (probe, memory,
// module load); compile, launch and timing run on libuv's pool and return Promises, so the
// JS thread never waits on the GPU or the compiler. Errors: sync calls throw Error, async
// calls reject; compile errors resolve as {ok:false, reason, log}.
#include <napi.h>

#include <functional>
#include <type_traits>
#include <memory>

#include "gpu.h"

namespace {

using sm::CUdeviceptr;

Napi::Value fail(Napi::Env env, const std::string& msg) {
  Napi::Error::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

// A job for the thread pool with a small result "baton", resolved on the JS thread.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Run = std::function<bool(std::string*)>;
  using Done = std::function<Napi::Value(Napi::Env)>;
  PromiseWorker(Napi::Env env, Run run, Done done)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), run_(std::move(run)), done_(std::move(done)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    std::string err;
    if (!run_(&err)) SetError(err);
  }
  void OnOK() override { deferred_.Resolve(done_(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Run run_;
  Done done_;
};

bool toPtr(const Napi::Value& v, CUdeviceptr* out) {
  if (!v.IsBigInt()) return false;
  bool lossless = true;
  *out = v.As<Napi::BigInt>().Uint64Value(&lossless);
  return lossless;
}

bool bytesOf(const Napi::Value& v, const char** data, size_t* size) {
  if (v.IsBuffer()) {
    auto b = v.As<Napi::Buffer<char>>();
    *data = b.Data(); *size = b.Length();
    return true;
  }
  if (v.IsTypedArray()) {
    auto t = v.As<Napi::TypedArray>();
    *data = static_cast<const char*>(t.ArrayBuffer().Data()) + t.ByteOffset(); *size = t.ByteLength();
    return true;
  }
  return false;
}

std::vector<std::string> stringList(const Napi::Object& o, const char* key) {
  std::vector<std::string> out;
  if (!o.Has(key)) return out;
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) return out;
  auto a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) out.push_back(a.Get(i).ToString().Utf8Value());
  return out;
}

Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  sm::ProbeInfo p = sm::probe(info.Length() > 0 && info[0].IsString() ? info[0].ToString().Utf8Value() : "");
  Napi::Object o = Napi::Object::New(env);
  o.Set("ok", p.ok);
  if (!p.ok) { o.Set("reason", p.reason); o.Set("detail", p.detail); }
  o.Set("driverVersion", p.driverVersion);
  Napi::Array devs = Napi::Array::New(env, p.devices.size());
  for (size_t i = 0; i < p.devices.size(); ++i) {
    const auto& d = p.devices[i];
    Napi::Object x = Napi::Object::New(env);
    x.Set("index", d.index); x.Set("name", d.name);
    x.Set("sm", d.major * 10 + d.minor); x.Set("major", d.major); x.Set("minor", d.minor);
    x.Set("smCount", d.smCount); x.Set("memoryBytes", (double)d.memoryBytes);
    x.Set("clockKHz", d.clockKHz); x.Set("memClockKHz", d.memClockKHz); x.Set("memBusWidth", d.memBusWidth);
    x.Set("l2Bytes", d.l2Bytes); x.Set("maxSmemPerBlockOptin", d.maxSmemOptin);
    devs.Set(i, x);
  }
  o.Set("devices", devs);
  o.Set("libcuda", p.libcuda.empty() ? env.Null() : Napi::String::New(env, p.libcuda));
  o.Set("libnvrtc", p.libnvrtc.empty() ? env.Null() : Napi::String::New(env, p.libnvrtc));
  o.Set("nvrtcVersion", p.libnvrtc.empty() ? env.Null() : Napi::String::New(env, std::to_string(p.nvrtcMajor) + "." + std::to_string(p.nvrtcMinor)));
  o.Set("nvrtcError", p.nvrtcError.empty() ? env.Null() : Napi::String::New(env, p.nvrtcError));
  o.Set("nvcc", p.nvcc.empty() ? env.Null() : Napi::String::New(env, p.nvcc));
  o.Set("compiler", !p.libnvrtc.empty() ? Napi::String::New(env, "nvrtc") : !p.nvcc.empty() ? Napi::String::New(env, "nvcc") : env.Null());
  return o;
}

Napi::Value Compile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsObject())
    return fail(env, "compile(source: string, options: {arch, ...})");
  auto req = std::make_shared<sm::CompileRequest>();
  req->source = info[0].As<Napi::String>().Utf8Value();
  Napi::Object o = info[1].As<Napi::Object>();
  if (!o.Has("arch") || !o.Get("arch").IsString()) return fail(env, "compile: options.arch (e.g. \"sm_90a\") is required");
  req->arch = o.Get("arch").ToString().Utf8Value();
  if (o.Has("name") && o.Get("name").IsString()) req->name = o.Get("name").ToString().Utf8Value();
  if (o.Has("compiler") && o.Get("compiler").IsString()) req->compiler = o.Get("compiler").ToString().Utf8Value();
  if (o.Has("nvcc") && o.Get("nvcc").IsString()) req->nvcc = o.Get("nvcc").ToString().Utf8Value();
  if (o.Has("lineInfo")) req->lineInfo = o.Get("lineInfo").ToBoolean().Value();
  req->defines = stringList(o, "defines");
  req->includeDirs = stringList(o, "includeDirs");
  req->nameExpressions = stringList(o, "nameExpressions");
  req->extraOptions = stringList(o, "options");
  auto res = std::make_shared<sm::CompileResult>();
  auto* w = new PromiseWorker(env, [req, res](std::string*) { *res = sm::compile(*req); return true; },
      [res](Napi::Env env) -> Napi::Value {
        Napi::Object r = Napi::Object::New(env);
        r.Set("ok", res->ok);
        r.Set("compiler", res->compiler);
        r.Set("log", res->log);
        if (!res->ok) r.Set("reason", res->reason);
        if (res->ok) r.Set("cubin", Napi::Buffer<char>::Copy(env, res->cubin.data(), res->cubin.size()));
        Napi::Object lowered = Napi::Object::New(env);
        for (auto& kv : res->lowered) lowered.Set(kv.first, kv.second);
        r.Set("lowered", lowered);
        return r;
      });
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int dev = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  std::string err;
  if (!sm::ensureContext(dev, &err)) return fail(env, err);
  return env.Undefined();
}

// cuInit and device 0's context on the pool (about 0.1-0.3 s on a large GPU), while the JS
// thread goes on loading; init(0) later only makes it current.
Napi::Value WarmUp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* w = new PromiseWorker(env, [](std::string* err) { return sm::warmContext(err); }, [](Napi::Env e) { return e.Undefined(); });
  auto p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value LoadModule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* data; size_t size;
  if (info.Length() < 1 || !bytesOf(info[0], &data, &size)) return fail(env, "loadModule(cubin: Buffer)");
  std::vector<char> image(data, data + size);
  std::string err;
  int h = sm::loadModule(image, &err);
  if (!h) return fail(env, err);
  return Napi::Number::New(env, h);
}

Napi::Value UnloadModule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) return fail(env, "unloadModule(handle: number)");
  std::string err;
  if (!sm::unloadModule(info[0].As<Napi::Number>().Int32Value(), &err)) return fail(env, err);
  return env.Undefined();
}

Napi::Value FunctionInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsString()) return fail(env, "functionInfo(module, name)");
  sm::FuncInfo fi;
  std::string err;
  if (!sm::functionInfo(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::String>().Utf8Value(), &fi, &err))
    return fail(env, err);
  Napi::Object o = Napi::Object::New(env);
  o.Set("registers", fi.registers); o.Set("localBytes", fi.localBytes); o.Set("staticSharedBytes", fi.staticSmem);
  o.Set("constBytes", fi.constBytes); o.Set("maxThreadsPerBlock", fi.maxThreads);
  return o;
}

// {module, fn, grid:[x,y,z], block:[x,y,z], sharedBytes, args: Buffer | Buffer[]}
bool readLaunch(Napi::Env env, const Napi::Value& v, sm::Launch* l, std::string* err) {
  if (!v.IsObject()) { *err = "launch spec must be an object"; return false; }
  Napi::Object o = v.As<Napi::Object>();
  if (!o.Get("module").IsNumber() || !o.Get("fn").IsString()) { *err = "launch spec needs module (number) and fn (string)"; return false; }
  l->module = o.Get("module").As<Napi::Number>().Int32Value();
  l->fn = o.Get("fn").ToString().Utf8Value();
  for (const char* key : {"grid", "block"}) {
    Napi::Value a = o.Get(key);
    if (!a.IsArray()) { *err = std::string("launch spec needs ") + key + ": [x, y, z]"; return false; }
    auto arr = a.As<Napi::Array>();
    unsigned* dst = key[0] == 'g' ? l->grid : l->block;
    for (uint32_t i = 0; i < 3 && i < arr.Length(); ++i) dst[i] = arr.Get(i).As<Napi::Number>().Uint32Value();
  }
  if (o.Has("sharedBytes")) l->smem = o.Get("sharedBytes").As<Napi::Number>().Uint32Value();
  Napi::Value args = o.Get("args");
  std::vector<Napi::Value> sets;
  if (args.IsArray()) {
    auto arr = args.As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); ++i) sets.push_back(arr.Get(i));
  } else {
    sets.push_back(args);
  }
  for (auto& s : sets) {
    const char* data; size_t size;
    if (!bytesOf(s, &data, &size)) { *err = "launch spec args must be Buffers of packed kernel arguments"; return false; }
    l->argSets.emplace_back(data, data + size);
  }
  if (l->argSets.empty()) { *err = "launch spec has no argument buffer"; return false; }
  return true;
}

Napi::Value LaunchOnce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto l = std::make_shared<sm::Launch>();
  std::string err;
  if (info.Length() < 1 || !readLaunch(env, info[0], l.get(), &err)) return fail(env, "launch: " + err);
  auto* w = new PromiseWorker(env, [l](std::string* e) { return sm::launchOnce(*l, e); },
                              [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// time(spec | spec[], warmup, reps): several specs are alternated launch by launch.
Napi::Value Time(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto ls = std::make_shared<std::vector<sm::Launch>>();
  std::string err;
  if (info.Length() < 3 || !info[1].IsNumber() || !info[2].IsNumber()) return fail(env, "time(launch | launch[], warmup, reps)");
  std::vector<Napi::Value> specs;
  if (info[0].IsArray()) {
    auto arr = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); ++i) specs.push_back(arr.Get(i));
  } else {
    specs.push_back(info[0]);
  }
  if (specs.empty()) return fail(env, "time: no launch spec");
  for (auto& v : specs) {
    ls->emplace_back();
    if (!readLaunch(env, v, &ls->back(), &err)) return fail(env, "time(launch | launch[], warmup, reps): " + err);
  }
  int warmup = info[1].As<Napi::Number>().Int32Value(), reps = info[2].As<Napi::Number>().Int32Value();
  if (reps < 1 || warmup < 0) return fail(env, "time: reps must be >= 1 and warmup >= 0");
  auto ms = std::make_shared<std::vector<float>>();
  auto* w = new PromiseWorker(env, [ls, warmup, reps, ms](std::string* e) { return sm::timeLaunches(*ls, warmup, reps, ms.get(), e); },
      [ms](Napi::Env env) -> Napi::Value {
        Napi::Float64Array a = Napi::Float64Array::New(env, ms->size());
        for (size_t i = 0; i < ms->size(); ++i) a[i] = (*ms)[i];
        return a;
      });
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value Alloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) return fail(env, "alloc(bytes: number)");
  double bytes = info[0].As<Napi::Number>().DoubleValue();
  if (!(bytes > 0)) return fail(env, "alloc: bytes must be > 0");
  CUdeviceptr p = 0;
  std::string err;
  if (!sm::memAlloc((size_t)bytes, &p, &err)) return fail(env, err);
  return Napi::BigInt::New(env, (uint64_t)p);
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CUdeviceptr p;
  if (info.Length() < 1 || !toPtr(info[0], &p)) return fail(env, "free(ptr: bigint)");
  std::string err;
  if (!sm::memFree(p, &err)) return fail(env, err);
  return env.Undefined();
}

Napi::Value Upload(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CUdeviceptr p; const char* data; size_t size;
  if (info.Length() < 2 || !toPtr(info[0], &p) || !bytesOf(info[1], &data, &size)) return fail(env, "upload(ptr: bigint, data: Buffer | TypedArray)");
  std::string err;
  if (!sm::memUpload(p, data, size, &err)) return fail(env, err);
  return env.Undefined();
}

Napi::Value Download(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CUdeviceptr p;
  if (info.Length() < 2 || !toPtr(info[0], &p) || !info[1].IsNumber()) return fail(env, "download(ptr: bigint, bytes: number)");
  size_t n = (size_t)info[1].As<Napi::Number>().DoubleValue();
  Napi::Buffer<char> out = Napi::Buffer<char>::New(env, n);
  std::string err;
  if (!sm::memDownload(p, out.Data(), n, &err)) return fail(env, err);
  return out;
}

Napi::Value Memset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CUdeviceptr p;
  if (info.Length() < 3 || !toPtr(info[0], &p) || !info[1].IsNumber() || !info[2].IsNumber())
    return fail(env, "memset(ptr: bigint, byte: number, bytes: number)");
  std::string err;
  if (!sm::memSet(p, (unsigned char)info[1].As<Napi::Number>().Uint32Value(), (size_t)info[2].As<Napi::Number>().DoubleValue(), &err))
    return fail(env, err);
  return env.Undefined();
}

Napi::Value MemInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t f = 0, t = 0;
  std::string err;
  if (!sm::memInfo(&f, &t, &err)) return fail(env, err);
  Napi::Object o = Napi::Object::New(env);
  o.Set("freeBytes", (double)f); o.Set("totalBytes", (double)t);
  return o;
}

Napi::Value GlobalAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsString()) return fail(env, "globalAddress(module, name)");
  CUdeviceptr p = 0; size_t bytes = 0;
  std::string err;
  if (!sm::globalAddress(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::String>().Utf8Value(), &p, &bytes, &err))
    return fail(env, err);
  Napi::Object o = Napi::Object::New(env);
  o.Set("ptr", Napi::BigInt::New(env, (uint64_t)p)); o.Set("bytes", (double)bytes);
  return o;
}

// tensorMap({ ptr: bigint, dtype: "bf16" | "f16", dims: number[], strides: number[], box: number[] }): Buffer(128)
Napi::Value TensorMap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* usage = "tensorMap({ ptr: bigint, dtype: 'bf16'|'f16', dims: number[], strides: number[] (bytes), box: number[] })";
  if (info.Length() < 1 || !info[0].IsObject()) return fail(env, usage);
  Napi::Object o = info[0].As<Napi::Object>();
  sm::TensorMapSpec t;
  if (!toPtr(o.Get("ptr"), &t.ptr) || !o.Get("dtype").IsString()) return fail(env, usage);
  const std::string dt = o.Get("dtype").As<Napi::String>().Utf8Value();
  if (dt != "bf16" && dt != "f16") return fail(env, usage);
  t.f16 = dt == "f16";
  auto nums = [&](const char* key, auto* outv) -> bool {
    Napi::Value v = o.Get(key);
    if (!v.IsArray()) return false;
    auto a = v.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) {
      Napi::Value x = a.Get(i);
      if (!x.IsNumber() || x.As<Napi::Number>().DoubleValue() < 0) return false;
      outv->push_back((typename std::remove_pointer<decltype(outv)>::type::value_type)x.As<Napi::Number>().DoubleValue());
    }
    return true;
  };
  if (!nums("dims", &t.dims) || !nums("strides", &t.strides) || !nums("box", &t.box)) return fail(env, usage);
  unsigned char map[128];
  std::string err;
  if (!sm::encodeTensorMap(t, map, &err)) return fail(env, err);
  return Napi::Buffer<unsigned char>::Copy(env, map, 128);
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("probe", Napi::Function::New(env, Probe));
  exports.Set("compile", Napi::Function::New(env, Compile));
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("warmUp", Napi::Function::New(env, WarmUp));
  exports.Set("loadModule", Napi::Function::New(env, LoadModule));
  exports.Set("unloadModule", Napi::Function::New(env, UnloadModule));
  exports.Set("functionInfo", Napi::Function::New(env, FunctionInfo));
  exports.Set("launch", Napi::Function::New(env, LaunchOnce));
  exports.Set("time", Napi::Function::New(env, Time));
  exports.Set("alloc", Napi::Function::New(env, Alloc));
  exports.Set("free", Napi::Function::New(env, Free));
  exports.Set("upload", Napi::Function::New(env, Upload));
  exports.Set("download", Napi::Function::New(env, Download));
  exports.Set("memset", Napi::Function::New(env, Memset));
  exports.Set("memInfo", Napi::Function::New(env, MemInfo));
  exports.Set("globalAddress", Napi::Function::New(env, GlobalAddress));
  exports.Set("tensorMap", Napi::Function::New(env, TensorMap));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace

NODE_API_MODULE(scoremod_native, InitModule)
