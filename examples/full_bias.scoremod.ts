// Full bias: an arbitrary additive bias per (batch, head, query, key), e.g. a precomputed
// attention prior. The largest aux tensor there is (B*H*Q*KV elements); the kv dim is stride 1,
// so with 16-byte alignment and KV % 8 == 0 each 8-lane chunk is one 16-byte load.
import { bf16, scoreMod, tensor } from "scoremod";

export const bias = tensor("full_bias", bf16, ["B", "H", "Q", "KV"], { align: 16, divisible: { KV: 8 } });

export const fullBias = scoreMod({ vecSize: 8 }, (score, b, h, q, kv) => score + bias.at(b, h, q, kv));
