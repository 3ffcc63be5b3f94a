// Causal masking: a query attends to itself and earlier keys only (decoder-only language models).
import { maskMod } from "scoremod";

export const causalMask = maskMod((b, h, q, kv) => q >= kv);
