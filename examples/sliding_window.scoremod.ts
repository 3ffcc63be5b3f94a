// Sliding-window (local) attention, as in Mistral / Longformer: each query sees keys within
// `window` positions on either side. The window is a runtime scalar, so one compiled kernel
// serves every window size.
import { abs, i32, maskMod, scalar } from "scoremod";

export const window = scalar("window", i32, 256);

export const slidingWindow = maskMod((b, h, q, kv) => abs(q - kv) <= window.value);
