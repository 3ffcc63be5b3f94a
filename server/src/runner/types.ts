// The runner's public data types: what a caller asks for and what comes back. Shared by the
// supervisor (host side), the worker process and the CLI/extension that display results.
import type { ProbeResult } from "scoremod-native";
import type { HeatMapParams } from "../protocol";
import type { SpeedStep } from "./speedStep";
import type { VsNone } from "./modCost";

export type { ProbeResult };

export interface Shape {
  B: number;
  H: number;
  /** KV heads (GQA); defaults to H. */
  Hkv?: number;
  Q: number;
  KV: number;
  /** Head dim: 64 or 128. */
  D: number;
}

export type RunnerTargetId = "runner-hopper" | "runner-sm90" | "runner-sm80";
/** Which attention kernel runs the mod: the Hopper kernel (wgmma, TMA; sm_90a, V <= 2) or the portable one (mma.sync, sm80+). */
export type RunnerKernel = "wgmma" | "mma";

/** A bench job as the CLI knows it before its own analysis: the mod may not be chosen yet (then the file's first). */
export type AheadJob = Omit<BenchJob, "mod"> & { mod?: string };

export interface BenchJob {
  /** The .scoremod.ts file (name for diagnostics and #line) and its text. */
  fileName: string;
  text: string;
  /** The mod to run (score or mask). */
  mod: string;
  /** Another mod of the same file to run with it: a mask for a score mod, a score for a mask. */
  pair?: string;
  /** V; default: the mod's declared vecSize. */
  vec?: number;
  /** Align override for every aux tensor, in bytes ("elem" = element size); used by the sweep. */
  align?: number | "elem";
  shape: Shape;
  dtype?: "bf16" | "f16";
  checks?: Partial<CheckOptions>;
  /** Null: correctness only. */
  timing?: TimingOptions | null;
  /**
   * Also time the same kernel with no mod (modCost.ts NO_MOD: same shape, dtype, kernel and varlen
   * lengths; a mask's baseline is the dense problem), its launches alternated one by one with the
   * mod's, so a change of GPU speed mid-run hits both alike: timing.vsNone. Needs timing.
   */
  vsNone?: boolean;
  /** Scalar values by name (default: each scalar's declared default). */
  scalars?: Record<string, number>;
  /**
   * The user's own aux data by tensor name: a .npy or .safetensors path, or `path.safetensors:key`
   * (absolute, or relative to the runner's cwd). Tensors not named here get generated samples.
   */
  auxFiles?: Record<string, string>;
  /** Values of the file's own dims (TOTAL_K, ...) by name: each one the file uses (ownDims.ts), or the job is refused. */
  dims?: Record<string, number>;
  /**
   * A varlen batch (docs/varlen.md): query and key counts per sequence. The kernel then runs the
   * packed batch (B = 1 of the totals) and shape.B, Q and KV must be the count and the longest.
   */
  seqlens?: { q: number[]; kv: number[] };
  /** Fault injection: shift an aux tensor's base pointer by this many bytes (tests of the alignment check). */
  misalignAux?: Record<string, number>;
  /** Fault injection: drop each row's last tile from the block map (tests that the reference check catches a wrong map). */
  sabotageBlockMap?: boolean;
  /** Write inputs, output and a meta.json here (raw little-endian), for cross-checks outside Node. */
  dumpDir?: string;
  /** Directory that holds csrc/kernels (the worker reads the kernel headers from there). */
  kernelDir?: string;
  /**
   * "auto" (default): on sm_90 the Hopper kernel when every mod's V is at most 2 (an omitted
   * V is capped at 2 there), else the portable kernel; "mma" forces the portable kernel (a
   * second opinion); "wgmma" fails on devices or V it cannot run.
   */
  kernel?: "auto" | RunnerKernel;
}

