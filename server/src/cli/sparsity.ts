// `scoremod check --shape B,H,Q,KV`: per mod, which 128 x 128 tiles its mask (or a score mod's
// -inf) empties, keeps whole, or cuts (server/src/analysis/tiles.ts), as JSON and one line of
// text. A mod that reads aux data gets what holds for any data, and says the runner has the figure.
import type { FileAnalysis, ModFact } from "../analysis/facts";
import { classifyTiles, type Shape4 } from "../analysis/tiles";
import { UsageError } from "./args";

/** The tile both runner kernels and FA4 use on every target. */
export const TILE = { q: 128, kv: 128 } as const;

export function parseShape4(s: string): Shape4 {
  const parts = s.split(",").map((x) => x.trim());
  if (parts.length !== 4 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 0x7fffffff)) {
    throw new UsageError(`--shape needs B,H,Q,KV as positive integers below 2^31, got '${s}'`);
  }
  const [B, H, Q, KV] = parts.map(Number) as [number, number, number, number];
  return { B, H, Q, KV };
}

export interface SparsityJson {
  tileQ: number; tileKv: number; tiles: number; empty: number; full: number; partial: number;
  /** empty / tiles; null when the mod reads aux data (the counts are then what holds for any data). */
  sparsity: number | null;
  proof: "static" | "data";
  note?: string;
}

export function modSparsity(fa: FileAnalysis, m: ModFact, shape: Shape4, dims: Record<string, number>, scalarsIn: Record<string, number>): SparsityJson | null {
  if (!m.ok) return null;
  const scalars = Object.fromEntries(fa.scalars.map((s) => [s.name, scalarsIn[s.name] ?? s.defaultValue]));
  const g = classifyTiles(m.kind === "mask" ? { mask: m } : { score: m }, shape, TILE, { dims, scalars });
  const base = { tileQ: g.tileQ, tileKv: g.tileKv, tiles: g.tiles, empty: g.empty, full: g.full, partial: g.partial };
  if (g.proof === "static") return { ...base, sparsity: g.tiles ? g.empty / g.tiles : 0, proof: "static" };
  const tensors = [...new Set(m.loads.map((l) => l.tensor))].join(", ");
  return {
    ...base, sparsity: null, proof: "data",
    note: `reads ${tensors}: these counts hold for any data; the runner classifies every tile with the real tensors (scoremod bench reports the sparsity)`,
  };
}

export function formatSparsity(name: string, s: SparsityJson, shape: Shape4): string {
  const pct = s.sparsity === null ? "needs data" : `${(100 * s.sparsity).toFixed(1)}% empty`;
  return `${name}: block sparsity at B${shape.B} H${shape.H} Q${shape.Q} KV${shape.KV}, ${s.tileQ}x${s.tileKv} tiles: ${s.empty} empty, ${s.full} full, ${s.partial} partial of ${s.tiles} (${pct}, ${s.proof === "static" ? "proven" : "lower bounds for any data"})`;
}
