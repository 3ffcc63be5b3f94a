// `scoremod bench --compare` without a GPU: the Python half is valid Python, its JSON is read
// back (a stand-in interpreter plays torch), failures become data, and the table renders.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareScript, formatCompare, formatModCost, runPeers } from "../../../server/src/cli/benchCompare";
import { analyze } from "../../../server/src/analysis/index";
import { NO_MOD } from "../../../server/src/runner/modCost";
import type { BenchResult } from "../../../server/src/runner/types";

const python = (() => { try { execFileSync("python3", ["--version"]); return "python3"; } catch { return null; } })();

const result: BenchResult = {
  mod: "kvBiasMod", vec: 2, kernel: "wgmma", tile: { q: 128, kv: 128 }, align: "declared", shape: { B: 1, H: 16, Hkv: 16, Q: 8192, KV: 8192, D: 128 }, dtype: "bf16",
  device: "NVIDIA H100", compile: { compiler: "nvrtc", registers: 168, spillStores: 0, spillLoads: 0, localBytes: 0, sharedBytes: 164936, compileMs: 1 },
  timing: { ms: 1.0, msMin: 0.99, msMax: 1.01, reps: 50, inputSets: 3, tflops: 550, tflopsDense: 550, auxBytes: 0, auxBytesPerSec: 0 }, checks: [], ok: true, obligations: [],
  phases: { stages: { analyse: 40, compile: 900, data: 300, time: 60 }, totalMs: 1300, outsideMs: 340 },
};

describe("bench --compare", () => {
  it("finds the Python half in the repository", () => {
    expect(compareScript({})).toMatch(/runtime\/python\/compare_flex\.py$/);
  });

  it.runIf(python)("the Python half compiles", () => {
    execFileSync("python3", ["-m", "py_compile", compareScript({})!]);
  });

  it("reads the last JSON line the interpreter prints and writes the export beside the dump", () => {
    const dir = mkdtempSync(join(tmpdir(), "scoremod-cmp-"));
    const fake = join(dir, "fake-python");
    writeFileSync(fake, `#!/bin/sh\necho "compiling..."\necho '{"ok": true, "flex_ms": 1.25, "sdpa_ms": 0.8, "sdpa_causal": false, "max_abs": 0.001, "rel_l2": 0.0005, "torch": "x"}'\n`);
    chmodSync(fake, 0o755);
    const p = runPeers(dir, "MODS = {}\n", false, 300, { SCOREMOD_PYTHON: fake });
    expect(p).toMatchObject({ ok: true, flex_ms: 1.25, sdpa_ms: 0.8 });
    expect(readFileSync(join(dir, "flex.py"), "utf8")).toBe("MODS = {}\n");
  });

  it("an interpreter that fails or is missing becomes an error, not an exception", () => {
    const dir = mkdtempSync(join(tmpdir(), "scoremod-cmp-"));
    expect(runPeers(dir, "", false, 300, { SCOREMOD_PYTHON: "/nonexistent/python3" })).toMatchObject({ ok: false, error: expect.stringMatching(/nonexistent/) });
    const bad = join(dir, "bad-python");
    writeFileSync(bad, "#!/bin/sh\necho boom >&2\nexit 3\n");
    chmodSync(bad, 0o755);
    expect(runPeers(dir, "", false, 300, { SCOREMOD_PYTHON: bad })).toMatchObject({ ok: false, error: expect.stringMatching(/exited 3: boom/) });
  });

  it("renders one table with ratios and the agreement", () => {
    const t = formatCompare(result, { ok: true, flex_ms: 1.25, sdpa_ms: 0.8, max_abs: 1e-3, rel_l2: 5e-4 });
    expect(t).toMatch(/ours: Hopper kernel .*V=2 +1\.000 +550 +1\.00x/);
    expect(t).toMatch(/flex_attention.* 1\.250 +440 +1\.25x/);
    expect(t).toMatch(/SDPA \(no mod\) +0\.800 +687 +0\.80x/);
    expect(t).toMatch(/agree: FlexAttention vs ours/);
    expect(formatCompare(result, { ok: false, max_abs: 0.5, rel_l2: 0.2 })).toMatch(/DISAGREE/);
    // Without a no-mod run there is no cost line.
    expect(formatCompare(result, { ok: true, flex_ms: 1.25 })).not.toMatch(/mod cost/);
  });

  it("says what the mods cost: time with them over time without, ours and Flex's", () => {
    const peers = { ok: true, flex_ms: 1.25, flex_none_ms: 1.1, sdpa_ms: 0.8 };
    // Ours: the median of the alternated pairs' ratios, and their quartiles (BenchJob.vsNone).
    const vsNone = { ms: 0.94, samples: [], tile: { q: 128, kv: 128 }, ratio: 1.064, ratioLow: 1.05, ratioHigh: 1.08 };
    const timed = { ...result, timing: { ...result.timing!, vsNone } };
    const t = formatCompare(timed, peers, true);
    expect(t).toMatch(/mod cost, time with \/ without: ours \+6\.4% \(pairs 25-75%: \+5\.0% to \+8\.0%\) over no mod 0\.940 ms \(the same kernel\), launches alternated with the mod's; Flex \+13\.6% \(no mod: 1\.100 ms\)/);
    // A mask's baseline (a run with a block map) is the dense problem; a baseline at other tiles says which.
    const wide = { ...result, blockSparsity: { sparsity: 0.49 }, timing: { ...result.timing!, vsNone: { ...vsNone, tile: { q: 128, kv: 176 }, ratio: 0.556, ratioLow: 0.55, ratioHigh: 0.56, ms: 0.9 } } } as unknown as BenchResult;
    expect(formatModCost(wide, peers))
      .toBe("mod cost, time with / without: ours -44.4% (pairs 25-75%: -45.0% to -44.0%) over no mod 0.900 ms (the same kernel on the dense problem at its own 128x176 tiles), launches alternated with the mod's; Flex +13.6% (dense, no mod: 1.100 ms)");
    // What was not measured is said, not hidden.
    expect(formatModCost(result, { ok: false, error: "no torch" })).toBe("mod cost, time with / without: ours: not measured; Flex: not measured");
  });

  it("the no-mod baseline is a valid score mod that reads nothing", () => {
    const fa = analyze(NO_MOD.fileName, NO_MOD.text);
    const m = fa.mods.find((x) => x.name === NO_MOD.mod)!;
    expect(fa.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect([m.kind, m.ok, m.loads.length]).toEqual(["score", true, 0]);
  });
});
