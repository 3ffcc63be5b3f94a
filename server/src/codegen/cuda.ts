// FileAnalysis -> a self-contained CUDA C++ device function computing V lanes of one mod
// (docs/codegen.md). Pure: text in, text out.
//
// Shape of the output, for mod M and vector size V:
//   sm_M_vV_gK(...)    one helper per gather load: a scalar load per lane
//   sm_M_vV_lane(...)  the mod body for ONE lane; hoisted load values come in as arguments.
//                      Its text does not depend on V, so every V computes bit-identical lanes.
//   sm_M_vV(...)       the entry point: issues the uniform loads (once, broadcast), the
//                      contiguous loads (V / w vector loads of w elements) and the grouped ones
//                      (n = max(1, V / g) elements in n / w loads; lane i takes element i / g)
//                      exactly as each LoadFact says, then runs the lane function for kv0 .. kv0 + V - 1.
import { children, isSeqRole, type Expr, type SeqRole, type Stmt, type Ty } from "../analysis/ir";
import type { Env as AffineEnv } from "../analysis/affine";
import { positionForm } from "../analysis/positions";
import { isStaged } from "../analysis/staging";
import type { FileAnalysis, LoadFact, ModFact, TensorFact, Poly } from "../analysis/facts";
import { targetOf, type TargetId } from "../analysis/targets";
import { localIdent } from "../analysis/identifiers";
import { blockedMessage } from "../analysis/generatable";
import { CodegenError, conv, cType, emitAs, emitExpr, floatLit, type CExprCtx } from "./cudaExpr";
import { PRELUDE, RAW_TYPE, laneType } from "./prelude";
import { paramTables, SM_MAX_AUX, type ParamTables } from "./tables";
import { LineWriter, cIdent, cString, type LineMapEntry } from "./writer";

export { CodegenError } from "./cudaExpr";

type LoadExpr = Extract<Expr, { k: "load" }>;
type Env = Map<string, { value: Expr; env: Env }>;
interface LoadSite { e: LoadExpr; env: Env; fact: LoadFact; tensor: TensorFact; slot: number }

/** One emitted load, as the PTX proof expects to find it. */
export interface EmittedLoad {
  id: number;
  /** 1-based source line the load's instructions carry. */
  srcLine: number;
  tensor: string;
  class: LoadFact["class"];
  elemBytes: number;
  /** Bytes per load instruction and instructions per call of the V-lane function. */
  widthBytes: number;
  instructions: number;
  /** When this load reads exactly what an earlier hoisted load reads, that load's id (no instructions of its own). */
  sameAs: number | null;
}

export interface GeneratedCuda {
  mod: string;
  kind: ModFact["kind"];
  target: TargetId;
  vecSize: number;
  functionName: string;
  /** The proof kernel's name (extern "C"). */
  kernelName: string;
  /** The device function with its helpers (includes scoremod_abi.cuh). */
  code: string;
  /** The `extern "C" __global__` instantiation that calls it (PTX proof, standalone compiles). */
  kernel: string;
  /** code + kernel: one compilable translation unit. */
  text: string;
  /** Generated line (1-based, in `text`) -> source line (1-based). */
  lineMap: LineMapEntry[];
  /** Symbolic dims: dims[i] lives in p.dims[i]. */
  dims: string[];
  aux: ParamTables["aux"];
  scalars: ParamTables["scalars"];
  loads: EmittedLoad[];
  /** The file name written in `#line` directives. */
  lineFile: string;
  /** A varlen build (CudaOptions.varlen): the internal aux arrays' slots, VARLEN_AUX order; else null. */
  varlenAux: { slot: number; name: typeof VARLEN_AUX[number] }[] | null;
  /**
   * On a fused-entry target (Target.fusedEntry), a score mod's own entry for that kernel: unscaled
   * scores and the scale, then the positions' floats, direct loads (the staged twin, `staging.entry`,
   * takes the same arguments and the stage). Null otherwise.
   */
  wgEntry: string | null;
  /**
   * With wgEntry: the mod's kv-invariant (uniform) loads for one query row, which the kernel loads
   * once per work item and passes to every call of wgEntry (the last argument): the function
   * `fn(b, h, q, p)` and the struct it returns (empty when the mod has no uniform load).
   */
  wgUniforms: { fn: string; type: string } | null;
  /**
   * On a staging target (Target.auxStaging) with staged loads: the entry that reads them from
   * shared memory (extra last argument: the stage's base), the producer function that fills a
   * stage, and the stage's size in bytes (a multiple of 128). Null otherwise.
   */
  staging: {
    entry: string; stage: string; bytes: number;
    /** A tile copied by TMA: the aux slot, and the tensor's dims in the map's order (kv, q, others). */
    tile: { slot: number; dims: number[] } | null;
  } | null;
}

export interface CudaOptions {
  /** File name for `#line` (default: the analysed file's base name, so output does not depend on the cwd). */
  lineFile?: string;
  /** Prefix for every C symbol, so mods of several files can share one translation unit. */
  symbolPrefix?: string;
  /**
   * "compile" (default): the translation unit nvcc and the runner compile, with `#line` so
   * diagnostics and PTX `.loc` map back to the source. "preview": what the editor shows, the
   * mod's functions only: no `#line`, the prelude as one comment, no include guard, no
   * bounds-checked-build lines and no proof kernel (`kernel` is empty); `lineMap` maps its lines.
   */
  render?: "compile" | "preview";
  /**
   * A varlen run (docs/varlen.md): the kernel runs the packed batch as B = 1 of TOTAL tokens and
   * the mod's entry is a wrapper that finds each position's sequence in the internal aux arrays
   * (VARLEN_AUX, after the file's tensors), masks pairs of two sequences, and calls the mod with
   * the sequence's local q, kv, b and SeqInfo (read from cu_seqlens). Default: an equal-length
   * batch, whose SeqInfo follows from the dims (seqCode).
   */
  varlen?: boolean;
}

