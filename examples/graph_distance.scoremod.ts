// Graph-distance bias (Graphormer's spatial encoding): tokens are nodes of a graph, `hops` holds
// the shortest-path distance between every pair of nodes, and each head learns one bias per
// distance. Index tensors come from PyTorch as int64, so both are i64 tables: a lane holds the
// value saturated to int32 (the DSL's ints are 32-bit), which is the whole value here (`values`
// promises that, and the runner checks it on the real bytes). Distances past 15 share the last
// bucket (clamp). Self-attention: node ids are indexed with q as well as kv, so Q == KV.
import { bf16, clamp, i64, scoreMod, tensor } from "scoremod";

/** The graph node of each token (a token per node, nodes repeat across a batch row). */
export const node = tensor("node", i64, ["B", "KV"], { align: 16, divisible: { KV: 8 }, values: [0, 64], init: { range: [0, 64] } });
/** Shortest-path distance between graph nodes, per batch row (64 nodes). */
export const hops = tensor("hops", i64, ["B", 64, 64], { values: [0, 32], init: { range: [0, 32] } });
/** Learned bias per head and distance bucket (0 .. 15). */
export const hopBias = tensor("hop_bias", bf16, ["H", 16], { init: { normal: { std: 0.5 } } });

export const graphDistance = scoreMod({ vecSize: 4 }, (score, b, h, q, kv) => {
  const d = hops.at(b, node.at(b, q), node.at(b, kv));
  return score + hopBias.at(h, clamp(d, 0, 15));
});
