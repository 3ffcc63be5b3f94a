// One benchmark-and-check run, inside the worker process: prepare the job (prepare.ts: analyse,
// generate, build the programs) unless a sweep did, compile the kernels, allocate and fill inputs,
// check obligations, launch, check, time.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import * as native from "scoremod-native";
import type { Tensor } from "scoremod";
import { packedReferenceAttention, referenceAttention } from "scoremod/reference";
import { resolveDims } from "scoremod/sample";
import { decode16, errorCheck } from "./compare";
import { ptxasInfo } from "./compileInfo";
import { Buffers } from "./buffers";
import { GpuSampler } from "./gpuSample";
import { GpuCompare } from "./gpuCompare";
import { placeAux, placeHalf, sampleDataCheck, type DeviceAux, type Twin } from "./inputs";
import { checkObligation, kernelObligations, type BoundTensor, type ObligationCheck } from "./obligations";
import { boundsGate, describeBounds } from "./boundsGate";
import { checkValueRanges } from "./valueRanges";
import { checkStaticAgainstData, gridFromBytes, gridsFor, kernelRows, mapUseful, staticClasses, type TileGeometry } from "./blockMap";
import { FLAG_REVERSE_Q, packAttnParams, packClassifyParams, packWgParams, type AttnParams, type ModParams } from "./params";
import { jobFile, prepareJob, type JobFile, type PreparedJob } from "./prepare";
import { firstModName } from "./kernelChoice";
import { varlenObligation, varlenPlan, type VarlenPlan } from "./varlen";
import { PhaseClock } from "./phases";
import { median, speedStep, warmupRounds } from "./speedStep";
import { NO_MOD, splitAlternated } from "./modCost";
import { nvccOrEmpty } from "../toolchain/nvcc";
import { REF, floatPositionLimit, mainGrid, type PreparedMod, type Program } from "./source";
import { RunnerError, type AheadJob, type BenchJob, type BenchResult, type BlockSparsity, type CheckOptions, type CheckResult, type CompileInfo, type Shape, type RunnerKernel } from "./types";

export interface RunHooks {
  progress(stage: string, detail?: string): void;
  /** What is about to run on the GPU, so a crash or hang names it. */
  context(mod: string, load?: string, line?: number): void;
}

export const DEFAULT_CHECKS: CheckOptions = { vecVsScalar: true, referenceKernel: true, jsReference: "auto", bounds: "auto", enforceObligations: true };
/** Problems up to this many multiply-adds (B·H·Q·KV·D) get the float64 JS reference under "auto". */
export const JS_REFERENCE_LIMIT = 1 << 25;

interface Device { name: string; arch: string; sm: number; smCount: number }
let device: Device | null = null;

/** The device a probe found, if the runner can use it (no context is made). */
function usableDevice(p: native.ProbeResult): Device {
  if (!p.ok) throw new RunnerError({ kind: "no-gpu", message: `no GPU run: ${p.reason}: ${p.detail}` });
  const d = p.devices[0]!;
  if (d.sm < 80) throw new RunnerError({ kind: "no-gpu", message: `${d.name} is sm_${d.sm}; the runner's kernels need sm_80 or newer (mma.sync bf16)` });
  return { name: d.name, arch: d.sm === 90 ? "sm_90a" : `sm_${d.sm}`, sm: d.sm, smCount: d.smCount };
}

/** The device the runs use, its context made once per worker (`probed`: a probe already done). */
export function openDevice(probed?: native.ProbeResult): Device {
  if (device) return device;
  const d = usableDevice(probed ?? native.probe(nvccOrEmpty()));
  native.init(0);
  device = d;
  return device;
}

// ---- compilation, cached by program text (sweeps share most programs) ----
interface Compiled { module: number; program: Program; info: CompileInfo }
const compiled = new Map<string, Promise<Compiled>>();

export function compileProgram(program: Program, arch: string, dir: string, modName: string): Promise<Compiled> {
  const key = `${arch}\n${program.defines.join(" ")}\n${program.source}`;
  let p = compiled.get(key);
  if (!p) {
    p = (async () => {
      const t0 = Date.now();
      const r = await native.compile(program.source, { arch, nvcc: nvccOrEmpty(), defines: program.defines, includeDirs: [dir], name: `${modName}.cu`, nameExpressions: [program.mainKernel, program.refKernel, ...(program.classifyKernel ? [program.classifyKernel] : [])] });
      if (!r.ok) {
        throw new RunnerError({ kind: "compile", mod: modName, message: `mod '${modName}': ${r.reason === "compile-error" ? "the generated CUDA did not compile" : `cannot compile (${r.reason})`}: ${firstLines(r.log)}`, log: r.log });
      }
      const module = native.loadModule(r.cubin);
      const fi = native.functionInfo(module, program.mainKernel);
      const px = ptxasInfo(r.log, program.mainKernel);
      const info: CompileInfo = {
        compiler: r.compiler, registers: fi.registers, spillStores: px?.spillStores ?? 0, spillLoads: px?.spillLoads ?? 0,
        localBytes: fi.localBytes, sharedBytes: program.smemBytes + fi.staticSharedBytes, compileMs: Date.now() - t0,
      };
      return { module, program, info };
    })();
    compiled.set(key, p);
    p.catch(() => compiled.delete(key));
  }
  return p;
}

