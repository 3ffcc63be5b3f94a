// How runner outcomes read in the UI: error lines naming the mod and load, and a BenchResult
// reduced to the CodeLens summary (the probe's words: gpuAvailability.test.ts).
import { describe, expect, test, vi } from "vitest";

vi.mock("vscode", () => ({}));
const { benchSummary, describeError, toErrorInfo } = await import("../../../client/src/runner");
const { RunnerError } = await import("../../../server/src/runner/types");

describe("runner outcomes", () => {
  test("errors name the mod, the load and its line", () => {
    const e = toErrorInfo(new RunnerError({ kind: "fault", message: "illegal address", mod: "m", load: "t.at(b, kv)", line: 9 }));
    expect(describeError(e)).toBe("fault: illegal address [m · t.at(b, kv) · line 9]");
    expect(describeError(toErrorInfo(new Error("boom")))).toBe("internal: boom");
  });

  test("a BenchResult becomes the CodeLens summary", () => {
    const r = {
      mod: "m", vec: 2, kernel: "wgmma", kernelNote: "V capped at 2 (m declares V = 8)", align: "declared", shape: { B: 1, H: 1, Hkv: 1, Q: 128, KV: 128, D: 64 }, dtype: "bf16", device: "x",
      compile: { compiler: "nvrtc", registers: 96, spillStores: 2, spillLoads: 3, localBytes: 0, sharedBytes: 0, compileMs: 1 },
      timing: { ms: 1.5, msMin: 1, msMax: 2, reps: 10, inputSets: 2, tflops: 512, auxBytesPerSec: 0, auxBytes: 0 },
      checks: [
        { name: "vec-vs-scalar", ok: true, detail: "bitwise equal" },
        { name: "reference-kernel", ok: true, maxAbsErr: 0.004, detail: "" },
      ],
      ok: true, obligations: [],
    } as const;
    expect(benchSummary(r as never)).toEqual({
      target: "Hopper kernel", vecSize: 2, note: "V capped at 2 (m declares V = 8)", timeMs: 1.5, tflops: 512, vecEqualsScalar: true, maxError: 0.004, registers: 96, spills: 5,
    });
    expect(benchSummary({ ...r, kernel: "mma", kernelNote: undefined } as never)).toMatchObject({ target: "portable kernel", note: undefined });
    // A skipped vec-vs-scalar check is not reported as equal.
    const skipped = { ...r, checks: [{ name: "vec-vs-scalar", ok: true, skipped: "V = 1", detail: "" }] };
    expect(benchSummary(skipped as never).vecEqualsScalar).toBe(false);
    // Reps at two speeds: the summary carries the runner's sentence; a steady run has no such key.
    const step = { ...r, timing: { ...r.timing, step: { at: 4, before: 1.0, after: 1.5 } } };
    expect(benchSummary(step as never).unsteady).toMatch(/^two speeds: reps 1-4 at 1\.000 ms, reps 5-10 at 1\.500 ms \(\+50\.0%\)/);
    expect(benchSummary(r as never)).not.toHaveProperty("unsteady");
    // The cost over no mod (alternated launches): the percentage for the lens, the runner's sentence for the tooltip.
    const cost = { ...r, timing: { ...r.timing, vsNone: { ms: 1.4, samples: [], tile: { q: 128, kv: 176 }, ratio: 1.0712, ratioLow: 1.06, ratioHigh: 1.08 } }, tile: { q: 128, kv: 176 } };
    expect(benchSummary(cost as never).vsNone).toEqual({ cost: "+7.1% vs no mod", detail: "vs no mod: +7.1% (pairs 25-75%: +6.0% to +8.0%); no mod 1.400 ms (the same kernel), its launches alternated with these" });
    // A mask's baseline is the dense problem, and the lens says so.
    const masked = { ...cost, blockSparsity: { sparsity: 0.49 }, timing: { ...cost.timing, vsNone: { ...cost.timing.vsNone, ratio: 0.58 } } };
    expect(benchSummary(masked as never).vsNone?.cost).toBe("-42.0% vs dense no mod");
    expect(benchSummary(r as never)).not.toHaveProperty("vsNone");
  });

  test("the summary names the tensors that read the user's files: the runner's sources, else the job's files", () => {
    const r = {
      mod: "m", vec: 1, kernel: "mma", align: "declared", shape: { B: 1, H: 1, Hkv: 1, Q: 128, KV: 128, D: 64 }, dtype: "bf16", device: "x",
      compile: { compiler: "nvrtc", registers: 1, spillStores: 0, spillLoads: 0, localBytes: 0, sharedBytes: 0, compileMs: 1 },
      timing: null, checks: [], ok: true, obligations: [],
    };
    expect(benchSummary({ ...r, auxSources: { bias: "/d/b.npy", ids: "generated" } } as never, { bias: "/d/old.npy" }).userAux).toBe("bias ← /d/b.npy");
    expect(benchSummary(r as never, { bias: "/d/w.safetensors:k" }).userAux).toBe("bias ← /d/w.safetensors:k");
    expect(benchSummary({ ...r, auxSources: { ids: "generated" } } as never).userAux).toBeUndefined();
    expect(benchSummary(r as never)).not.toHaveProperty("userAux");
  });
});
