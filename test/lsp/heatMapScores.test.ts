// The mask and score view (server/src/view/maskView.ts): a score mod sees real-looking raw
// scores (not a constant 0, which made a score-only mod read "score' from 0.000 to 0.000"), the
// file's mask is applied with it, tiles are classified, and every value equals the float64
// runtime's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { withBindings } from "../../runtime/src/dsl";
import { loadScoreModule } from "../../runtime/src/load";
import { rawScore } from "../../runtime/src/maskView";
import { resolveDims, sampleBindings } from "../../runtime/src/sample";
import { maskView } from "../../server/src/view/maskView";
import type { HeatMapOk } from "../../server/src/protocol";

const root = join(__dirname, "../..");
const ex = (f: string) => join(root, "examples", f);
function view(file: string, params: Parameters<typeof maskView>[2]): HeatMapOk {
  const r = maskView(file, readFileSync(file, "utf8"), params);
  if (!r.ok) throw new Error(r.error);
  return r;
}

describe("the view of the causal example", () => {
  it("evaluates the mask with the float64 reference, and classifies tiles statically", () => {
    const r = view(ex("causal.scoremod.ts"), { mod: "causalMask", size: 8 });
    expect(r.window!.rows).toBe(8);
    // Causal: keep kv <= q.
    expect(r.window!.keep![0 * 8 + 1]).toBe(false);
    expect(r.window!.keep![3 * 8 + 2]).toBe(true);
    // The default problem, Q = KV = 1024, is 8 x 8 tiles: full below the diagonal, partial on it, empty above.
    expect(r.tiles.nQ).toBe(8);
    expect(r.tiles.classes.slice(8, 16)).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
    expect(r.tiles.sparsity).toBeCloseTo(28 / 64, 12);
    expect(r.tiles.proof).toBe("static");
  });

  it("answers on a half-typed doc comment (TypeScript's JSDoc parser loops on it)", () => {
    const file = ex("causal.scoremod.ts");
    // Unguarded, ts.transpileModule never returns on this text; now it answers with the syntax error
    // (the analysis's TS1010 outside the mod blocks it, ModFact.blocking, before any transpiling).
    const r = maskView(file, readFileSync(file, "utf8") + "\n/** Per-he", { mod: "causalMask", size: 4 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/not valid JavaScript|cannot be generated until its errors are fixed: .*TS1010/);
  });
});

describe("raw scores", () => {
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
});

describe("mask and score view", () => {
  it("a score mod shows what it does to the raw scores, with the file's mask", () => {
    const r = view(ex("softcap.scoremod.ts"), { mod: "softcap", size: 16 });
    expect(r.pair).toBe("causal");
    const w = r.window!;
    expect(new Set(w.out.filter((x) => typeof x === "number")).size).toBeGreaterThan(100);
    w.out.forEach((x, i) => {
      // softcap(x) = cap * tanh(x / cap) keeps the sign of the raw score and shrinks it.
      const s = w.raw[i]!;
      expect(s).toBe(rawScore(Math.floor(i / 16), i % 16));
      expect(Math.sign(x as number)).toBe(Math.sign(s));
      expect(Math.abs(x as number)).toBeLessThanOrEqual(Math.abs(s) + 1e-12);
      expect(w.keep![i]).toBe(i % 16 <= Math.floor(i / 16));
    });
  });

  it("every cell equals the float64 runtime's value, at a window inside the problem", () => {
    const f = ex("kv_bias.scoremod.ts");
    const r = view(f, { mod: "kvBiasMod", size: 32, shape: { B: 2, H: 4, Q: 512, KV: 512 }, b: 1, h: 3, q0: 200, kv0: 300 });
    const js = ts.transpileModule(readFileSync(f, "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
    const m = loadScoreModule(js, f);
    const bind = sampleBindings(m.tensors, resolveDims(m.tensors, { B: 2, H: 4, Q: 512, KV: 512 }), 0, {});
    const fn = (m.exports.kvBiasMod as { fn: (s: number, b: number, h: number, q: number, kv: number) => number }).fn;
    const w = r.window!;
    expect([w.q0, w.kv0, w.rows, w.cols]).toEqual([200, 300, 32, 32]);
    withBindings(bind, () => {
      for (const [i, j] of [[0, 0], [5, 17], [31, 31]] as const) {
        const q = 200 + i, kv = 300 + j;
        expect(w.out[i * 32 + j]).toBe(fn(rawScore(q, kv), 1, 3, q, kv));
      }
    });
    expect(w.keep).toBeNull();  // the file has no mask
    expect(r.tiles).toMatchObject({ nQ: 4, nKv: 4, full: 16, empty: 0, sparsity: 0 });
  });

  it("a mask that reads aux data is classified on the sample data", () => {
    const r = view(ex("document_mask.scoremod.ts"), { mod: "documentMask", size: 8, shape: { B: 1, H: 1, Q: 2048, KV: 2048 } });
    expect(r.tiles.proof).toBe("sample-data");
    expect(r.tiles.empty).toBeGreaterThan(0);
    expect(r.tiles.empty + r.tiles.full + r.tiles.partial).toBe(256);
    expect(r.tiles.sparsity).toBeCloseTo(r.tiles.empty / 256, 12);
    // The diagonal tiles always hold a token's own position: never empty.
    for (let t = 0; t < 16; t++) expect(r.tiles.classes[t * 16 + t]).not.toBe(0);
  });

  it("says why, instead of failing, when sample data would be too large", () => {
    const r = view(ex("full_bias.scoremod.ts"), { mod: "fullBias", size: 8, shape: { B: 1, H: 16, Q: 8192, KV: 8192 } });
    expect(r.window).toBeNull();
    expect(r.windowError).toMatch(/aux elements; the view evaluates up to/);
    expect(r.tiles.tiles).toBe(64 * 64);
  });

  it("refuses a (b, h) outside the problem", () => {
    const r = maskView(ex("causal.scoremod.ts"), readFileSync(ex("causal.scoremod.ts"), "utf8"), { mod: "causalMask", size: 8, b: 1 });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/b = 1 is not in \[0, 1\)/) });
  });
});
