// How each kernel hands scores to a mod (ARCHITECTURE.md "The legality model"). Data, not code: the classifier,
// the register estimate and the code generator read these fields and nothing else.

export type TargetId = "fa4-sm100" | "fa4-sm90" | "fa4-sm80" | "fa4-sm120" | "runner-hopper" | "runner-sm90" | "runner-sm80";

/**
 * What FA4 itself accepts on a target (flash_attn/cute, read from its sources; the analysis
 * reports each as a diagnostic where FA4 would raise or silently lack the feature).
 */
export interface Fa4Rules {
  /** Largest mask_mod __vec_size__ FA4 takes: sm100/sm110 take packed 32-bit words for V > 1; the sm80/sm90/sm120 forward raises for V > 1. */
  maskVecMax: number;
  /** False where flash_attn_func raises NotImplementedError for a user score_mod (SM8x). */
  customScoreMods: boolean;
  /** False where FA4's backward asserts score_mod and mask_mod are None (SM 12.0): forward only. */
  backwardMods: boolean;
  /** FA4 forward accepts block_sparse_tensors (SM 12.0 asserts it does not). */
  blockSparsity: boolean;
}

export interface Target {
  id: TargetId;
  description: string;
  /** nvcc arch flags for the generated code. */
  arch: "sm_100a" | "sm_90a" | "sm_80" | "sm_120a";
  nvccArch: string[];
  /** "row": one thread owns a whole row of the S tile; "pairs": mma layout, adjacent kv pairs. */
  ownership: "row" | "pairs";
  /** Columns of the S tile (kv0 of each call is a multiple of V, and V must divide tileN). */
  tileN: number;
  /** Largest V the kernel accepts. */
  vecCap: number;
  /** Widest global load per instruction, bytes. */
  maxLoadBytes: number;
  /** Registers per thread before spilling. */
  regBudget: number;
  /** Registers the kernel itself keeps live around the mod call (accumulators, row state). */
  kernelRegs: number;
  /**
   * The kernel copies q-invariant contiguous aux loads into shared memory once per kv tile
   * (staging.ts): the tile's rows and kv columns, and the shared memory it has per pipeline
   * stage for a score mod's rows and for a mask mod's.
   */
  auxStaging?: { tileRows: number; tileCols: number; scoreBytes: number; maskBytes: number };
  /**
   * A wider kv tile the same kernel can run with (the runner's choice per job, AnalyzeOptions.tileN):
   * its width and its staging (rows that wide; the shared memory the wider K/V rings leave).
   */
  wideTile?: { tileN: number; auxStaging: { tileRows: number; tileCols: number; scoreBytes: number; maskBytes: number } };
  /**
   * The kernel calls a score mod through its own entry (codegen/cuda.ts `_wg`/`_st`): with the
   * unscaled scores and the softmax scale, so `score + E` becomes one fused multiply-add, and with
   * exact float positions for position expressions converted to float (positions.ts).
   */
  fusedEntry?: boolean;
  /** FA4's own rules on this target (fa4-* targets only). */
  fa4?: Fa4Rules;
}

