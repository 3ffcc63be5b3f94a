// Composition (issue 10, item 2): mods call helpers and other mods of the file, andMasks /
// orMasks combine masks, and the analysis inlines every call. Each composed file is checked
// against the same mod written by hand, inline: the same verdict for every load on every kind of
// target, the same index-safety verdicts, and the same float64 values when the files run in Node.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import type { FileAnalysis, LoadFact } from "../../../server/src/analysis/facts";
import type { TargetId } from "../../../server/src/analysis/targets";
import { localIdent } from "../../../server/src/analysis/identifiers";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { exportFlex } from "../../../server/src/codegen/exportFlex";
import { loadScoreModule } from "../../../runtime/src/load";
import { modGrid } from "../../../runtime/src/reference";
import { sampleBindings } from "../../../runtime/src/sample";
import { andMasks, maskMod, orMasks, withBindings } from "../../../runtime/src/dsl";
import { showStmts } from "./frontendHelpers";

const IMPORTS = `import { tensor, scalar, scoreMod, maskMod, andMasks, orMasks, bf16, i32, f32, idiv, max, min, abs } from "scoremod";
export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });
export const doc = tensor("doc", i32, ["B", "KV"], { align: 16, divisible: { KV: 8 }, init: { segments: 4 } });
export const rel = tensor("rel", f32, ["H", 64]);
export const L = scalar("L", i32, 40);
`;

/** Each case: a file with composition and the same mod written inline (both name the mod `m`). */
const PAIRS: { name: string; composed: string; inline: string }[] = [
  {
    name: "a helper that loads (contiguous)",
    composed: `function bias(b: number, h: number, kv: number): number { return kvBias.at(b, h, kv); }
export const m = scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => s + bias(b, h, kv));`,
    inline: `export const m = scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => s + kvBias.at(b, h, kv));`,
  },
  {
    name: "a helper called with a computed index (bound to a const once)",
    composed: `const at = (b: number, h: number, i: number) => kvBias.at(b, h, i);
export const m = scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => s + at(b, h, kv + 8) * at(b, h, KV8 - kv));
const KV8 = 8;`,
    inline: `export const m = scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => s + kvBias.at(b, h, kv + 8) * kvBias.at(b, h, 8 - kv));`,
  },
  {
    name: "a helper with if/return (a guarded load stays guarded)",
    composed: `function guarded(kv: number, h: number): number {
  const d = kv - 8;
  if (d < 0) return 0;
  return rel.at(h, min(d, 63));
}
export const m = scoreMod({ vecSize: 4 }, (s, b, h, q, kv) => s + guarded(kv, h));`,
    inline: `export const m = scoreMod({ vecSize: 4 }, (s, b, h, q, kv) => { const d = kv - 8; return s + (d < 0 ? 0 : rel.at(h, min(d, 63))); });`,
  },
  {
    name: "a wrapper that maps indices and calls an inner mask",
    composed: `export const inner = maskMod((b, h, q, kv) => doc.at(b, q) === doc.at(b, kv));
export const m = maskMod({ vecSize: 4 }, (b, h, q, kv) => inner(b, h, q, kv + 8));`,
    inline: `export const inner = maskMod((b, h, q, kv) => doc.at(b, q) === doc.at(b, kv));
export const m = maskMod({ vecSize: 4 }, (b, h, q, kv) => doc.at(b, q) === doc.at(b, kv + 8));`,
  },
  {
    name: "andMasks of a document mask and a causal mask",
    composed: `export const causal = maskMod((b, h, q, kv) => q >= kv);
export const same = maskMod((b, h, q, kv) => doc.at(b, q) === doc.at(b, kv));
export const m = maskMod({ vecSize: 4 }, andMasks(same, causal));`,
    inline: `export const causal = maskMod((b, h, q, kv) => q >= kv);
export const same = maskMod((b, h, q, kv) => doc.at(b, q) === doc.at(b, kv));
export const m = maskMod({ vecSize: 4 }, (b, h, q, kv) => doc.at(b, q) === doc.at(b, kv) && q >= kv);`,
  },
  {
    name: "orMasks: the second mask's loads run under the first's condition",
    composed: `export const causal = maskMod((b, h, q, kv) => q >= kv);
export const m = maskMod({ vecSize: 4 }, orMasks(causal, (b, h, q, kv) => doc.at(b, q) === doc.at(b, kv), orMasks()));`,
    inline: `export const causal = maskMod((b, h, q, kv) => q >= kv);
export const m = maskMod({ vecSize: 4 }, (b, h, q, kv) => q >= kv || doc.at(b, q) === doc.at(b, kv) || false);`,
  },
  {
    name: "a score mod calling a score mod and a tiling helper",
    composed: `const tile = (x: number) => idiv(x, 64);
export const base = scoreMod((s, b, h, q, kv) => s * 2 + kvBias.at(b, h, kv));
export const m = scoreMod({ vecSize: 2 }, (s, b, h, q, kv) => base(s, b, h, q, kv) + (tile(q) === tile(kv) ? 1 : 0));`,
    inline: `export const base = scoreMod((s, b, h, q, kv) => s * 2 + kvBias.at(b, h, kv));
export const m = scoreMod({ vecSize: 2 }, (s, b, h, q, kv) => s * 2 + kvBias.at(b, h, kv) + (idiv(q, 64) === idiv(kv, 64) ? 1 : 0));`,
  },
  {
    name: "a negative stride through a helper stays a gather",
    composed: `const mirror = (kv: number) => 63 - kv;
export const m = scoreMod({ vecSize: 4 }, (s, b, h, q, kv) => s + rel.at(h, mirror(kv)));`,
    inline: `export const m = scoreMod({ vecSize: 4 }, (s, b, h, q, kv) => s + rel.at(h, 63 - kv));`,
  },
];

