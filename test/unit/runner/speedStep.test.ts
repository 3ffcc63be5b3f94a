// The bench says when a run's reps ran at two speeds (the H100 stepped from 0.865 to 0.958 ms
// mid-run in GPU call 7 of 2026-11-28), and stays quiet for a steady run or one slow first rep.
import { describe, expect, it } from "vitest";
import { MAX_WARMUP_ROUNDS, speedStep, STEP_MAX_POINTS, warmupRounds } from "../../../server/src/runner/speedStep";
import { formatStep, formatSweep } from "../../../server/src/runner/format";

const run = (parts: [number, number][]) => parts.flatMap(([n, ms]) => Array.from({ length: n }, (_, i) => ms + (i % 3) * 0.001));

describe("two speeds in one run", () => {
  it("finds the step of call 7's kv-bias run and says the median mixes both", () => {
    const s = run([[25, 0.865], [35, 0.958]]);
    const st = speedStep(s)!;
    expect(st.at).toBe(25);
    expect(st.before).toBeCloseTo(0.866, 3);
    expect(st.after).toBeCloseTo(0.959, 3);
    expect(formatStep(st, s.length)).toBe("two speeds: reps 1-25 at 0.866 ms, reps 26-60 at 0.959 ms (+10.7%); the GPU changed speed mid-run (its clock or power state), so the median above mixes both");
  });
  it("a step to faster reps is a step too", () => {
    expect(speedStep(run([[20, 0.95], [30, 0.86]]))).toMatchObject({ at: 20 });
  });
  it("stays quiet for a steady run, a lone slow first rep, a small drift and a short run", () => {
    expect(speedStep(run([[50, 0.813]]))).toBeNull();
    expect(speedStep([0.84, ...run([[49, 0.813]])])).toBeNull();
    expect(speedStep(run([[25, 0.813], [25, 0.825]]))).toBeNull();  // 1.5%: under STEP_MIN_RATIO
    expect(speedStep(run([[4, 0.8], [4, 0.9]]))).toBeNull();  // fewer than 5 reps a side
  });
  it("a long run (--reps up to 100,000) is split on chunk medians, quickly", () => {
    const s = run([[60_000, 0.865], [40_000, 0.958]]);
    const t0 = performance.now();
    const st = speedStep(s)!;
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(Math.abs(st.at - 60_000)).toBeLessThanOrEqual(Math.ceil(100_000 / STEP_MAX_POINTS));  // within one chunk
    expect(st.after / st.before).toBeCloseTo(0.959 / 0.866, 2);
    expect(speedStep(run([[100_000, 0.813]]))).toBeNull();
  });
  it("a step at the last reps allowed still counts", () => {
    expect(speedStep(run([[45, 0.813], [5, 0.856]]))).toMatchObject({ at: 45 });
  });
});

describe("the sweep table", () => {
  it("marks a cell whose reps ran at two speeds, and says what the mark means", () => {
    const result = (tflops: number, step: object | null) => ({
      kernel: "wgmma", ok: true, compile: { spillStores: 0 }, timing: { tflops, step },
    });
    const t = formatSweep({
      mod: "kvBias", shape: { B: 1, H: 16, Hkv: 16, Q: 8192, KV: 8192, D: 128 }, device: "H100",
      cells: [{ vec: 1, align: 16, result: result(600, null) }, { vec: 2, align: 16, result: result(610, { at: 9, before: 0.86, after: 0.95 }) }],
    } as never);
    expect(t).toMatch(/"~" = the reps ran at two speeds/);
    expect(t.split("\n").at(-1)).toMatch(/^ *16 B +600 +610~$/);
  });
});

describe("warmupRounds", () => {
  const probe = (ms: number[]) => async () => Float64Array.from(ms);
  it("fills warmupMs at the time of one round, never fewer than warmup", async () => {
    expect(await warmupRounds({ warmup: 10, warmupMs: 300, reps: 50, inputSets: 3 }, probe([0.85]))).toBe(353);
    // A round of the mod and its no-mod baseline counts both launches.
    expect(await warmupRounds({ warmup: 10, warmupMs: 300, reps: 50, inputSets: 3 }, probe([0.9, 0.8]))).toBe(177);
    expect(await warmupRounds({ warmup: 10, warmupMs: 300, reps: 50, inputSets: 3 }, probe([200]))).toBe(10);
  });
  it("without warmupMs the count is the count; a round too short to time is capped", async () => {
    let probed = false;
    expect(await warmupRounds({ warmup: 5, reps: 3, inputSets: 1 }, async () => { probed = true; return Float64Array.from([1]); })).toBe(5);
    expect(probed).toBe(false);
    expect(await warmupRounds({ warmup: 1, warmupMs: 300, reps: 3, inputSets: 1 }, probe([0]))).toBe(MAX_WARMUP_ROUNDS);
    expect(await warmupRounds({ warmup: 1, warmupMs: 300, reps: 3, inputSets: 1 }, probe([1e-6]))).toBe(MAX_WARMUP_ROUNDS);
  });
});