export const TARGETS: Record<TargetId, Target> = {
  "fa4-sm100": {
    id: "fa4-sm100", description: "FlashAttention-4 forward on Blackwell (sm100): one softmax thread per S row",
    arch: "sm_100a", nvccArch: ["-gencode=arch=compute_100a,code=sm_100a"],
    ownership: "row", tileN: 128, vecCap: 128, maxLoadBytes: 32, regBudget: 255, kernelRegs: 160,
    // apply_mask_mod_sm100_vector: V must divide 32 or be a multiple of it (every power of two up to 128).
    fa4: { maskVecMax: 128, customScoreMods: true, backwardMods: true, blockSparsity: true },
  },
  "fa4-sm90": {
    id: "fa4-sm90", description: "FlashAttention-4 flex path on Hopper (sm90): wgmma accumulator layout, kv pairs",
    arch: "sm_90a", nvccArch: ["-gencode=arch=compute_90a,code=sm_90a"],
    ownership: "pairs", tileN: 128, vecCap: 2, maxLoadBytes: 16, regBudget: 255, kernelRegs: 168,
    fa4: { maskVecMax: 1, customScoreMods: true, backwardMods: true, blockSparsity: true },
  },
  "fa4-sm80": {
    id: "fa4-sm80", description: "FlashAttention-4 flex path on Ampere (sm80): mma.sync accumulator layout, kv pairs",
    arch: "sm_80", nvccArch: ["-arch=sm_80"],
    ownership: "pairs", tileN: 128, vecCap: 2, maxLoadBytes: 16, regBudget: 255, kernelRegs: 128,
    fa4: { maskVecMax: 1, customScoreMods: false, backwardMods: true, blockSparsity: true },
  },
  // FA4 on consumer Blackwell (SM 12.0): the sm80 mma.sync kernel with sm120's shared memory; tile_n is
  // 64 for head_dim > 64 (128 at <= 64), block sparsity and backward mods are not supported.
  "fa4-sm120": {
    id: "fa4-sm120", description: "FlashAttention-4 on consumer Blackwell (sm120): sm80-style mma.sync accumulator layout, kv pairs",
    arch: "sm_120a", nvccArch: ["-gencode=arch=compute_120a,code=sm_120a"],
    ownership: "pairs", tileN: 64, vecCap: 2, maxLoadBytes: 16, regBudget: 255, kernelRegs: 128,
    fa4: { maskVecMax: 1, customScoreMods: true, backwardMods: false, blockSparsity: false },
  },
  // The runner's Hopper kernel (csrc/kernels/attention_wgmma.cuh): mods run on the wgmma
  // accumulator, where a thread holds adjacent kv pairs of two rows, so V <= 2. Consumer
  // warpgroups get 240 registers (setmaxnreg); S (64), O (64) and P (32) stay live.
  "runner-hopper": {
    id: "runner-hopper", description: "Score Mod Studio runner's Hopper kernel (wgmma + TMA, sm_90a): wgmma accumulator layout, kv pairs",
    arch: "sm_90a", nvccArch: ["-gencode=arch=compute_90a,code=sm_90a"],
    ownership: "pairs", tileN: 128, vecCap: 2, maxLoadBytes: 16, regBudget: 240, kernelRegs: 176,
    // 227 KB of dynamic shared memory, less Q (32 KB), the K/V rings (2 stages, 128 KB at D = 128),
    // barriers and the 1 KB alignment slack, leaves 33,664 B per stage for a score mod's rows and a
    // mask mod's (attention_wgmma.cuh static_asserts the total).
    auxStaging: { tileRows: 128, tileCols: 128, scoreBytes: 33024, maskBytes: 640 },
    // 176-column tiles (attention_wgmma.cuh SM_ATTN_WG_BLOCK_N): the K/V rings take 176 KB, which
    // leaves 9,152 B per stage: rows only (a tile of 128 x 176 is no TMA box of 64-column panels).
    wideTile: { tileN: 176, auxStaging: { tileRows: 128, tileCols: 176, scoreBytes: 8448, maskBytes: 640 } },
    fusedEntry: true,
  },
  "runner-sm90": {
    id: "runner-sm90", description: "Score Mod Studio portable runner kernel built for Hopper (mma.sync, sm_90a): S tile staged so a thread owns V consecutive kv of a row",
    arch: "sm_90a", nvccArch: ["-gencode=arch=compute_90a,code=sm_90a"],
    ownership: "row", tileN: 128, vecCap: 128, maxLoadBytes: 16, regBudget: 255, kernelRegs: 96,
  },
  "runner-sm80": {
    id: "runner-sm80", description: "Score Mod Studio portable runner (mma.sync, sm80+): S tile staged, V consecutive kv per thread",
    arch: "sm_80", nvccArch: ["-arch=sm_80"],
    ownership: "row", tileN: 128, vecCap: 128, maxLoadBytes: 16, regBudget: 255, kernelRegs: 96,
  },
};

export const DEFAULT_TARGET: TargetId = "fa4-sm100";
export function isTargetId(s: string): s is TargetId { return Object.prototype.hasOwnProperty.call(TARGETS, s); }

/**
 * The target as a run sees it: `tileN` picks the target's wider tile (Target.wideTile) when the
 * runner launches it that wide; anything else is the target itself. Every layer that reads a
 * FileAnalysis's target goes through `targetOf` so the width is decided once (index.ts).
 */
export function withTileN(t: Target, tileN: number | undefined): Target {
  if (tileN === undefined || tileN === t.tileN || t.wideTile?.tileN !== tileN) return t;
  return { ...t, tileN, auxStaging: t.wideTile.auxStaging };
}

export function targetOf(fa: { target: TargetId; tileN?: number }): Target {
  return withTileN(TARGETS[fa.target], fa.tileN);
}