const TARGETS: TargetId[] = ["fa4-sm100", "runner-sm90", "runner-hopper", "fa4-sm90"];

/** What a load's verdict is, without its place in the source. */
function verdict(l: LoadFact) {
  return {
    text: l.text.replace(/\s+/g, ""), class: l.class, widthElems: l.widthElems, loadsPerVec: l.loadsPerVec, obligations: l.obligations,
    staging: l.staging ? { ...l.staging, offset: undefined } : l.staging, bounds: l.bounds?.verdict,
  };
}
const modOf = (fa: FileAnalysis) => fa.mods.find((m) => m.name === "m")!;

describe("inlining gives the hand-inlined verdicts", () => {
  for (const p of PAIRS) {
    it(p.name, () => {
      for (const target of TARGETS) {
        for (const opts of [{ target }, { target, vecSize: 2 }, { target, shape: { B: 2, H: 4, Q: 128, KV: 128 } }]) {
          const a = analyze("composed.scoremod.ts", IMPORTS + p.composed, opts);
          const b = analyze("inline.scoremod.ts", IMPORTS + p.inline, opts);
          const errors = (fa: FileAnalysis) => fa.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
          expect(errors(a), `${target} ${JSON.stringify(a.diagnostics.map((d) => d.message))}`).toEqual(errors(b));
          const ma = modOf(a), mb = modOf(b);
          expect(ma.ok).toBe(mb.ok);
          // Load texts differ (the helper's parameter names); classes, widths, obligations, bounds do not.
          const strip = (v: ReturnType<typeof verdict>) => ({ ...v, text: undefined });
          expect(ma.loads.map(verdict).map(strip), target).toEqual(mb.loads.map(verdict).map(strip));
          expect(ma.registers).toEqual(mb.registers);
        }
      }
    });
  }
});

/** Loads a file in Node, as the runner's reference does. */
function load(src: string) {
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  return loadScoreModule(js, "t.scoremod.ts");
}

describe("the float64 reference of a composed mod is the hand-inlined mod's", () => {
  const dims = { B: 2, H: 4, Q: 24, KV: 24 };
  for (const p of PAIRS) {
    it(p.name, () => {
      const a = load(IMPORTS + p.composed), b = load(IMPORTS + p.inline);
      const ma = a.dslExports.find((e) => e.exportName === "m")!, mb = b.dslExports.find((e) => e.exportName === "m")!;
      const bind = sampleBindings(a.tensors, dims, 5, {});
      // Whole grids, or the same error (an index out of range names the same tensor and index).
      const grid = (m: typeof ma, b: number, h: number) => {
        const args = { b, h, Q: dims.Q, KV: dims.KV, score: 0.75, bindings: bind };
        try {
          return Array.from(m.kind === "mask" ? modGrid({ ...args, maskMod: m.value }) : modGrid({ ...args, scoreMod: m.value as never }));
        } catch (e) { return (e as Error).message; }
      };
      for (const [bb, h] of [[0, 0], [1, 3]]) {
        const ga = grid(ma, bb!, h!);
        expect(ga).toEqual(grid(mb, bb!, h!));
        if (typeof ga !== "string") expect(new Set(ga).size, "the grid is not constant").toBeGreaterThan(1);
      }
    });
  }
});

