// A packed bit mask, as FlashAttention-4's vectorized mask tests use: bit kv % 32 of word
// idiv(kv, 32) in row (b, q) says whether q may attend to kv (1 = keep). idiv(kv, 32) is the same
// for every aligned run of 32 lanes, so the analysis classifies the load "grouped by 32": at
// vecSize 64 a call's 64 lanes read 2 consecutive words in one 8-byte load (at 128, 4 words, 16 B),
// and at vecSize 32 or less a call lies inside one word: one load, broadcast to its lanes.
// The sample data sets each bit with probability 0.7. KVW, the words per row, must be at least
// ceil(KV / 32) at run time (16 words cover KV <= 512; a larger problem needs a larger KVW).
import { idiv, maskMod, tensor, u32 } from "scoremod";

export const packed = tensor("packed", u32, ["B", "Q", "KVW"], { align: 16, divisible: { KVW: 4 }, init: { bits: 0.7 } });

export const packedMask = maskMod({ vecSize: 64 }, (b, h, q, kv) => ((packed.at(b, q, idiv(kv, 32)) >> (kv % 32)) & 1) !== 0);
