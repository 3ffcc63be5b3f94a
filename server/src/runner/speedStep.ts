// Whether a run's reps ran at two speeds. On the H100 the card can change speed mid-run (its
// clock or power state): kv-bias's reps ran at 0.865 ms, then from one rep on at 0.950-0.960 ms,
// every input set alike (BENCHMARKS.md, "Two speeds in one run"). The median then depends on
// where the step fell, so the bench says so instead of printing one number as if it were steady.

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

/**
 * The split of samples (rep times in launch order) into a head and a tail that fits them best
 * (least total absolute deviation from each part's median), reported when the two medians differ
 * by STEP_MIN_RATIO or more with STEP_MIN_REPS reps on each side; else null (a lone slow first
 * rep, the usual warm-up straggler, is not a step).
 */
export function speedStep(samples: readonly number[]): SpeedStep | null {
  const dev = (xs: readonly number[], m: number) => xs.reduce((a, x) => a + Math.abs(x - m), 0);
  let best: SpeedStep | null = null;
  let bestCost = Infinity;
  for (let at = STEP_MIN_REPS; at <= samples.length - STEP_MIN_REPS; at++) {
    const head = samples.slice(0, at), tail = samples.slice(at);
    const before = median(head), after = median(tail);
    const cost = dev(head, before) + dev(tail, after);
    if (cost < bestCost) {
      bestCost = cost;
      best = { at, before, after };
    }
  }
  if (!best || !(Math.max(best.before, best.after) / Math.min(best.before, best.after) >= STEP_MIN_RATIO)) return null;
  return best;
}
