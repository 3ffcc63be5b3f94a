// Logit soft-capping (Gemma 2, Grok): squash scores smoothly into (-cap, cap) with tanh, used
// with a causal mask in decoder-only models. The cap is a runtime scalar (a kernel argument),
// 30 by default.
import { f32, maskMod, scalar, scoreMod, tanh } from "scoremod";

export const cap = scalar("softcap", f32, 30);

export const softcap = scoreMod((score) => cap.value * tanh(score / cap.value));

export const causal = maskMod((b, h, q, kv) => q >= kv);
