// Loops (issue 10, item 4): `for (let i = A; i < B; i++)` with constant bounds is unrolled by the
// analysis, `let` variables become one const per assignment, and the reductions they express
// (sums, any/all, max/min) are traced load by load. Checked: the unrolled IR, the verdicts against
// the same mod unrolled by hand, the float64 reference against the hand-unrolled mod, and a
// located error for every loop that cannot be unrolled.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import type { FileAnalysis } from "../../../server/src/analysis/facts";
import { loadScoreModule } from "../../../runtime/src/load";
import { modGrid } from "../../../runtime/src/reference";
import { sampleBindings } from "../../../runtime/src/sample";
import { showStmts } from "./frontendHelpers";

const IMPORTS = `import { tensor, scoreMod, maskMod, bf16, i32, f32, max, min, dim } from "scoremod";
export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });
export const w = tensor("w", f32, ["H", 8]);
export const top = tensor("top", i32, ["B", "Q", 4], { init: { range: [0, 16] } });
const N = 4;
`;
const modOf = (fa: FileAnalysis, name = "m") => fa.mods.find((m) => m.name === name)!;
const body = (src: string) => {
  const fa = analyze("loop.scoremod.ts", IMPORTS + src);
  expect(fa.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return showStmts(modOf(fa).body);
};

describe("unrolling", () => {
  it("a sum: one const per iteration, the index a constant", () => {
    expect(body(`export const m = scoreMod((s, b, h, q, kv) => { let acc = s; for (let i = 0; i < 3; i++) acc += w.at(h, i); return acc; });`))
      .toBe("const acc = s:f; const acc.0 = (+ acc:f (at#0 w h:i 0:i):f):f; const acc.1 = (+ acc.0:f (at#1 w h:i 1:i):f):f; " +
        "const acc.2 = (+ acc.1:f (at#2 w h:i 2:i):f):f; return acc.2:f;");
  });

  it("bounds <=, >, >=, steps of 2 and downward, a module const bound", () => {
    const idx = (header: string) => {
      const ir = body(`export const m = scoreMod((s, b, h, q, kv) => { let acc = s; for (${header}) acc += w.at(h, i); return acc; });`);
      return [...ir.matchAll(/\(at#\d+ w h:i (-?\d+):i\)/g)].map((x) => Number(x[1]));
    };
    expect(idx("let i = 0; i <= 3; i++")).toEqual([0, 1, 2, 3]);
    expect(idx("let i = 0; i < 8; i += 2")).toEqual([0, 2, 4, 6]);
    expect(idx("let i = 7; i >= 5; i--")).toEqual([7, 6, 5]);
    expect(idx("let i = 7; 2 < i; i -= 3")).toEqual([7, 4]);
    expect(idx("let i = 0; i < N; ++i")).toEqual([0, 1, 2, 3]);
    expect(idx("let i = 3; i < 3; i++")).toEqual([]);
  });

  it("nested loops, consts in the body renamed per iteration, a body that returns ends the loop", () => {
    const ir = body(`export const m = scoreMod((s, b, h, q, kv) => {
  let acc = 0;
  for (let i = 0; i < 2; i++) { for (let j = 0; j < 2; j++) { const x = w.at(h, i * 2 + j); acc += x; } }
  for (let i = 0; i < 5; i++) { if (kv === i) return s + acc; }
  return s;
});`);
    expect(ir).toContain("const x.0 = (at#0 w h:i (+ (* 0:i 2:i):i 0:i):i):f;");
    expect((ir.match(/const x\.\d+ =/g) ?? []).length).toBe(4);
    expect((ir.match(/if \(== kv:i \d:i\)/g) ?? []).length).toBe(5);
  });

  it("reductions: any (||=, acc = acc || ...), all (&&=), max, min, and a count", () => {
    const ir = body(`export const m = maskMod((b, h, q, kv) => {
  let any = false; let all = true; let hi = -1; let lo = 99; let n = 0;
  for (let i = 0; i < 2; i++) {
    any ||= top.at(b, q, i) === kv;
    all = all && top.at(b, q, i) >= 0;
    hi = max(hi, top.at(b, q, i)); lo = min(lo, top.at(b, q, i));
    n++;
  }
  return any || (all && kv >= lo && kv <= hi && n === 2);
});`);
    expect(ir).toContain("const any.0 = (|| any:b (== (at#0 top b:i q:i 0:i):i kv:i):b):b;");
    expect(ir).toContain("const all.1 = (&& all:b (>= (at#1 top b:i q:i 0:i):i 0:i):b):b;");
    expect(ir).toContain("const hi.2 = (max hi:i (at#2 top b:i q:i 0:i):i):i;");
    expect(ir).toContain("const n.4 = (+ n:i 1:i):i;");
    expect(ir).toContain("return (|| any.5:b");
  });

  it("traces lane classes through the unrolled body as through the hand-unrolled one", () => {
    const looped = `export const m = scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => { let acc = s; for (let i = 0; i < 4; i++) acc += kvBias.at(b, h, kv + 8 * i) * w.at(h, i) + kvBias.at(b, h, kv + i); return acc; });`;
    const terms = [0, 1, 2, 3].map((i) => `kvBias.at(b, h, kv + ${8 * i}) * w.at(h, ${i}) + kvBias.at(b, h, kv + ${i})`);
    const hand = `export const m = scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => { const a0 = s + ${terms[0]}; const a1 = a0 + ${terms[1]}; const a2 = a1 + ${terms[2]}; const a3 = a2 + ${terms[3]}; return a3; });`;
    for (const target of ["fa4-sm100", "runner-sm90", "runner-hopper"] as const) {
      for (const opts of [{ target }, { target, shape: { B: 1, H: 2, Q: 64, KV: 64 } }]) {
        const a = modOf(analyze("l.scoremod.ts", IMPORTS + looped, opts)), b = modOf(analyze("h.scoremod.ts", IMPORTS + hand, opts));
        const v = (l: (typeof a.loads)[number]) => [l.class, l.widthElems, l.loadsPerVec, l.why, l.bounds?.verdict, l.staging?.chunkBytes];
        expect(a.loads.map(v), target).toEqual(b.loads.map(v));
        expect(a.loads.map((l) => l.class)).toContain("contiguous");
        expect(a.registers).toEqual(b.registers);
      }
    }
  });
});

describe("assignments in an if-branch become selects after the if", () => {
  it("max written with if, in a loop: each load stays under its condition", () => {
    const ir = body(`export const m = scoreMod((s, b, h, q, kv) => { let m = s; for (let i = 0; i < 2; i++) { if (w.at(h, i) > m) { const v = w.at(h, i); m = v; } } return m; });`);
    expect(ir).toBe("const m = s:f; const cond.2 = (> (at#0 w h:i 0:i):f m:f):b; const m.3 = (? cond.2:b (at#1 w h:i 0:i):f m:f):f; " +
      "const cond.6 = (> (at#2 w h:i 1:i):f m.3:f):b; const m.7 = (? cond.6:b (at#3 w h:i 1:i):f m.3:f):f; return m.7:f;");
  });
  it("else branches, several variables, a condition bound once", () => {
    const ir = body(`export const m = scoreMod((s, b, h, q, kv) => { let x = 0; let y = s; if (q - kv > 3) { x = 1; } else { y = y * 2; x = 2; } return x + y; });`);
    expect(ir).toBe("const x = 0:i; const y = s:f; const cond.3 = (> (- q:i kv:i):i 3:i):b; " +
      "const x.4 = (? cond.3:b 1:i 2:i):i; const y.5 = (? cond.3:b y:f (* y:f 2:i):f):f; return (+ x.4:i y.5:f):f;");
  });
  it("the same verdicts as the ternary written by hand", () => {
    const withIf = `export const m = scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => { let acc = s; if (q > 8) acc = acc + kvBias.at(b, h, kv); return acc; });`;
    const hand = `export const m = scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => { const acc = s; const acc2 = q > 8 ? acc + kvBias.at(b, h, kv) : acc; return acc2; });`;
    for (const target of ["fa4-sm100", "runner-hopper"] as const) {
      const a = modOf(analyze("i.scoremod.ts", IMPORTS + withIf, { target })), b = modOf(analyze("j.scoremod.ts", IMPORTS + hand, { target }));
      expect(a.loads.map((l) => [l.class, l.widthElems, l.why])).toEqual(b.loads.map((l) => [l.class, l.widthElems, l.why]));
    }
  });
});

describe("the float64 reference of a loop is the hand-unrolled mod's", () => {
  const load = (src: string) => loadScoreModule(ts.transpileModule(IMPORTS + src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText, "l.scoremod.ts");
  const cases: [string, string, string][] = [
    ["sum", `export const m = scoreMod((s, b, h, q, kv) => { let acc = s; for (let i = 0; i < N; i++) acc += w.at(h, i) * (q - kv); return acc; });`,
      `export const m = scoreMod((s, b, h, q, kv) => s + w.at(h, 0) * (q - kv) + w.at(h, 1) * (q - kv) + w.at(h, 2) * (q - kv) + w.at(h, 3) * (q - kv));`],
    ["any over a top-k list", `export const m = maskMod((b, h, q, kv) => { let keep = q === kv; for (let i = 0; i < 4; i++) keep ||= top.at(b, q, i) === kv; return keep; });`,
      `export const m = maskMod((b, h, q, kv) => q === kv || top.at(b, q, 0) === kv || top.at(b, q, 1) === kv || top.at(b, q, 2) === kv || top.at(b, q, 3) === kv);`],
    ["max with if", `export const m = scoreMod((s, b, h, q, kv) => { let m = -1e30; for (let i = 0; i < 8; i++) { const v = w.at(h, i) * kv; if (v > m) m = v; } return s + m; });`,
      `export const m = scoreMod((s, b, h, q, kv) => s + max(max(max(max(max(max(max(max(-1e30, w.at(h, 0) * kv), w.at(h, 1) * kv), w.at(h, 2) * kv), w.at(h, 3) * kv), w.at(h, 4) * kv), w.at(h, 5) * kv), w.at(h, 6) * kv), w.at(h, 7) * kv));`],
    ["max", `export const m = scoreMod((s, b, h, q, kv) => { let m = -1e30; for (let i = 7; i >= 0; i--) m = max(m, w.at(h, i) * kv); return s + m; });`,
      `export const m = scoreMod((s, b, h, q, kv) => s + max(max(max(max(max(max(max(max(-1e30, w.at(h, 7) * kv), w.at(h, 6) * kv), w.at(h, 5) * kv), w.at(h, 4) * kv), w.at(h, 3) * kv), w.at(h, 2) * kv), w.at(h, 1) * kv), w.at(h, 0) * kv));`],
  ];
  for (const [name, looped, hand] of cases) {
    it(name, () => {
      const a = load(looped), b = load(hand);
      const ma = a.dslExports.find((e) => e.exportName === "m")!, mb = b.dslExports.find((e) => e.exportName === "m")!;
      const dims = { B: 2, H: 2, Q: 16, KV: 16 };
      const bind = sampleBindings(a.tensors, dims, 9, {});
      for (const [bb, h] of [[0, 1], [1, 0]]) {
        const args = { b: bb!, h: h!, Q: 16, KV: 16, score: 0.5, bindings: bind };
        const g = (m: typeof ma) => Array.from(m.kind === "mask" ? modGrid({ ...args, maskMod: m.value }) : modGrid({ ...args, scoreMod: m.value as never }));
        expect(g(ma)).toEqual(g(mb));
        expect(new Set(g(ma)).size).toBeGreaterThan(1);
      }
      // And the analysis accepts both, with the same number of loads.
      const fa = analyze("a.scoremod.ts", IMPORTS + looped), fb = analyze("b.scoremod.ts", IMPORTS + hand);
      expect(modOf(fa).ok && modOf(fb).ok).toBe(true);
      expect(modOf(fa).loads.length).toBe(modOf(fb).loads.length);
    });
  }
});

describe("loops the analysis cannot unroll: located errors", () => {
  const diag = (bodyText: string) => {
    const src = IMPORTS + `export const m = scoreMod((s, b, h, q, kv) => { ${bodyText} });`;
    const fa = analyze("e.scoremod.ts", src);
    const lines = src.split("\n");
    return fa.diagnostics.filter((d) => d.code.startsWith("SM") && d.severity === "error").map((d) => ({
      code: d.code, message: d.message,
      at: d.range.start.line === d.range.end.line ? lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character) : "<multiline>",
    }));
  };
  it("a trip count over 64 says how many and why (SM183); 64 is fine", () => {
    const e = diag("let a = s; for (let i = 0; i <= 64; i++) a += i; return a;");
    expect(e.map((x) => x.code)).toEqual(["SM183"]);
    expect(e[0]!.message).toMatch(/runs 65 times; at most 64 are allowed: the analysis unrolls every loop/);
    expect(diag("let a = s; for (let i = 0; i < 64; i++) a += i; return a;")).toEqual([]);
    expect(diag("let a = s; for (let i = 0; i < 2147483647; i++) a += i; return a;").map((x) => x.code)).toEqual(["SM183"]);
  });
  it("a bound that is not a constant: SM184 at the bound", () => {
    for (const bound of ["q", "dim(\"KV\")", "kv + 1"]) {
      const e = diag(`let a = s; for (let i = 0; i < ${bound}; i++) a += i; return a;`);
      expect(e.map((x) => [x.code, x.at])).toEqual([["SM184", bound]]);
      expect(e[0]!.message).toContain("is not a constant");
    }
  });
  it("other headers, endless loops, break/continue: SM184; while: SM102", () => {
    expect(diag("let a = s; for (let i = 0; i < 4; i += 0) a += i; return a;").map((x) => x.code)).toEqual(["SM184"]);
    expect(diag("let a = s; for (let i = 0; i < 4; i--) a += i; return a;")[0]!.message).toContain("never ends");
    expect(diag("let a = s; for (let i = 0, j = 0; i < 4; i++) a += i; return a;").map((x) => x.code)).toEqual(["SM184"]);
    expect(diag("let a = s; for (let i = 0; i < 4; i++) { if (i > 2) break; a += i; } return a;").map((x) => x.code)).toEqual(["SM184"]);
    expect(diag("let a = s; while (a > 0) { a -= 1; } return a;").map((x) => x.code)).toEqual(["SM102"]);
  });
  it("assigning the loop variable, a const, a var, or in a branch that also returns: SM103 with the way out", () => {
    expect(diag("let a = s; for (let i = 0; i < 4; i++) { i += 1; a += i; } return a;").map((x) => x.code)).toContain("SM103");
    expect(diag("const a = s; a = 2; return a;").map((x) => x.code)).toEqual(["SM103"]);
    const both = diag("let a = s; if (q > kv) { a = 0; return a; } return a;");
    expect(both.map((x) => x.code)).toEqual(["SM103"]);
    expect(both[0]!.message).toContain("cannot also return");
    expect(diag("let a = s; a = q > kv; return a;").map((x) => x.code)).toEqual(["SM120"]);
  });
  it("64 × 64 nested iterations stop at the size limit (SM182), quickly", () => {
    const t0 = Date.now();
    const e = diag("let a = s; for (let i = 0; i < 64; i++) { for (let j = 0; j < 64; j++) a += w.at(h, 1) * i * j; } return a;");
    expect(Date.now() - t0).toBeLessThan(10_000); // no hang (generous: the machine may be loaded)
    expect(e.map((x) => x.code)).toEqual(["SM182"]);
  });
});
