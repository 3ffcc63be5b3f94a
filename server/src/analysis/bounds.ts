// Index safety at a given shape: for every aux load of a mod and every index of it, the interval
// of values the index takes over all (b, h, q, kv) of the problem (intervals.ts: int32 semantics,
// aux values unknown), against the tensor's extent in that dim.
//   proven      the interval lies in [0, extent)
//   violated    a concrete (b, h, q, kv) makes the index leave [0, extent) (the witness)
//   obligation  neither: an index tensor's values, or a bound intervals cannot decide; the runner
//               checks these on the real tensors (the bounds-checked build) before it times anything.
// Score mods run on masked positions too, so no mask narrows the box. A condition inside the mod
// does: a load under `kv < L ? ... : ...`, on the right of `&&`/`||`, or after `if (...) return`
// runs only where its condition holds, in the CUDA (C's ternary and short-circuit; such a load is
// never hoisted unless in range anyway, classify.ts) and in the runtime; the Python exports, which
// evaluate both sides, clamp the index of every load not proven in range without its guard.
// Without a shape, anySizeBounds gives verdicts that hold at every size (symBounds.ts).
import type { FileAnalysis, ModFact } from "./facts";
import { IntervalEval, type Box, type Iv } from "./intervals";
import { extentPoly, fits, hiFits, loFits, polyText, symbolicReaches, type SIv } from "./symBounds";
import { children, findExpr, type Expr, type Stmt } from "./ir";

export type BoundsVerdict = "proven" | "obligation" | "violated";

export interface IndexBounds {
  dim: number;
  /** The index's interval over the problem (null: not reached by the evaluation). */
  lo: number; hi: number;
  extent: number;
  verdict: BoundsVerdict;
  /** For "violated": where, and the index value there. */
  witness?: { b: number; h: number; q: number; kv: number; index: number };
  /** The tensor variable when this index is exactly a load of another tensor (`t.at(ids.at(kv))`). */
  readsTensor?: string;
}

export interface LoadBounds {
  loadId: number;
  mod: string;
  tensor: string;
  text: string;
  line: number;
  /** The worst of its indices. */
  verdict: BoundsVerdict;
  indices: IndexBounds[];
  /**
   * The largest linear element offset the load can form at this shape (from its index
   * intervals and the tensor's strides), when every index is bounded; int32Overflow: it passes
   * 2^31 - 1, where FA4's and Flex's int32 index math wraps (the runner's CUDA uses 64-bit offsets).
   */
  maxOffset: number | null;
  int32Overflow: boolean;
  /** Tensors whose declared `values` the verdict relies on (index tensors read inside its indices): the runner checks them. */
  assumes: string[];
}

export interface BoundsShape { B: number; H: number; Q: number; KV: number }

const RANK: Record<BoundsVerdict, number> = { proven: 0, obligation: 1, violated: 2 };

