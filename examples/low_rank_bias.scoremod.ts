// Loops with a constant trip count and the reductions they express, unrolled by the analysis.
// lowRankBias adds a rank-R bias computed in the mod, a small dot product over R (as a rope-like
// dimension would be): score + sum over r < R of headFeat[b, h, r] * keyFeat[b, r, kv]. keyFeat
// keeps kv innermost, so each of the R loads is one contiguous vector along kv. topKeys keeps,
// for each query, itself and its K chosen keys (an any() over a top-k list); its loads do not
// depend on kv, so each is one load broadcast to every lane.
import { bf16, i32, maskMod, scoreMod, tensor } from "scoremod";

const R = 4;
const K = 8;

/** Per batch row and head: R coefficients. */
export const headFeat = tensor("head_feat", bf16, ["B", "H", R], { init: { normal: { std: 0.5 } } });
/** Per batch row: R features of every key, kv innermost. */
export const keyFeat = tensor("key_feat", bf16, ["B", R, "KV"], { align: 16, divisible: { KV: 8 }, init: { normal: { std: 0.5 } } });
/** Per query: the K keys it may attend to besides itself (sample data: keys 0 .. 63). */
export const topk = tensor("topk", i32, ["B", "Q", K], { init: { range: [0, 64] } });

export const lowRankBias = scoreMod({ vecSize: 8 }, (score, b, h, q, kv) => {
  let acc = score;
  for (let r = 0; r < R; r++) acc += headFeat.at(b, h, r) * keyFeat.at(b, r, kv);
  return acc;
});

export const topKeys = maskMod((b, h, q, kv) => {
  let keep = q === kv;
  for (let i = 0; i < K; i++) keep ||= topk.at(b, q, i) === kv;
  return keep;
});
