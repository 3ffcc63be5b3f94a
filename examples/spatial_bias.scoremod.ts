// Graphormer-style spatial bias: `distances` holds the shortest-path distance between every pair
// of tokens (nodes) of each batch row, an i32 tensor as large as the attention itself ([B, Q, KV]:
// 64M elements at S = 8192), and each head learns one bias per distance. The distance load is
// contiguous along kv; the table lookup is a gather. `values` promises the distances stay below
// the table's 64 buckets, which is what keeps the gather in bounds (the runner checks it on the
// real data before every launch).
import { bf16, i32, scoreMod, tensor } from "scoremod";

/** Shortest-path distance between token q and token kv (Q == KV: self-attention over nodes). */
export const distances = tensor("distances", i32, ["B", "Q", "KV"], { align: 16, divisible: { KV: 8 }, values: [0, 64], init: { range: [0, 64] } });
/** Learned bias per head and distance. */
export const spatialBias = tensor("spatial_bias", bf16, ["H", 64], { init: { normal: { std: 0.5 } } });

export const spatialBiasMod = scoreMod({ vecSize: 2 }, (score, b, h, q, kv) => {
  return score + spatialBias.at(h, distances.at(b, q, kv));
});
