// The time-based warm-up: launches that add up to warmupMs at the probe's time, never fewer than
// the preset's count, capped for a kernel that is near-free.
import { describe, expect, it } from "vitest";
import { TIMING, warmupLaunches } from "../../../server/src/runner/types";

describe("warm-up before the timed reps", () => {
  it("lasts warmupMs at the probed time a launch", () => {
    expect(warmupLaunches(TIMING.cli, 0.85)).toBe(Math.ceil(25 / 0.85));
    expect(warmupLaunches(TIMING.cli, 0.85) * 0.85).toBeGreaterThanOrEqual(25);
  });
  it("keeps the preset's launch count for a slow kernel, and caps a near-free one", () => {
    expect(warmupLaunches(TIMING.cli, 30)).toBe(TIMING.cli.warmup);
    expect(warmupLaunches(TIMING.cli, 1e-6)).toBe(10_000);
    expect(warmupLaunches(TIMING.smoke, 0.01)).toBe(TIMING.smoke.warmup);
    expect(warmupLaunches(TIMING.cli, 0)).toBe(TIMING.cli.warmup);
  });
});
