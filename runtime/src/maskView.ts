// What the mask and score view shows, in float64 on the CPU (the runtime's reference semantics):
// seeded raw scores, the score mod's output and the mask per (q, kv) of a window, and an exact
// classification of tiles by evaluating the mask on every element (for masks that read aux
// data, on the sample data). Pure given the mods and bindings; callers decide what to load.
import { setAmbientSeq, withBindings, type Bindings } from "./dsl";
import type { MaskFn, ScoreFn } from "../index";
import { modSeqInfo } from "./varlen";

/** Deterministic N(0, 1) per (q, kv): the scaled q·k of random unit-variance inputs. */
export function rawScore(q: number, kv: number): number {
  const hash = (x: number): number => {
    let t = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
    t = Math.imul(t ^ (t >>> 16), 0x45d9f3b);
    return ((t ^ (t >>> 16)) >>> 0) / 4294967296;
  };
  const u1 = hash(Math.imul(q, 0x9e3779b1) + kv + 1) || 1e-12, u2 = hash(Math.imul(kv, 0x85ebca6b) + q + 7);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export interface Window { q0: number; kv0: number; rows: number; cols: number }

export interface CellValues {
  /** Row-major over the window. */
  raw: Float64Array;
  /** score_mod(raw) (raw itself without a score mod); may be -inf or NaN. */
  out: Float64Array;
  /** The mask (1 keep, 0 drop); all 1 without a mask. */
  keep: Uint8Array;
}

export function cellValues(mods: { score?: ScoreFn; mask?: MaskFn }, bindings: Bindings, b: number, h: number, w: Window): CellValues {
  const n = w.rows * w.cols;
  const raw = new Float64Array(n), out = new Float64Array(n), keep = new Uint8Array(n).fill(1);
  const seq = modSeqInfo(bindings, b);
  setAmbientSeq(seq);
  withBindings(bindings, () => {
    for (let i = 0; i < w.rows; i++) {
      for (let j = 0; j < w.cols; j++) {
        const q = w.q0 + i, kv = w.kv0 + j, k = i * w.cols + j;
        raw[k] = rawScore(q, kv);
        out[k] = mods.score ? mods.score(raw[k]!, b, h, q, kv, seq) : raw[k]!;
        if (mods.mask) keep[k] = mods.mask(b, h, q, kv, seq) ? 1 : 0;
      }
    }
  });
  return { raw, out, keep };
}

/** Whether a score survives at (q, kv): the mask's verdict, or a score mod's output on the raw score is not -inf. */
export function keepOf(mods: { score?: ScoreFn; mask?: MaskFn }, bindings: Bindings, b: number, h: number): (q: number, kv: number) => boolean {
  const { score, mask } = mods;
  const seq = modSeqInfo(bindings, b);
  setAmbientSeq(seq);
  if (mask) return (q, kv) => mask(b, h, q, kv, seq) === true;
  if (score) return (q, kv) => score(rawScore(q, kv), b, h, q, kv, seq) !== -Infinity;
  return () => true;
}

/**
 * Exact tile classes for one (b, h) by evaluating `keep` on every element (the sample data, and
 * the raw scores for a score mod): 0 empty, 1 partial, 2 full, [qTile][kvTile]. Only the tiles
 * `todo` marks (1) are evaluated (the others keep `known`'s class); a tile stops at its first
 * keep and drop. Returns null once more than `budget` calls would be needed.
 */
export function classifyOnData(
  keep: (q: number, kv: number) => boolean, bindings: Bindings,
  shape: { Q: number; KV: number }, tile: { q: number; kv: number }, known: Uint8Array, todo: Uint8Array, budget: number,
): Uint8Array | null {
  const nQ = Math.ceil(shape.Q / tile.q), nKv = Math.ceil(shape.KV / tile.kv);
  const classes = Uint8Array.from(known);
  let calls = 0;
  const ok = withBindings(bindings, () => {
    for (let qt = 0; qt < nQ; qt++) {
      for (let kt = 0; kt < nKv; kt++) {
        if (!todo[qt * nKv + kt]) continue;
        let any = false, all = true;
        outer: for (let q = qt * tile.q; q < Math.min((qt + 1) * tile.q, shape.Q); q++) {
          for (let kv = kt * tile.kv; kv < Math.min((kt + 1) * tile.kv, shape.KV); kv++) {
            if (++calls > budget) return false;
            if (keep(q, kv)) any = true; else all = false;
            if (any && !all) break outer;
          }
        }
        classes[qt * nKv + kt] = !any ? 0 : all ? 2 : 1;
      }
    }
    return true;
  });
  return ok ? classes : null;
}
