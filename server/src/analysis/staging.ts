// Aux staging for kernels that copy aux values into shared memory (Target.auxStaging; today the
// runner's Hopper kernel). A contiguous load whose index is a function of b, h, q, kv, dims,
// scalars and constants only (not another load, not the score) is copied once per kv tile by
// the producer warps into a region of the K/V stage it belongs to, and the consumers read it
// from shared memory:
// - "row": the index does not depend on q. One row of tileCols values that all query rows of
//   the block read; cp.async in chunks of `chunkBytes` (4-16 B).
// - "tile": the index depends on q. One row per query row (tileRows x tileCols), each copied by
//   one bulk copy (cp.async.bulk, the TMA engine: no per-chunk instructions, no L1 miss
//   tracking), so it needs 16-byte chunks. An earlier build that copied tiles with per-thread
//   cp.async chunks ran slower than direct reads (full-bias 2.41-2.59 ms against 1.58-1.69,
//   H100, 2026-11-27, BENCHMARKS.md).
// Every other load is read from global memory by each thread. Sound by construction: a staged
// element is the element the direct load would read at the same (b, h, q, kv) (the same index
// code, see codegen/cuda.ts), copied in chunks whose contiguity and alignment are the
// classifier's width proof at the chunk width.
import { lookup, type Env } from "./affine";
import type { Obligation, StagingFact } from "./facts";
import { children, type Expr } from "./ir";
import { pow2Floor } from "./poly";
import { TARGETS, type Target, type TargetId } from "./targets";

/** cp.async copies 4, 8 or 16 bytes per instruction; a bulk copy moves multiples of 16 bytes. */
export const MIN_CHUNK_BYTES = 4;
export const MAX_CHUNK_BYTES = 16;
export const BULK_CHUNK_BYTES = 16;

/** What the index reads, through const bindings: a load or the score stop staging, q makes it a tile. */
export function indexInputs(idx: Expr[], env: Env): { q: boolean; load: string | null; score: boolean } {
  const out = { q: false, load: null as string | null, score: false };
  const seen = new Set<object>();
  const walk = (e: Expr, en: Env, depth: number): void => {
    if (depth > 200) { out.load ??= "an index nested too deeply to follow"; return; }
    if (e.k === "arg") {
      if (e.role === "q") out.q = true;
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
    if (chunkBytes < BULK_CHUNK_BYTES) {
      return { staged: false, why: `its index depends on q (a ${st.tileRows}-row tile, one bulk copy per row) and the facts prove ${chunkBytes}-byte chunks along kv; bulk copies need 16 B (declare align: 16 and the divisibility the width proof asks for)` };
    }
    return { staged: true, fact: { rows: "tile", chunkBytes, bytes: st.tileRows * st.tileCols * e }, obligations: a.obligationsAt(w) };
  }
  if (chunkBytes < MIN_CHUNK_BYTES) {
    const need = Math.max(MIN_CHUNK_BYTES, 2 * e);
    return { staged: false, why: `the facts prove ${chunkBytes}-byte chunks along kv; cp.async copies at least ${MIN_CHUNK_BYTES} B (declare align: ${need} and the divisibility the width proof asks for)` };
  }
  return { staged: true, fact: { rows: "row", chunkBytes, bytes: st.tileCols * e }, obligations: a.obligationsAt(w) };
}

/** Lay the staged loads of one mod out in a stage, in body order, while they fit the budget. */
export function placeStaged<T extends { id: number; bytes: number }>(loads: T[], target: Target, kind: "score" | "mask"): { placed: Map<number, number>; over: Map<number, string> } {
  const placed = new Map<number, number>();
  const over = new Map<number, string>();
  const st = target.auxStaging;
  const budget = st ? (kind === "score" ? st.scoreBytes : st.maskBytes) : 0;
  let used = 0;
  for (const l of loads) {
    const start = Math.ceil(used / 128) * 128;
    if (start + l.bytes <= budget) { placed.set(l.id, start); used = start + l.bytes; }
    else over.set(l.id, `it needs ${l.bytes} B of shared memory per stage; ${Math.max(0, budget - start)} B of the ${budget} B the kernel keeps per stage for a ${kind} mod's rows are left`);
  }
  return { placed, over };
}

/** How a staged load is copied, for hovers and the CLI (each adds its own "staged" label). */
export function stagingLine(s: StagingFact, target: TargetId | undefined): string {
  const st = target ? TARGETS[target].auxStaging : undefined;
  const rows = st?.tileRows ?? 128, cols = st?.tileCols ?? 128;
  if (s.rows === "tile") {
    return `the producer warps copy this load's ${rows} × ${cols} tile per kv tile, one bulk copy (TMA engine) per query row, ` +
      `ahead of the consumers (${s.bytes} B per stage; row r's 16-byte chunks rotated by r mod 8, so a warp's reads hit distinct banks)`;
  }
  return `the producer warps copy one row of ${cols} values per kv tile, ` +
    `read by all ${rows} query rows of the block (cp.async, ${s.chunkBytes} B chunks, ${s.bytes} B per stage), ahead of the consumers`;
}
