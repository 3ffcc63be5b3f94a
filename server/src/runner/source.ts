// From generated mods (prepare.ts: analysis with the V and align asked for, generated mod
// functions) to the CUDA programs a run compiles: the translation units that instantiate the
// attention kernels with them (csrc/kernels/README.md: SM_SCORE_MOD / SM_MASK_MOD macros).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FileAnalysis, ModFact } from "../analysis/facts";
import { findExpr } from "../analysis/ir";
import { floatPositionsHold } from "../analysis/positions";
import { isStaged } from "../analysis/staging";
import type { GeneratedCuda } from "../codegen/cuda";
import type { RunnerKernel, RunnerTargetId } from "./types";
import { RunnerError } from "./types";

export interface PreparedMod {
  fa: FileAnalysis;
  mod: ModFact;
  /** The mod at the V asked for, and at V = 1 (scalar build, reference kernel). */
  vec: GeneratedCuda;
  scalar: GeneratedCuda;
  text: string;
}

/**
 * Block shape of the tensor-core kernel. The runner passes both values as defines, so kernel
 * and host agree whatever the header's defaults are; the defaults are read from the header
 * (attention_launch.h) so the runner follows the kernels' tuning. Env overrides for experiments.
 */
export interface MmaGeometry { warps: number; kstages: number }

export function readGeometry(kernelDir: string, env: NodeJS.ProcessEnv = process.env): MmaGeometry {
  const path = join(kernelDir, "attention_launch.h");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const def = (name: string, fallback: number): number => {
    const m = new RegExp(`#define\\s+${name}\\s+(\\d+)`).exec(text);
    return m ? Number(m[1]) : fallback;
  };
  const pick = (v: string | undefined, d: number) => (v && /^\d+$/.test(v) ? Number(v) : d);
  return {
    warps: pick(env.SCOREMOD_MMA_WARPS, def("SM_ATTN_MMA_WARPS", 4)),
    kstages: pick(env.SCOREMOD_MMA_KSTAGES, def("SM_ATTN_MMA_KSTAGES", 1)),
  };
}

export interface ProgramSpec {
  score?: PreparedMod;
  mask?: PreparedMod;
  /** "wgmma": the Hopper kernel (sm_90a, mods of V <= 2); "mma": the portable kernel. Default "mma". */
  kernel?: RunnerKernel;
  /** "vec": SM_VEC = the mod's V, with the reference kernel; "scalar": V = 1 (bitwise check). */
  build: "vec" | "scalar";
  dtype: "bf16" | "f16";
  D: number;
  bounds: boolean;
  geometry: MmaGeometry;
  /** The Hopper kernel's kv tile width (wgBlockN: one per job, so its builds walk the same tiles). Default 128. */
  blockN?: number;
  /** The run keeps the score mod's float positions exact (floatPositionsFor): SM_FLOAT_POSITIONS. */
  floatPositions?: boolean;
}

export interface Program {
  source: string;
  defines: string[];
  kernel: RunnerKernel;
  /** The tensor-core kernel's entry (Hopper or portable, per `kernel`) and the fp32 reference's. */
  mainKernel: string;
  refKernel: string;
  /** The block classification pre-pass (programs with a mask mod), else null. */
  classifyKernel: string | null;
  /** The S tile goes through shared memory (a mod with V > 2; portable kernel only). */
  staged: boolean;
  /** Aux bytes per stage the Hopper kernel's producer copies into shared memory (0: no staging). */
  auxStageBytes: number;
  /**
   * A staged aux tile (Hopper kernel): the runner makes its TMA tensor map (SmWgParams.ta) for
   * the aux tensor in this slot, with the tensor's dims in this order (kv, q, the others).
   */
  auxTile: { slot: number; dims: number[] } | null;
  geometry: MmaGeometry;
  /** Launch shape of the tensor-core kernel: threads per block, query rows per block, kv columns per tile (the block map's). */
  threads: number;
  blockM: number;
  blockN: number;
  /** Dynamic shared memory of the tensor-core kernel (attention_launch.h's formulas). */
  smemBytes: number;
  /** Built with SM_FLOAT_POSITIONS (ProgramSpec.floatPositions). */
  floatPositions: boolean;
  /** The Hopper kernel's aux ring (wgAuxLayout); meaningful when auxStageBytes > 0. */
  auxLayout: WgAuxLayout;
  /** The Hopper kernel's blocks are persistent (wgPersistent): launch mainGrid's grid, not one block per query block. */
  persistent: boolean;
}

