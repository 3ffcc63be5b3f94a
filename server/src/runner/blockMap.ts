// The block map a run hands its kernel (SmAttnParams.blk, attention_abi.cuh): which kv tiles
// each block of query rows visits and on which of them the mask runs. The classes come from the
// analysis (server/src/analysis/tiles.ts) for index-only mods and from the GPU pre-pass
// (sm_block_classify) for masks that read aux data; this module combines them, checks the static
// proof against the pre-pass, and lays out the kernel's rows.
import type { ModFact } from "../analysis/facts";
import { classifyTiles, combineClasses, dependsOn, tileClass, TILE_EMPTY, TILE_FULL, TILE_PARTIAL, type TileClass, type TileGrid } from "../analysis/tiles";
import type { BlockSparsity, CheckResult } from "./types";

export interface TileGeometry { B: number; H: number; Q: number; KV: number; tileQ: number; tileKv: number }

/** Static classes of one mod alone (a score mod: empty where it is proven -inf). */
export function staticClasses(mod: ModFact, g: TileGeometry, dims: Record<string, number>, scalars: Record<string, number>): TileGrid {
  return classifyTiles(mod.kind === "mask" ? { mask: mod } : { score: mod }, g, { q: g.tileQ, kv: g.tileKv }, { dims, scalars });
}

/** Whether a mod's classes vary with b (h): the pre-pass then runs per b (h). */
export function gridsFor(mod: ModFact, g: TileGeometry): { gridsB: number; gridsH: number } {
  return { gridsB: dependsOn(mod, "b") ? g.B : 1, gridsH: dependsOn(mod, "h") ? g.H : 1 };
}

/** A grid from the pre-pass's bytes ([gridB][gridH][qTile][kvTile], 0 empty, 1 partial, 2 full). */
export function gridFromBytes(bytes: Uint8Array, g: TileGeometry, gridsB: number, gridsH: number): TileGrid {
  const nQ = Math.ceil(g.Q / g.tileQ), nKv = Math.ceil(g.KV / g.tileKv);
  const counts = [0, 0, 0];
  for (const c of bytes) counts[c]! += 1;
  const w = (g.B / gridsB) * (g.H / gridsH);
  return {
    tileQ: g.tileQ, tileKv: g.tileKv, nQ, nKv, gridsB, gridsH, classes: bytes, proof: "data",
    tiles: g.B * g.H * nQ * nKv, empty: counts[TILE_EMPTY]! * w, partial: counts[TILE_PARTIAL]! * w, full: counts[TILE_FULL]! * w,
  };
}

/**
 * The static proof checked against exhaustive evaluation: every tile the analysis called empty
 * or full must be so on the GPU. (The analysis may say partial where the data is decided.)
 */
export function checkStaticAgainstData(stat: TileGrid, data: TileGrid, g: TileGeometry): CheckResult {
  const names = ["empty", "partial", "full"];
  for (let b = 0; b < g.B; b++) {
    for (let h = 0; h < g.H; h++) {
      if ((b > 0 && stat.gridsB === 1 && data.gridsB === 1) || (h > 0 && stat.gridsH === 1 && data.gridsH === 1)) continue;
      for (let qt = 0; qt < stat.nQ; qt++) {
        for (let kt = 0; kt < stat.nKv; kt++) {
          const s = tileClass(stat, b, h, qt, kt), d = tileClass(data, b, h, qt, kt);
          if (s !== TILE_PARTIAL && s !== d) {
            return {
              name: "block-map", ok: false,
              detail: `the analysis proved tile (b=${b}, h=${h}, q ${qt * g.tileQ}.., kv ${kt * g.tileKv}..) ${names[s]}, but evaluating the mask on it says ${names[d]}`,
            };
          }
        }
      }
    }
  }
  return { name: "block-map", ok: true, detail: "every tile the analysis proved empty or full is so when the mask is evaluated on the GPU" };
}

/** The rows the kernel reads, from the mask's classes and the score mod's (either may be absent). */
export interface KernelRows {
  rows: Int32Array;
  /** Ints per row (1 + kv tiles) and the row strides along b and h (0 = broadcast). */
  row: number; strideB: number; strideH: number;
  /** Later query blocks visit more tiles: launch them first. */
  reverse: boolean;
  sparsity: BlockSparsity;
}

export function kernelRows(g: TileGeometry, mask: TileGrid | undefined, score: TileGrid | undefined, proof: "static" | "data"): KernelRows {
  const nQ = Math.ceil(g.Q / g.tileQ), nKv = Math.ceil(g.KV / g.tileKv);
  const gridsB = Math.max(mask?.gridsB ?? 1, score?.gridsB ?? 1), gridsH = Math.max(mask?.gridsH ?? 1, score?.gridsH ?? 1);
  const row = nKv + 1;
  const rows = new Int32Array(gridsB * gridsH * nQ * row);
  const counts = [0, 0, 0];
  let firstHalf = 0, secondHalf = 0;
  for (let gb = 0; gb < gridsB; gb++) {
    for (let gh = 0; gh < gridsH; gh++) {
      for (let qt = 0; qt < nQ; qt++) {
        const base = ((gb * gridsH + gh) * nQ + qt) * row;
        let n = 0;
        for (let kt = 0; kt < nKv; kt++) {
          const m: TileClass = mask ? tileClass(mask, gb, gh, qt, kt) : TILE_FULL;
          const s: TileClass = score ? tileClass(score, gb, gh, qt, kt) : TILE_FULL;
          const c = combineClasses(m, s);
          counts[c]! += 1;
          if (c === TILE_EMPTY) continue;
          // The kernel runs the mask unless the mask alone is proven to keep every score.
          rows[base + 1 + n++] = kt * 2 + (mask && m !== TILE_FULL ? 1 : 0);
        }
        rows[base] = n;
        if (gb === 0 && gh === 0) { if (qt < nQ / 2) firstHalf += n; else secondHalf += n; }
      }
    }
  }
  const w = (g.B / gridsB) * (g.H / gridsH);
  const tiles = g.B * g.H * nQ * nKv;
  const empty = counts[TILE_EMPTY]! * w;
  return {
    rows, row, strideB: gridsB === 1 ? 0 : gridsH * nQ, strideH: gridsH === 1 ? 0 : nQ, reverse: secondHalf > firstHalf,
    sparsity: { tileQ: g.tileQ, tileKv: g.tileKv, tiles, empty, full: counts[TILE_FULL]! * w, partial: counts[TILE_PARTIAL]! * w, sparsity: tiles ? empty / tiles : 0, proof },
  };
}

/** Whether a map is worth its reads: some tile is skipped or some mask call is saved. */
export function mapUseful(r: KernelRows, hasMask: boolean): boolean {
  return r.sparsity.empty > 0 || (hasMask && r.sparsity.full > 0);
}