function firstLines(s: string): string {
  return s.split("\n").filter((l) => /error/i.test(l)).slice(0, 3).join(" | ") || s.split("\n").slice(0, 3).join(" | ");
}

// Any CUDA error raised while our kernel runs counts as a fault: most leave the context unusable
// (illegal or misaligned address, launch failure, ...), and a wild gather on the Hopper kernel
// raised CUDA_ERROR_INVALID_ADDRESS_SPACE on the H100, which a fixed list had missed. A fault
// replaces the worker process.
function isCudaFault(e: unknown): boolean {
  return e instanceof Error && /CUDA_ERROR_[A-Z_]+/.test(e.message);
}

function describeLoads(p: PreparedMod): { load?: string; line?: number } {
  const texts = [...new Set(p.mod.loads.map((l) => l.text))];
  if (texts.length !== 1) return {};
  const l = p.mod.loads[0]!;
  return { load: l.text, line: l.range.start.line + 1 };
}

async function guarded<T>(what: string, p: PreparedMod, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isCudaFault(e)) {
      const l = describeLoads(p);
      const loads = p.mod.loads.map((x) => x.text).join(", ");
      throw new RunnerError({
        kind: "fault", mod: p.mod.name, ...l,
        message: `mod '${p.mod.name}': the kernel faulted during ${what}: ${(e as Error).message}${loads ? `; aux loads: ${loads} (rerun with the bounds-checked build to find the index)` : ""}`,
      });
    }
    throw e;
  }
}

/** writeFileSync refuses buffers of 2 GiB and more (a full-bias table at S = 8192): write in chunks. */
function writeLarge(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    const CHUNK = 1 << 30;
    for (let off = 0; off < bytes.length; off += CHUNK) {
      const part = bytes.subarray(off, Math.min(bytes.length, off + CHUNK));
      for (let done = 0; done < part.length;) done += writeSync(fd, part, done, part.length - done);
    }
  } finally {
    closeSync(fd);
  }
}

/** BenchResult.floatPositions: the score mod's float-position sites on the Hopper kernel, and whether this run used them. */
function positionsOf(score: PreparedMod | undefined, kernel: RunnerKernel, used: boolean): Pick<BenchResult, "floatPositions"> {
  const limit = floatPositionLimit(score);
  if (kernel !== "wgmma" || limit === undefined) return {};
  return { floatPositions: { sites: (score?.mod.floatPositions ?? []).map((f) => f.text), limit, used } };
}

/** Staged aux reads (Hopper kernel) are checked bitwise against the direct scalar build too. */
function needsScalarBuild(checks: CheckOptions, prep: PreparedJob): boolean {
  return checks.vecVsScalar && (prep.mods.some((m) => m.vec.vecSize > 1) || prep.programs.vec.auxStageBytes > 0);
}

/**
 * Opens the device for a bench the CLI is about to send and starts what that bench will need
 * while the CLI still analyses the file: the worker's analyses and the user's module (cached in
 * the job's JobFile), the compiles of the first mod's builds and of the helper kernels (cached by
 * source). NVRTC compiles on libuv's pool while this thread makes the CUDA context; a compile's
 * module load comes back to this thread only after the context exists. Best effort: whatever
 * fails here fails again, and is reported, when the bench asks for it.
 */
export function openDeviceAhead(probed: native.ProbeResult, ahead?: AheadJob): void {
  const mod = ahead && (ahead.mod ?? firstModName(ahead.fileName, ahead.text));
  let file: JobFile | undefined;
  try {
    if (ahead && mod !== undefined) {
      const dev = device ?? usableDevice(probed);
      file = jobFile(ahead.fileName, ahead.text);
      const prep = prepareJob(dev, { ...ahead, mod }, file);
      const settle = (p: Promise<unknown>) => void p.catch(() => undefined);
      settle(compileProgram(prep.programs.vec, dev.arch, prep.dir, mod));
      if (needsScalarBuild({ ...DEFAULT_CHECKS, ...ahead.checks }, prep)) settle(compileProgram(prep.programs.scalar, dev.arch, prep.dir, mod));
      settle(GpuSampler.open(dev.arch, prep.dir));
      settle(GpuCompare.open(dev.arch, prep.dir));
    }
  } finally {
    openDevice(probed);
  }
  file?.module();
}

