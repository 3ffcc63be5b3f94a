// The user's aux files per document, as the editor remembers them (workspaceState), and how a
// result shows them.
import { describe, expect, test } from "vitest";
import { AUX_FILES_KEY, AuxFileStore, jobAuxFiles } from "../../../client/src/auxFiles";
import { memento } from "./memento";
import { resultTitle, resultTooltip, type RunRecord } from "../../../client/src/results";

describe("AuxFileStore", () => {
  test("keeps files per document URI and per tensor, under one workspaceState key", async () => {
    const m = memento();
    const s = new AuxFileStore(m);
    await s.set("file:///a.scoremod.ts", "bias", "/d/bias.npy");
    await s.set("file:///a.scoremod.ts", "ids", "/d/w.safetensors:ids");
    await s.set("file:///b.scoremod.ts", "bias", "/d/other.npy");
    await s.set("file:///a.scoremod.ts", "bias", "/d/bias2.npy");
    expect(s.get("file:///a.scoremod.ts")).toEqual({ bias: "/d/bias2.npy", ids: "/d/w.safetensors:ids" });
    expect(m.raw[AUX_FILES_KEY]).toEqual({
      "file:///a.scoremod.ts": { bias: "/d/bias2.npy", ids: "/d/w.safetensors:ids" },
      "file:///b.scoremod.ts": { bias: "/d/other.npy" },
    });
    expect(s.get("file:///c.scoremod.ts")).toEqual({});
  });

  test("clears one tensor, the document's last tensor, or every tensor of a document", async () => {
    const m = memento();
    const s = new AuxFileStore(m);
    await s.set("u", "bias", "/b.npy");
    await s.set("u", "ids", "/i.npy");
    await s.set("v", "bias", "/v.npy");
    await s.clear("u", "bias");
    expect(m.raw[AUX_FILES_KEY]).toEqual({ u: { ids: "/i.npy" }, v: { bias: "/v.npy" } });
    await s.clear("u", "ids");
    expect(m.raw[AUX_FILES_KEY]).toEqual({ v: { bias: "/v.npy" } });
    await s.set("u", "a", "/a.npy");
    await s.clear("u");
    expect(m.raw[AUX_FILES_KEY]).toEqual({ v: { bias: "/v.npy" } });
  });

  test("a job gets auxFiles only when the document has some", () => {
    expect(jobAuxFiles({})).toEqual({});
    expect(jobAuxFiles({ bias: "/b.npy" })).toEqual({ auxFiles: { bias: "/b.npy" } });
  });
});

describe("results with the user's aux data", () => {
  const rec: RunRecord = {
    kind: "bench", version: 1, at: Date.UTC(2026, 10, 23, 20, 0, 0),
    summary: { target: "runner", vecSize: 8, timeMs: 1.234, tflops: 612.4, vecEqualsScalar: true, maxError: 0.0031, registers: 96, spills: 0, userAux: "bias ← /d/b.npy" },
  };
  test("the title says so, the tooltip names the files", () => {
    expect(resultTitle(rec, 1)).toBe("1.23 ms · 612 TFLOPS · your aux data · vec==scalar ✓ · max err 0.0031 · 96 regs/0 spills (V=8, runner)");
    expect(resultTooltip(rec, 1)).toBe("Last run 2026-11-23 20:00:00 UTC on document version 1. Aux data from your files: bias ← /d/b.npy.");
  });
  test("a run at two speeds is marked in the title and explained in the tooltip", () => {
    const two: RunRecord = { ...rec, summary: { ...rec.summary, userAux: undefined, unsteady: "two speeds: reps 1-25 at 0.865 ms, reps 26-50 at 0.958 ms (+10.8%)" } };
    expect(resultTitle(two, 1)).toMatch(/^1\.23 ms \(two speeds\) · 612 TFLOPS · vec==scalar/);
    expect(resultTooltip(two, 1)).toBe("Last run 2026-11-23 20:00:00 UTC on document version 1. Time: two speeds: reps 1-25 at 0.865 ms, reps 26-50 at 0.958 ms (+10.8%).");
  });
  test("the mod's cost over no mod is in the title, its measurement in the tooltip", () => {
    const c: RunRecord = { ...rec, summary: { ...rec.summary, userAux: undefined, vsNone: { cost: "+8.0% vs no mod", detail: "vs no mod: +8.0% (pairs 25-75%: +6.6% to +8.1%); no mod 0.880 ms (the same kernel), its launches alternated with these" } } };
    expect(resultTitle(c, 1)).toMatch(/^1\.23 ms · \+8\.0% vs no mod · 612 TFLOPS · vec==scalar/);
    expect(resultTooltip(c, 1)).toBe("Last run 2026-11-23 20:00:00 UTC on document version 1. Cost: vs no mod: +8.0% (pairs 25-75%: +6.6% to +8.1%); no mod 0.880 ms (the same kernel), its launches alternated with these.");
  });
});
