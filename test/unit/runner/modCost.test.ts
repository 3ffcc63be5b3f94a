// What a mod costs, from launches alternated with the no-mod baseline's (modCost.ts).
import { describe, expect, it } from "vitest";
import { formatCost, formatPct, splitAlternated } from "../../../server/src/runner/modCost";
import { formatVsNone } from "../../../server/src/runner/format";
import type { BenchResult } from "../../../server/src/runner/types";

/** n rounds of (mod, none) launches; the card's speed factor changes from `stepAt` on. */
function alternated(n: number, mod: number, none: number, stepAt = n, slow = 1.1): number[] {
  return Array.from({ length: n }, (_, i) => (i >= stepAt ? slow : 1)).flatMap((f) => [mod * f, none * f]);
}

describe("splitAlternated", () => {
  it("splits launches into the mod's and the baseline's, in order", () => {
    const s = splitAlternated([1, 2, 3, 4, 5, 6]);
    expect([s.mod, s.none]).toEqual([[1, 3, 5], [2, 4, 6]]);
  });

  it("a speed step mid-run moves both medians but not the pairs' ratio", () => {
    const s = splitAlternated(alternated(50, 0.88, 0.8, 20));
    expect(s.ratio).toBeCloseTo(1.1, 12);
    expect([s.ratioLow, s.ratioHigh].map((x) => x.toFixed(6))).toEqual(["1.100000", "1.100000"]);
    // Two separate runs at different speeds would read a 21% cost instead.
    expect((0.88 * 1.1) / 0.8).toBeCloseTo(1.21, 6);
  });

  it("the ratio is the median of the pairs' and the quartiles bracket it", () => {
    const pairs = [[1.0, 1.0], [1.1, 1.0], [1.2, 1.0], [1.3, 1.0], [5.0, 1.0]];  // one straggler
    const s = splitAlternated(pairs.flat());
    expect(s.ratio).toBeCloseTo(1.2, 12);
    expect(s.ratioLow).toBeCloseTo(1.1, 12);
    expect(s.ratioHigh).toBeCloseTo(1.3, 12);
  });

  it("refuses a run that is not in pairs", () => {
    expect(() => splitAlternated([1, 2, 3])).toThrow(/pairs, not 3/);
    expect(() => splitAlternated([])).toThrow(/pairs/);
  });
});

describe("formatting", () => {
  it("costs read as signed percentages, with quartiles when known", () => {
    expect(formatCost({ ratio: 1.0612, ratioLow: 1.05, ratioHigh: 1.07 })).toBe("+6.1% (pairs 25-75%: +5.0% to +7.0%)");
    expect(formatCost({ ratio: 0.58 })).toBe("-42.0%");
    expect(formatPct(1.084, 0)).toBe("+8%");
  });

  it("the bench line names the baseline, its tiles and the dense problem of a mask", () => {
    const r = {
      tile: { q: 128, kv: 128 },
      timing: { vsNone: { ms: 0.843, samples: [], tile: { q: 128, kv: 176 }, ratio: 1.14, ratioLow: 1.12, ratioHigh: 1.16 } },
    } as unknown as BenchResult;
    expect(formatVsNone(r)).toBe("vs no mod: +14.0% (pairs 25-75%: +12.0% to +16.0%); no mod 0.843 ms (the same kernel at its own 128x176 tiles), its launches alternated with these");
    expect(formatVsNone({ ...r, blockSparsity: {} } as BenchResult)).toMatch(/\(the same kernel on the dense problem at its own 128x176 tiles\)/);
  });
});