describe("andMasks / orMasks (runtime, attention-gym semantics)", () => {
  const SEQ = { offsetQ: 0, offsetKv: 0, lenQ: 8, lenKv: 8 };
  const even = maskMod((b, h, q, kv) => kv % 2 === 0);
  const causal = maskMod((b, h, q, kv) => q >= kv);
  it("keeps a score when every (any) mask keeps it; no masks keep all (none)", () => {
    for (const [q, kv] of [[3, 2], [3, 1], [1, 2], [1, 3]]) {
      expect(andMasks(even, causal)(0, 0, q!, kv!)).toBe(kv! % 2 === 0 && q! >= kv!);
      expect(orMasks(even, causal)(0, 0, q!, kv!)).toBe(kv! % 2 === 0 || q! >= kv!);
    }
    expect(andMasks()(0, 0, 0, 5)).toBe(true);
    expect(orMasks()(0, 0, 0, 5)).toBe(false);
    expect(maskMod(andMasks(even, (b, h, q, kv) => kv > 0)).fn(0, 0, 0, 2, SEQ)).toBe(true);
  });
  it("mods are callable, with their kind, options and fn", () => {
    expect(causal(0, 0, 2, 1)).toBe(true);
    expect(causal.kind).toBe("mask");
    expect(causal.fn(0, 0, 1, 2, SEQ)).toBe(false);
    expect(() => andMasks(3 as never)).toThrow(/argument 1 is not a mask/);
    expect(withBindings({}, () => orMasks(causal)(0, 0, 1, 1))).toBe(true);
  });
  it("the analysis: nested, and applied in place", () => {
    const fa = analyze("n.scoremod.ts", `${IMPORTS}export const c = maskMod((b, h, q, kv) => q >= kv);
export const m = maskMod(orMasks(andMasks(c, (b, h, q, kv) => kv < 8), c));
export const m2 = maskMod((b, h, q, kv) => andMasks(c, c)(b, h, q + 1, kv));`);
    expect(fa.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(showStmts(modOf(fa).body)).toBe("return (|| (&& (>= q:i kv:i):b (< kv:i 8:i):b):b (>= q:i kv:i):b):b;");
    expect(showStmts(fa.mods.find((x) => x.name === "m2")!.body)).toBe("const q.0 = (+ q:i 1:i):i; return (&& (>= q.0:i kv:i):b (>= q.0:i kv:i):b):b;");
  });
  it("refuses a score mod in andMasks, and a non-mask argument, with located errors", () => {
    const fa = analyze("e.scoremod.ts", `${IMPORTS}export const s = scoreMod((x) => x);
export const m = maskMod(andMasks(s as any));
export const m2 = maskMod(orMasks((3 as any)));`);
    const codes = fa.diagnostics.filter((d) => d.code.startsWith("SM")).map((d) => d.code);
    expect(codes).toContain("SM112");
    expect(codes).toContain("SM101");
  });
});

describe("composition errors", () => {
  const errs = (src: string) => analyze("err.scoremod.ts", IMPORTS + src).diagnostics.filter((d) => d.code.startsWith("SM") && d.severity === "error");
  const text = (src: string, d: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }) => {
    const lines = (IMPORTS + src).split("\n");
    return lines[d.range.start.line]!.slice(d.range.start.character, d.range.start.line === d.range.end.line ? d.range.end.character : undefined);
  };

  it("direct recursion: SM180 at the call, naming the cycle", () => {
    const src = `function tri(n: number): number { return n <= 0 ? 0 : n + tri(n - 1); }
export const m = scoreMod((s, b, h, q, kv) => s + tri(3));`;
    const e = errs(src);
    expect(e.map((d) => d.code)).toEqual(["SM180"]);
    expect(e[0]!.message).toContain("tri → tri");
    expect(text(src, e[0]!)).toBe("tri(n - 1)");
  });

  it("mutual recursion between mods: SM180 in both, no hang", () => {
    const src = `export const a = maskMod((b, h, q, kv) => c(b, h, q, kv));
export const c = maskMod((b, h, q, kv) => a(b, h, q, kv));`;
    const e = errs(src);
    expect(e.length).toBeGreaterThan(0);
    expect(e.every((d) => d.code === "SM180")).toBe(true);
    expect(e[0]!.message).toMatch(/a → c → a|c → a → c/);
  });

  it("reading a module-level let, or assigning outside: SM181", () => {
    const src = `let scale = 2;
const f = (x: number) => x * scale;
function bump(x: number): number { scale = x; return x; }
export const m = scoreMod((s, b, h, q, kv) => f(s) + bump(s));`;
    const e = errs(src);
    expect(e.map((d) => d.code)).toEqual(["SM181", "SM181"]);
    expect(e.map((d) => text(src, d))).toEqual(["scale", "scale = x"]);
    expect(e[0]!.message).toContain("module-level let/var");
  });

  it("exponential inlining stops with SM182, quickly", () => {
    const fs = Array.from({ length: 12 }, (_, i) => i === 0 ? "const f0 = (x: number) => x + 1;" : `const f${i} = (x: number) => f${i - 1}(x) * f${i - 1}(x);`);
    const src = `${fs.join("\n")}\nexport const m = scoreMod((s, b, h, q, kv) => q > kv ? f11(s) : s);`;
    const t0 = Date.now();
    const e = errs(src);
    expect(Date.now() - t0).toBeLessThan(10_000); // no hang (generous: the machine may be loaded)
    expect(e.map((d) => d.code)).toContain("SM182");
  });

  it("a helper must return on every path; one error per place however often it is inlined", () => {
    const src = `function f(x: number): number { if (x > 0) return 1; }
export const m = scoreMod((s, b, h, q, kv) => f(s) + f(q) + f(kv));`;
    const e = errs(src);
    expect(e.map((d) => d.code)).toEqual(["SM111"]);
  });

  it("an error in a called mod blocks the caller, not unrelated mods", () => {
    const fa = analyze("blk.scoremod.ts", `${IMPORTS}export const bad = maskMod((b, h, q, kv) => doc.at(b, q / 2) === 0);
export const caller = maskMod((b, h, q, kv) => bad(b, h, q, kv) && q >= kv);
export const other = maskMod((b, h, q, kv) => q >= kv);`);
    const by = (n: string) => fa.mods.find((m) => m.name === n)!;
    expect(by("bad").ok).toBe(false);
    expect(by("caller").ok).toBe(false);
    expect(by("caller").blocking.map((d) => d.code)).toEqual(["SM106"]);
    expect(by("other").ok).toBe(true);
  });
});

