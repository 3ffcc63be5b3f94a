// Block sparsity, statically: for a score/mask pair, a tile size and a shape, which
// (b, h, q-tile, kv-tile) tiles are empty (every score masked), full (no score masked, so the
// mask need not run) or partial. Proven by interval reasoning (intervals.ts) over the tile's q and
// kv ranges; a tile is empty or full only when proven, otherwise partial. Blocks of tiles are
// classified at once when the whole block is decided (a quadtree): interval evaluation is
// inclusion-monotone, so the answer equals classifying every tile on its own, only faster.
// Aux loads are unknown values: a pair that reads aux data gets what holds for *any* data
// (proof "data": the runner classifies such pairs exactly with the real tensors).
import type { ModFact } from "./facts";
import { children, findExpr, isSeqRole, type Expr, type Stmt } from "./ir";
import { IntervalEval, isFalse, isTrue, type Box, type IntervalEnv } from "./intervals";

export const TILE_EMPTY = 0, TILE_PARTIAL = 1, TILE_FULL = 2;
export type TileClass = typeof TILE_EMPTY | typeof TILE_PARTIAL | typeof TILE_FULL;

export interface Shape4 { B: number; H: number; Q: number; KV: number }

export interface TileCounts { tiles: number; empty: number; full: number; partial: number }

export interface TileGrid extends TileCounts {
  tileQ: number; tileKv: number;
  /** Tiles along q and kv. */
  nQ: number; nKv: number;
  /** Grids stored along b and h: 1 when the pair does not depend on b (h), else B (H). */
  gridsB: number; gridsH: number;
  /** Class per tile, [gridB][gridH][qTile][kvTile]. Counts are over the whole problem. */
  classes: Uint8Array;
  /** "static": every class is proven from indices alone; "data": the pair reads aux tensors. */
  proof: "static" | "data";
}

export interface PairMods { score?: ModFact; mask?: ModFact }

/** Tiles beyond this many stored classes per problem fall back to one grid for all b (and h). */
const MAX_CLASSES = 1 << 26;

/** Whether a body holds an -Infinity literal (a score mod written to mask). */
export function writesNegInf(stmts: Stmt[]): boolean {
  return findExpr(stmts, (e) => e.k === "num" && e.value === -Infinity) !== undefined;
}

/**
 * Whether a mod's value can depend on b (h): it names that parameter (directly or in an index).
 * A varlen mod's seq.* is its sequence's (b's), so reading one depends on b.
 */
export function dependsOn(mod: ModFact, role: "b" | "h"): boolean {
  return findExpr(mod.body, (e) => e.k === "arg" && (e.role === role || (role === "b" && isSeqRole(e.role)))) !== undefined;
}

/**
 * Whether q or kv reach the mod's result other than through aux load indices. When they do not,
 * every tile of a (b, h) grid gets the same class (a load's value range does not depend on its
 * index), so one evaluation decides them all: a score mod with a float aux load is partial on
 * every tile, and descending to each of them (65,536 at S = 8192, H = 16) cost a bench 0.2-0.3 s.
 */
function tileDependent(mod: ModFact): boolean {
  const tainted = new Set<string>();
  const outside = (e: Expr): boolean => {
    if (e.k === "arg") return e.role === "q" || e.role === "kv";
    if (e.k === "local") return tainted.has(e.name);
    if (e.k === "load") return false;
    return children(e).some(outside);
  };
  const walk = (stmts: Stmt[]): boolean => stmts.some((st) => {
    if (st.k === "const") {
      if (outside(st.value)) tainted.add(st.name);
      return false;
    }
    if (st.k === "return") return outside(st.value);
    return outside(st.cond) || walk(st.then) || walk(st.else);
  });
  return walk(mod.body);
}