/** One job on the GPU; `prepared` when the caller (a sweep) has prepared it already. */
export async function runBench(job: BenchJob, outerHooks: RunHooks, prepared?: PreparedJob): Promise<BenchResult> {
  const clock = new PhaseClock();
  const hooks: RunHooks = { ...outerHooks, progress: (stage, detail) => { clock.enter(stage); outerHooks.progress(stage, detail); } };
  const dev = openDevice();
  const checks: CheckOptions = { ...DEFAULT_CHECKS, ...job.checks };
  const dtype = job.dtype ?? "bf16";
  const shape: Required<Shape> = { Hkv: job.shape.H, ...job.shape };
  if (shape.D !== 64 && shape.D !== 128) throw new RunnerError({ kind: "internal", mod: job.mod, message: `head dim D = ${shape.D}: the kernels support 64 and 128` });
  if (shape.H % shape.Hkv !== 0) throw new RunnerError({ kind: "internal", mod: job.mod, message: `Hkv = ${shape.Hkv} must divide H = ${shape.H}` });
  const vl = job.seqlens ? varlenOf(job, shape) : null;
  // The packed totals follow from the batch: given ones must agree. Without lengths the batch is B
  // equal sequences, whose offsets the generated code computes as b * Q, so another total would
  // break the bounds the analysis proves (q + seq.offsetQ < TOTAL_Q).
  const totals = vl ? vl.modDims : { TOTAL_Q: shape.B * shape.Q, TOTAL_KV: shape.B * shape.KV };
  for (const k of ["TOTAL_Q", "TOTAL_KV"] as const) {
    const given = job.dims?.[k];
    if (given !== undefined && given !== totals[k]) {
      throw new RunnerError({
        kind: "analysis", mod: job.mod,
        message: vl ? `varlen: --dim ${k}=${given}, but the sequence lengths add up to ${totals[k]}`
          : `${k} = ${given}, but a batch of ${shape.B} equal sequences has ${k} = ${totals[k]}; give the sequences' lengths (seqlens) for a varlen batch`,
      });
    }
  }

  hooks.progress("analyse", job.mod);
  const prep = prepared ?? prepareJob(dev, job);
  const { plan, primary, other, score, mask, mods, dir, programs } = prep;
  const name = primary.mod.name;

  hooks.progress("compile", name);
  const needScalar = needsScalarBuild(checks, prep);
  const boundsBuild = () => compileProgram(programs.bounds(), dev.arch, dir, name);
  // The baseline of vsNone: the same kernel, shape, dtype and varlen lengths with no mod.
  const basePrep = job.vsNone && job.timing
    ? prepareJob(dev, { ...NO_MOD, shape: job.shape, dtype, kernel: plan.kernel, seqlens: job.seqlens, kernelDir: job.kernelDir })
    : null;
  const [vecC, scalarC, boundsForced, sampler, gpuCompare, baseC] = await Promise.all([
    compileProgram(programs.vec, dev.arch, dir, name),
    needScalar ? compileProgram(programs.scalar, dev.arch, dir, name) : null,
    checks.bounds === true ? boundsBuild() : null,
    GpuSampler.open(dev.arch, dir),
    GpuCompare.open(dev.arch, dir),
    basePrep ? compileProgram(basePrep.programs.vec, dev.arch, basePrep.dir, NO_MOD.mod) : null,
  ]);

  hooks.progress("data", name);
  const bufs = new Buffers();
  try {
    // A varlen batch: the kernel runs the packed batch (B = 1 of the totals); the mods see the
    // sequences (their dims: B sequences, the longest Q and KV, the totals) through the wrapper.
    const { H, Hkv, D } = shape;
    const { B, Q, KV } = vl ? vl.kernel : shape;
    const loaded = prep.file.module();
    const byName = new Map<string, Tensor>(loaded.tensors.map((t) => [t.name, t]));
    const dims = resolveDims(loaded.tensors, vl ? { ...job.dims, ...vl.modDims, H } : { ...job.dims, B, H, Q, KV });
    const modShape = vl ? { B: vl.modDims.B, H, Q: vl.modDims.Q, KV: vl.modDims.KV } : { B, H, Q, KV };
    const macs = B * H * Q * KV * D;
    const wantJs = checks.jsReference === true || (checks.jsReference === "auto" && macs <= JS_REFERENCE_LIMIT);
    const unknown = Object.keys(job.auxFiles ?? {}).filter((n) => !byName.has(n));
    if (unknown.length) {
      throw new RunnerError({ kind: "analysis", mod: name, message: `aux data given for ${unknown.map((n) => `"${n}"`).join(", ")}, which ${job.fileName} does not declare (tensors: ${[...byName.keys()].join(", ") || "none"})` });
    }

    // Aux tensors in ABI slot order (the file's tensor order): the user's file, else generated on
    // the GPU; the CPU sampler's twin only where the JS reference will read it.
    const twins: Twin[] = [];
    const aux: DeviceAux[] = [];
    for (const [i, t] of primary.fa.tensors.entries()) {
      const decl = byName.get(t.name);
      if (!decl) throw new RunnerError({ kind: "internal", mod: name, message: `tensor '${t.name}' is not declared when the file runs` });
      aux.push(await placeAux({ decl, dims, seed: 1 + i, file: job.auxFiles?.[t.name], misalign: job.misalignAux?.[t.name] ?? 0, wantSample: wantJs, sampler, bufs, twins }));
    }
    const bound = new Map<string, BoundTensor>();
    const modParams: ModParams = {
      aux: [], dims: primary.vec.dims.map((d) => dims[d] ?? 0),
      fscalars: [], iscalars: [],
    };
    for (const a of aux) {
      bound.set(a.name, { name: a.name, ptr: a.ptr, elemBytes: a.elemBytes, shape: a.shape, strides: a.strides, allocElements: a.allocElements });
      modParams.aux.push({ ptr: a.ptr, numel: a.allocElements });
    }
    // The varlen wrapper's internal arrays, in the slots the generated code reads (after the
    // file's tensors); uploaded once, bound for the mod and for vsNone's baseline.
    const varlenPtrs = new Map<string, bigint>();
    const bindVarlen = (into: ModParams, slots: PreparedMod["vec"]["varlenAux"]) => {
      for (const { slot, name: n } of vl ? slots ?? [] : []) {
        const arr = vl!.arrays[n];
        if (into.aux.length !== slot) throw new RunnerError({ kind: "internal", mod: name, message: `varlen array ${n}: slot ${slot}, but ${into.aux.length} aux tensors are bound` });
        let ptr = varlenPtrs.get(n);
        if (ptr === undefined) {
          ptr = bufs.alloc(arr.byteLength, 0, `the varlen array ${n}`);
          native.upload(ptr, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
          varlenPtrs.set(n, ptr);
        }
        into.aux.push({ ptr, numel: arr.length });
      }
    };
    bindVarlen(modParams, primary.vec.varlenAux);
    const scalarValues: Record<string, number> = {};
    for (const s of loaded.scalars) scalarValues[s.name] = job.scalars?.[s.name] ?? s.defaultValue;

    // ---- index safety at these sizes: a violated index refuses the run; an unproven one brings
    // in the bounds-checked build (checks.bounds "auto") before anything is timed ----
    const bounds = boundsGate(mods.map((m) => ({ fa: m.fa, mod: m.mod })), modShape, dims, scalarValues, checks.enforceObligations);
    const boundsC = boundsForced ?? (checks.bounds === "auto" && bounds.unproven ? await boundsBuild() : null);
    for (const s of primary.vec.scalars) {
      const v = scalarValues[s.name] ?? 0;
      if (s.array === "fscalars") modParams.fscalars[s.slot] = v; else modParams.iscalars[s.slot] = v;
    }

    // Q, K, V: made on the GPU, a fresh set per input set (seeds 11, 12, 13 for the first).
    const qN = B * H * Q * D, kN = B * Hkv * KV * D;
    const sets = Math.max(1, job.timing?.inputSets ?? 1);
    const qkv: { q: bigint; k: bigint; v: bigint }[] = [];
    let qkvValues: { q: Float64Array; k: Float64Array; v: Float64Array } | null = null;
    for (let s = 0; s < sets; s++) {
      const q = bufs.alloc(qN * 2, 0, "Q"), k = bufs.alloc(kN * 2, 0, "K"), v = bufs.alloc(kN * 2, 0, "V");
      const js = wantJs && s === 0;
      const place = (what: string, ptr: bigint, n: number, seed: number) => placeHalf({ name: what, n, seed: seed + 1000 * s, dtype, ptr, values: js, sampler, twins });
      const [qv, kv, vv] = [await place("Q", q, qN, 11), await place("K", k, kN, 12), await place("V", v, kN, 13)];
      if (js) qkvValues = { q: qv!, k: kv!, v: vv! };
      qkv.push({ q, k, v });
    }
    const results: CheckResult[] = [];
    if (twins.length) {
      const c = sampleDataCheck(twins);
      if (!c.ok) throw new RunnerError({ kind: "internal", mod: name, message: `mod '${name}': ${c.detail}` });
      results.push(c);
    }
    const oBytes = qN * 2;
    const o = bufs.alloc(oBytes), o2 = bufs.alloc(oBytes), oRef = bufs.alloc(qN * 4);
    const strides = (S: number, heads: number): [number, number, number] => [heads * S * D, S * D, D];
    const attnParams = (set: number, out: bigint, flags: number, blockMap?: AttnParams["blockMap"], mod = modParams): AttnParams => ({
      q: qkv[set]!.q, k: qkv[set]!.k, v: qkv[set]!.v, o: out, lse: 0n,
      qStrides: strides(Q, H), kStrides: strides(KV, Hkv), vStrides: strides(KV, Hkv), oStrides: strides(Q, H), lseStrides: [0, 0],
      B, H, Hkv, Q, KV, D, softmaxScale: 1 / Math.sqrt(D), flags, blockMap, mod,
    });
    const params = (set: number, out: bigint, flags: number) => packAttnParams(attnParams(set, out, flags));

    // ---- obligations: the analysis's, per load, and the kernel's own ----
    const obligationChecks: (ObligationCheck & { mod?: string })[] = [];
    for (const m of mods) {
      for (const l of m.mod.loads) for (const ob of l.obligations) obligationChecks.push({ ...checkObligation(ob, bound, dims), mod: m.mod.name });
    }
    const vlCheck = vl ? varlenObligation(vl, Math.max(...mods.map((m) => m.vec.vecSize))) : null;
    if (vlCheck) obligationChecks.push(vlCheck);
    // Declared value ranges of index tensors, on the data the kernel will read (a GPU scan).
    obligationChecks.push(...await checkValueRanges(aux, new Map(primary.fa.tensors.filter((t) => t.values).map((t) => [t.name, t.values!] as const)), sampler));
    obligationChecks.push(...kernelObligations([
      { name: "q", ptr: qkv[0]!.q, strides: strides(Q, H) }, { name: "k", ptr: qkv[0]!.k, strides: strides(KV, Hkv) },
      { name: "v", ptr: qkv[0]!.v, strides: strides(KV, Hkv) }, { name: "o", ptr: o, strides: strides(Q, H) },
    ]));
    const failed = obligationChecks.find((c) => !c.ok);
    if (failed && checks.enforceObligations) {
      const m = failed.mod ?? name;
      const load = mods.flatMap((x) => x.mod.loads).find((l) => l.obligations.some((ob) => ob.text === failed.text));
      throw new RunnerError({
        kind: "refused", mod: m, tensor: failed.tensor, obligation: failed.text, load: load?.text, line: load ? load.range.start.line + 1 : undefined,
        message: `mod '${m}': refused before launch: obligation ${failed.text} fails (${failed.detail})${load ? ` for load ${load.text} at line ${load.range.start.line + 1}` : ""}`,
      });
    }

    // A staged aux tile (Hopper kernel) is one TMA copy per kv tile through a map of its tensor:
    // dims in the program's order (kv, q, the others), a box of 64 columns x 128 rows.
    const tile = plan.kernel === "wgmma" ? vecC.program.auxTile : null;
    let auxTileMap: Uint8Array | undefined;
    if (tile) {
      const a = aux[tile.slot]!, t = bound.get(a.name)!;
      if (a.dtype !== "bf16" && a.dtype !== "f16") throw new RunnerError({ kind: "internal", mod: name, message: `staged tile of ${a.name}: TMA maps here are bf16/f16, not ${a.dtype}` });
      try {
        auxTileMap = native.tensorMap({
          ptr: t.ptr, dtype: a.dtype, dims: tile.dims.map((d) => a.shape[d]!), strides: tile.dims.slice(1).map((d) => a.strides[d]! * 2),
          box: tile.dims.map((_, i) => (i === 0 ? 64 : i === 1 ? vecC.program.blockM : 1)),
        });
      } catch (e) {
        throw new RunnerError({ kind: "internal", mod: name, message: `the TMA map of the staged tile of ${a.name} (shape ${a.shape.join("x")}, strides ${a.strides.join(",")}): ${(e as Error).message}` });
      }
    }
    // The Hopper kernel reads Q, K, V through TMA tensor maps ([B, heads, S, D] as rank 4,
    // innermost first; a box is 64 columns x a tile's rows: blockM for Q, blockN for K and V),
    // made per input set.
    const mapsOf = (c: Compiled, aux?: Uint8Array) => plan.kernel !== "wgmma" ? [] : qkv.map((set) => {
      const map = (ptr: bigint, S: number, heads: number, rows: number) => native.tensorMap({
        ptr, dtype, dims: [D, S, heads, B], strides: [D * 2, S * D * 2, heads * S * D * 2], box: [64, rows, 1, 1],
      });
      const { blockM, blockN } = c.program;
      return { q: map(set.q, Q, H, blockM), k: map(set.k, KV, Hkv, blockN), v: map(set.v, KV, Hkv, blockN), aux };
    });
    const maps = mapsOf(vecC, auxTileMap);

    // ---- block map: the tiles the kernel visits and those where the mask must run ----
    // Index-only mods: the analysis's proof (tiles.ts), checked against the GPU pre-pass when the
    // pair has a mask. Masks that read aux data: the pre-pass's exact classes on these tensors.
    const geo: TileGeometry = { B, H, Q, KV, tileQ: vecC.program.blockM, tileKv: vecC.program.blockN };
    // A varlen run has no static classes: the analysis proves them in the sequences' coordinates,
    // the kernel's tiles are packed ones (the pre-pass classifies a mask through the wrapper).
    const maskStatic = mask && !vl ? staticClasses(mask.mod, geo, dims, scalarValues) : undefined;
    const scoreStatic = score && !vl ? staticClasses(score.mod, geo, dims, scalarValues) : undefined;
    let maskGrid = maskStatic, proof: BlockSparsity["proof"] = "static", prepassMs: number | undefined;
    if (mask && vecC.program.classifyKernel) {
      hooks.progress("classify", name);
      const { gridsB, gridsH } = gridsFor(mask.mod, geo);
      const nQ = Math.ceil(Q / geo.tileQ), nKv = Math.ceil(KV / geo.tileKv);
      const nBytes = gridsB * gridsH * nQ * nKv;
      const out = bufs.alloc(nBytes);
      native.memset(out, 0xff, nBytes);  // poison: a tile the pre-pass did not write is caught below
      const spec: native.LaunchSpec = {
        module: vecC.module, fn: vecC.program.classifyKernel, grid: [nKv, nQ, gridsB * gridsH], block: [256, 1, 1], sharedBytes: 0,
        args: packClassifyParams(attnParams(0, o, 0), { out, tileQ: geo.tileQ, tileKv: geo.tileKv, nQ, nKv, gridsB, gridsH }),
      };
      prepassMs = (await guarded("the block classification pre-pass", mask, () => native.time(spec, 0, 1)))[0];
      const bytes = new Uint8Array(native.download(out, nBytes));
      if (bytes.some((x) => x > 2)) throw new RunnerError({ kind: "internal", mod: name, message: "the block classification pre-pass left tiles unwritten" });
      const data = gridFromBytes(bytes, geo, gridsB, gridsH);
      if (mask.mod.loads.length > 0 || vl) { maskGrid = data; proof = "data"; }
      else results.push(checkStaticAgainstData(maskStatic!, data, geo));
    }
    const kr = kernelRows(geo, maskGrid, scoreStatic, proof);
    if (job.sabotageBlockMap) for (let r = 0; r < kr.rows.length; r += kr.row) kr.rows[r] = Math.max(0, kr.rows[r]! - 1);
    const blockSparsity: BlockSparsity = { ...kr.sparsity, ...(prepassMs !== undefined ? { prepassMs } : {}) };
    let blockMap: AttnParams["blockMap"];
    if (mapUseful(kr, mask !== undefined)) {
      const ptr = bufs.alloc(kr.rows.byteLength);
      native.upload(ptr, new Uint8Array(kr.rows.buffer, kr.rows.byteOffset, kr.rows.byteLength));
      blockMap = { ptr, strideB: kr.strideB, strideH: kr.strideH, row: kr.row };
    }
    const flags = blockMap && kr.reverse ? FLAG_REVERSE_Q : 0;
    // The main kernel's parameter: the mod's (its maps, flags, block map and mod parameters), or
    // another program's on the same inputs (vsNone's baseline).
    type MainArgs = { maps: typeof maps; flags: number; blockMap?: AttnParams["blockMap"]; mod: ModParams };
    const own: MainArgs = { maps, flags, blockMap, mod: modParams };
    const mainArgs = (set: number, out: bigint, a = own): Uint8Array => {
      const ap = attnParams(set, out, a.flags, a.blockMap, a.mod);
      return plan.kernel === "wgmma" ? packWgParams(a.maps[set]!, ap) : packAttnParams(ap);
    };
    const launch = (c: Compiled, kernel: "main" | "ref", out: bigint, set = 0): native.LaunchSpec => ({
      module: c.module, fn: kernel === "main" ? c.program.mainKernel : c.program.refKernel,
      grid: kernel === "main" ? mainGrid(c.program, Q, H, B, dev.smCount) : [Math.ceil(Q / REF.blockM), H, B],
      block: [kernel === "main" ? c.program.threads : REF.threads, 1, 1] as [number, number, number],
      sharedBytes: kernel === "main" ? c.program.smemBytes : 0,
      args: kernel === "main" ? mainArgs(set, out) : params(set, out, 0),
    });
    const l = describeLoads(primary);
    hooks.context(name, l.load, l.line);

    // ---- optional bounds-checked build: the first out-of-range index, instead of a fault ----
    if (boundsC) {
      hooks.progress("bounds", name);
      const g = native.globalAddress(boundsC.module, "sm_bounds_report");
      native.memset(g.ptr, 0, g.bytes);
      await guarded("the bounds-checked run", primary, () => native.launch(launch(boundsC, "main", o)));
      const rep = new DataView(native.download(g.ptr, g.bytes).buffer.slice(0));
      const view = (off: number) => rep.getInt32(off, true);
      if (view(0) !== 0) {
        const loadId = view(4);
        // Ids are per mod; the report does not say which mod, so prefer the primary's.
        const owner = mods.find((m) => m.mod.loads.some((x) => x.id === loadId)) ?? primary;
        const lf = owner.mod.loads.find((x) => x.id === loadId);
        const at = { b: view(12), h: view(16), q: view(20), kv: view(24) };
        const index = Number(rep.getBigInt64(32, true)), extent = Number(rep.getBigInt64(40, true));
        throw new RunnerError({
          kind: "bounds", mod: owner.mod.name, load: lf?.text, line: lf ? lf.range.start.line + 1 : undefined, tensor: lf?.tensor,
          message: `mod '${owner.mod.name}': aux index out of range: ${lf ? `${lf.tensor} in ${lf.text} at line ${lf.range.start.line + 1}` : `load #${loadId}`}, dim ${view(8)}: index ${index} not in [0, ${extent}) at b=${at.b}, h=${at.h}, q=${at.q}, kv=${at.kv < 0 ? "any (the index does not depend on kv)" : at.kv}`,
        });
      }
      results.push({ name: "bounds", ok: true, detail: "bounds-checked build: every aux index in range on these tensors" });
    } else if (bounds.loads.length) {
      results.push({ name: "bounds", ok: true, skipped: bounds.unproven ? "not asked for (checks.bounds false)" : "every index proven in range by the analysis", detail: "skipped" });
    }

    // ---- the V-lane build, poisoned output first (0xFFFF is NaN in bf16 and in f16) ----
    hooks.progress("launch", name);
    native.memset(o, 0xff, oBytes);
    await guarded("the vectorized run", primary, () => native.launch(launch(vecC, "main", o)));
    // Outputs stay on the device for the checks (gpuCompare.ts); the host reads them only for
    // the JS reference and dumps.
    const outBytes = wantJs || job.dumpDir ? native.download(o, oBytes) : null;

    if (scalarC) {
      native.memset(o2, 0xff, oBytes);
      await guarded("the V = 1 run", primary, () => native.launch(launch(scalarC, "main", o2)));
      const what = `V=${mods.map((m) => m.vec.vecSize).join("/")}${vecC.program.auxStageBytes ? " (aux staged in shared memory)" : ""} vs V=1 (direct loads)`;
      results.push(await gpuCompare.bitwise(o, o2, qN, what));
    } else if (checks.vecVsScalar) {
      results.push({ name: "vec-vs-scalar", ok: true, skipped: "V = 1 already", detail: "the build is scalar" });
    }
    if (checks.referenceKernel) {
      hooks.progress("reference", name);
      native.memset(oRef, 0xff, qN * 4);
      await guarded("the fp32 reference kernel", primary, () => native.launch(launch(vecC, "ref", oRef)));
      results.push(await gpuCompare.error("reference-kernel", o, oRef, qN, dtype, "vs fp32 reference kernel"));
    }
    if (wantJs) {
      hooks.progress("js-reference", name);
      const tensors: Record<string, NonNullable<DeviceAux["sample"]>> = {};
      for (const a of aux) if (a.sample) tensors[a.name] = a.sample;
      const scoreMod = score ? loaded.exports[score.mod.name] : undefined;
      const maskMod = mask ? loaded.exports[mask.mod.name] : undefined;
      const modFns = { scoreMod: scoreMod as never, maskMod: maskMod as never };
      const inputs = { q: qkvValues!.q, k: qkvValues!.k, v: qkvValues!.v, scale: 1 / Math.sqrt(D), ...modFns, bindings: { dims, tensors, scalars: scalarValues } };
      const ref = vl ? packedReferenceAttention({ H, Hkv, D, seqlens: vl.seqlens, ...inputs }) : referenceAttention({ B, H, Hkv, Q, KV, D, ...inputs });
      results.push(errorCheck("js-reference", decode16(outBytes!, dtype), ref.out, "vs float64 JS reference (same source file)"));
    } else if (checks.jsReference !== false) {
      results.push({ name: "js-reference", ok: true, skipped: `problem too large (${macs} > ${JS_REFERENCE_LIMIT} multiply-adds)`, detail: "skipped" });
    }

    if (job.dumpDir) {
      // Inputs and output as raw little-endian files, for cross-checks outside Node (FlexAttention).
      mkdirSync(job.dumpDir, { recursive: true });
      writeLarge(join(job.dumpDir, "q.bin"), native.download(qkv[0]!.q, qN * 2));
      writeLarge(join(job.dumpDir, "k.bin"), native.download(qkv[0]!.k, kN * 2));
      writeLarge(join(job.dumpDir, "v.bin"), native.download(qkv[0]!.v, kN * 2));
      writeLarge(join(job.dumpDir, "out.bin"), outBytes!);
      for (const a of aux) writeLarge(join(job.dumpDir, `aux_${a.name}.bin`), native.download(a.ptr, a.allocElements * a.elemBytes));
      writeFileSync(join(job.dumpDir, "meta.json"), JSON.stringify({
        file: job.fileName, mod: name, score: score?.mod.name ?? null, mask: mask?.mod.name ?? null, shape, dtype, scale: 1 / Math.sqrt(D),
        dims, scalars: scalarValues, ...(vl ? { seqlens: { cu_seqlens_q: vl.seqlens.cuQ, cu_seqlens_k: vl.seqlens.cuKv } } : {}), aux: aux.map((a) => ({ name: a.name, dtype: a.dtype, shape: a.shape, strides: a.strides, allocElements: a.allocElements })),
      }, null, 1));
    }

    // ---- timing: warm-up, then reps timed one by one with events, rotating input sets; with
    // vsNone, the baseline's launches alternate with the mod's (modCost.ts) ----
    let timing: BenchResult["timing"] = null;
    if (job.timing) {
      hooks.progress("time", name);
      const spec = { ...launch(vecC, "main", o), args: qkv.map((_, s) => mainArgs(s, o)) };
      let baseSpec: native.LaunchSpec | undefined;
      if (baseC && basePrep) {
        const baseMod: ModParams = { aux: [], dims: basePrep.primary.vec.dims.map((d) => dims[d] ?? 0), fscalars: [], iscalars: [] };
        bindVarlen(baseMod, basePrep.primary.vec.varlenAux);
        const base: MainArgs = { maps: mapsOf(baseC), flags: 0, mod: baseMod };
        baseSpec = { ...launch(baseC, "main", o2), args: qkv.map((_, s) => mainArgs(s, o2, base)) };
      }
      const specs = baseSpec ? [spec, baseSpec] : spec;
      const warmup = await warmupRounds(job.timing, () => guarded("timing", primary, () => native.time(specs, 0, 1)));
      const launched = Array.from(await guarded("timing", primary, () => native.time(specs, warmup, job.timing!.reps)));
      const alt = baseSpec ? splitAlternated(launched) : null;
      const ms = alt ? alt.mod : launched;
      const med = median(ms);
      // Work done: the dense count scaled by the tiles computed (a map skips the empty ones).
      const dense = 4 * macs, done = blockMap ? dense * (1 - blockSparsity.sparsity) : dense;
      const auxBytes = aux.reduce((s, a) => s + a.allocElements * a.elemBytes, 0);
      timing = {
        ms: med, msMin: Math.min(...ms), msMax: Math.max(...ms), reps: ms.length, inputSets: sets, warmup, ...(job.timing.warmupMs ? { warmupMs: job.timing.warmupMs } : {}), samples: ms, step: speedStep(ms),
        tflops: done / (med * 1e-3) / 1e12, tflopsDense: dense / (med * 1e-3) / 1e12, auxBytes, auxBytesPerSec: auxBytes / (med * 1e-3),
        ...(alt && baseC ? { vsNone: { ms: median(alt.none), samples: alt.none, tile: { q: baseC.program.blockM, kv: baseC.program.blockN }, ratio: alt.ratio, ratioLow: alt.ratioLow, ratioHigh: alt.ratioHigh } } : {}),
      };
    }
    return {
      mod: name, pair: other?.mod.name, vec: primary.vec.vecSize, kernel: plan.kernel, kernelNote: plan.note, tile: { q: vecC.program.blockM, kv: vecC.program.blockN },
      ...(vecC.program.persistent ? { persistentBlocks: mainGrid(vecC.program, Q, H, B, dev.smCount)[0] } : {}),
      ...positionsOf(prep.score, plan.kernel, vecC.program.floatPositions),
      ...(vecC.program.auxStageBytes > 0 ? { auxRing: { stages: vecC.program.auxLayout.stages, stageBytes: vecC.program.auxStageBytes, qInRegisters: vecC.program.auxLayout.qInAux } } : {}),
      align: job.align ?? "declared", shape, dtype, device: dev.name,
      compile: vecC.info, timing, checks: results, ok: results.every((r) => r.ok),
      ...(bounds.loads.length ? { bounds: bounds.loads.map((l) => ({ text: l.text, line: l.line, verdict: l.verdict, detail: describeBounds(l) })) } : {}),
      ...(blockMap || mask ? { blockSparsity } : {}),
      obligations: obligationChecks.map((c) => ({ text: c.text, ok: c.ok, detail: c.detail })),
      ...(aux.length ? { auxSources: Object.fromEntries(aux.map((a) => [a.name, a.source])) } : {}),
      phases: clock.done(),
    };
  } finally {
    bufs.freeAll();
  }
}

/** A varlen job's plan; its shape's B, Q and KV must be the sequence count and the longest. */
function varlenOf(job: BenchJob, shape: Required<Shape>): VarlenPlan {
  let vl: VarlenPlan;
  try {
    vl = varlenPlan(job.seqlens!);
  } catch (e) {
    throw new RunnerError({ kind: "analysis", mod: job.mod, message: (e as Error).message });
  }
  for (const k of ["B", "Q", "KV"] as const) {
    if (shape[k] !== vl.modDims[k]) {
      throw new RunnerError({ kind: "analysis", mod: job.mod, message: `varlen: the sequence lengths give ${k} = ${vl.modDims[k]}${k === "B" ? " sequences" : " (the longest)"}, but the job's shape has ${k} = ${shape[k]}` });
    }
  }
  return vl;
}
