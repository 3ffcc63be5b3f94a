// What the GPU suite runs: every example mod (with the pairs that make sense) and the shapes.
import type { Shape } from "../../server/src/runner/types";

export interface Case {
  /** Example file base name under examples/ (or test/gpu/fixtures/ with fixture: true). */
  file: string;
  mod: string;
  pair?: string;
  /** Label in the benchmark table, matching the Flex peer figures' names. */
  label: string;
  /** The mask is causal: SDPA's peer runs with is_causal and the report's TFLOPS count half the work. */
  causal?: boolean;
  fixture?: boolean;
  /**
   * Checked on the small shapes only (packed_mask has not been benchmarked at the benchmark shape:
   * its dims below would size it, but no GPU run has measured it there yet).
   */
  checksOnly?: boolean;
  /** The file's own dims at a shape: the runner refuses a job that leaves one unset (runner/ownDims.ts). */
  dims?: (shape: Shape) => Record<string, number>;
}

export const CASES: Case[] = [
  { file: "identity", mod: "none", label: "none", fixture: true },
  { file: "kv_bias", mod: "kvBiasMod", label: "kv-bias" },
  { file: "full_bias", mod: "fullBias", label: "full-bias" },
  { file: "alibi", mod: "alibi", label: "alibi" },
  { file: "softcap", mod: "softcap", label: "softcap" },
  { file: "relative_position", mod: "relativePosition", label: "relative-position" },
  { file: "causal", mod: "causalMask", label: "causal", causal: true },
  { file: "softcap", mod: "softcap", pair: "causal", label: "softcap+causal", causal: true },
  { file: "sliding_window", mod: "slidingWindow", label: "sliding-window" },
  { file: "prefix_lm", mod: "prefixLm", label: "prefix-lm" },
  { file: "document_mask", mod: "documentMask", label: "document" },
  // Both mods stage rows on the Hopper kernel: the mask reads its own region of the aux stage.
  { file: "bias_document", mod: "biasMod", pair: "docMask", label: "kv-bias+document", fixture: true },
  // Issue 10: i64 index tables (Graphormer-style graph distance, with clamp), u16/i8 rows and an
  // i64 gather, and sigmoid + pow (constant exponents).
  { file: "graph_distance", mod: "graphDistance", label: "graph-distance" },
  { file: "int_dtypes", mod: "intBias", label: "int-dtypes", fixture: true },
  { file: "gated_decay", mod: "gatedDecay", label: "gated-decay" },
  // Issue 15: an i32 distance tensor as large as the attention ([B, Q, KV]) indexing a per-head table.
  { file: "spatial_bias", mod: "spatialBiasMod", label: "spatial-bias" },
  // Issue 10: composition (andMasks / orMasks of the file's mods, an index-mapping wrapper, inlined)
  // and loops (unrolled: a rank-4 dot product along kv, an any() over a top-8 list).
  { file: "composed_mask", mod: "documentCausal", label: "document-causal" },
  { file: "composed_mask", mod: "slidingWithSinks", label: "sliding-with-sinks" },
  { file: "composed_mask", mod: "blockCausal", label: "block-causal" },
  { file: "low_rank_bias", mod: "lowRankBias", label: "low-rank-bias" },
  { file: "low_rank_bias", mod: "topKeys", label: "top-keys" },
  // Issue 10 item 6: a packed bit mask, its words loaded grouped by 32 lanes (V = 64: 2 words per call).
  // KVW: 32-bit words per row, ceil(KV / 32), rounded up to the declared KVW % 4 == 0 (8 at KV = 256).
  { file: "packed_mask", mod: "packedMask", label: "packed-mask", checksOnly: true, dims: (s) => ({ KVW: Math.ceil(s.KV / 128) * 4 }) },
];

/** Small enough for the float64 JS reference (B·H·Q·KV·D = 2^25); GQA on. */
export const SMALL = { B: 2, H: 4, Hkv: 2, Q: 256, KV: 256, D: 64 };
export const SMALL_D128 = { B: 1, H: 2, Q: 256, KV: 256, D: 128 };
/** More work items (B x H x query blocks: 3 x 8 x 11 = 264) than an H100's or H200's 132 SMs, with Q, KV and GQA tails. */
export const WALK = { B: 3, H: 8, Hkv: 2, Q: 1400, KV: 1000, D: 128 };
/** Masks at a size with many empty and full tiles (8 x 8 tiles per head), uneven lengths. */
export const MASKS_MEDIUM = { B: 2, H: 2, Q: 1000, KV: 1000, D: 64 };
/** The benchmark shape of ARCHITECTURE.md "Performance bars". */
export const BENCH = { B: 1, H: 16, Q: 8192, KV: 8192, D: 128 };