describe("generated code of composed mods", () => {
  it("renamed locals lower injectively and readably", () => {
    expect(localIdent("acc.3")).toBe("t3_acc");
    expect(localIdent("acc")).toBe("v_acc");
    const names = ["acc.3", "acc.31", "acc3.1", "t3_acc", "acc_3", "a.13", "a1.3"];
    expect(new Set(names.map(localIdent)).size).toBe(names.length);
  });
  it("user names of helpers, parameters and lets reach generated code only lowered", () => {
    const src = `${IMPORTS}const ƒ$ = (λ: number, $x: number) => { let µ = λ; µ += $x; return µ; };
export const m = scoreMod((s, b, h, q, kv) => { let $acc = s; for (let i = 0; i < 2; i++) $acc += ƒ$(q * 2, kv); return $acc; });`;
    const fa = analyze("u.scoremod.ts", src);
    expect(fa.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const cuda = generateCuda(fa, "m", { render: "preview" }).text;
    const lane = cuda.slice(cuda.indexOf("_lane("));
    expect(lane).not.toMatch(/[λµƒ$]/);
    expect(lane).toMatch(/const int w_[0-9a-f_]+ = \(q \* 2\);/); // λ bound once, hex-lowered
    const py = exportFlex(fa).text;
    expect(py.slice(py.indexOf("def make_m("))).not.toMatch(/[λµƒ$]/);
  });

  it("is deterministic and carries no user text outside identifiers", () => {
    const src = `${IMPORTS}const h2 = (x: number) => x * 2;\nexport const m = scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => h2(s) + kvBias.at(b, h, kv));`;
    const g1 = generateCuda(analyze("d.scoremod.ts", src), "m").text;
    expect(generateCuda(analyze("d.scoremod.ts", `${src}\n`), "m").text).toBe(g1);
    expect(g1).toContain("return ((score * ((float)(2))) + c0);"); // the helper's body in place of the call
    expect(exportFlex(analyze("d.scoremod.ts", src)).text).toContain("def make_m(");
  });
});