/**
 * The main kernel's grid: one block per (query block, head, batch), or for a persistent Hopper
 * kernel one per SM (no more than there are work items), each walking work items.
 */
export function mainGrid(program: Pick<Program, "blockM" | "persistent">, Q: number, H: number, B: number, smCount: number): [number, number, number] {
  const nq = Math.ceil(Q / program.blockM);
  return program.persistent ? [Math.max(1, Math.min(nq * H * B, smCount)), 1, 1] : [nq, H, B];
}

/**
 * Whether the Hopper kernel peels its KV-tail tile (SM_WG_PEEL_TAIL: a second copy of the loop
 * body, so the other tiles skip the tail test). Measured on the H200, alternated in one call each
 * (notes/gpu-2026-11-28-s7/call1-ab-peel-*.txt, call6-ab-peel-rest.txt): peeling gains 1-5% with
 * masks and with score mods that load nothing or only gather or read directly (causal, block-causal,
 * prefix-lm, relative-position, spatial-bias), and loses 1-10% when the score mod loads a uniform
 * value or reads staged aux (alibi, gated-decay, low-rank-bias, kv-bias, full-bias): ptxas then
 * issues the P V wait ahead of the tile's exponentials (call 2's SASS of alibi). A score mod that
 * gathers is peeled whatever else it loads: graph-distance (uniform, staged and gathered loads)
 * 1.3% faster peeled there, 2.2% in notes/gpu-2026-11-28-s8/call5-ab-peel.txt, where uniform
 * loads, now once per work item, still lose peeled (gated-decay +39% against +26% over no mod,
 * low-rank-bias +83% against +56%; alibi +19% against +13% in call2-ab-peel.txt).
 * Decided from the mod, not the build, so vec and scalar builds share the loop's shape.
 * SCOREMOD_WG_PEEL=0|1 overrides.
 */
export function wgPeelTail(spec: Pick<ProgramSpec, "score">, env: NodeJS.ProcessEnv = process.env): boolean {
  const forced = env.SCOREMOD_WG_PEEL;
  if (forced === "0" || forced === "1") return forced === "1";
  const loads = spec.score?.mod.loads ?? [];
  return loads.some((l) => l.class === "gather") || !loads.some((l) => l.class === "uniform" || isStaged(l));
}