/** Bounds verdicts for every load of `mod` at `shape` (dims: the file's own dims; scalars: their values). */
export function loadBounds(fa: FileAnalysis, mod: ModFact, shape: BoundsShape, dims: Record<string, number>, scalars: Record<string, number>): LoadBounds[] {
  if (!mod.ok || mod.loads.length === 0) return [];
  const allDims: Record<string, number> = { ...dims, B: shape.B, H: shape.H, Q: shape.Q, KV: shape.KV };
  const seen = new Map<number, Iv[]>();
  const points = new Map<number, { at: Box; idx: Iv[] }[]>();
  let record: (id: number, idx: Iv[], surely: boolean) => void = () => undefined;
  // Values read from a tensor with declared `values` [lo, hi) lie in [lo, hi - 1] (a promise the runner checks).
  const loadRange = (tensorVar: string): Iv | undefined => {
    const v = fa.tensors.find((t) => t.varName === tensorVar)?.values;
    return v ? { lo: v[0], hi: v[1] - 1, nan: false } : undefined;
  };
  const ev = new IntervalEval({ dims: allDims, scalars, loadRange, onLoad: (id, idx, surely) => record(id, idx, surely), narrow: true }, { b: [0, 0], h: [0, 0], q: [0, 0], kv: [0, 0] });

  // The whole problem at once: the intervals.
  const full: Box = { b: [0, shape.B - 1], h: [0, shape.H - 1], q: [0, shape.Q - 1], kv: [0, shape.KV - 1] };
  record = (id, idx) => {
    const prev = seen.get(id);
    seen.set(id, prev ? prev.map((p, d) => ({ lo: Math.min(p.lo, idx[d]!.lo), hi: Math.max(p.hi, idx[d]!.hi), nan: false })) : idx);
  };
  ev.setBox(full);
  ev.body(mod.body);

  // Corners and centre of the problem, one point each: exact index values where no aux value
  // enters, so a value outside the extent there is a real witness.
  const pick = (n: number) => [...new Set([0, n - 1, Math.floor((n - 1) / 2)])];
  for (const b of pick(shape.B)) for (const h of pick(shape.H)) for (const q of pick(shape.Q)) for (const kv of pick(shape.KV)) {
    const at: Box = { b: [b, b], h: [h, h], q: [q, q], kv: [kv, kv] };
    // Only a load this point surely reaches gives a witness.
    record = (id, idx, surely) => { if (!surely) return; const l = points.get(id) ?? []; l.push({ at, idx }); points.set(id, l); };
    ev.setBox(at);
    ev.body(mod.body);
  }

  const out: LoadBounds[] = [];
  for (const l of mod.loads) {
    const t = fa.tensors.find((x) => x.varName === l.tensorVar);
    if (!t) continue;
    const ivs = seen.get(l.id);
    const node = loadNode(mod.body, l.id);
    const indices: IndexBounds[] = t.shape.map((d, dim) => {
      const extent = typeof d === "number" ? d : allDims[d] ?? NaN;
      const iv = ivs?.[dim];
      if (!iv || !Number.isFinite(extent)) return { dim, lo: NaN, hi: NaN, extent, verdict: "obligation" as const };
      if (iv.lo >= 0 && iv.hi <= extent - 1) return { dim, lo: iv.lo, hi: iv.hi, extent, verdict: "proven" as const };
      for (const p of points.get(l.id) ?? []) {
        const x = p.idx[dim]!;
        // A point, or a whole declared value range, outside the extent: every value there is out.
        if (x.lo >= extent || x.hi < 0) {
          return { dim, lo: iv.lo, hi: iv.hi, extent, verdict: "violated" as const, witness: { b: p.at.b[0], h: p.at.h[0], q: p.at.q[0], kv: p.at.kv[0], index: x.lo } };
        }
      }
      const ix = node?.idx[dim];
      return { dim, lo: iv.lo, hi: iv.hi, extent, verdict: "obligation" as const, ...(ix?.k === "load" ? { readsTensor: ix.tensor } : {}) };
    });
    const verdict = indices.reduce<BoundsVerdict>((w, i) => (RANK[i.verdict] > RANK[w] ? i.verdict : w), "proven");
    const strideOf = (d: number) => t.strides[d]!.reduce((s, m) => s + m.c * m.vars.reduce((p, v) => p * (allDims[v] ?? NaN), 1), 0);
    const bounded = indices.every((i) => Number.isFinite(i.lo) && Number.isFinite(i.hi) && i.lo > -2147483648 && i.hi < 2147483647);
    const maxOffset = bounded ? indices.reduce((s, i) => s + Math.max(Math.abs(i.lo), Math.abs(i.hi)) * Math.abs(strideOf(i.dim)), 0) : null;
    const assumes = [...new Set(nestedLoads(node).map((v) => fa.tensors.find((x) => x.varName === v)).filter((x) => x?.values).map((x) => x!.name))];
    out.push({
      loadId: l.id, mod: mod.name, tensor: t.name, text: l.text, line: l.range.start.line + 1, verdict, indices, assumes,
      maxOffset: maxOffset !== null && Number.isFinite(maxOffset) ? maxOffset : null, int32Overflow: maxOffset !== null && maxOffset > 2147483647,
    });
  }
  return out;
}

type LoadExpr = Extract<Expr, { k: "load" }>;

/** The load node with this id in a body. */
export function loadNode(stmts: Stmt[], id: number): LoadExpr | undefined {
  return findExpr(stmts, (e): e is LoadExpr => e.k === "load" && e.loadId === id);
}

/** Tensor variables read inside a load's indices (at any depth). */
function nestedLoads(load: LoadExpr | undefined): string[] {
  const out: string[] = [];
  const inner = (e: Expr): void => { if (e.k === "load") out.push(e.tensor); children(e).forEach(inner); };
  load?.idx.forEach(inner);
  return out;
}

