// Entry point of the native runner addon (filled in by the runner work).
#include <napi.h>
static Napi::Object Init(Napi::Env env, Napi::Object exports) { return exports; }
NODE_API_MODULE(scoremod_native, Init)
