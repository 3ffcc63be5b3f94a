// CI-sized fuzz run (scripts/fuzz.mjs runs the long one): generated and mutated score_mod
// files must never make the analysis throw, report an internal error, or take over 1 s.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AnalysisHost } from "../../../server/src/analysis/index";
import { BudgetedAnalysis } from "../../../server/src/budget/budgetedAnalysis";
import { backtrackFile, fuzzCase, fuzzCaseOf, Gen, prng, typeLevelFile } from "../../fuzz/generate";
import { runCase } from "../../fuzz/check";
import { workerBundle } from "../budget/workerBundle";

const EXAMPLES = join(__dirname, "../../../examples");
const seeds = readdirSync(EXAMPLES).filter((f) => f.endsWith(".ts")).map((f) => readFileSync(join(EXAMPLES, f), "utf8"));
const CASES = Number(process.env.FUZZ_CASES ?? 2000);
const HOSTILE_CASES = Number(process.env.FUZZ_HOSTILE_CASES ?? 24);

describe("analysis fuzz", () => {
  it(`survives ${CASES} generated and mutated files (seed 1)`, () => {
    const host = new AnalysisHost();
    const failures: string[] = [];
    for (let i = 0; i < CASES && failures.length < 5; i++) {
      const text = fuzzCase(1, i, seeds);
      const r = runCase(host, text);
      if (r.problems.length) failures.push(`case ${i}: ${r.problems.join("; ")}\n---\n${text.slice(0, 2000)}\n---`);
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it("every saved failing case (test/fixtures/fuzz, written by scripts/fuzz.mjs) now passes", () => {
    const dir = join(__dirname, "../../fixtures/fuzz");
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(0);
    const host = new AnalysisHost();
    for (const f of files) expect(runCase(host, readFileSync(join(dir, f), "utf8")).problems, f).toEqual([]);
  });

  it("the generators are deterministic", () => {
    expect(fuzzCase(7, 3, seeds)).toBe(fuzzCase(7, 3, seeds));
    expect(fuzzCase(7, 3, seeds)).not.toBe(fuzzCase(7, 4, seeds));
    expect(typeLevelFile(new Gen(prng(5)))).toBe(typeLevelFile(new Gen(prng(5))));
    expect(backtrackFile(new Gen(prng(5)))).toBe(backtrackFile(new Gen(prng(5))));
  });

  it("hostile generators appear only when asked for, and do not change the ordinary cases", () => {
    const plain = Array.from({ length: 400 }, (_, i) => fuzzCaseOf(1, i, seeds));
    const mixed = Array.from({ length: 400 }, (_, i) => fuzzCaseOf(1, i, seeds, true));
    expect(plain.some((c) => c.hostile)).toBe(false);
    expect(mixed.some((c) => c.hostile)).toBe(true);
    mixed.forEach((c, i) => { if (!c.hostile) expect(c.text).toBe(plain[i].text); });
  });
});

// Type-level and parser-backtracking generators (issue 14, items 1-2): under the budget each case
// is analysed cleanly or gets SM151 within the budget; none hangs. Run in a worker (a bomb would
// hang an in-thread host for minutes).
describe("analysis fuzz under the budget: hostile generators", () => {
  it(`${HOSTILE_CASES} type-level and backtracking files: SM151 within the budget or a clean analysis`, () => {
    const analysis = new BudgetedAnalysis({ workerEntry: workerBundle(), timeoutMs: 1500, memoryMb: 512 });
    const failures: string[] = [];
    let overruns = 0;
    try {
      for (let i = 0; i < HOSTILE_CASES && failures.length < 5; i++) {
        const g = new Gen(prng(1000 + i));
        const text = i % 2 ? typeLevelFile(g) : backtrackFile(g);
        const r = runCase(analysis, text, true);
        if (r.overrun) overruns++;
        if (r.problems.length) failures.push(`case ${i}: ${r.problems.join("; ")}\n---\n${text.slice(0, 2000)}\n---`);
      }
    } finally {
      analysis.dispose();
    }
    expect(failures).toEqual([]);
    expect(overruns, "the hostile generators make some bombs").toBeGreaterThan(0);
  }, 240_000);
});
