// Per-mod rules (SM20x) and per-load notes (SM21x), through classifyMod.
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../server/src/analysis/facts";
import type { TargetId } from "../../../server/src/analysis/targets";
import { add, b, classify, h, kv, load, q, ret, s, sub, tensorFact } from "./classifyHelpers";

const kvBias = tensorFact("t", { shape: ["B", "H", "KV"], align: 16, divisible: { KV: 8 } });
const body = [ret(add(s, load(0, "t", b, h, kv)))];
const codes = (ds: Diagnostic[]): string[] => ds.map((d) => d.code).sort();
const run = (V: number, target: TargetId = "fa4-sm100", bodyIn = body, modOptions?: string | null) =>
  classify({ tensors: [kvBias, tensorFact("i", { dtype: "i32", shape: ["B", "KV"], align: 4 })], body: bodyIn, V, target, modOptions });

describe("vecSize rules", () => {
  it("a good V on each target has no diagnostics", () => {
    expect(codes(run(8).diagnostics)).toEqual([]);
    expect(codes(run(2, "fa4-sm90").diagnostics)).toEqual([]);
    expect(codes(run(64, "runner-sm80").diagnostics)).toEqual([]);
  });
  it("SM201: V not a power of two, located at the vecSize value, with a fix", () => {
    const d = run(6).diagnostics.find((x) => x.code === "SM201");
    expect(d?.severity).toBe("error");
    expect(d?.range).toEqual({ start: { line: 9, character: 21 }, end: { line: 9, character: 22 } });
    expect(d?.fixes?.[0].edits[0].newText).toBe("4");
  });
  it("SM202 and SM203: V = 256 exceeds the cap and does not divide tile_n", () => {
    expect(codes(run(256).diagnostics).filter((c) => c < "SM204")).toEqual(["SM202", "SM203"]);
  });
  it("SM203 on pairs targets says why (mma accumulator pairs)", () => {
    const d = run(8, "fa4-sm90").diagnostics.find((x) => x.code === "SM203");
    expect(d?.message).toMatch(/pairs of adjacent kv/);
    expect(d?.fixes?.[0].edits[0].newText).toBe("2");
  });
  it("falls back to the mod range when there is no vecSize property", () => {
    const d = run(6, "fa4-sm100", body, null).diagnostics.find((x) => x.code === "SM201");
    expect(d?.range).toEqual({ start: { line: 9, character: 0 }, end: { line: 9, character: 80 } });
    expect(d?.fixes?.[0].edits[0].newText).toBe("{ vecSize: 4 }, ");
  });
});

describe("register pressure", () => {
  it("kv-bias at V = 64 stays under budget; V = 128 gets the FA4 cliff warning", () => {
    const r64 = run(64);
    expect(r64.registers.estimate).toBeLessThanOrEqual(r64.registers.budget);
    expect(codes(r64.diagnostics).filter((c) => c.startsWith("SM20"))).toEqual([]);
    const r128 = run(128);
    const cliff = r128.diagnostics.find((x) => x.code === "SM205");
    expect(cliff?.severity).toBe("warning");
    expect(cliff?.message).toMatch(/855.*301/);
    expect(r128.registers.estimate).toBeGreaterThan(r64.registers.estimate);
  });
  it("SM204: 128 gathered i32 lanes exceed the budget", () => {
    const r = run(128, "fa4-sm100", [ret(add(s, load(0, "i", b, sub(q, kv))))]);
    expect(r.registers.estimate).toBeGreaterThan(r.registers.budget);
    const d = r.diagnostics.find((x) => x.code === "SM204");
    expect(d?.severity).toBe("warning");
    expect(d?.fixes?.[0].edits[0].newText).toBe("64");
  });
});

describe("register pressure at V = 1", () => {
  it("SM204 does not say 'Lower vecSize' when V is already 1, and offers no V fix", async () => {
    const { modDiagnostics } = await import("../../../server/src/analysis/modChecks");
    const { TARGETS } = await import("../../../server/src/analysis/targets");
    const regs = { estimate: 300, budget: 255, kernel: 160, addressing: 40, loaded: 90, tempsPerLane: 10, lanes: 1 };
    const input = { mod: "m", kind: "score" as const, target: TARGETS["fa4-sm100"], vecSize: 1, vecSizeExplicit: true,
      options: { range: null, text: null, props: {}, insertAt: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
      modRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 9 } } };
    const d = modDiagnostics(input, [], regs).find((x) => x.code === "SM204")!;
    expect(d.message).not.toMatch(/Lower vecSize/);
    expect(d.message).toMatch(/vecSize is already 1/);
    expect(d.fixes).toBeUndefined();
    const d2 = modDiagnostics({ ...input, vecSize: 4 }, [], { ...regs, lanes: 4 }).find((x) => x.code === "SM204")!;
    expect(d2.message).toMatch(/Lower vecSize\.$/);
  });
});

describe("load notes", () => {
  it("SM210 carries the safe fix (lower V to the proven width) first, then the widening promise", () => {
    const r = classify({ tensors: [tensorFact("t", { shape: ["B", "H", "KV"], align: 4, divisible: { KV: 8 } })], body, V: 8 });
    const d = r.diagnostics.find((x) => x.code === "SM210");
    expect(d?.severity).toBe("info");
    expect(d?.range).toEqual(r.loads[0].range);
    expect(d?.fixes?.map((f) => f.title)).toEqual([
      "Set vecSize: 2 (as wide as t's declared facts prove; no promise needed)",
      "Promise t is 16-byte aligned (align: 16; FA4 will not check the promise)",
    ]);
  });
  it("SM211 explains a gather when V > 1, not when V = 1", () => {
    const g = [ret(add(s, load(0, "t", b, h, sub(q, kv))))];
    expect(codes(run(8, "fa4-sm100", g).diagnostics)).toEqual(["SM211"]);
    expect(codes(run(1, "fa4-sm100", g).diagnostics)).toEqual([]);
  });
});

describe("documentation", () => {
  it("every classifier code has a page under docs/diagnostics", async () => {
    const { existsSync } = await import("node:fs");
    const { join } = await import("node:path");
    const mod = await import("../../../server/src/analysis/modChecks");
    const codesInModule = Object.entries(mod).filter(([k, v]) => k.startsWith("SM_") && typeof v === "string").map(([, v]) => v as string);
    expect(codesInModule.length).toBe(10);
    for (const c of codesInModule) expect(existsSync(join(__dirname, "..", "..", "..", "docs", "diagnostics", `${c}.md`)), c).toBe(true);
  });
});
