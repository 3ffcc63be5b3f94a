// Document masking for packed sequences: several documents share one row of the batch and a
// token may only attend within its own document. Document ids are non-decreasing along the
// sequence (sample data: 8 documents of random length per batch row). Self-attention: Q == KV.
import { i32, maskMod, tensor } from "scoremod";

export const docId = tensor("doc_id", i32, ["B", "KV"], { align: 16, divisible: { KV: 8 }, init: { segments: 8 } });

export const documentMask = maskMod((b, h, q, kv) => docId.at(b, q) === docId.at(b, kv));
