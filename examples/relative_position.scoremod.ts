// Relative-position bias (T5 / Shaw et al. style): a learned table per head indexed by the
// clamped query-key distance. Distances beyond ±128 share the edge bucket. The index moves
// backwards as kv grows and is clamped, so the table read is a gather.
import { bf16, max, min, scoreMod, tensor } from "scoremod";

/** Bias per head and distance bucket: column d + 128 holds distance d in [-128, 128]. */
export const relTable = tensor("rel_bias", bf16, ["H", 257], { init: { normal: { std: 0.5 } } });

export const relativePosition = scoreMod((score, b, h, q, kv) => {
  const dist = min(max(q - kv, -128), 128);
  return score + relTable.at(h, dist + 128);
});
