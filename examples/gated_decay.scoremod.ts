// Gated polynomial locality bias: each head subtracts a quadratic penalty on the query-key
// distance, scaled by a learned gate squashed into (0, 1) with sigmoid (heads can switch the
// penalty off), and a quartic term keeps far keys negligible. pow takes a constant integer
// exponent: it multiplies (no log/exp), so its error stays below |n| f32 roundings.
import { f32, pow, scoreMod, sigmoid, tensor } from "scoremod";

/** Per-head gate logits: sigmoid(gate) in (0, 1) scales the penalty. */
export const gate = tensor("decay_gate", f32, ["H"], { init: { normal: { std: 2 } } });

export const gatedDecay = scoreMod({ vecSize: 2 }, (score, b, h, q, kv) => {
  const d = (q - kv) / 64;
  return score - sigmoid(gate.at(h)) * (pow(d, 2) + 0.1 * pow(d, 4));
});
