// Prefix-LM (T5 / UniLM): the first `prefix` tokens of each sequence attend bidirectionally,
// the rest causally. Prefix lengths differ per batch row (sample data: 0..255 tokens).
import { i32, maskMod, tensor } from "scoremod";

export const prefixLen = tensor("prefix_len", i32, ["B"], { init: { range: [0, 256] } });

export const prefixLm = maskMod((b, h, q, kv) => kv < prefixLen.at(b) || q >= kv);