export interface CheckOptions {
  /** V-lane build vs V = 1 build, bitwise. */
  vecVsScalar: boolean;
  /** vs the fp32 reference kernel. */
  referenceKernel: boolean;
  /** vs the float64 JS reference: "auto" runs it when the problem is small. */
  jsReference: boolean | "auto";
  /**
   * Bounds-checked build: report the first out-of-range aux index instead of faulting. "auto"
   * (default): run it whenever the analysis cannot prove every index in range at this shape.
   */
  bounds: boolean | "auto";
  /** Stop before launch when an obligation fails (default true; false lets tests fault on purpose). */
  enforceObligations: boolean;
}

/**
 * warmup: launches (rounds, with vsNone) before the timed reps, at least; warmupMs: and at least
 * this long, so the reps run at the card's steady clock: under load an H200 drops from 1980 MHz to
 * about 1770-1875 within tens of milliseconds (BENCHMARKS.md, "The H200's steady clock").
 */
export interface TimingOptions { warmup: number; warmupMs?: number; reps: number; inputSets: number }

/** The mask and score view of one mod (the editor's Heat Map), computed in the worker process: it executes the file. */
export interface HeatMapJob {
  fileName: string;
  text: string;
  params: Omit<HeatMapParams, "uri">;
}
/** A heat map that makes no progress for this long is stopped (its top-level code or the mod may loop forever). */
export const HEAT_MAP_IDLE_MS = 10_000;

/** The one table of timing presets (warm-up launches, timed reps, input sets: fresh Q/K/V each); every caller names one. */
export const TIMING = {
  /** `scoremod bench` and its sweep (--reps overrides reps), and the GPU suite's benchmarks. */
  cli: { warmup: 10, warmupMs: 300, reps: 50, inputSets: 3 },
  /** The editor's Benchmark: quicker, with more input sets against a warm L2. */
  editor: { warmup: 5, warmupMs: 300, reps: 30, inputSets: 4 },
  /** Each cell of the editor's sweep (up to 32 cells). */
  sweep: { warmup: 3, warmupMs: 100, reps: 20, inputSets: 2 },
  /** Tests of refusals and errors: the timing path is reached, not measured. */
  smoke: { warmup: 1, reps: 3, inputSets: 1 },
} as const satisfies Record<string, TimingOptions>;

export interface CheckResult {
  name: "vec-vs-scalar" | "reference-kernel" | "js-reference" | "bounds" | "block-map" | "sample-data";
  ok: boolean;
  /** Skipped checks say why (ok is then true). */
  skipped?: string;
  maxAbsErr?: number;
  maxRelErr?: number;
  /** ‖out − ref‖ / ‖ref‖. */
  relL2?: number;
  tolerance?: { abs: number; rel: number };
  detail: string;
}

export interface CompileInfo { compiler: string; registers: number; spillStores: number; spillLoads: number; localBytes: number; sharedBytes: number; compileMs: number }

