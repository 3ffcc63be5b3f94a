// ALiBi (Press et al.): a per-head linear penalty on the distance between key and query.
// The slope depends only on the head, so its load is uniform across kv lanes (one load,
// broadcast); the distance term is pure index arithmetic.
import { f32, scoreMod, tensor } from "scoremod";

/** Per-head slopes, usually 2^(-8 (h + 1) / H); sampled uniformly in a realistic range. */
export const slopes = tensor("alibi_slopes", f32, ["H"], { init: { uniform: [1 / 256, 0.5] } });

export const alibi = scoreMod({ vecSize: 2 }, (score, b, h, q, kv) => score + slopes.at(h) * (kv - q));
