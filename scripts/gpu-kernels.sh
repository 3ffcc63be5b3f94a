#!/usr/bin/env bash
# Builds and runs the attention-kernel harness (test/gpu/kernels) and the PyTorch peer timings.
#   scripts/gpu-kernels.sh build   build only (works without a GPU: nvcc is enough)
#   scripts/gpu-kernels.sh run     build if needed, run checks + timings + peers; short table last
# Output: build/gpu-kernels/harness; logs under $OUT (device tool) or build/gpu-kernels/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/build/gpu-kernels
LOGS=${OUT:-$BUILD}
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
ARCH=${GPU_KERNELS_ARCH:--gencode=arch=compute_90a,code=sm_90a}
mkdir -p "$BUILD" "$LOGS"

build() {
  local src=$ROOT/test/gpu/kernels
  local inc="-I$ROOT/csrc/kernels -I$src"
  local objs=() pids=() f o
  for f in "$src"/v_*.cu "$src"/harness.cu; do
    o=$BUILD/$(basename "${f%.cu}").o
    objs+=("$o")
    if [[ ! -f $o || $f -nt $o || -n $(find "$ROOT/csrc/kernels" "$src" -name '*.cuh' -o -name '*.h' -newer "$o" 2>/dev/null | head -1) ]]; then
      "$NVCC" -O3 -std=c++17 $ARCH $inc -Xptxas -v -c "$f" -o "$o" >"$o.log" 2>&1 &
      pids+=($!)
    fi
  done
  local fail=0 pid
  for pid in "${pids[@]}"; do wait "$pid" || fail=1; done
  if (( fail )); then cat "$BUILD"/*.o.log >&2; echo "build failed" >&2; exit 1; fi
  "$NVCC" $ARCH "${objs[@]}" -o "$BUILD/harness" -ldl
  # Registers and spills of the tensor-core entry points, for the notes.
  local logs=()
  for f in "$src"/v_*.cu; do logs+=("$BUILD/$(basename "${f%.cu}").o.log"); done
  grep -h -A3 "Compiling entry function 'sm_attn_fwd_mma_bf16_d128" "${logs[@]}" | grep -E "entry|registers|spill" \
    | sed -E "s/ptxas info *: //" > "$BUILD/resources.txt" || true
}

# The Hopper kernel's harness (test/gpu/kernels/w_*.cu + wg_harness.cu).
build_wg() {
  local src=$ROOT/test/gpu/kernels
  local inc="-I$ROOT/csrc/kernels -I$src"
  local objs=() pids=() f o
  for f in "$src"/w_*.cu "$src"/wg_harness.cu; do
    o=$BUILD/$(basename "${f%.cu}").o
    objs+=("$o")
    if [[ ! -f $o || $f -nt $o || -n $(find "$ROOT/csrc/kernels" "$src" -name '*.cuh' -newer "$o" -o -name '*.h' -newer "$o" 2>/dev/null | head -1) ]]; then
      "$NVCC" -O3 -std=c++17 $ARCH $inc -Xptxas -v -c "$f" -o "$o" >"$o.log" 2>&1 &
      pids+=($!)
    fi
  done
  local fail=0 pid
  for pid in "${pids[@]}"; do wait "$pid" || fail=1; done
  if (( fail )); then cat "$BUILD"/w*.o.log >&2; echo "build failed" >&2; exit 1; fi
  "$NVCC" $ARCH "${objs[@]}" -o "$BUILD/wg_harness"
  grep -h -A3 "Compiling entry function 'sm_attn_fwd_wgmma_" "$BUILD"/w_*.o.log | grep -E "entry|registers|spill" \
    | sed -E "s/ptxas info *: //" > "$BUILD/wg_resources.txt" || true
  if grep -h "C75[0-9][0-9]" "$BUILD"/w_*.o.log; then echo "ptxas reported wgmma serialisation (C75xx) above" >&2; exit 1; fi
}

case "${1:-run}" in
  build-wg) build_wg; echo "built $BUILD/wg_harness" ;;
  run-wg)
    [[ -x $BUILD/wg_harness ]] || build_wg
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv | tee "$LOGS/gpu.txt" || true
    "$BUILD/wg_harness" "${@:2}" 2>&1 | tee "$LOGS/wg_harness.log"
    exit "${PIPESTATUS[0]}"
    ;;
  build) build; echo "built $BUILD/harness" ;;
  run)
    [[ -x $BUILD/harness ]] || build
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv | tee "$LOGS/gpu.txt" || true
    set +e
    "$BUILD/harness" --root "$ROOT" --cuda-include "${CUDA_HOME:-/usr/local/cuda}/include" 2>&1 | tee "$LOGS/harness.log"
    hrc=${PIPESTATUS[0]}
    PYTHONUNBUFFERED=1 python3 "$ROOT/test/gpu/kernels/peer.py" 2>&1 | tee "$LOGS/peer.log"
    prc=${PIPESTATUS[0]}
    set -e
    echo "==== summary ($(date -u +%FT%TZ)) harness rc=$hrc peer rc=$prc"
    grep -E "^(FAIL|OK|FAILED)" "$LOGS/harness.log" || true
    sed -n '/^B=1 H=16/,/^$/p' "$LOGS/harness.log"
    sed -n '/^peer table/,$p' "$LOGS/peer.log"
    exit $(( hrc != 0 || prc != 0 ))
    ;;
  *) echo "usage: $0 build|run|build-wg|run-wg [harness args]" >&2; exit 2 ;;
esac