/** One line for a verdict: "kv_bias.at(b, h, kv): proven (dim 2: [0, 8191] within 8192)". */
export function describeBounds(l: LoadBounds): string {
  const dims = l.indices.map((i) => {
    const range = Number.isFinite(i.lo) ? `[${i.lo}, ${i.hi}]` : "unknown";
    const w = i.witness ? `; at b=${i.witness.b}, h=${i.witness.h}, q=${i.witness.q}, kv=${i.witness.kv} it is ${i.witness.index}` : "";
    return `dim ${i.dim}: ${range} ${i.verdict === "proven" ? "within" : "vs"} extent ${i.extent}${w}`;
  });
  const wide = l.int32Overflow ? `; its largest offset, ${l.maxOffset}, passes 2^31 - 1: FA4's and Flex's int32 index math wraps at this shape (the runner's CUDA uses 64-bit offsets)` : "";
  const given = l.assumes.length ? `; given the declared values of ${l.assumes.join(", ")}` : "";
  return `${l.text}: ${l.verdict} (${dims.join("; ")})${given}${wide}`;
}

// ---------------------------------------------------------------- at every size (no problem shape)

export interface AnySizeIndex {
  dim: number;
  /** The bounds used, e.g. "[0, KV - 1]" ("?" for a side with no bound). */
  range: string;
  extent: number | string;
  verdict: BoundsVerdict;
  /** What would make it proven: "KV ≤ TOTAL_K" (conditions on sizes and int scalars). */
  needs: string[];
  /** Why no condition on the sizes proves it: a side has no bound (its values come from data), or a bound is outside the extent at every size. */
  unprovable?: "data" | "bound";
  /** Which sides are not proven (what a clamp or a guard must add). */
  open: { low: boolean; high: boolean };
  witness?: IndexBounds["witness"];
  readsTensor?: string;
}

export interface AnySizeBounds {
  loadId: number; mod: string; tensor: string; text: string; line: number;
  verdict: BoundsVerdict;
  indices: AnySizeIndex[];
  /** Some unproven index is not proven by any condition on the sizes (AnySizeIndex.unprovable). */
  data: boolean;
  /** For "violated": the problem the witness is at (the smallest one). */
  at?: string;
  assumes: string[];
}

/** The smallest problem the declarations allow: every size 1, or its declared divisibility (where "violated" at any size is witnessed). */
export function smallestProblem(fa: FileAnalysis): { shape: BoundsShape; dims: Record<string, number>; text: string } {
  const at = (d: string) => fa.divisible[d] ?? 1;
  const shape = { B: at("B"), H: at("H"), Q: at("Q"), KV: at("KV") };
  const dims: Record<string, number> = {};
  for (const t of fa.tensors) for (const d of t.shape) if (typeof d === "string" && !(d in shape)) dims[d] = at(d);
  const text = [`B=${shape.B} H=${shape.H} Q=${shape.Q} KV=${shape.KV}`, ...Object.entries(dims).map(([k, v]) => `${k}=${v}`)].join(" ");
  return { shape, dims, text };
}

/**
 * Verdicts that hold at every size: proven when every index's bounds fit its extent for all
 * sizes (and all values of int scalars); violated when no condition on the sizes would make them
 * fit and the smallest problem already reads out of range (a real witness there); otherwise an
 * obligation naming what it needs.
 */
