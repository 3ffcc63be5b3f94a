// What a mod costs: the same kernel timed with the mod and with no mod, their launches alternated
// one by one in one timing loop. The card changes speed within a run (speedStep.ts), so two runs
// one after the other can differ by 10% with nothing changed; adjacent launches share the speed,
// and the ratio of each adjacent pair does not depend on where a step fell.
import { median } from "./speedStep";

/**
 * The baseline: the identity score mod. The GPU suite and BENCHMARKS.md measure "the same kernel
 * with no mod" with it too, so a mod's cost reads the same everywhere. A mask's baseline is then
 * the dense problem.
 */
export const NO_MOD = {
  fileName: "no_mod.scoremod.ts",
  text: `import { scoreMod } from "scoremod";
export const none = scoreMod((score) => score);
`,
  mod: "none",
} as const;

/** The mod's launches and the baseline's, from one alternated loop, and what the mod costs. */
export interface VsNone {
  /** The baseline's median and every launch's time (launch order). */
  ms: number;
  samples: number[];
  /** The baseline kernel's tile (q x kv): its own, which can differ from the mod's. */
  tile: { q: number; kv: number };
  /** The median of the pairs' ratios (mod launch over the baseline launch after it), and their quartiles. */
  ratio: number;
  ratioLow: number;
  ratioHigh: number;
}

function quantile(sorted: readonly number[], f: number): number {
  const x = f * (sorted.length - 1), i = Math.floor(x);
  return i + 1 < sorted.length ? sorted[i]! + (x - i) * (sorted[i + 1]! - sorted[i]!) : sorted[i]!;
}

/**
 * Splits an alternated loop's launch times (mod, baseline, mod, baseline, ...) into both runs and
 * the pairs' ratios. Throws on an odd count: the loop launches both kernels each round.
 */
export function splitAlternated(samples: readonly number[]): { mod: number[]; none: number[]; ratio: number; ratioLow: number; ratioHigh: number } {
  if (samples.length < 2 || samples.length % 2) throw new Error(`an alternated run has launches in pairs, not ${samples.length}`);
  const mod = samples.filter((_, i) => i % 2 === 0), none = samples.filter((_, i) => i % 2 === 1);
  const ratios = mod.map((m, i) => m / none[i]!).sort((a, b) => a - b);
  return { mod, none, ratio: median(ratios), ratioLow: quantile(ratios, 0.25), ratioHigh: quantile(ratios, 0.75) };
}

/** "+6.1%": a time ratio as a cost in percent (`digits` decimals). */
export function formatPct(ratio: number, digits = 1): string {
  return `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(digits)}%`;
}

/** "+6.1% (pairs 25-75%: +5.2% to +7.0%)": a ratio as a cost, with its quartiles when known. */
export function formatCost(v: { ratio: number; ratioLow?: number; ratioHigh?: number }): string {
  return v.ratioLow !== undefined && v.ratioHigh !== undefined ? `${formatPct(v.ratio)} (pairs 25-75%: ${formatPct(v.ratioLow)} to ${formatPct(v.ratioHigh)})` : formatPct(v.ratio);
}
