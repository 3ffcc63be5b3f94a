// 2-adic divisibility reasoning over stride polynomials.
import { describe, expect, it } from "vitest";
import type { Poly } from "../../../server/src/analysis/facts";
import { factsToMakeMultiple, formatPoly, polyMultipleOf, polyV2, pow2Dividing, pow2Floor, v2 } from "../../../server/src/analysis/poly";

const P = (...ms: [number, ...string[]][]): Poly => ms.map(([c, ...vars]) => ({ c, vars }));

describe("poly", () => {
  it.each([[1, 0], [8, 3], [24, 3], [-12, 2], [0, Infinity], [0.5, 0]])("v2(%s) = %s", (n, k) => expect(v2(n)).toBe(k));
  it("pow2Floor / pow2Dividing", () => {
    expect([pow2Floor(1), pow2Floor(16), pow2Floor(17), pow2Floor(0.5)]).toEqual([1, 16, 16, 1]);
    expect([pow2Dividing(6), pow2Dividing(64), pow2Dividing(0), pow2Dividing(-4)]).toEqual([2, 64, 1, 1]);
  });
  it.each([
    ["H*KV, KV % 8", P([1, "H", "KV"]), { KV: 8 }, 8, true],
    ["H*KV, KV % 4, H % 2 multiply", P([1, "H", "KV"]), { KV: 4, H: 2 }, 8, true],
    ["KV with no fact", P([1, "KV"]), {}, 2, false],
    ["numeric 96", P([96]), {}, 32, true],
    ["numeric 100", P([100]), {}, 8, false],
    ["2*KV + 8, KV % 4", P([2, "KV"], [8]), { KV: 4 }, 8, true],
    ["2*KV + 4, KV % 4", P([2, "KV"], [4]), { KV: 4 }, 8, false],
    ["zero", P(), {}, 128, true],
    ["a bogus fact is ignored", P([1, "KV"]), { KV: -8 }, 2, false],
    ["an odd fact adds nothing", P([1, "KV"]), { KV: 12 }, 8, false],
  ] as const)("%s", (_n, p, facts, w, want) => expect(polyMultipleOf(p, w, facts)).toBe(want));
  it("polyV2 is the minimum over monomials", () => expect(polyV2(P([2, "KV"], [16]), { KV: 8 })).toBe(4));
  it("formatPoly", () => {
    expect(formatPoly(P([1, "H", "KV"]))).toBe("H*KV");
    expect(formatPoly(P([2, "KV"], [-8]))).toBe("2*KV - 8");
    expect(formatPoly(P())).toBe("0");
  });
  it("factsToMakeMultiple raises the innermost symbol and keeps odd factors", () => {
    expect(factsToMakeMultiple(P([1, "H", "KV"]), 8, {})).toEqual({ KV: 8 });
    expect(factsToMakeMultiple(P([1, "H", "KV"]), 8, { H: 2 })).toEqual({ KV: 4 });
    expect(factsToMakeMultiple(P([1, "KV"]), 8, { KV: 3 })).toEqual({ KV: 24 });
    expect(factsToMakeMultiple(P([100]), 8, {})).toBeNull();
    expect(factsToMakeMultiple(P([1, "KV"]), 8, { KV: 8 })).toEqual({});
  });
});