export function anySizeBounds(fa: FileAnalysis, mod: ModFact): AnySizeBounds[] {
  if (!mod.ok || mod.loads.length === 0) return [];
  const reaches = symbolicReaches(fa, mod);
  const sp = smallestProblem(fa);
  let small: LoadBounds[] | null = null;
  const smallest = () => {
    if (small) return small;
    const scalars = Object.fromEntries(fa.scalars.map((s) => [s.name, s.defaultValue]));
    return (small = loadBounds(fa, mod, sp.shape, sp.dims, scalars));
  };
  const out: AnySizeBounds[] = [];
  for (const l of mod.loads) {
    const t = fa.tensors.find((x) => x.varName === l.tensorVar);
    if (!t) continue;
    const node = loadNode(mod.body, l.id);
    const rs = reaches.get(l.id) ?? [];
    const indices: AnySizeIndex[] = t.shape.map((d, dim) => {
      const ext = extentPoly(d);
      const needs = new Set<string>();
      let unprovable: AnySizeIndex["unprovable"];
      let ok = rs.length > 0, shown: SIv | undefined;
      const open = { low: !rs.length, high: !rs.length };
      for (const r of rs) {
        const iv = r[dim]!;
        const f = fits(iv, ext);
        shown ??= iv;
        open.low ||= !f.loOk;
        open.high ||= !f.hiOk;
        if (f.ok) continue;
        ok = false;
        if (f.unbounded) unprovable = "data";
        for (const n of f.needs) if (n === null) unprovable ??= "bound"; else needs.add(n);
      }
      const ix = node?.idx[dim];
      const range = shown ? `[${shown.lo.length ? polyText(pick(shown.lo, ext, "lo")) : "?"}, ${shown.hi.length ? polyText(pick(shown.hi, ext, "hi")) : "?"}]` : "not reached";
      return { dim, range, extent: d, verdict: ok ? "proven" as const : "obligation" as const, needs: unprovable ? [] : [...needs], ...(unprovable && !ok ? { unprovable } : {}), open, ...(ix?.k === "load" ? { readsTensor: ix.tensor } : {}) };
    });
    const assumes = [...new Set(nestedLoads(node).map((v) => fa.tensors.find((x) => x.varName === v)).filter((x) => x?.values).map((x) => x!.name))];
    const b: AnySizeBounds = { loadId: l.id, mod: mod.name, tensor: t.name, text: l.text, line: l.range.start.line + 1, verdict: "proven", indices, data: indices.some((i) => i.unprovable), assumes };
    if (indices.some((i) => i.verdict !== "proven")) {
      b.verdict = "obligation";
      const s = smallest().find((x) => x.loadId === l.id);
      // Violated at every size only where no condition on the sizes would prove the index (kv - 1,
      // kv + 1 into KV, a constant past the extent) and the smallest problem reads out of range;
      // an index that some sizes fit (KV ≤ T) stays an obligation naming them.
      const v = s?.indices.find((i) => i.verdict === "violated" && indices[i.dim]!.unprovable);
      if (v) {
        b.verdict = "violated";
        b.at = sp.text;
        indices[v.dim] = { ...indices[v.dim]!, verdict: "violated", witness: v.witness };
      }
    }
    out.push(b);
  }
  return out;
}

/** The bound shown for a side: the one that proves it when one does, else the simplest. */
function pick(ps: SIv["lo"], ext: ReturnType<typeof extentPoly>, side: "lo" | "hi"): SIv["lo"][number] {
  return ps.find((p) => (side === "lo" ? loFits(p) : hiFits(p, ext))) ?? ps[0]!;
}

/** One line: "docId.at(b, q): obligation (not proven for every size) (...; dim 1: [0, Q - 1] vs extent KV, needs Q ≤ KV)". */
export function describeAnySize(l: AnySizeBounds): string {
  const dims = l.indices.map((i) => {
    const w = i.witness ? `; at ${l.at}, b=${i.witness.b}, h=${i.witness.h}, q=${i.witness.q}, kv=${i.witness.kv} it is ${i.witness.index}` : "";
    const needs = i.verdict !== "obligation" ? "" : i.unprovable === "data" ? ", its values come from data" : i.unprovable ? ", outside the extent at every size" : `, needs ${i.needs.join(" and ")}`;
    return `dim ${i.dim}: ${i.range} ${i.verdict === "proven" ? "within" : "vs"} extent ${i.extent}${needs}${w}`;
  });
  const given = l.assumes.length ? `; given the declared values of ${l.assumes.join(", ")}` : "";
  const what = { proven: "proven for every size", obligation: "obligation (not proven for every size)", violated: "violated" }[l.verdict];
  return `${l.text}: ${what} (${dims.join("; ")})${given}`;
}

/**
 * The indices (by load id) that are not proven in range at every size when the conditions they
 * are under are ignored. The Python exports evaluate both sides of every condition, so these
 * are the loads they must clamp (and the Flex export checks) to read only what the CUDA reads.
 */
export function unguardedOpenIndices(fa: Pick<FileAnalysis, "tensors" | "scalars">, mod: { body: Stmt[]; loads: { id: number; tensorVar: string }[] }): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const reaches = symbolicReaches(fa, mod, { narrow: false });
  for (const l of mod.loads) {
    const t = fa.tensors.find((x) => x.varName === l.tensorVar);
    if (!t) continue;
    const rs = reaches.get(l.id) ?? [];
    const open = t.shape.flatMap((d, dim) => (rs.length && rs.every((r) => fits(r[dim]!, extentPoly(d)).ok) ? [] : [dim]));
    if (open.length) out.set(l.id, open);
  }
  return out;
}