/** One translation unit: the mod functions, the macros that plug them in, the kernel entries. */
export function buildProgram(spec: ProgramSpec): Program {
  const parts: string[] = [];
  const kernel = spec.kernel ?? "mma";
  const defines: string[] = [spec.dtype === "bf16" ? "SM_ATTN_DTYPE_BF16" : "SM_ATTN_DTYPE_F16", `SM_ATTN_D${spec.D}`,
    `SM_ATTN_MMA_WARPS=${spec.geometry.warps}`, `SM_ATTN_MMA_KSTAGES=${spec.geometry.kstages}`];
  if (kernel === "wgmma") {
    defines.push("SM_ATTN_WGMMA");
    defines.push(`SM_WG_PEEL_TAIL=${wgPeelTail(spec) ? 1 : 0}`);
    defines.push(`SM_ATTN_WG_BLOCK_N=${spec.blockN ?? WG.blockN}`);
    if (spec.floatPositions) defines.push("SM_FLOAT_POSITIONS=1");
  }
  if (spec.bounds) defines.push("SM_BOUNDS_CHECK");
  // Experiments: SCOREMOD_KERNEL_DEFINES="NAME=VALUE,..." (or ';'-separated, for tools that split
  // on commas) adds kernel switches (A/B runs).
  for (const d of (process.env.SCOREMOD_KERNEL_DEFINES ?? "").split(/[,;]/)) if (/^SM_[A-Z0-9_]+(=[0-9]+)?$/.test(d)) defines.push(d);
  // Aux staging (Hopper kernel, vec build, no bounds checks): the scalar build stays direct, so
  // the bitwise vec-vs-scalar check compares staged reads with global ones.
  // SCOREMOD_AUX_STAGE=0 turns it off (A/B measurements).
  const stageAux = kernel === "wgmma" && spec.build === "vec" && !spec.bounds && process.env.SCOREMOD_AUX_STAGE !== "0";
  const auxBytes = { SCORE: 0, MASK: 0 };
  let auxTile: Program["auxTile"] = null;
  const plug = (p: PreparedMod | undefined, kind: "SCORE" | "MASK"): number => {
    if (!p) return 1;
    const g = spec.build === "vec" ? p.vec : p.scalar;
    parts.push(g.code);
    if (g !== p.scalar) parts.push(p.scalar.code);
    const vecMacro = kind === "SCORE" ? "SM_VEC" : "SM_MASK_VEC";
    const arg = kind === "SCORE" ? "s" : "k";
    parts.push(`#define ${vecMacro} ${g.vecSize}`);
    parts.push(`#define SM_${kind}_MOD(${arg}, b, h, q, kv0, p) ${g.functionName}(${arg}, b, h, q, kv0, p)`);
    parts.push(`#define SM_REF_${kind}_MOD(${arg}, b, h, q, kv, p) ${p.scalar.functionName}(${arg}, b, h, q, kv, p)`);
    // The Hopper kernel calls a score mod through the mod's own entry (Target.fusedEntry): the
    // staged twin in a staged build, else the direct one.
    const own = kernel === "wgmma" && kind === "SCORE" && g.wgEntry !== null;
    if (own) {
      const entry = stageAux && g.staging
        ? `${g.staging.entry}<SM_FLOAT_POSITIONS != 0>(s, scale, b, h, q, kv0, p, kvb, kvo, qf, qo, st, tq, tkv${g.staging.tile ? ", stw" : ""}, un)`
        : `${g.wgEntry}<SM_FLOAT_POSITIONS != 0>(s, scale, b, h, q, kv0, p, kvb, kvo, qf, qo, un)`;
      parts.push(`#define SM_SCORE_MOD_WG(s, scale, b, h, q, kv0, p, kvb, kvo, qf, qo, st, tq, tkv, stw, un) ${entry}`);
      parts.push(`#define SM_SCORE_UNIFORMS_T ${g.wgUniforms!.type}`);
      parts.push(`#define SM_SCORE_UNIFORMS(b, h, q, p) ${g.wgUniforms!.fn}(b, h, q, p)`);
    }
    if (stageAux && g.staging) {
      auxBytes[kind] = g.staging.bytes;
      parts.push(`#define SM_${kind}_AUX_BYTES ${g.staging.bytes}`);
      if (!own) parts.push(`#define SM_${kind}_MOD_ST(${arg}, b, h, q, kv0, p, st, tq, tkv) ${g.staging.entry}(${arg}, b, h, q, kv0, p, st, tq, tkv)`);
      parts.push(`#define SM_${kind}_STAGE(dst, bar, tmap, b, h, q0, kvt, Q, KV, p, t, nt) ${g.staging.stage}(dst, bar, tmap, b, h, q0, kvt, Q, KV, p, t, nt)`);
      if (g.staging.tile) {
        // One tensor map (SmWgParams.ta): the mask budget holds no tile (staging.ts), so only a score mod stages one.
        if (kind !== "SCORE" || auxTile) throw new Error(`internal: a staged aux tile for the ${kind.toLowerCase()} mod; the Hopper kernel has one aux tensor map, for the score mod`);
        parts.push(`#define SM_${kind}_AUX_TILE 1`);
        auxTile = g.staging.tile;
      }
    }
    return g.vecSize;
  };
  // The bounds report global must exist before generated code references it.
  if (spec.bounds) parts.push(`#include "scoremod_abi.cuh"`);
  const v = plug(spec.score, "SCORE");
  const mv = plug(spec.mask, "MASK");
  parts.push(`#include "attention_entries.cuh"`);
  const suffix = `${spec.dtype}_d${spec.D}`;
  const staged = (spec.score !== undefined && v > 2) || (spec.mask !== undefined && mv > 2);
  if (kernel === "wgmma" && staged) throw new Error(`the Hopper kernel runs mods of V <= 2 only (got V = ${Math.max(v, mv)})`);
  const aux = wgAuxBytes(auxBytes.SCORE, auxBytes.MASK);
  const blockN = spec.blockN ?? WG.blockN;
  const layout = wgAuxLayout(spec.D, aux, auxBytes.SCORE, auxTile !== null, blockN);
  if (kernel === "wgmma" && aux > 0) defines.push(`SM_WG_AUX_STAGES=${layout.stages}`, `SM_WG_Q_IN_AUX=${layout.qInAux ? 1 : 0}`);
  const persistent = kernel === "wgmma" && wgPersistent(spec, layout);
  if (kernel === "wgmma") defines.push(`SM_WG_PERSISTENT=${persistent ? 1 : 0}`);
  const launch = kernel === "wgmma"
    ? { threads: WG.threads, blockM: WG.blockM, blockN, smemBytes: wgSmemBytes(spec.D, aux, blockN, layout) }
    : { ...mmaBlock(spec.geometry), blockN: BLOCK_N, smemBytes: mmaSmemBytes(spec.D, staged, spec.geometry) };
  return {
    source: parts.join("\n") + "\n",
    defines,
    kernel,
    mainKernel: `sm_attn_fwd_${kernel}_${suffix}`,
    refKernel: `sm_attn_fwd_ref_${suffix}`,
    classifyKernel: spec.mask ? "sm_block_classify" : null,
    staged,
    auxStageBytes: wgAuxBytes(auxBytes.SCORE, auxBytes.MASK),
    auxTile,
    geometry: spec.geometry,
    floatPositions: kernel === "wgmma" && spec.floatPositions === true,
    auxLayout: layout,
    persistent,
    ...launch,
  };
}