/** The runner's internal aux arrays of a varlen run (int32), in slot order after the file's tensors. */
export const VARLEN_AUX = ["cu_seqlens_q", "cu_seqlens_k", "seq_of_q", "seq_of_k"] as const;

/**
 * seq.* (SeqInfo) in the runner's kernels, which run batches of B equal sequences of Q and KV
 * tokens (docs/varlen.md): sequence b starts at b * Q in the packed order. A kernel with
 * per-sequence lengths would read cu_seqlens here instead.
 */
function seqCode(role: SeqRole, dimCode: (d: string) => string): string {
  switch (role) {
    case "offsetQ": return `(b * (int)${dimCode("Q")})`;
    case "offsetKv": return `(b * (int)${dimCode("KV")})`;
    case "lenQ": return `((int)${dimCode("Q")})`;
    case "lenKv": return `((int)${dimCode("KV")})`;
  }
}

/** seq.* in a varlen build: sequence b's row of cu_seqlens (the wrapper passed b = the sequence). */
function varlenSeqCode(role: SeqRole, cuSlot: (which: "q" | "k") => number): string {
  const cu = (w: "q" | "k", i: string) => `sm_varlen_at(p, ${cuSlot(w)}, ${i})`;
  switch (role) {
    case "offsetQ": return cu("q", "b");
    case "offsetKv": return cu("k", "b");
    case "lenQ": return `(${cu("q", "b + 1")} - ${cu("q", "b")})`;
    case "lenKv": return `(${cu("k", "b + 1")} - ${cu("k", "b")})`;
  }
}

/**
 * The varlen wrapper under the mod's entry name: the kernel hands it packed positions (b = 0, q
 * and kv0 rows of the packed batch); a pair of two sequences is masked (-inf / false) without
 * calling the mod, others reach the mod as (sequence, local q, local kv0). The runner's
 * obligation that every sequence's kv length is a multiple of V keeps a V-lane chunk inside one
 * sequence, and local kv0 % V == 0 (the tile contract the analysis assumed).
 */
function emitVarlenEntry(w: LineWriter, a: { fn: string; kind: "score" | "mask"; V: number; slot: (n: typeof VARLEN_AUX[number]) => number }): void {
  const { fn, V } = a;
  const sig = a.kind === "score" ? `float (&s)[${V}]` : `bool (&keep)[${V}]`;
  const arr = (n: typeof VARLEN_AUX[number]) => `static_cast<const int*>(p.aux[${a.slot(n)}].data)`;
  w.raw(`__device__ __forceinline__ void ${fn}(${sig}, int b, int h, int q, int kv0, const SmParams& p) {`);
  w.raw(`  (void)b;  // the packed batch is one row; the sequence comes from the position`);
  w.raw(`  const int sq = ${arr("seq_of_q")}[q], sk = ${arr("seq_of_k")}[kv0];`);
  w.raw(`  if (sq != sk) {`);
  w.raw(`    _Pragma("unroll") for (int i = 0; i < ${V}; ++i) ${a.kind === "score" ? "s[i] = (__int_as_float(0xff800000));" : "keep[i] = false;"}`);
  w.raw(`    return;`);
  w.raw(`  }`);
  w.raw(`  ${fn}_seq(${a.kind === "score" ? "s" : "keep"}, sq, h, q - ${arr("cu_seqlens_q")}[sq], kv0 - ${arr("cu_seqlens_k")}[sq], p);`);
  w.raw(`}`);
}

function baseName(p: string): string { return p.split(/[\\/]/).pop() ?? p; }

function findMod(fa: FileAnalysis, name: string): ModFact {
  const mod = fa.mods.find((m) => m.name === name);
  if (!mod) {
    const names = fa.mods.map((m) => m.name);
    throw new CodegenError(`no mod named '${name}' in ${baseName(fa.fileName)}${names.length ? ` (mods: ${names.join(", ")})` : " (it declares no mods)"}`);
  }
  const blocked = blockedMessage(mod, baseName(fa.fileName));
  if (blocked) throw new CodegenError(blocked);
  return mod;
}

function factOf(mod: ModFact, id: number): LoadFact {
  const f = mod.loads.find((l) => l.id === id);
  if (!f) throw new CodegenError(`internal: load ${id} of mod '${mod.name}' has no LoadFact`);
  return f;
}

/** Every load in body order, inner loads (inside indices) before the load that uses them. */
function collectLoads(body: Stmt[], env: Env, visit: (e: LoadExpr, env: Env) => void): void {
  const scope: Env = new Map(env);
  const walk = (e: Expr): void => {
    switch (e.k) {
      case "load": e.idx.forEach(walk); visit(e, scope); return;
      case "unary": walk(e.a); return;
      case "binary": walk(e.a); walk(e.b); return;
      case "call": e.args.forEach(walk); return;
      case "cond": walk(e.c); walk(e.a); walk(e.b); return;
      default: return;
    }
  };
  for (const s of body) {
    if (s.k === "const") { walk(s.value); scope.set(s.name, { value: s.value, env: new Map(scope) }); }
    else if (s.k === "if") { walk(s.cond); collectLoads(s.then, scope, visit); collectLoads(s.else, scope, visit); }
    else walk(s.value);
  }
}

function findIn(e: Expr, pred: (x: Expr) => boolean): boolean {
  return pred(e) || children(e).some((c) => findIn(c, pred));
}

/** Elements a contiguous or grouped load reads per call: V, or max(1, V / g) for runs of g lanes. */
function vectorElems(f: LoadFact, V: number): number {
  if (f.class !== "grouped") return V;
  const g = f.group ?? 0;
  if (!Number.isSafeInteger(g) || g < 2 || (V > g ? V % g : g % V) !== 0) {
    throw new CodegenError(`internal: load '${f.text}' is grouped by ${String(f.group)}, which does not tile V=${V}`);
  }
  return Math.max(1, V / g);
}

