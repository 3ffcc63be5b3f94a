// Wall time of a run by stage (the stages the progress hook names), so a bench says where its
// time went: data preparation apart from compilation and the timed kernel.
import type { RunPhases } from "./types";

export class PhaseClock {
  private readonly t0 = performance.now();
  private current: string | null = null;
  private since = this.t0;
  private readonly ms: Record<string, number> = {};

  /** Close the current stage and open `stage` (a stage entered twice accumulates). */
  enter(stage: string): void {
    const now = performance.now();
    if (this.current) this.ms[this.current] = (this.ms[this.current] ?? 0) + (now - this.since);
    this.current = stage;
    this.since = now;
  }

  done(): RunPhases {
    this.enter("");
    const totalMs = performance.now() - this.t0;
    const stages: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.ms)) if (k) stages[k] = round(v);
    return { stages, totalMs: round(totalMs), outsideMs: round(totalMs - (this.ms.compile ?? 0) - (this.ms.time ?? 0)) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
