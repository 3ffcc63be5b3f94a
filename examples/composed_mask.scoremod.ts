// Masks built from other masks, as attention-gym's and_masks / or_masks and its index-mapping
// wrappers do. Mods of a file may call each other and the file's helper functions: the analysis
// inlines every call, so each load's lane class, width and bounds are traced through the call
// as if the body were written in place. Document ids are non-decreasing along the sequence
// (sample data: 8 documents per batch row). Self-attention: doc ids are read at q, so Q == KV.
import { andMasks, i32, idiv, maskMod, orMasks, tensor } from "scoremod";

export const docId = tensor("doc_id", i32, ["B", "KV"], { align: 16, divisible: { KV: 8 }, init: { segments: 8 } });

const WINDOW = 64;
const SINKS = 4;
const BLOCK = 64;

/** A helper: kv lies at most WINDOW positions before q (inlined where it is called). */
function withinWindow(q: number, kv: number): boolean {
  return q - kv <= WINDOW;
}

export const causal = maskMod((b, h, q, kv) => q >= kv);
export const sameDocument = maskMod((b, h, q, kv) => docId.at(b, q) === docId.at(b, kv));

/** Causal inside each document: and_masks(document, causal). The document loads run first, unconditionally. */
export const documentCausal = maskMod(andMasks(sameDocument, causal));

/** Causal sliding window, plus the first SINKS keys for every query (attention sinks): or_masks of and_masks. */
export const slidingWithSinks = maskMod(orMasks(andMasks(causal, (b, h, q, kv) => withinWindow(q, kv)), (b, h, q, kv) => kv < SINKS));

/** A wrapper that maps indices and calls an inner mask: causal between blocks of BLOCK positions. */
export const blockCausal = maskMod((b, h, q, kv) => causal(b, h, idiv(q, BLOCK), idiv(kv, BLOCK)));
