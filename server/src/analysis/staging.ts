// Aux staging for kernels that copy aux values into shared memory (Target.auxStaging; today the
// runner's Hopper kernel). A contiguous load whose index is a function of b, h, q, kv, dims,
// scalars and constants only (not another load, not the score) is copied once per kv tile by
// the producer warps into a region of the K/V stage it belongs to, and the consumers read it
// from shared memory:
// - "row": the index does not depend on q. One row of tileCols values that all query rows of
//   the block read; cp.async in chunks of `chunkBytes` (4-16 B).
// - "tile": the index depends on q, as a plain bias does: `.at(..., q, kv)` with q and kv each
//   indexing one dim (kv the stride-1 one) and every other index free of q and kv. Its
//   tileRows x tileCols tile is one TMA tensor copy (two boxes of 64 columns, 128-byte swizzle),
//   the way the kernel loads K and V. Two earlier builds that copied such tiles row by row (per-
//   thread cp.async chunks; one bulk copy per row) ran at 2.41-2.59 ms against 1.58-1.69 ms read
//   directly for full-bias (H100, 2026-11-27, BENCHMARKS.md).
// Every other load is read from global memory by each thread. Sound by construction: a staged
// element is the element the direct load would read at the same (b, h, q, kv) (the same index
// code, see codegen/cuda.ts), copied in chunks whose contiguity and alignment are the
// classifier's width proof at the chunk width.
import { lookup, type Env } from "./affine";
import type { LoadFact, Obligation, StagingFact } from "./facts";
import { children, isSeqRole, type Expr } from "./ir";
import { pow2Floor } from "./poly";
import { targetOf, type Target, type TargetId } from "./targets";

/** The load is staged: the classifier found it stageable and it was given a region of the stage. */
export function isStaged(l: Pick<LoadFact, "staging">): l is { staging: StagingFact } {
  return l.staging != null && l.staging.offset >= 0;
}

/** cp.async copies 4, 8 or 16 bytes per instruction; TMA needs 16-byte aligned rows. */
export const MIN_CHUNK_BYTES = 4;
export const MAX_CHUNK_BYTES = 16;
export const TMA_CHUNK_BYTES = 16;
/** TMA tensor maps have at most 5 dims. */
const TMA_MAX_RANK = 5;

/** What the index reads, through const bindings: a load or the score stop staging, q makes it a tile. */
export function indexInputs(idx: Expr[], env: Env): { q: boolean; kv: boolean; load: string | null; score: boolean } {
  const out = { q: false, kv: false, load: null as string | null, score: false };
  const seen = new Set<object>();
  const walk = (e: Expr, en: Env, depth: number): void => {
    if (depth > 200) { out.load ??= "an index nested too deeply to follow"; return; }
    if (e.k === "arg") {
      // A varlen offset or length (seq.*) is per sequence, unlike the tile's rows and columns:
      // the producer warps do not stage it (the load stays in the mod, as classified).
      if (isSeqRole(e.role)) out.load ??= `${e.text} (a per-sequence value)`;
      if (e.role === "q") out.q = true;
      if (e.role === "kv") out.kv = true;
      if (e.role === "score") out.score = true;
      return;
    }
    if (e.k === "load") { out.load ??= `${e.tensor}.at(...)`; return; }
    if (e.k === "local") {
      const b = lookup(en, e.name);
      if (!b) { out.load ??= `an unbound name '${e.name}'`; return; }
      if (seen.has(b)) return;
      seen.add(b);
      walk(b.value, b.parent, depth + 1);
      return;
    }
    for (const c of children(e)) walk(c, en, depth + 1);
  };
  for (const x of idx) walk(x, env, 0);
  return out;
}

export interface StagingInput {
  target: Target;
  elemBytes: number;
  /** bf16 or f16 (what the runner's TMA tensor maps encode). */
  halfFloat: boolean;
  /** The tensor's stride-1 dim (the classifier proved kv enters only there). */
  unitStrideDim: number;
  idx: Expr[];
  env: Env;
  /** The widest chunk (elements, a power of two) the width facts prove, capped at `cap`. */
  largestLegal: (cap: number) => number;
  /** The obligations a chunk of w elements relies on (the classifier's, at width w). */
  obligationsAt: (w: number) => Obligation[];
}

export type StagingDecision =
  | { staged: true; fact: Omit<StagingFact, "offset">; obligations: Obligation[] }
  | { staged: false; why: string };

/** The argument an index is, through const bindings (null: any other expression). */
function argRole(e: Expr, env: Env, depth = 0): string | null {
  if (e.k === "arg") return e.role;
  if (e.k === "local" && depth < 200) {
    const b = lookup(env, e.name);
    return b ? argRole(b.value, b.parent, depth + 1) : null;
  }
  return null;
}

/**
 * Where q and kv index a tile-shaped load: kv alone on the stride-1 dim, q alone on one other
 * dim, every other index free of both (a TMA box is a rectangle of the tensor); else why not.
 */
