// The heat map feeds a score mod real-looking raw scores (not a constant 0, which made a
// score-only mod read "score' from 0.000 to 0.000").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { heatMap, rawScore } from "../../server/src/lsp/heatMap";

const root = join(__dirname, "../..");

describe("heat map raw scores", () => {
  it("are deterministic and roughly standard normal", () => {
    const xs: number[] = [];
    for (let q = 0; q < 64; q++) for (let kv = 0; kv < 64; kv++) xs.push(rawScore(q, kv));
    expect(rawScore(3, 5)).toBe(rawScore(3, 5));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(sd).toBeGreaterThan(0.9);
    expect(sd).toBeLessThan(1.1);
  });

  it("a score-only mod shows what it does to them", () => {
    const f = join(root, "examples/softcap.scoremod.ts");
    const r = heatMap(f, readFileSync(f, "utf8"), "softcap", 16);
    if (!r.ok) throw new Error(r.error);
    const v = r.values as number[];
    expect(new Set(v).size).toBeGreaterThan(200);
    // softcap(x) = cap * tanh(x / cap) keeps the sign of the raw score and shrinks it.
    v.forEach((x, i) => {
      const s = rawScore(Math.floor(i / 16), i % 16);
      expect(Math.sign(x)).toBe(Math.sign(s));
      expect(Math.abs(x)).toBeLessThanOrEqual(Math.abs(s) + 1e-12);
    });
  });
});
