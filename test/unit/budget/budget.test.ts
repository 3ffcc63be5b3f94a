// The analysis under a budget (server/src/budget, issue 14 items 1-2): a type-level bomb and a
// parser-backtracking bomb each get a located SM151 within the budget instead of hanging (and,
// for the type bomb, growing to 4 GB and aborting the process); the worker is replaced and the
// next file analyses normally; the language service refuses a file that ran over.
import { afterAll, describe, expect, it } from "vitest";
import { BudgetedAnalysis } from "../../../server/src/budget/budgetedAnalysis";
import { hostile, workerBundle } from "./workerBundle";

const BUDGET_MS = 2000;
const NORMAL = `import { scoreMod, tensor, bf16 } from "scoremod";
export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });
export const bias = scoreMod({ vecSize: 8 }, (score, b, h, q, kv) => score + kvBias.at(b, h, kv));
`;

describe("budgeted analysis", () => {
  const analysis = new BudgetedAnalysis({ workerEntry: workerBundle(), timeoutMs: BUDGET_MS, memoryMb: 512 });
  afterAll(() => analysis.dispose());

  it("runs in a worker and analyses a normal file as the in-thread analysis does", () => {
    expect(analysis.isolated).toBe(true);
    const a = analysis.analyze("normal.scoremod.ts", NORMAL);
    expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(a.mods.map((m) => [m.name, m.ok, m.loads[0]?.class])).toEqual([["bias", true, "contiguous"]]);
  });

  for (const [name, line, what] of [["type_bomb", 2, "the type alias"], ["async_backtrack", 3, "the nested async statement"]] as const) {
    it(`${name}: a located SM151 within the budget, no mods, and the file stays refused`, () => {
      const text = hostile(name);
      const t0 = performance.now();
      const a = analysis.analyze(`${name}.scoremod.ts`, text);
      const ms = performance.now() - t0;
      expect(a.diagnostics.map((d) => d.code)).toEqual(["SM151"]);
      const d = a.diagnostics[0];
      expect(d.severity).toBe("error");
      expect(d.message).toContain(`within ${BUDGET_MS / 1000} s / 512 MB`);
      expect(d.range.start.line, what).toBe(line);
      expect(a.mods).toEqual([]);
      expect(analysis.stats.overrun).toBe(true);
      // Generous: the budget plus a fresh worker's start; the bombs alone take minutes.
      expect(ms).toBeLessThan(BUDGET_MS + 20_000);
      expect(analysis.isOverBudget(`${name}.scoremod.ts`)).toBe(true);
      expect(analysis.languageService(`${name}.scoremod.ts`)).toBeNull();
      // Asked again (another target): answered from the mark, without running TypeScript.
      const again = analysis.analyze(`${name}.scoremod.ts`, text, { target: "runner-sm90" });
      expect(again.diagnostics.map((x) => x.code)).toEqual(["SM151"]);
      expect(again.target).toBe("runner-sm90");
    }, 60_000);
  }

  it("after an overrun, a fresh worker analyses and serves the language service", () => {
    const a = analysis.analyze("normal.scoremod.ts", NORMAL);
    expect(a.mods.map((m) => m.ok)).toEqual([true]);
    const ls = analysis.languageService("normal.scoremod.ts")!;
    const name = analysis.serviceName("normal.scoremod.ts");
    const at = NORMAL.indexOf("kvBias.at") + "kvBias.".length;
    const names = ls.getCompletionsAtPosition(name, at, undefined)?.entries.map((e) => e.name) ?? [];
    expect(names).toContain("at");
    const info = ls.getQuickInfoAtPosition(name, NORMAL.indexOf("kvBias"));
    expect(info?.displayParts?.map((p) => p.text).join("")).toContain("kvBias");
    // Definitions in the file come back under the caller's name.
    const def = ls.getDefinitionAtPosition(name, NORMAL.lastIndexOf("kvBias")) ?? [];
    expect(def.map((x) => x.fileName)).toEqual([name]);
    expect(analysis.stats.restarts).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("an edit that removes the bomb analyses again", () => {
    const fixed = hostile("type_bomb").replace(/^type P[^\n]*\n/m, "type P<T> = T[];\n").replace(/: P<[^>]*>/, ": number[]");
    const a = analysis.analyze("type_bomb.scoremod.ts", fixed);
    expect(analysis.isOverBudget("type_bomb.scoremod.ts")).toBe(false);
    expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(a.mods.map((m) => m.name)).toEqual(["bias"]);
  }, 60_000);
});

describe("budgeted analysis: memory", () => {
  it("a worker that runs out of heap is reported as over budget; this process lives on", () => {
    const small = new BudgetedAnalysis({ workerEntry: workerBundle(), timeoutMs: 6000, memoryMb: 160 });
    try {
      const a = small.analyze("type_bomb.scoremod.ts", hostile("type_bomb"));
      expect(a.diagnostics.map((d) => d.code)).toEqual(["SM151"]);
      expect(a.diagnostics[0].message).toContain("/ 160 MB");
      expect(small.analyze("normal.scoremod.ts", NORMAL).mods.map((m) => m.ok)).toEqual([true]);
    } finally {
      small.dispose();
    }
  }, 90_000);

});

describe("a bloated worker is replaced between calls, outside any budget", () => {
  it("a call that leaves the worker's heap over the recycle threshold (default half the memory budget) gets a fresh worker for the next", () => {
    // One analysis (TypeScript, its lib and the DSL typings) leaves more than 1 MB in use and far
    // less than half of 1024 MB.
    const small = new BudgetedAnalysis({ workerEntry: workerBundle(), timeoutMs: 20_000, memoryMb: 1024, recycleHeapMb: 1 });
    const big = new BudgetedAnalysis({ workerEntry: workerBundle(), timeoutMs: 20_000, memoryMb: 1024 });
    try {
      for (const a of [small, big]) {
        for (let k = 0; k < 2; k++) {
          const r = a.analyze(`n${k}.scoremod.ts`, NORMAL);
          expect(r.mods.map((m) => m.ok)).toEqual([true]);
        }
      }
      expect(small.stats.restarts).toBe(2);
      expect(big.stats.restarts).toBe(0);
    } finally {
      small.dispose();
      big.dispose();
    }
  }, 60_000);
});