/** The largest Q + KV that keeps every float-position site of the score mod exact (analysis/positions.ts); undefined: it has none. */
export function floatPositionLimit(score: PreparedMod | undefined): number | undefined {
  const sites = score?.mod.floatPositions ?? [];
  return sites.length ? Math.min(...sites.map((f) => f.limit)) : undefined;
}

/** Whether a run of Q queries and KV keys may take the score mod's position expressions in float arithmetic. */
export function floatPositionsFor(score: PreparedMod | undefined, Q: number, KV: number): boolean {
  return floatPositionsHold(floatPositionLimit(score), Q, KV);
}

export const BLOCK_N = 128;
/** Threads and query rows per block of the tensor-core kernel. */
export function mmaBlock(g: MmaGeometry): { threads: number; blockM: number } {
  return { threads: 32 * g.warps, blockM: 16 * g.warps };
}
/** attention_launch.h's SM_ATTN_MMA_SMEM_BYTES: Q tile + (KSTAGES + 1) K/V tiles + the staged S tile. */
export function mmaSmemBytes(D: number, staged: boolean, g: MmaGeometry): number {
  const bm = mmaBlock(g).blockM;
  return (bm * D + (g.kstages + 1) * BLOCK_N * D) * 2 + (staged ? bm * BLOCK_N * 4 : 0);
}
export const REF = { threads: 128, blockM: 16 } as const;
/** The Hopper kernel's launch (attention_launch.h: SM_ATTN_WG_*). */
export const WG = { threads: 384, blockM: 128, blockN: 128, stages: 2 } as const;
const up128 = (n: number) => Math.ceil(n / 128) * 128;
/** attention_wgmma.cuh's AUX_BYTES: the score mod's staged bytes, then the mask mod's, 128-byte aligned. */
export function wgAuxBytes(score: number, mask: number): number {
  return up128(up128(score) + mask);
}
/** The Hopper kernel's aux ring: its depth (SM_WG_AUX_STAGES) and whether Q's shared memory is its last stage (SM_WG_Q_IN_AUX). */
export interface WgAuxLayout { stages: number; qInAux: boolean }
/** The most dynamic shared memory an sm_90 block may opt into (attention_launch.h SM_ATTN_WG_SMEM_MAX). */
export const WG_SMEM_MAX = 232448;
/**
 * How deep the aux ring is. Staged rows get three stages where they fit (a copy gets three softmax
 * steps of lead rather than two). A staged tile gets a third stage only by holding Q in registers,
 * so that Q's shared memory becomes that stage: at head dim 128, where Q, K/V and two stages of a
 * 32 KB tile fill the 227 KB. Measured on the H100 (BENCHMARKS.md, "A third aux stage"; alternated
 * in one call): full-bias at D = 128 1.005-1.028 ms against 1.073-1.159 with two; kv-bias at D = 64
 * 0.695-0.700 against 0.708-0.714, at D = 128 unchanged; but full-bias at D = 64, where a third
 * stage fits beside Q, 0.855-0.877 against 0.808-0.819: there the tile's reads already run at
 * ~2.6 TB/s, and more of them in flight only delays K and V. SCOREMOD_WG_AUX_STAGES=2 keeps two
 * (A/B runs).
 */
