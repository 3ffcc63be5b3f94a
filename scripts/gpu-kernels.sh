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

# Compiles one harness: its variant units (PREFIX_*.cu) and MAIN.cu, in parallel, each only when
# it or a kernel/harness header is newer than its object; links OUT; writes the ptxas registers
# and spills of the entry points named ENTRY* to RESOURCES.
#   compile_harness PREFIX MAIN OUT ENTRY RESOURCES [link flags...]
compile_harness() {
  local prefix=$1 main=$2 out=$3 entry=$4 resources=$5
  shift 5
  local src=$ROOT/test/gpu/kernels
  local inc="-I$ROOT/csrc/kernels -I$src"
  local objs=() logs=() pids=() f o
  for f in "$src"/"$prefix"_*.cu "$src/$main.cu"; do
    o=$BUILD/$(basename "${f%.cu}").o
    objs+=("$o")
    [[ $f == "$src/$main.cu" ]] || logs+=("$o.log")
    if [[ ! -f $o || $f -nt $o || -n $(find "$ROOT/csrc/kernels" "$src" \( -name '*.cuh' -o -name '*.h' \) -newer "$o" 2>/dev/null | head -1) ]]; then
      "$NVCC" -O3 -std=c++17 $ARCH $inc -Xptxas -v -c "$f" -o "$o" >"$o.log" 2>&1 &
      pids+=($!)
    fi
  done
  local fail=0 pid
  for pid in "${pids[@]}"; do wait "$pid" || fail=1; done
  if (( fail )); then cat "${logs[@]}" "$BUILD/$main.o.log" >&2; echo "build failed" >&2; exit 1; fi
  "$NVCC" $ARCH "${objs[@]}" -o "$BUILD/$out" "$@"
  grep -h -A3 "Compiling entry function '$entry" "${logs[@]}" | grep -E "entry|registers|spill" \
    | sed -E "s/ptxas info *: //" > "$BUILD/$resources" || true
  LOGS_OF_LAST_BUILD=("${logs[@]}")
}

# The portable kernel's harness (v_*.cu + harness.cu).
build() { compile_harness v harness harness sm_attn_fwd_mma_bf16_d128 resources.txt -ldl; }

# The Hopper kernel's harness (w_*.cu + wg_harness.cu); wgmma serialisation (C75xx) fails it.
build_wg() {
  compile_harness w wg_harness wg_harness sm_attn_fwd_wgmma_ wg_resources.txt
  if grep -h "C75[0-9][0-9]" "${LOGS_OF_LAST_BUILD[@]}"; then echo "ptxas reported wgmma serialisation (C75xx) above" >&2; exit 1; fi
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
