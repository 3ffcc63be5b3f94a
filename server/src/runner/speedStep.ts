// Whether a run's reps ran at two speeds. On the H100 the card can change speed mid-run (its
// clock or power state): kv-bias's reps ran at 0.865 ms, then from one rep on at 0.950-0.960 ms,
// every input set alike (BENCHMARKS.md, "Two speeds in one run"). The median then depends on
// where the step fell, so the bench says so instead of printing one number as if it were steady.
// On the H200 the step is the SM clock falling from 1980 MHz to about 1770-1875 under load within
// tens of milliseconds, so the timed reps follow a warm-up of a set time (warmupRounds): they then
// run at the steady clock, as the peers' (do_bench with the same warm-up) do.

import type { TimingOptions } from "./types";

/** A step in a run's reps: the median before rep `at` and from it on. */
export interface SpeedStep { at: number; before: number; after: number }

/** The smallest change between the two medians reported, and the fewest reps on either side. */
export const STEP_MIN_RATIO = 1.03;
export const STEP_MIN_REPS = 5;

/** The median of a run's rep times (the number the bench reports). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A longer run is split on the medians of at most this many chunks of consecutive reps (--reps goes to 100,000). */
export const STEP_MAX_POINTS = 256;

/**
 * The split of samples (rep times in launch order) into a head and a tail that fits them best
 * (least total absolute deviation from each part's median), reported when the two medians differ
 * by STEP_MIN_RATIO or more with STEP_MIN_REPS reps on each side; else null (a lone slow first
 * rep, the usual warm-up straggler, is not a step). A run longer than STEP_MAX_POINTS reps is
 * split between chunks of consecutive reps, by the chunks' medians.
 */
export function speedStep(samples: readonly number[]): SpeedStep | null {
  const n = samples.length;
  const c = Math.max(1, Math.ceil(n / STEP_MAX_POINTS));
  const pts = c === 1 ? samples : Array.from({ length: Math.ceil(n / c) }, (_, i) => median(samples.slice(i * c, (i + 1) * c)));
  const side = Math.max(1, Math.ceil(STEP_MIN_REPS / c));
  const dev = (xs: readonly number[], m: number) => xs.reduce((a, x) => a + Math.abs(x - m), 0);
  let bestAt = -1;
  let bestCost = Infinity;
  for (let k = side; k <= pts.length - side; k++) {
    const head = pts.slice(0, k), tail = pts.slice(k);
    const cost = dev(head, median(head)) + dev(tail, median(tail));
    if (cost < bestCost) {
      bestCost = cost;
      bestAt = Math.min(k * c, n);
    }
  }
  if (bestAt < STEP_MIN_REPS || n - bestAt < STEP_MIN_REPS) return null;
  const before = median(samples.slice(0, bestAt)), after = median(samples.slice(bestAt));
  if (!(Math.max(before, after) / Math.min(before, after) >= STEP_MIN_RATIO)) return null;
  return { at: bestAt, before, after };
}

/** The most warm-up rounds a time-based warm-up asks for (a round of microseconds would ask for millions). */
export const MAX_WARMUP_ROUNDS = 20_000;

/**
 * Warm-up rounds: timing.warmup, or more to fill timing.warmupMs, at the time of one round
 * (`probe`: one timed round, which warms up too).
 */
export async function warmupRounds(timing: TimingOptions, probe: () => Promise<Float64Array>): Promise<number> {
  if (!timing.warmupMs) return timing.warmup;
  const round = Array.from(await probe()).reduce((a, b) => a + b, 0);
  const fill = round > 0 ? Math.ceil(timing.warmupMs / round) : MAX_WARMUP_ROUNDS;
  return Math.max(timing.warmup, Math.min(MAX_WARMUP_ROUNDS, fill));
}
