// CI-sized fuzz run (scripts/fuzz.mjs runs the long one): generated and mutated score_mod
// files must never make the analysis throw, report an internal error, or take over 1 s.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AnalysisHost } from "../../../server/src/analysis/index";
import { fuzzCase } from "../../fuzz/generate";
import { runCase } from "../../fuzz/check";

const EXAMPLES = join(__dirname, "../../../examples");
const seeds = readdirSync(EXAMPLES).filter((f) => f.endsWith(".ts")).map((f) => readFileSync(join(EXAMPLES, f), "utf8"));
const CASES = Number(process.env.FUZZ_CASES ?? 2000);

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
  });
});