/** Classify every tile. `env` gives dims (B, H, Q, KV are taken from `shape`) and scalar values. */
/** `blocks: false` classifies tile by tile (the tests' check that blocks change nothing). */
export function classifyTiles(pair: PairMods, shape: Shape4, tile: { q: number; kv: number }, env: IntervalEnv, opts: { blocks?: boolean } = {}): TileGrid {
  const { B, H, Q, KV } = shape;
  const nQ = Math.ceil(Q / tile.q), nKv = Math.ceil(KV / tile.kv);
  const mods = [pair.score, pair.mask].filter((m): m is ModFact => m !== undefined);
  const perTile = nQ * nKv;
  const byTile = mods.some(tileDependent);
  let gridsB = mods.some((m) => dependsOn(m, "b")) ? B : 1;
  let gridsH = mods.some((m) => dependsOn(m, "h")) ? H : 1;
  if (gridsB * gridsH * perTile > MAX_CLASSES) { gridsB = 1; gridsH = 1; }  // sound: b, h as ranges
  const classes = new Uint8Array(gridsB * gridsH * perTile);
  const fullEnv: IntervalEnv = { ...env, dims: { ...env.dims, B, H, Q, KV } };
  const box: Box = { b: [0, B - 1], h: [0, H - 1], q: [0, 0], kv: [0, 0] };
  const ev = new IntervalEval(fullEnv, box);
  const counts: [number, number, number] = [0, 0, 0];  // by class, over the stored grids

  // The class of a block of tiles if it is decided for the whole block, else PARTIAL.
  const decide = (): TileClass => {
    let full = true;
    if (pair.score) {
      const r = ev.body(pair.score.body);
      if (!r) return TILE_PARTIAL;
      if (r.lo === -Infinity && r.hi === -Infinity && !r.nan) return TILE_EMPTY;  // every score -inf
      if (r.lo === -Infinity) full = false;
    }
    if (pair.mask) {
      const r = ev.body(pair.mask.body);
      if (!r) return TILE_PARTIAL;
      if (isFalse(r)) return TILE_EMPTY;
      if (!isTrue(r)) full = false;
    }
    return full ? TILE_FULL : TILE_PARTIAL;
  };

  for (let gb = 0; gb < gridsB; gb++) {
    for (let gh = 0; gh < gridsH; gh++) {
      box.b = gridsB === 1 ? [0, B - 1] : [gb, gb];
      box.h = gridsH === 1 ? [0, H - 1] : [gh, gh];
      const base = (gb * gridsH + gh) * perTile;
      const visit = (q0: number, q1: number, k0: number, k1: number): void => {
        box.q = [q0 * tile.q, Math.min(q1 * tile.q, Q) - 1];
        box.kv = [k0 * tile.kv, Math.min(k1 * tile.kv, KV) - 1];
        const c = decide();
        if (c !== TILE_PARTIAL || (q1 - q0 === 1 && k1 - k0 === 1) || !byTile) {
          counts[c] += (q1 - q0) * (k1 - k0);
          if (c !== TILE_EMPTY) for (let qt = q0; qt < q1; qt++) classes.fill(c, base + qt * nKv + k0, base + qt * nKv + k1);
          return;
        }
        if (q1 - q0 >= k1 - k0) {
          const m = (q0 + q1) >> 1;
          visit(q0, m, k0, k1);
          visit(m, q1, k0, k1);
        } else {
          const m = (k0 + k1) >> 1;
          visit(q0, q1, k0, m);
          visit(q0, q1, m, k1);
        }
      };
      if (opts.blocks === false) {
        for (let qt = 0; qt < nQ; qt++) for (let kt = 0; kt < nKv; kt++) visit(qt, qt + 1, kt, kt + 1);
      } else if (nQ > 0 && nKv > 0) visit(0, nQ, 0, nKv);
    }
  }
  const weight = (B / gridsB) * (H / gridsH);
  return {
    tileQ: tile.q, tileKv: tile.kv, nQ, nKv, gridsB, gridsH, classes,
    tiles: B * H * perTile, empty: counts[TILE_EMPTY] * weight, full: counts[TILE_FULL] * weight, partial: counts[TILE_PARTIAL] * weight,
    proof: mods.some((m) => m.loads.length > 0) ? "data" : "static",
  };
}

/** A tile's class from its mask's and its score mod's (absent mod: TILE_FULL): empty if either empties it, full if both keep everything. */
export function combineClasses(mask: TileClass, score: TileClass): TileClass {
  return mask === TILE_EMPTY || score === TILE_EMPTY ? TILE_EMPTY : mask === TILE_FULL && score === TILE_FULL ? TILE_FULL : TILE_PARTIAL;
}

/** The class of one tile of a grid. */
export function tileClass(g: TileGrid, b: number, h: number, qt: number, kt: number): TileClass {
  const gb = g.gridsB === 1 ? 0 : b, gh = g.gridsH === 1 ? 0 : h;
  return g.classes[((gb * g.gridsH + gh) * g.nQ + qt) * g.nKv + kt] as TileClass;
}

/** Fraction of tiles proven empty (0 when there are none). */
export const sparsity = (c: TileCounts): number => (c.tiles > 0 ? c.empty / c.tiles : 0);
