// kv-bias: a learned bias per (batch, head, key position) added to every score, as in FA4's
// vectorization PR. The bias is stride-1 along kv, the base pointer is 16-byte aligned and KV is
// a multiple of 8, so 8 consecutive kv lanes (vecSize 8) read one 16-byte load.
import { bf16, scoreMod, tensor } from "scoremod";

export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });

export const kvBiasMod = scoreMod({ vecSize: 8 }, (score, b, h, q, kv) => score + kvBias.at(b, h, kv));
