// Variable-length batch (varlen): sequences of different lengths packed one after the other, as
// FlashAttention's cu_seqlens describe them. Each mod call gets its sequence's SeqInfo as its last
// parameter (FA4's seqlen_info): q and kv are local to the sequence, and q + seq.offsetQ is the
// token's row in the packed batch, where per-token tables live (TOTAL_Q / TOTAL_KV rows).
import { bf16, f32, maskMod, scoreMod, tensor } from "scoremod";

/** A per-head bias for every packed key token (e.g. a learned token importance). */
export const keyBias = tensor("key_bias", bf16, ["H", "TOTAL_KV"], { align: 16 });
/** A per-head temperature for every packed query token. */
export const queryTemp = tensor("query_temp", f32, ["H", "TOTAL_Q"], { init: { uniform: [0.5, 1.5] } });

export const tokenBias = scoreMod((s, b, h, q, kv, seq) =>
  s * queryTemp.at(h, q + seq.offsetQ) + keyBias.at(h, kv + seq.offsetKv));

// Causal inside each sequence, aligned at the end of the keys (FA4's convention when a sequence has
// more keys than queries, e.g. a cache): query q sees keys up to q + (lenKv - lenQ).
export const docCausal = maskMod((b, h, q, kv, seq) => kv <= q + (seq.lenKv - seq.lenQ));