export function tileShape(idx: Expr[], env: Env, unitStrideDim: number): { q: number; kv: number } | string {
  if (idx.length > TMA_MAX_RANK) return `the tensor has ${idx.length} dims (a TMA copy takes at most ${TMA_MAX_RANK})`;
  if (argRole(idx[unitStrideDim]!, env) !== "kv") return "its stride-1 index is not kv itself (a TMA copy reads rectangles)";
  const qDims = idx.map((x, d) => (argRole(x, env) === "q" ? d : -1)).filter((d) => d >= 0);
  if (qDims.length !== 1) return "q is not itself one of its indices (a TMA copy reads rectangles)";
  for (let d = 0; d < idx.length; d++) {
    if (d === unitStrideDim || d === qDims[0]) continue;
    const uses = indexInputs([idx[d]!], env);
    if (uses.q || uses.kv || uses.load) return `index ${d} depends on q or kv (a TMA copy reads rectangles)`;
  }
  return { q: qDims[0]!, kv: unitStrideDim };
}

/** Whether one contiguous load can be staged, and how (before the shared-memory budget). */
export function decideStaging(a: StagingInput): StagingDecision {
  const st = a.target.auxStaging;
  if (!st) return { staged: false, why: `${a.target.id} reads aux loads from global memory` };
  const inputs = indexInputs(a.idx, a.env);
  if (inputs.score) return { staged: false, why: "its index depends on the score" };
  if (inputs.load) return { staged: false, why: `its index reads ${inputs.load}: the producer would have to load that first` };
  const e = a.elemBytes;
  const w = a.largestLegal(pow2Floor(Math.floor(MAX_CHUNK_BYTES / e)));
  const chunkBytes = w * e;
  if (inputs.q) {
    const shape = tileShape(a.idx, a.env, a.unitStrideDim);
    if (typeof shape === "string") return { staged: false, why: `its index depends on q, and ${shape}` };
    if (!a.halfFloat) return { staged: false, why: "its index depends on q, and only bf16/f16 tiles are copied by TMA here" };
    if (chunkBytes < TMA_CHUNK_BYTES) {
      return { staged: false, why: `its index depends on q (a ${st.tileRows}-row tile, one TMA copy) and the facts prove ${chunkBytes}-byte chunks along kv; TMA needs 16-byte aligned rows (declare align: 16 and the divisibility the width proof asks for)` };
    }
    return { staged: true, fact: { rows: "tile", chunkBytes, bytes: st.tileRows * st.tileCols * e, tileDims: shape }, obligations: a.obligationsAt(w) };
  }
  if (chunkBytes < MIN_CHUNK_BYTES) {
    const need = Math.max(MIN_CHUNK_BYTES, 2 * e);
    return { staged: false, why: `the facts prove ${chunkBytes}-byte chunks along kv; cp.async copies at least ${MIN_CHUNK_BYTES} B (declare align: ${need} and the divisibility the width proof asks for)` };
  }
  return { staged: true, fact: { rows: "row", chunkBytes, bytes: st.tileCols * e }, obligations: a.obligationsAt(w) };
}

/**
 * Lay the staged loads of one mod out in a stage while they fit the budget: a tile first and
 * alone (its TMA box needs the region's 1024-byte aligned start, and the kernel keeps no more
 * than a tile per stage), else rows in body order, 128-byte aligned.
 */
export function placeStaged<T extends { id: number; bytes: number; tile: boolean }>(loads: T[], target: Target, kind: "score" | "mask"): { placed: Map<number, number>; over: Map<number, string> } {
  const placed = new Map<number, number>();
  const over = new Map<number, string>();
  const st = target.auxStaging;
  const budget = st ? (kind === "score" ? st.scoreBytes : st.maskBytes) : 0;
  const tile = loads.find((l) => l.tile && l.bytes <= budget);
  if (tile) placed.set(tile.id, 0);
  let used = 0;
  for (const l of loads) {
    if (l === tile) continue;
    if (tile) { over.set(l.id, `the stage's region for a ${kind} mod is taken by another load's tile`); continue; }
    const start = Math.ceil(used / 128) * 128;
    if (!l.tile && start + l.bytes <= budget) { placed.set(l.id, start); used = start + l.bytes; }
    else over.set(l.id, `it needs ${l.bytes} B of shared memory per stage; ${Math.max(0, budget - start)} B of the ${budget} B the kernel keeps per stage for a ${kind} mod's ${l.tile ? "tile" : "rows"} are left`);
  }
  return { placed, over };
}

/** How a staged load is copied, for hovers and the CLI (each adds its own "staged" label); `fa`: the analysis it belongs to (its target and tile width). */
export function stagingLine(s: StagingFact, fa: { target: TargetId; tileN?: number } | undefined): string {
  const st = fa ? targetOf(fa).auxStaging : undefined;
  const rows = st?.tileRows ?? 128, cols = st?.tileCols ?? 128;
  if (s.rows === "tile") {
    return `the producer copies this load's ${rows} × ${cols} tile per kv tile with TMA (two boxes of 64 columns, 128-byte swizzle, ` +
      `as for K and V), ahead of the consumers, who read it with ldmatrix straight into their accumulator pairs (${s.bytes} B per stage)`;
  }
  return `the producer warps copy one row of ${cols} values per kv tile, ` +
    `read by all ${rows} query rows of the block (cp.async, ${s.chunkBytes} B chunks, ${s.bytes} B per stage), ahead of the consumers`;
}