export function wgAuxLayout(D: number, auxBytes: number, scoreAuxBytes: number, tile: boolean, blockN: number, env: NodeJS.ProcessEnv = process.env): WgAuxLayout {
  const two: WgAuxLayout = { stages: WG.stages, qInAux: false };
  if (auxBytes === 0 || env.SCOREMOD_WG_AUX_STAGES === "2") return two;
  if (!tile) {
    const own: WgAuxLayout = { stages: 3, qInAux: false };
    return wgSmemBytes(D, auxBytes, blockN, own) <= WG_SMEM_MAX ? own : two;
  }
  // A tile: a third stage only where it takes Q's memory (beside Q it measured slower).
  const besideQ = wgSmemBytes(D, auxBytes, blockN, { stages: 3, qInAux: false }) <= WG_SMEM_MAX;
  const inAux: WgAuxLayout = { stages: 3, qInAux: true };
  const fits = blockN === 128 && up128(scoreAuxBytes) >= WG.blockM * D * 2 && wgSmemBytes(D, auxBytes, blockN, inAux) <= WG_SMEM_MAX;
  return !besideQ && fits ? inAux : two;
}
/** SM_ATTN_WG_SMEM_BYTES: Q tile (unless in the aux ring) + K/V rings + mbarriers (to 128 B) + aux ring + 1024 bytes to round up to the swizzle atom. */
export function wgSmemBytes(D: number, auxBytes = 0, blockN: number = WG.blockN, layout: WgAuxLayout = { stages: WG.stages, qInAux: false }): number {
  const q = layout.qInAux ? 0 : WG.blockM * D;
  return up128((q + 2 * WG.stages * blockN * D) * 2 + 8 * (2 + 4 * WG.stages + 2 * layout.stages)) + layout.stages * auxBytes + 1024;
}

/**
 * Whether the Hopper kernel runs persistent blocks (SM_WG_PERSISTENT): the producer loads the next
 * work item's Q and first K/V tiles while the consumers finish the last one, instead of a block
 * exiting and the next one starting cold. Not with a mask: its work items differ in size and a
 * static walk would leave SMs idle at the end (one block per item keeps the hardware's dynamic
 * assignment), nor with Q in the aux ring (one Q per block). SCOREMOD_WG_PERSISTENT=0|1 overrides
 * (A/B runs; 1 still needs Q out of the aux ring).
 */
export function wgPersistent(spec: Pick<ProgramSpec, "mask">, layout: WgAuxLayout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (layout.qInAux) return false;
  const o = env.SCOREMOD_WG_PERSISTENT;
  return o === "0" || o === "1" ? o === "1" : !spec.mask;
}

/** Math that compiles to plain FMA-pipe instructions (no special-function unit): pow's exponent is a small integer constant (multiplications). */
const ARITHMETIC: ReadonlySet<string> = new Set(["abs", "min", "max", "clamp", "pow"]);

/**
 * The Hopper kernel's kv tile width for a job, one for all its builds (the bitwise check compares
 * builds that must walk the same tiles): 176 columns, FlashAttention-3's width at head dim 128
 * without a mask (fewer softmax steps per unit of matrix work), for a score mod of plain
 * arithmetic whose aux loads are each uniform or staged as a row, else 128. Measured on the H100
 * (BENCHMARKS.md, alternated in one call): no mod 0.821 vs 0.836 ms, alibi 0.965-0.993 vs
 * 1.066-1.075, kv-bias (its row staged 176 wide) 0.915-0.926 vs 0.956-1.015, but softcap
 * 1.649-1.664 vs 1.559-1.560: a mod that adds special-function work (a division, tanh, exp...) to
 * the softmax's exponentials runs slower on the wider tile. Masks keep 128-column tiles (the block
 * maps and the sparsity view are drawn on them), so does a staged tile (TMA boxes of 64-column
 * panels), and per-element loads need registers that 88 accumulator pairs leave no room for
 * (nvcc 13.0: relative-position spills 148 bytes at 176 against 4 at 128, spatial-bias 200
 * against 12). The caller analyses the mod again at 176 (staged rows that wide: prepare.ts).
 * SCOREMOD_WG_BLOCK_N=128 forces 128 (A/B runs).
 */
export function wgBlockN(spec: Pick<ProgramSpec, "kernel" | "D" | "score" | "mask">, env: NodeJS.ProcessEnv = process.env): number {
  const score = spec.score?.mod;
  const stages = env.SCOREMOD_AUX_STAGE !== "0";
  const perElement = (score?.loads ?? []).some((l) => l.class !== "uniform" && !(stages && isStaged(l) && l.staging.rows === "row"));
  const special = score !== undefined && findExpr(score.body, (e) => (e.k === "call" && !ARITHMETIC.has(e.fn)) || (e.k === "binary" && (e.op === "/" || e.op === "%"))) !== undefined;
  if (spec.kernel !== "wgmma" || spec.D !== 128 || spec.mask || perElement || special) return WG.blockN;
  return env.SCOREMOD_WG_BLOCK_N === "128" ? 128 : 176;
}