function polyCode(p: Poly, dimCode: (d: string) => string): string {
  const terms = p.filter((m) => m.c !== 0).map((m) => {
    const f = m.vars.map(dimCode);
    if (m.c !== 1 || f.length === 0) f.unshift(`${m.c}LL`);
    return f.join(" * ");
  });
  if (terms.length === 0) return "0LL";
  return terms.length === 1 ? terms[0]! : `(${terms.join(" + ")})`;
}
function isOne(p: Poly): boolean {
  const nz = p.filter((m) => m.c !== 0);
  return nz.length === 1 && nz[0]!.c === 1 && nz[0]!.vars.length === 0;
}

export function generateCuda(fa: FileAnalysis, modName: string, opts: CudaOptions = {}): GeneratedCuda {
  const mod = findMod(fa, modName);
  const target = targetOf(fa);
  const V = mod.vecSize;
  if (!Number.isInteger(V) || V < 1) throw new CodegenError(`mod '${modName}': vector size ${V} is not a positive integer`);
  if (V > target.vecCap || target.tileN % V !== 0) {
    throw new CodegenError(`mod '${modName}': V=${V} is not legal on ${target.id} (V must divide ${target.tileN} and be at most ${target.vecCap})`);
  }
  const tables = paramTables(fa);
  const lineFile = opts.lineFile ?? baseName(fa.fileName);
  const id = cIdent((opts.symbolPrefix ?? "") + mod.name);
  const fn = `sm_${id}_v${V}`;
  const kernelName = `sm_proof_${id}_v${V}`;
  const modLine = mod.range.start.line;

  const dimCode = (d: string): string => {
    const k = tables.dims.indexOf(d);
    if (k < 0) throw new CodegenError(`internal: dim ${d} missing from the dims table`);
    return `p.dims[${k}]`;
  };
  const genFileName = `${lineFile.replace(/\.scoremod\.ts$/, "").replace(/\.ts$/, "")}.${id}.${target.id}.v${V}${opts.varlen ? ".varlen" : ""}.cu`;
  const varlenAux = opts.varlen ? VARLEN_AUX.map((name, i) => ({ slot: tables.aux.length + i, name })) : null;
  if (varlenAux && varlenAux[varlenAux.length - 1]!.slot >= SM_MAX_AUX) {
    throw new CodegenError(`mod '${modName}': a varlen run needs ${VARLEN_AUX.length} internal aux slots after the file's ${tables.aux.length} tensors; the kernel ABI holds ${SM_MAX_AUX} (scoremod_abi.cuh)`);
  }
  const cuSlot = (which: "q" | "k") => varlenAux![which === "q" ? 0 : 1]!.slot;
  const seqArg = (role: SeqRole): string => varlenAux ? varlenSeqCode(role, cuSlot) : seqCode(role, dimCode);
  const scalarCode = (name: string): string => {
    const s = tables.scalars.find((x) => x.varName === name || x.name === name);
    if (!s) throw new CodegenError(`mod '${modName}' reads an undeclared scalar '${name}'`);
    return `p.${s.array}[${s.slot}]`;
  };
  const tensorOf = (e: LoadExpr): { t: TensorFact; slot: number } => {
    const slot = fa.tensors.findIndex((t) => t.varName === e.tensor);
    if (slot < 0) throw new CodegenError(`mod '${modName}' loads from an undeclared tensor '${e.tensor}'`);
    return { t: fa.tensors[slot]!, slot };
  };

  // ---- collect loads, decide which hoisted ones share a value ----
  const sites: LoadSite[] = [];
  collectLoads(mod.body, new Map(), (e, env) => {
    const { t, slot } = tensorOf(e);
    const fact = factOf(mod, e.loadId);
    if (e.idx.length !== t.shape.length) throw new CodegenError(`load '${fact.text}' has ${e.idx.length} indices; ${t.name} has rank ${t.shape.length}`);
    sites.push({ e, env, fact, tensor: t, slot });
  });
  const siteById = new Map(sites.map((s) => [s.e.loadId, s]));
  const rep = new Map<number, number>(); // hoisted load id -> the id whose value it uses

  const hoistCtx = (env: Env): CExprCtx => ({
    arg: (role) => {
      if (role === "score") throw new CodegenError(`mod '${modName}': a uniform or contiguous load's index depends on the score`);
      if (isSeqRole(role)) return seqArg(role);
      return role === "kv" ? "kv0" : role;
    },
    local: (name) => {
      const d = env.get(name);
      if (!d) throw new CodegenError(`internal: unbound local '${name}'`);
      return `(${emitExpr(d.value, hoistCtx(d.env))})`;
    },
    dim: (d) => `((int)${dimCode(d)})`,
    scalar: scalarCode,
    load: (e) => {
      const s = siteById.get(e.loadId)!;
      if (s.fact.class !== "uniform") {
        throw new CodegenError(`load '${s.fact.text}' is ${s.fact.class} but a hoisted load's index depends on it; the analysis should have called that load a gather`);
      }
      return `ld${rep.get(e.loadId) ?? e.loadId}`;
    },
  });

  const preview = opts.render === "preview";
  const w = new LineWriter(lineFile, !preview);
  // Lines only the bounds-checked build compiles (SM_BOUNDS_CHECK); the preview says so once instead.
  const boundsCheck = (L: number, depth: number, text: string): void => {
    if (preview) return;
    w.raw(`#ifdef SM_BOUNDS_CHECK`);
    w.stmt(L, depth, text);
    w.raw(`#endif`);
  };
  const tgt = `${target.id}`;
  w.raw(`// Generated by Score Mod Studio from ${cString(lineFile)}: ${mod.kind} mod '${mod.name}', target ${tgt} (${target.arch}), V=${V}. Do not edit.`);
  w.raw(`// SmParams layout (csrc/kernels/scoremod_abi.cuh):`);
  w.raw(`//   p.dims:  ${tables.dims.map((d, i) => `[${i}]=${d}`).join(" ")}`);
  w.raw(`//   p.aux:   ${tables.aux.length ? tables.aux.map((a) => `[${a.slot}]=${a.name} (${a.dtype}, ${fa.tensors[a.slot]!.shape.join("x")})`).join(" ") : "(none)"}`);
  if (tables.scalars.length) w.raw(`//   scalars: ${tables.scalars.map((s) => `p.${s.array}[${s.slot}]=${s.name}`).join(" ")}`);
  w.raw(`// Loads (class, width, instructions per call of ${fn}):`);
  for (const s of sites) {
    const f = s.fact;
    const n = f.class === "gather" ? V : f.class === "uniform" ? 1 : f.loadsPerVec;
    const runs = f.class === "grouped" ? ` (runs of ${f.group} lanes)` : "";
    w.raw(`//   #${f.id} line ${f.range.start.line + 1}: ${f.text}: ${f.class}${runs}, ${f.widthElems} x ${s.tensor.dtype} = ${f.widthBytes} B, ${n} load(s)`);
  }
  w.raw(`#include "scoremod_abi.cuh"`);
  const guard = `SM_DEFINED_${id}_V${V}`;
  if (preview) {
    w.raw(`// + the codegen prelude (sm_unpack_<dtype>, sm_fdiv, sm_powi); the bounds-checked build adds SM_CHECK_INDEX per index.`);
  } else {
    w.raw(PRELUDE);
    w.raw(`#ifndef ${guard}`);
    w.raw(`#define ${guard}`);
  }
  if (varlenAux) {
    // seq.* in a varlen build reads cu_seqlens (the runner's internal arrays) through this helper.
    // Inlined, its loads land on the mod's lines in PTX line info: the PTX proof of a varlen
    // build allows exactly those 4 B reads there (test/unit/varlen/codegen.test.ts).
    w.resetTo(genFileName);
    w.raw(`#ifndef SM_VARLEN_AT\n#define SM_VARLEN_AT\n__device__ __forceinline__ int sm_varlen_at(const SmParams& p, int slot, int i) { return static_cast<const int*>(p.aux[slot].data)[i]; }\n#endif`);
  }

  const emitted: EmittedLoad[] = [];
  const extentCode = (t: TensorFact, d: number): string => {
    const x = t.shape[d]!;
    return typeof x === "number" ? `${x}LL` : dimCode(x);
  };
  const offsetCode = (t: TensorFact, xs: string[]): string =>
    xs.map((x, d) => (isOne(t.strides[d]!) ? x : `${x} * ${polyCode(t.strides[d]!, dimCode)}`)).join(" + ");
  const unpack = (t: TensorFact) => `sm_unpack_${t.dtype}`;

  // ---- gather helpers: one scalar load per lane ----
  for (const s of sites) {
    if (s.fact.class !== "gather") continue;
    const { fact: f, tensor: t } = s;
    const L = f.range.start.line;
    const lt = laneType(t.dtype);
    const xs = t.shape.map((_, d) => `x${d}`);
    w.stmt(L, 0, `__device__ __forceinline__ ${lt} ${fn}_g${f.id}(const SmParams& p, int b, int h, int q, int kv, ${xs.map((x) => `long long ${x}`).join(", ")}) {`);
    w.stmt(L, 1, `long long o = ${offsetCode(t, xs)};`);
    boundsCheck(L, 1, `if (!(${xs.map((x, d) => `SM_CHECK_INDEX(${f.id}, ${d}, ${x}, ${extentCode(t, d)}, b, h, q, kv)`).join(" && ")})) o = 0;`);
    w.stmt(L, 1, `${lt} v;`);
    w.stmt(L, 1, `${unpack(t)}<1>(static_cast<const ${RAW_TYPE[t.elemBytes]}*>(p.aux[${s.slot}].data)[o], &v);`);
    w.stmt(L, 1, `return v;`);
    w.stmt(L, 0, `}`);
    emitted.push({ id: f.id, srcLine: L + 1, tensor: t.name, class: "gather", elemBytes: t.elemBytes, widthBytes: t.elemBytes, instructions: V, sameAs: null });
  }

  // ---- hoisted loads: keys for sharing identical reads ----
  interface Hoisted { s: LoadSite; idx: string[] }
  const hoisted: Hoisted[] = [];
  const keyOf = new Map<string, number>();
  for (const s of sites) {
    const f = s.fact;
    if (f.class === "gather") continue;
    if (f.class === "contiguous" || f.class === "grouped") {
      const n = vectorElems(f, V);
      if (f.widthElems < 1 || n % f.widthElems !== 0 || f.loadsPerVec * f.widthElems !== n) {
        throw new CodegenError(`internal: load '${f.text}' is ${f.class} with width ${f.widthElems} x ${f.loadsPerVec} loads, which does not cover V=${V} (${n} element(s) per call)`);
      }
      if (f.widthBytes !== f.widthElems * s.tensor.elemBytes || !RAW_TYPE[f.widthBytes]) {
        throw new CodegenError(`internal: load '${f.text}' has an unsupported width of ${f.widthBytes} bytes`);
      }
      if (f.widthBytes > target.maxLoadBytes) throw new CodegenError(`internal: load '${f.text}' is ${f.widthBytes} B wide; ${target.id} loads at most ${target.maxLoadBytes} B`);
      if (s.tensor.unitStrideDim === null) throw new CodegenError(`internal: load '${f.text}' is contiguous but ${s.tensor.name} has no stride-1 dim`);
    }
    const ctx = hoistCtx(s.env);
    const idx = s.e.idx.map((x) => conv(emitExpr(x, ctx), x.ty, "int"));
    const key = `${s.slot}|${f.class}|${f.widthElems}|${idx.join(",")}`;
    const prev = keyOf.get(key);
    if (prev !== undefined) {
      rep.set(f.id, prev);
      emitted.push({ id: f.id, srcLine: f.range.start.line + 1, tensor: s.tensor.name, class: f.class, elemBytes: s.tensor.elemBytes, widthBytes: f.widthBytes, instructions: 0, sameAs: prev });
      continue;
    }
    keyOf.set(key, f.id);
    hoisted.push({ s, idx });
  }

  // ---- the lane function ----
  const laneParams = hoisted.map(({ s }) => `${laneType(s.tensor.dtype)} ${s.fact.class === "uniform" ? "u" : "c"}${s.fact.id}`);
  // The kernel's own entry (Target.fusedEntry, score mods, equal-length batches): the lane takes
  // the unscaled score and the scale, and the float positions of positions.ts (kvBase + kvOff is
  // the lane's kv, qf + qOff its q); FPOS (a template parameter) picks them over the int conversion.
  const fused = target.fusedEntry === true && mod.kind === "score" && !opts.varlen;
  let laneEnv: AffineEnv = null;
  const scoreLocals = new Set<string>();
  // Only at the fact's sites (analysis/positions.ts), whose limits the runner checks.
  const rangeKey = (r: Expr["range"]) => `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;
  const positionSites = new Set((mod.floatPositions ?? []).map((f) => rangeKey(f.range)));
  const positionCode = (e: Expr, code: string): string | undefined => {
    if (!fused || !positionSites.has(rangeKey(e.range))) return undefined;
    const f = positionForm(e, laneEnv);
    if (!f) return undefined;
    const base = `${f.kv < 0 ? "-" : ""}kvBase${f.q === 0 ? "" : f.q > 0 ? " + qf" : " - qf"}${f.c === 0 ? "" : ` + ${floatLit(f.c)}`}`;
    // Both offsets are compile-time constants at each of the kernel's calls, so one float add.
    const off = `${f.kv < 0 ? "-kvOff" : "kvOff"}${f.q === 0 ? "" : f.q > 0 ? " + qOff" : " - qOff"}`;
    return `(FPOS ? (${base}) + (float)(${off}) : ${conv(code, "int", "float")})`;
  };
  const laneCtx = (): CExprCtx => ({
    intToFloat: positionCode,
    arg: (role) => (isSeqRole(role) ? seqArg(role) : role),
    local: (name) => localIdent(name),
    dim: (d) => `((int)${dimCode(d)})`,
    scalar: scalarCode,
    load: (e) => {
      const s = siteById.get(e.loadId)!;
      const r = rep.get(e.loadId) ?? e.loadId;
      if (s.fact.class === "uniform") return `u${r}`;
      if (s.fact.class === "contiguous" || s.fact.class === "grouped") return `c${r}`;
      const args = e.idx.map((x) => `(long long)${conv(emitExpr(x, laneCtx()), x.ty, "int")}`);
      return `${fn}_g${s.fact.id}(p, b, h, q, kv, ${args.join(", ")})`;
    },
  });
  const retTy: Ty = mod.kind === "score" ? "float" : "bool";
  const usesScore = (e: Expr): boolean => findIn(e, (x) => (x.k === "arg" && x.role === "score") || (x.k === "local" && scoreLocals.has(x.name)));
  // `score + E`, `E + score`, `score - E` with E free of the score: one fused multiply-add of the
  // unscaled score (docs/codegen.md "The Hopper kernel's own entry").
  const fusedReturn = (v: Expr): string | undefined => {
    if (!fused || v.k !== "binary" || (v.op !== "+" && v.op !== "-")) return undefined;
    const isScore = (x: Expr) => x.k === "arg" && x.role === "score";
    const addend = isScore(v.a) && !usesScore(v.b) ? v.b : v.op === "+" && isScore(v.b) && !usesScore(v.a) ? v.a : undefined;
    if (!addend) return undefined;
    const e = emitAs(addend, "float", laneCtx());
    return `__fmaf_rn(sraw, scale, ${v.op === "-" ? `-${e}` : e})`;
  };
  const emitBody = (body: Stmt[], depth: number): void => {
    const outer = laneEnv;
    for (const st of body) {
      const L = st.range.start.line;
      if (st.k === "const") {
        w.stmt(L, depth, `const ${cType(st.value.ty)} ${localIdent(st.name)} = ${emitExpr(st.value, laneCtx())};`);
        if (usesScore(st.value)) scoreLocals.add(st.name);
        laneEnv = { name: st.name, value: st.value, parent: laneEnv };
      } else if (st.k === "return") {
        w.stmt(L, depth, `return ${fusedReturn(st.value) ?? emitAs(st.value, retTy, laneCtx())};`);
      } else {
        w.stmt(L, depth, `if (${conv(emitExpr(st.cond, laneCtx()), st.cond.ty, "bool")}) {`);
        emitBody(st.then, depth + 1);
        if (st.else.length) {
          w.stmt(L, depth, `} else {`);
          emitBody(st.else, depth + 1);
        }
        w.stmt(L, depth, `}`);
      }
    }
    laneEnv = outer;
  };
  const lead = !fused ? (mod.kind === "score" ? "float score, " : "") : "float sraw, float scale, ";
  const posParams = fused ? ", float kvBase, int kvOff, float qf, int qOff" : "";
  w.stmt(modLine, 0, `${fused ? "template <bool FPOS> " : ""}__device__ __forceinline__ ${cType(retTy)} ${fn}_lane(${lead}int b, int h, int q, int kv${posParams}, const SmParams& p${laneParams.map((x) => `, ${x}`).join("")}) {`);
  if (fused) {
    // The scaled score, as every kernel hands it to a mod (unused when the body only fuses it).
    w.stmt(modLine, 1, `const float score = __fmul_rn(sraw, scale);`);
    w.stmt(modLine, 1, `(void)score; (void)kvBase; (void)kvOff; (void)qf; (void)qOff;`);
  }
  emitBody(mod.body, 1);
  // Every path of a TypeScript mod returns (the checker enforces it). When the body does not end
  // in a return (it ends in an if/else that does), a fallback keeps nvcc's flow analysis quiet;
  // after a final return it would be dead code.
  if (mod.body.at(-1)?.k !== "return") w.stmt(modLine, 1, mod.kind === "score" ? `return score;` : `return true;`);
  w.stmt(modLine, 0, `}`);

  // ---- the V-lane entry point (and, on a staging target, its staged twin) ----
  const staged = target.auxStaging ? hoisted.filter(({ s }) => isStaged(s.fact)) : [];
  const st = target.auxStaging;
  // A staged row: every query row reads the same row, so lanes of a warp that share a kv pair get
  // one broadcast word. A staged tile: TMA's layout, 64-column panels of 128-byte rows with the
  // 16-byte chunks of row r XOR-swizzled by r & 7 (so the 8 rows a warp reads at one column fall
  // in distinct banks); a chunk of at most 16 B never straddles a swizzle unit.
  // In the kernel's own entry (fused targets) a tile's values come in registers instead: stw, the
  // pair's 32-bit word (columns 2j and 2j + 1 of the row), which the kernel read with ldmatrix.
  const stagedRead = (f: LoadFact, raw: string, byteExpr: string, own: boolean): string => {
    const sf = f.staging!;
    if (sf.rows === "row") return `*reinterpret_cast<const ${raw}*>(st + ${sf.offset} + ${byteExpr})`;
    const x = `(${byteExpr})`;
    if (own) {
      if (f.widthBytes === 4) return `stw`;
      if (f.widthBytes === 2) return `(unsigned short)(stw >> (8 * (${x} & 3)))`;
      throw new CodegenError(`internal: a staged tile read of ${f.widthBytes} B; the kernel hands the mod one 4-byte word per pair`);
    }
    return `*reinterpret_cast<const ${raw}*>(st + ${sf.offset} + (${x} >> 7) * ${st!.tileRows * 128} + tq * 128 + ((((${x} & 127) >> 4) ^ (tq & 7)) << 4) + (${x} & 15))`;
  };
  // The own entry's uniform loads (LoadFact.perWorkItem: no index depends on kv, the classifier's
  // proof): the kernel loads them once per work item for each of a thread's rows, before the kv
  // tile loop, instead of once per tile (its barriers keep the compiler from hoisting a load across
  // them). Same addresses, same bounds checks (kv reported as -1: any), same values.
  const uniType = `${fn}_uni`, uniFn = `${fn}_uniforms`;
  const emitUniforms = (): void => {
    const us = hoisted.filter(({ s }) => s.fact.perWorkItem);
    w.stmt(modLine, 0, `struct ${uniType} {${us.map(({ s }) => ` ${laneType(s.tensor.dtype)} ld${s.fact.id};`).join("")}${us.length ? " " : ""}};`);
    w.stmt(modLine, 0, `__device__ __forceinline__ ${uniType} ${uniFn}(int b, int h, int q, const SmParams& p) {`);
    w.stmt(modLine, 1, `${uniType} un;`);
    // kv0: an index the classifier calls uniform may still name kv with a zero coefficient.
    w.stmt(modLine, 1, `const int kv0 = 0;`);
    w.stmt(modLine, 1, `(void)b; (void)h; (void)q; (void)p; (void)kv0;`);
    for (const { s, idx } of us) {
      const { fact: f, tensor: t } = s;
      const L = f.range.start.line;
      const n = `ld${f.id}`;
      const xs = idx.map((_, d) => `x${f.id}_${d}`);
      idx.forEach((code, d) => w.stmt(L, 1, `const long long ${xs[d]} = ${code};`));
      w.stmt(L, 1, `long long o${f.id} = ${offsetCode(t, xs)};`);
      boundsCheck(L, 1, `if (!(${xs.map((x, d) => `SM_CHECK_INDEX(${f.id}, ${d}, ${x}, ${extentCode(t, d)}, b, h, q, -1)`).join(" && ")})) o${f.id} = 0;`);
      w.stmt(L, 1, `${laneType(t.dtype)} ${n};`);
      w.stmt(L, 1, `${unpack(t)}<1>(*reinterpret_cast<const ${RAW_TYPE[t.elemBytes]}*>(static_cast<const char*>(p.aux[${s.slot}].data) + o${f.id} * ${t.elemBytes}), &${n});`);
      w.stmt(L, 1, `un.${n} = ${n};`);
      emitted.push({ id: f.id, srcLine: L + 1, tensor: t.name, class: f.class, elemBytes: t.elemBytes, widthBytes: t.elemBytes, instructions: 1, sameAs: null });
    }
    w.stmt(modLine, 1, `return un;`);
    w.stmt(modLine, 0, `}`);
  };
  // "plain": what every kernel calls (scaled scores; int positions). "wg" / "st" (fused targets):
  // the kernel's own entry, unscaled scores and float positions when FPOS, with direct or staged
  // loads; on those targets the plain entry is `_wg<false>` at scale 1.
  const emitEntry = (name: string, stagedMode: boolean, own = false): void => {
    const sig = mod.kind === "score" ? `float (&s)[${V}]` : `bool (&keep)[${V}]`;
    // tq, tkv: the position's row and column in the block's tile, not clamped (the kernel's
    // unrolled loops make them constants; staged values of positions past Q or KV are discarded).
    const tileWord = own && stagedMode && staged.some(({ s }) => s.fact.staging!.rows === "tile");
    const extra = (own ? ", float kvBase, int kvOff, float qf, int qOff" : "") + (stagedMode ? ", const unsigned char* __restrict__ st, int tq, int tkv" : "") + (tileWord ? ", unsigned stw" : "") + (own ? `, const ${uniType}& un` : "");
    w.stmt(modLine, 0, `${own ? "template <bool FPOS> " : ""}__device__ __forceinline__ void ${name}(${sig}${own ? ", float scale" : ""}, int b, int h, int q, int kv0, const SmParams& p${extra}) {`);
    for (const { s, idx } of hoisted) {
      const { fact: f, tensor: t } = s;
      const L = f.range.start.line;
      const lt = laneType(t.dtype);
      const n = `ld${f.id}`;
      // Elements loaded per call: V (contiguous), max(1, V / g) (grouped); 1 for a broadcast.
      const elems = f.class === "uniform" ? 1 : vectorElems(f, V);
      const contiguous = f.class === "contiguous" || elems > 1;
      if (own && f.perWorkItem) {
        // Loaded once per work item and row by the kernel (emitUniforms).
        w.stmt(L, 1, `const ${lt} ${n} = un.${n};`);
        continue;
      }
      if (stagedMode && staged.some((x) => x.s === s)) {
        // Staged by the producer for this kv tile: read from shared memory at (tq, tkv) of the tile.
        const we = f.widthElems;
        if (!(own && f.staging!.rows === "tile" && f.widthBytes === 4)) w.stmt(L, 1, `const int cb${f.id} = tkv * ${t.elemBytes};`);
        w.stmt(L, 1, `${lt} ${n}[${V}];`);
        w.stmt(L, 1, `_Pragma("unroll") for (int c = 0; c < ${V / we}; ++c) ${unpack(t)}<${we}>(${stagedRead(f, RAW_TYPE[f.widthBytes]!, `cb${f.id} + c * ${f.widthBytes}`, own)}, &${n}[c * ${we}]);`);
        continue;
      }
      const xs = idx.map((_, d) => `x${f.id}_${d}`);
      idx.forEach((code, d) => w.stmt(L, 1, `const long long ${xs[d]} = ${code};`));
      w.stmt(L, 1, `long long o${f.id} = ${offsetCode(t, xs)};`);
      const checks = xs.map((x, d) => `SM_CHECK_INDEX(${f.id}, ${d}, ${x}, ${extentCode(t, d)}, b, h, q, kv0)`);
      if (contiguous) {
        // The whole chunk must be inside: check the last element's index of the stride-1 dim too.
        const u = t.unitStrideDim!;
        checks.push(`SM_CHECK_INDEX(${f.id}, ${u}, ${xs[u]} + ${elems - 1}, ${extentCode(t, u)}, b, h, q, kv0 + ${V - 1})`);
      }
      boundsCheck(L, 1, `if (!(${checks.join(" && ")})) o${f.id} = 0;`);
      w.stmt(L, 1, `const char* __restrict__ a${f.id} = static_cast<const char*>(p.aux[${s.slot}].data);`);
      if (!contiguous) {
        // Uniform, or grouped with the call's lanes in one run: one element, broadcast.
        w.stmt(L, 1, `${lt} ${n};`);
        w.stmt(L, 1, `${unpack(t)}<1>(*reinterpret_cast<const ${RAW_TYPE[t.elemBytes]}*>(a${f.id} + o${f.id} * ${t.elemBytes}), &${n});`);
        if (!stagedMode) emitted.push({ id: f.id, srcLine: L + 1, tensor: t.name, class: f.class, elemBytes: t.elemBytes, widthBytes: t.elemBytes, instructions: 1, sameAs: null });
      } else {
        const we = f.widthElems;
        w.stmt(L, 1, `${lt} ${n}[${elems}];`);
        w.stmt(L, 1, `_Pragma("unroll") for (int c = 0; c < ${elems / we}; ++c) ${unpack(t)}<${we}>(*reinterpret_cast<const ${RAW_TYPE[f.widthBytes]}*>(a${f.id} + (o${f.id} + c * ${we}) * ${t.elemBytes}), &${n}[c * ${we}]);`);
        if (!stagedMode) emitted.push({ id: f.id, srcLine: L + 1, tensor: t.name, class: f.class, elemBytes: t.elemBytes, widthBytes: f.widthBytes, instructions: elems / we, sameAs: null });
      }
    }
    // Lane i's value: the broadcast, its own element, or its run's element i / g (g a power of two).
    const laneArg = (f: LoadFact): string => {
      if (f.class === "uniform") return `, ld${f.id}`;
      if (f.class === "grouped") return vectorElems(f, V) === 1 ? `, ld${f.id}` : `, ld${f.id}[i / ${f.group}]`;
      return `, ld${f.id}[i]`;
    };
    const laneArgs = hoisted.map(({ s }) => laneArg(s.fact)).join("");
    const call = mod.kind === "mask"
      ? `keep[i] = ${fn}_lane(b, h, q, kv0 + i, p${laneArgs});`
      : own ? `s[i] = ${fn}_lane<FPOS>(s[i], scale, b, h, q, kv0 + i, kvBase, kvOff + i, qf, qOff, p${laneArgs});`
      : `s[i] = ${fn}_lane(s[i], b, h, q, kv0 + i, p${laneArgs});`;
    w.stmt(modLine, 1, `_Pragma("unroll") for (int i = 0; i < ${V}; ++i) ${call}`);
    w.stmt(modLine, 0, `}`);
  };
  if (fused) {
    emitUniforms();
    emitEntry(`${fn}_wg`, false, true);
    // Scale 1 and int positions: exactly the scaled score's sum and the cast every other kernel expects.
    w.stmt(modLine, 0, `__device__ __forceinline__ void ${fn}(float (&s)[${V}], int b, int h, int q, int kv0, const SmParams& p) {`);
    w.stmt(modLine, 1, `${fn}_wg<false>(s, 1.0f, b, h, q, kv0, p, 0.0f, 0, 0.0f, 0, ${uniFn}(b, h, q, p));`);
    w.stmt(modLine, 0, `}`);
  } else {
    emitEntry(varlenAux ? `${fn}_seq` : fn, false);
  }
  if (varlenAux) {
    if (staged.length) throw new CodegenError(`mod '${modName}': a varlen run does not stage aux loads (${target.id}); run it on a target without staging`);
    // The wrapper is the runner's code, not the user's: its reads of the internal arrays are
    // attributed to the generated file, so the PTX proof of the mod's loads does not count them.
    w.resetTo(genFileName);
    emitVarlenEntry(w, { fn, kind: mod.kind, V, slot: (n) => varlenAux.find((x) => x.name === n)!.slot });
  }
  let staging: GeneratedCuda["staging"] = null;
  let tile: NonNullable<GeneratedCuda["staging"]>["tile"] = null;
  if (staged.length) {
    emitEntry(`${fn}_st`, true, fused);
    // The producer side: copy this kv tile's staged values into the stage at dst, completing on
    // the stage's barrier bar. A row: threads t of nt share its cp.async chunks; the index code
    // runs once, at kv0 = kvt (the load is contiguous in kv, the classifier's proof, so chunk c
    // is c * chunk bytes further on); chunks past KV are zero-filled without reading. A tile:
    // thread 0 issues one TMA copy through the tensor map tmap (made by the runner for this
    // load's tensor: dims kv, q, then the others in order), at coordinates (kvt, q0, the other
    // indices); TMA zero-fills what lies outside the tensor. The consumers clamp q and kv into
    // the block's tile and discard positions past Q or KV.
    w.stmt(modLine, 0, `__device__ __forceinline__ void ${fn}_stage(unsigned dst, unsigned bar, const void* tmap, int b, int h, int q0, int kvt, int Q, int KV, const SmParams& p, int t, int nt) {`);
    w.stmt(modLine, 1, `(void)bar; (void)tmap; (void)q0; (void)Q;`);
    let bytes = 0;
    for (const { s, idx } of staged) {
      const { fact: f, tensor: t } = s;
      const sf = f.staging!;
      const L = f.range.start.line;
      const e = t.elemBytes;
      bytes = Math.max(bytes, sf.offset + sf.bytes);
      const xs = idx.map((_, d) => `x${d}`);
      if (sf.rows === "tile") {
        const td = sf.tileDims!;
        // Inner dims first, so a row-major tensor's map has increasing strides, as TMA maps do.
        const others = idx.map((_, d) => d).filter((d) => d !== td.q && d !== td.kv).reverse();
        tile = { slot: s.slot, dims: [td.kv, td.q, ...others] };
        w.stmt(L, 1, `if (t == 0) {  // #${f.id} ${f.text}: a ${st!.tileRows} x ${st!.tileCols} tile, one TMA copy`);
        w.stmt(L, 2, `const int kv0 = kvt, q = q0;`);
        others.forEach((d) => w.stmt(L, 2, `const int ${xs[d]} = (int)(${idx[d]});`));
        w.stmt(L, 2, `sm_tma_tile<${idx.length}, ${st!.tileRows}, ${(st!.tileCols * e) / 128}, ${e}>(dst + ${sf.offset}, tmap, bar, {kvt, q0${others.map((d) => `, ${xs[d]}`).join("")}});`);
        w.stmt(L, 1, `}`);
        continue;
      }
      const chunks = (st!.tileCols * e) / sf.chunkBytes;
      w.stmt(L, 1, `{  // #${f.id} ${f.text}: one row of ${st!.tileCols}, ${sf.chunkBytes} B chunks`);
      w.stmt(L, 2, `const int kv0 = kvt;`);
      idx.forEach((code, d) => w.stmt(L, 2, `const long long ${xs[d]} = ${code};`));
      w.stmt(L, 2, `const char* base = static_cast<const char*>(p.aux[${s.slot}].data) + (${offsetCode(t, xs)}) * ${e};`);
      // Not unrolled: the producer warps run on 24 registers (setmaxnreg).
      w.stmt(L, 2, `_Pragma("unroll 1") for (int c = t; c < ${chunks}; c += nt) {`);
      w.stmt(L, 3, `const bool ok = kvt + c * ${sf.chunkBytes / e} < KV;`);
      w.stmt(L, 3, `sm_cp_async<${sf.chunkBytes}>(dst + ${sf.offset} + c * ${sf.chunkBytes}, ok ? base + c * ${sf.chunkBytes} : base, ok);`);
      w.stmt(L, 2, `}`);
      w.stmt(L, 1, `}`);
    }
    w.stmt(modLine, 0, `}`);
    staging = { entry: `${fn}_st`, stage: `${fn}_stage`, bytes: Math.ceil(bytes / 128) * 128, tile };
  }
  if (!preview) w.raw(`#endif // ${guard}`);
  w.resetTo(genFileName);
  const code = w.text();

  const kernel = preview ? "" : proofKernel(kernelName, fn, mod.kind, V);
  emitted.sort((a, b) => a.id - b.id);
  return {
    mod: mod.name, kind: mod.kind, target: target.id, vecSize: V, functionName: fn, kernelName,
    code, kernel, text: code + kernel, lineMap: w.map, dims: tables.dims, aux: tables.aux, scalars: tables.scalars,
    loads: emitted, lineFile, staging, varlenAux, wgEntry: fused ? `${fn}_wg` : null,
    wgUniforms: fused ? { fn: uniFn, type: uniType } : null,
  };
}

/**
 * A thin kernel that reads its inputs from memory (so nvcc cannot constant-fold indices or
 * drop loads), calls the device function once, and stores the results. kv0 is read from memory
 * too: nvcc must not learn kv0 % V == 0, which only the analysis may use.
 */
function proofKernel(name: string, fn: string, kind: ModFact["kind"], V: number): string {
  const lines = [
    `extern "C" __global__ void ${name}(const int* __restrict__ coords, const float* __restrict__ in, ${kind === "score" ? "float" : "bool"}* __restrict__ out, const SmParams p) {`,
    `  const int b = coords[0], h = coords[1], q = coords[2], kv0 = coords[3];`,
    kind === "score"
      ? `  float v[${V}];\n  _Pragma("unroll") for (int i = 0; i < ${V}; ++i) v[i] = in[i];`
      : `  bool v[${V}];`,
    `  ${fn}(v, b, h, q, kv0, p);`,
    `  _Pragma("unroll") for (int i = 0; i < ${V}; ++i) out[i] = v[i];`,
    `}`,
  ];
  return lines.join("\n") + "\n";
}
