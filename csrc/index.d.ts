// Typings of the native runner addon (csrc/src/addon.cc) as exposed by the loader (index.js).

export interface DeviceInfo {
  index: number;
  name: string;
  /** Compute capability as one number: 90 for sm_90. */
  sm: number;
  major: number;
  minor: number;
  smCount: number;
  memoryBytes: number;
  clockKHz: number;
  memClockKHz: number;
  memBusWidth: number;
  l2Bytes: number;
  maxSmemPerBlockOptin: number;
}

/**
 * Why the GPU part cannot run here. "no-addon": the .node file is missing or failed to load;
 * "no-platform": an installed package with no runner for this platform (the universal .vsix, or
 * another platform's).
 */
export type ProbeReason = "no-addon" | "no-platform" | "no-driver" | "no-device" | "no-nvrtc";

interface ProbeCommon {
  driverVersion: number;
  devices: DeviceInfo[];
  libcuda: string | null;
  libnvrtc: string | null;
  nvrtcVersion: string | null;
  /** Why NVRTC was not found (dlopen messages and paths tried), or null. */
  nvrtcError: string | null;
  /** The nvcc probe() was given (the addon does not search for one), or null. */
  nvcc: string | null;
  /** The compiler compile() will use by default. */
  compiler: "nvrtc" | "nvcc" | null;
}
export type ProbeResult = (ProbeCommon & { ok: true }) | (ProbeCommon & { ok: false; reason: ProbeReason; detail: string });

export interface CompileOptions {
  /** Real architecture, e.g. "sm_90a" or "sm_80". */
  arch: string;
  /** File name used in diagnostics. */
  name?: string;
  /** "auto" (NVRTC, else nvcc), "nvrtc" or "nvcc". */
  compiler?: "auto" | "nvrtc" | "nvcc";
  /** nvcc's path for the nvcc paths of "auto" and "nvcc"; the caller finds it (server/src/toolchain/nvcc.ts findNvcc). */
  nvcc?: string;
  /** "NAME" or "NAME=VALUE". */
  defines?: string[];
  includeDirs?: string[];
  /** Kernel name expressions (templates allowed with NVRTC) to lower; see CompileResult.lowered. */
  nameExpressions?: string[];
  /** Extra compiler options, passed as is. */
  options?: string[];
  lineInfo?: boolean;
}
export type CompileResult =
  | { ok: true; compiler: "nvrtc" | "nvcc"; log: string; cubin: Buffer; lowered: Record<string, string> }
  | { ok: false; compiler: "nvrtc" | "nvcc" | "none"; log: string; reason: "compile-error" | "no-nvrtc" | "no-compiler" | "internal"; lowered: Record<string, string> };

export interface FunctionInfo { registers: number; localBytes: number; staticSharedBytes: number; constBytes: number; maxThreadsPerBlock: number }

export interface LaunchSpec {
  module: number;
  /** The (lowered) kernel name. */
  fn: string;
  grid: [number, number, number];
  block: [number, number, number];
  /** Dynamic shared memory in bytes. */
  sharedBytes?: number;
  /** Packed kernel arguments (one buffer, laid out as the kernel's parameter list); several are cycled. */
  args: Uint8Array | Uint8Array[];
}

export const loadedFrom: string | null;
export const loadError: string | null;
/** Never throws. `nvcc`: the nvcc the runner would fall back on (found by server/src/toolchain/nvcc.ts), if any. */
export function probe(nvcc?: string): ProbeResult;
export function compile(source: string, options: CompileOptions): Promise<CompileResult>;
/** Retains the primary context of a device (default 0). Every other GPU call uses it. */
export function init(device?: number): void;
/** cuInit and device 0's context on a pool thread (init(0) then only makes it current); rejects with the driver's error. */
export function warmUp(): Promise<void>;
export function loadModule(cubin: Uint8Array): number;
export function unloadModule(module: number): void;
export function functionInfo(module: number, fn: string): FunctionInfo;
/** One launch and a synchronize: a kernel fault rejects with the CUDA error's name. */
export function launch(spec: LaunchSpec): Promise<void>;
/**
 * `warmup` rounds, then `reps` rounds, each launch timed with CUDA events; a round launches each
 * spec once, in order (several specs: kernels alternated launch by launch). Launch k, warm-up
 * included, uses its spec's argument set k % (its sets). ms per launch, in launch order.
 */
export function time(spec: LaunchSpec | LaunchSpec[], warmup: number, reps: number): Promise<Float64Array>;
export function alloc(bytes: number): bigint;
export function free(ptr: bigint): void;
export function upload(ptr: bigint, data: Uint8Array | ArrayBufferView): void;
export function download(ptr: bigint, bytes: number): Buffer;
export function memset(ptr: bigint, byte: number, bytes: number): void;
export function memInfo(): { freeBytes: number; totalBytes: number };
export function globalAddress(module: number, name: string): { ptr: bigint; bytes: number };
/**
 * A TMA tensor map (cuTensorMapEncodeTiled) for a 16-bit tensor, as the 128 bytes the Hopper
 * kernel takes in its parameter: dims innermost first, strides in bytes for dims 1..rank-1, the
 * box copied per TMA, 128-byte swizzle, out-of-bounds elements read as zero.
 */
export function tensorMap(spec: { ptr: bigint; dtype: "bf16" | "f16"; dims: number[]; strides: number[]; box: number[] }): Buffer;
