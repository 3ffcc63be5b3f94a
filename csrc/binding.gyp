{
  "targets": [{
    "target_name": "scoremod_native",
    "sources": ["src/addon.cc", "src/cuda_api.cc", "src/gpu.cc", "src/compile.cc"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
    "cflags_cc": ["-std=c++17", "-O2"],
    "libraries": ["-ldl"]
  }]
}