export interface BenchResult {
  mod: string;
  pair?: string;
  vec: number;
  /** The kernel that ran, and why when it was not the caller's choice (V capped, fallback). */
  kernel: RunnerKernel;
  kernelNote?: string;
  /** The kernel's tile: query rows x kv columns (the Hopper kernel's kv width depends on the job: source.ts wgBlockN). */
  tile: { q: number; kv: number };
  /** The Hopper kernel ran persistent blocks (source.ts wgPersistent): how many, each walking work items (query block, head, batch). */
  persistentBlocks?: number;
  /**
   * The score mod's position expressions converted to float (analysis/positions.ts), when it has
   * any and the Hopper kernel ran it: whether this run took them in float arithmetic (exact for
   * Q + KV <= limit) or converted each int.
   */
  floatPositions?: { sites: string[]; limit: number; used: boolean };
  /**
   * The Hopper kernel's aux ring when this run staged aux loads in shared memory: its depth,
   * the bytes per stage, and whether Q was held in registers so that its memory became a stage.
   */
  auxRing?: { stages: number; stageBytes: number; qInRegisters: boolean };
  align: number | "elem" | "declared";
  shape: Required<Shape>;
  dtype: "bf16" | "f16";
  device: string;
  compile: CompileInfo;
  /**
   * Null when timing was not asked for. tflops counts the work on the tiles the kernel computed
   * (empty tiles skipped); tflopsDense counts every (q, kv) pair, as if nothing were skipped.
   */
  timing: {
    ms: number; msMin: number; msMax: number; reps: number; inputSets: number; tflops: number; tflopsDense: number; auxBytesPerSec: number; auxBytes: number;
    /** The warm-up before the reps: rounds run, and the time asked for (TimingOptions.warmupMs). */
    warmup?: number;
    warmupMs?: number;
    /** Every rep's time in launch order. */
    samples?: number[];
    /** The reps ran at two speeds (speedStep.ts): the medians before rep `at` and from it on. */
    step?: SpeedStep | null;
    /** With BenchJob.vsNone: the baseline's launches (alternated with these reps) and what the mod costs. */
    vsNone?: VsNone;
  } | null;
  /** The analysis's index-safety verdict per aux load at this shape (server/src/analysis/bounds.ts). */
  bounds?: { text: string; line: number; verdict: "proven" | "obligation" | "violated"; detail: string }[];
  /** The block map the kernel ran with (absent: every tile computed, mask on every tile). */
  blockSparsity?: BlockSparsity;
  checks: CheckResult[];
  /** All checks passed. */
  ok: boolean;
  obligations: { text: string; ok: boolean; detail: string }[];
  /** Wall time of this run in the worker, by stage (analyse, compile, data, ..., time). */
  phases: RunPhases;
  /** Where each aux tensor's data came from: the user's file (`path` or `path:key`) or "generated". */
  auxSources?: Record<string, string>;
}

/**
 * Wall time by stage. `stages.data`: making and uploading inputs and checking them against the
 * declarations; outsideMs: everything but compilation and the timed reps (the bench's overhead).
 */
export interface RunPhases { stages: Record<string, number>; totalMs: number; outsideMs: number }

/** Tile classes of a problem (the kernel's tiles); sparsity = empty / tiles. */
export interface BlockSparsity {
  tileQ: number; tileKv: number;
  tiles: number; empty: number; full: number; partial: number;
  sparsity: number;
  /** "static": proven from indices; "data": the mask read aux tensors and was evaluated on them on the GPU. */
  proof: "static" | "data";
  /** Time of the GPU classification pre-pass (not part of the timed kernel), when it ran. */
  prepassMs?: number;
}

export interface SweepJob extends Omit<BenchJob, "vec" | "align"> {
  vecs?: number[];
  aligns?: (number | "elem")[];
}
export interface SweepCell { vec: number; align: number | "elem"; result?: BenchResult; error?: RunnerErrorInfo }
export interface SweepResult { mod: string; shape: Required<Shape>; device: string; cells: SweepCell[] }

export type RunnerErrorKind =
  | "fault"      // the kernel faulted (illegal address, misaligned address, ...)
  | "hang"       // the watchdog killed the worker
  | "crash"      // the worker process died
  | "protocol"   // the worker sent something malformed
  | "refused"    // an obligation failed: nothing was launched
  | "bounds"     // the bounds-checked build found an out-of-range aux index
  | "compile"    // the generated code did not compile
  | "analysis"   // the file has errors or the mod does not exist
  | "no-gpu"     // probe says why the GPU part cannot run
  | "internal";

export interface RunnerErrorInfo {
  kind: RunnerErrorKind;
  message: string;
  mod?: string;
  /** The aux load, as source text ("kvBias.at(b, h, kv)"), when known. */
  load?: string;
  /** 1-based source line of the load, when known. */
  line?: number;
  /** Tensor and obligation for "refused". */
  tensor?: string;
  obligation?: string;
  /** Compiler log for "compile". */
  log?: string;
  /** The file's own dims the job did not set ("analysis"): the editor offers to set them. */
  missingDims?: string[];
}

export class RunnerError extends Error {
  constructor(readonly info: RunnerErrorInfo) {
    super(info.message);
    this.name = "RunnerError";
  }
}
