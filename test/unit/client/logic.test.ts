// Pure client logic: result staleness and titles, source <-> generated line maps, settings.
import { describe, expect, test } from "vitest";
import { readClientSettings, serverSettings } from "../../../client/src/config";
import { LineMap } from "../../../client/src/lineMap";
import { ResultStore, resultTitle, resultTooltip, type RunRecord } from "../../../client/src/results";

const bench: RunRecord = {
  kind: "bench", version: 3, at: Date.UTC(2026, 10, 23, 20, 0, 0),
  summary: { target: "runner", vecSize: 8, timeMs: 1.234, tflops: 612.4, vecEqualsScalar: true, maxError: 0.0031, registers: 96, spills: 0 },
};

describe("results", () => {
  test("title shows time, TFLOPS, vec==scalar, max error, registers/spills", () => {
    expect(resultTitle(bench, 3)).toBe("1.23 ms · 612 TFLOPS · vec==scalar ✓ · max err 0.0031 · 96 regs/0 spills (V=8, runner)");
  });
  test("a run with a block map says how much it skipped", () => {
    expect(resultTitle({ ...bench, summary: { ...bench.summary, skipped: 0.923 } } as RunRecord, 3)).toContain("612 TFLOPS · 92% tiles skipped · vec==scalar");
  });

  test("unmeasured numbers show as a dash, not NaN", () => {
    const t = resultTitle({ ...bench, summary: { ...bench.summary, timeMs: NaN, tflops: NaN, maxError: NaN } } as RunRecord, 3);
    expect(t).toBe("— ms · — TFLOPS · vec==scalar ✓ · max err — · 96 regs/0 spills (V=8, runner)");
  });

  test("the tooltip carries the runner's note (why V or the kernel differ from the file)", () => {
    const noted = { ...bench, summary: { ...bench.summary, note: "V capped at 2 (m declares V = 8)" } } as RunRecord;
    expect(resultTooltip(noted, 3)).toBe("Last run 2026-11-23 20:00:00 UTC on document version 3. V capped at 2 (m declares V = 8).");
  });

  test("a result goes stale once the document version moves on", () => {
    expect(resultTitle(bench, 4).startsWith("$(history) stale · ")).toBe(true);
  });

  test("errors show their first line", () => {
    expect(resultTitle({ kind: "error", version: 1, at: 0, message: "fault: illegal address\nmore" }, 1)).toBe("$(error) fault: illegal address");
  });

  test("store keeps one record per (document, mod) and clears per document", () => {
    const s = new ResultStore();
    s.set("u", "a", bench);
    s.set("u", "b", { ...bench, version: 9 });
    expect(s.get("u", "b")?.version).toBe(9);
    s.clear("u");
    expect(s.get("u", "a")).toBeUndefined();
  });
});

describe("line map", () => {
  const m = new LineMap([-1, 4, 4, -1, 5, 4, -1]);
  test("source line -> generated lines and runs", () => {
    expect(m.generatedLines(4)).toEqual([1, 2, 5]);
    expect(m.runs(4)).toEqual([[1, 2], [5, 5]]);
    expect(m.generatedLines(9)).toEqual([]);
  });
  test("generated line -> source line, unmapped lines take the nearest mapped line above", () => {
    expect(m.sourceLine(4)).toBe(5);
    expect(m.sourceLine(3)).toBe(4);
    expect(m.sourceLine(0)).toBeNull();
    expect(m.sourceLine(99)).toBe(4);
  });
});

describe("settings", () => {
  const values: Record<string, unknown> = {
    target: "fa4-sm90", "inlayHints.enabled": false, "sweep.vecSizes": [8, 1, 8, 3000, "x"], "sweep.aligns": [16, "elem", 3],
    "problem.seqLen": 1024, "problem.headDim": 96, "cuda.nvccPath": "/opt/cuda/bin/nvcc", "cuda.home": "/opt/cuda", "heatMap.size": 9999,
  };
  const get = (k: string) => values[k];
  test("valid values pass, invalid ones fall back to defaults", () => {
    const s = readClientSettings(get, true);
    expect(s.target).toBe("fa4-sm90");
    expect(s.inlayHints).toBe(false);
    expect(s.sweep).toEqual({ vecSizes: [1, 8], aligns: [16, "elem"] });
    expect(s.problem).toEqual({ batch: 1, heads: 16, seqLen: 1024, headDim: 128 });
    expect(s.heatMapSize).toBe(256);
    expect(readClientSettings(() => undefined, true).target).toBe("fa4-sm100");
  });
  test("defaults and bounds are the manifest's (settings.generated.ts): below the minimum reads as the default", () => {
    const d = readClientSettings(() => undefined, true);
    expect(d.runnerTimeoutMs).toBe(120_000);
    expect(d.sweep.aligns).toEqual(["elem", 4, 8, 16]);
    const low: Record<string, unknown> = { "runner.timeoutMs": 10, "heatMap.size": 4, "problem.heads": 0 };
    const s = readClientSettings((k) => low[k], true);
    expect([s.runnerTimeoutMs, s.heatMapSize, s.problem.heads]).toEqual([120_000, 64, 16]);
  });
  test("restricted mode ignores settings that choose binaries", () => {
    const s = readClientSettings(get, false);
    expect([s.nvccPath, s.cudaHome]).toEqual(["", ""]);
    expect(serverSettings(s)).toMatchObject({ nvccPath: "" });
    expect(serverSettings(readClientSettings(get, true))).toMatchObject({ nvccPath: "/opt/cuda/bin/nvcc" });
  });
});
