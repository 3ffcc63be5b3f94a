// Index safety (server/src/analysis/bounds.ts) against brute force: random mods index a table
// with random integer expressions; the DSL's runtime evaluates every (b, h, q, kv) of a small
// problem and throws DslIndexError on an index outside its extent. A load called "proven" must
// never throw; a "violated" load must throw at its witness. Seeded, so a failure reproduces.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { DslIndexError, withBindings } from "../../../runtime/src/dsl";
import { loadScoreModule } from "../../../runtime/src/load";
import { resolveDims, sampleBindings } from "../../../runtime/src/sample";
import { analyze } from "../../../server/src/analysis/index";
import { anySizeBounds, describeAnySize, describeBounds, loadBounds } from "../../../server/src/analysis/bounds";
import { prng } from "../../fuzz/generate";

const cjs = (src: string) => ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;

function bounds(text: string, shape: { B: number; H: number; Q: number; KV: number }, scalars: Record<string, number> = {}) {
  const fa = analyze("b.scoremod.ts", text, { target: "runner-hopper", vecSize: 1 });
  const m = fa.mods[0]!;
  expect(m.ok, JSON.stringify(fa.diagnostics.map((d) => d.message))).toBe(true);
  const sc = Object.fromEntries(fa.scalars.map((s) => [s.name, scalars[s.name] ?? s.defaultValue]));
  return loadBounds(fa, m, shape, { T: 40 }, sc);
}

describe("bounds verdicts", () => {
  const HEAD = `import { bf16, i32, idiv, max, min, scalar, scoreMod, tensor } from "scoremod";\n`;
  it("kv into a KV-long tensor is proven; a shorter table is violated with a real witness", () => {
    const text = HEAD + `export const kvb = tensor("kv_bias", bf16, ["KV"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + kvb.at(kv));\n`;
    expect(bounds(text, { B: 1, H: 2, Q: 64, KV: 256 })[0]).toMatchObject({ verdict: "proven", indices: [{ lo: 0, hi: 255, extent: 256 }] });
    const short = HEAD + `export const t = tensor("short", bf16, [16]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`;
    const l = bounds(short, { B: 1, H: 2, Q: 64, KV: 256 })[0]!;
    expect(l.verdict).toBe("violated");
    expect(l.indices[0]!.witness).toMatchObject({ index: expect.any(Number) });
    expect(l.indices[0]!.witness!.index).toBeGreaterThanOrEqual(16);
    expect(describeBounds(l)).toMatch(/t\.at\(kv\): violated \(dim 0: \[0, 255\] vs extent 16; at b=0, h=0, q=\d+, kv=\d+ it is \d+\)/);
  });

  it("an index read from another tensor is an obligation (its values are unknown)", () => {
    const text = HEAD + `export const ids = tensor("ids", i32, ["KV"]);\nexport const tab = tensor("tab", bf16, [64]);\nexport const m = scoreMod((s, b, h, q, kv) => s + tab.at(ids.at(kv)));\n`;
    const ls = bounds(text, { B: 1, H: 1, Q: 32, KV: 32 });
    expect(ls.find((l) => l.tensor === "ids")!.verdict).toBe("proven");
    expect(ls.find((l) => l.tensor === "tab")!.verdict).toBe("obligation");
  });

  it("negative indices are violations", () => {
    const text = HEAD + `export const t = tensor("t", bf16, ["KV"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv - 1));\n`;
    expect(bounds(text, { B: 1, H: 1, Q: 8, KV: 8 })[0]).toMatchObject({ verdict: "violated", indices: [{ witness: { kv: 0, index: -1 } }] });
  });
});

// ---------------------------------------------------------------- property test

function randomMod(seed: number): string {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const e = (d: number): string => {
    if (d <= 0 || rnd() < 0.3) return pick(["q", "kv", "kv", "h", "b", String(int(-5, 40)), "w.value"]);
    const a = () => e(d - 1);
    switch (int(0, 7)) {
      case 0: return `(${a()} + ${a()})`;
      case 1: return `(${a()} - ${a()})`;
      case 2: return `(${int(-2, 3)} * ${a()})`;
      case 3: return `idiv(${a()}, ${pick([1, 2, 3, 8])})`;
      case 4: return `(${a()} % ${pick([2, 7, 16])})`;
      case 5: return `${pick(["min", "max"])}(${a()}, ${a()})`;
      case 6: return `(${pick(["q", "kv", "h"])} < ${int(0, 30)} ? ${a()} : ${a()})`;
      default: return `abs(${a()})`;
    }
  };
  const extent = pick(["16", "40", `"KV"`, `"Q"`, `"T"`]);
  return `import { abs, f32, i32, idiv, max, min, scalar, scoreMod, tensor } from "scoremod";
export const w = scalar("w", i32, 3);
export const t = tensor("t", f32, [${extent}]);
export const m = scoreMod((s, b, h, q, kv) => s + t.at(${e(3)}));
`;
}

describe("bounds: never a wrong proof, never a false witness (property, seeded)", () => {
  it("300 random mods over small problems", () => {
    const rnd = prng(777);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const seen = { proven: 0, violated: 0, obligation: 0 };
    for (let i = 0; i < 300; i++) {
      const text = randomMod(5000 + i);
      const fa = analyze(`r${i}.scoremod.ts`, text, { target: "runner-hopper", vecSize: 1 });
      const m = fa.mods[0];
      if (!m?.ok) continue;
      const shape = { B: int(1, 2), H: int(1, 3), Q: int(1, 24), KV: int(1, 48) };
      const w = int(-3, 20);
      const [l] = loadBounds(fa, m, shape, { T: 40 }, { w });
      if (!l) continue;
      seen[l.verdict]++;
      const mod = loadScoreModule(cjs(text), `r${i}.scoremod.ts`);
      const bind = sampleBindings(mod.tensors, resolveDims(mod.tensors, { ...shape, T: 40 }), 0, { w });
      const fn = (mod.exports.m as { fn: (s: number, b: number, h: number, q: number, kv: number) => number }).fn;
      const throwsAt = (b: number, h: number, q: number, kv: number) => {
        try { withBindings(bind, () => fn(0.5, b, h, q, kv)); return false; } catch (e) { if (e instanceof DslIndexError) return true; throw e; }
      };
      const where = `${text}\nshape ${JSON.stringify(shape)} w=${w}: ${describeBounds(l)}`;
      if (l.verdict === "proven") {
        for (let b = 0; b < shape.B; b++) for (let h = 0; h < shape.H; h++) for (let q = 0; q < shape.Q; q++) for (let kv = 0; kv < shape.KV; kv++) {
          if (throwsAt(b, h, q, kv)) expect.fail(`proven, but (b=${b}, h=${h}, q=${q}, kv=${kv}) is out of range\n${where}`);
        }
      }
      if (l.verdict === "violated") {
        const x = l.indices.find((d) => d.witness)!.witness!;
        expect(throwsAt(x.b, x.h, x.q, x.kv), `witness does not go out of range\n${where}`).toBe(true);
      }
    }
    expect(seen.proven).toBeGreaterThan(30);
    expect(seen.violated).toBeGreaterThan(30);
  });
});

/**
 * A load under a guard inside the mod: a ternary, && or an early return, with bounds that are
 * right or off by one, on the index itself, on kv, or on a local holding it.
 */
function guardedMod(seed: number): { text: string; extent: string } {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const atom = () => pick(["q", "kv", "kv", "h", String(int(-3, 20)), "w.value"]);
  const idx = pick([atom(), `(${atom()} + ${atom()})`, `(${atom()} - ${atom()})`, `(${int(-2, 3)} * ${atom()})`, `${pick(["min", "max"])}(${atom()}, ${atom()})`, `(${atom()} % ${pick([7, 16])})`]);
  const extent = pick(["16", "40", `"KV"`, `"Q"`, `"T"`]);
  const ext = extent.startsWith('"') ? `dim(${extent})` : extent;
  const hiB = pick([ext, ext, `${ext} + 1`, `${ext} - 1`, String(int(0, 45)), "w.value"]);
  const hiOp = pick(["<", "<", "<="]);
  const loB = pick(["0", "0", "1", "-1"]);
  const loOp = pick([">=", ">=", ">"]);
  const load = (i: string) => `t.at(${i})`;
  let body: string;
  switch (int(0, 5)) {
    case 0: body = `s + (${idx} ${loOp} ${loB} && ${idx} ${hiOp} ${hiB} ? ${load(idx)} : 0)`; break;
    case 1: body = `(${idx} ${hiOp} ${hiB} && ${idx} ${loOp} ${loB}) && ${load(idx)} > 0 ? s : -s`; break;
    case 2: body = `{ const i = ${idx}; if (i ${loOp === ">=" ? "<" : "<="} ${loB} || !(i ${hiOp} ${hiB})) return s; return s + ${load("i")}; }`; break;
    case 3: body = `s + (kv ${hiOp} ${hiB} ? ${load(`max(kv - ${int(0, 2)}, ${loB})`)} : 0)`; break;
    case 4: body = `s + ${load(rnd() < 0.5 ? `min(max(${idx}, ${loB}), ${hiB} - 1)` : `clamp(${idx}, ${loB}, ${hiB} - 1)`)}`; break;
    default: body = `{ if (${idx} ${hiOp} ${hiB}) { if (${idx} ${loOp} ${loB}) { return s + ${load(idx)}; } } return s; }`;
  }
  return {
    extent,
    text: `import { abs, clamp, dim, f32, i32, idiv, max, min, scalar, scoreMod, tensor } from "scoremod";
export const w = scalar("w", i32, 3);
export const t = tensor("t", f32, [${extent}]);
export const m = scoreMod((s, b, h, q, kv) => ${body});
`,
  };
}

describe("bounds with guards inside the mod: brute force confirms every proof (property, seeded)", () => {
  it("300 guarded mods: proven at a shape never reads out of range there; proven at every size never does at random shapes", () => {
    const rnd = prng(4242);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const seen = { shape: { proven: 0, violated: 0, obligation: 0 }, any: { proven: 0, violated: 0, obligation: 0 } };
    for (let i = 0; i < 300; i++) {
      const { text } = guardedMod(9000 + i);
      const fa = analyze(`g${i}.scoremod.ts`, text, { target: "runner-hopper", vecSize: 1 });
      const m = fa.mods[0];
      if (!m?.ok) continue;
      const mod = loadScoreModule(cjs(text), `g${i}.scoremod.ts`);
      const fn = (mod.exports.m as { fn: (s: number, b: number, h: number, q: number, kv: number) => number }).fn;
      const outAt = (shape: { B: number; H: number; Q: number; KV: number }, T: number, w: number) => {
        const bind = sampleBindings(mod.tensors, resolveDims(mod.tensors, { ...shape, T }), 0, { w });
        for (let b = 0; b < shape.B; b++) for (let h = 0; h < shape.H; h++) for (let q = 0; q < shape.Q; q++) for (let kv = 0; kv < shape.KV; kv++) {
          try { withBindings(bind, () => fn(0.5, b, h, q, kv)); } catch (e) { if (e instanceof DslIndexError) return `(b=${b}, h=${h}, q=${q}, kv=${kv})`; throw e; }
        }
        return null;
      };
      const shape = { B: 1, H: int(1, 2), Q: int(1, 12), KV: int(1, 44) };
      const T = int(1, 40), w = int(-3, 20);
      const [l] = loadBounds(fa, m, shape, { T }, { w });
      if (l) {
        seen.shape[l.verdict]++;
        if (l.verdict === "proven") {
          const bad = outAt(shape, T, w);
          if (bad) expect.fail(`proven at ${JSON.stringify(shape)} T=${T} w=${w}, but ${bad} is out of range\n${text}\n${describeBounds(l)}`);
        }
      }
      const [a] = anySizeBounds(fa, m);
      if (a) {
        seen.any[a.verdict]++;
        if (a.verdict === "proven") {
          // Every size and every scalar value: try a few.
          for (let k = 0; k < 2; k++) {
            const s2 = { B: 1, H: 1, Q: int(1, 12), KV: int(1, 44) }, T2 = int(1, 40), w2 = int(-5, 30);
            const bad = outAt(s2, T2, w2);
            if (bad) expect.fail(`proven for every size, but at ${JSON.stringify(s2)} T=${T2} w=${w2} ${bad} is out of range\n${text}\n${describeAnySize(a)}`);
          }
        }
        if (a.verdict === "violated") {
          const bad = outAt({ B: 1, H: 1, Q: 1, KV: 1 }, 1, 3);
          expect(bad, `violated at the smallest problem, but nothing there is out of range\n${text}\n${describeAnySize(a)}`).not.toBeNull();
        }
      }
    }
    // Guards are followed: many guarded loads are proven, at a shape and at every size.
    expect(seen.shape.proven).toBeGreaterThan(80);
    expect(seen.any.proven).toBeGreaterThan(50);
    expect(seen.shape.obligation + seen.shape.violated).toBeGreaterThan(30);
  });
});

describe("bounds diagnostics (AnalyzeOptions.shape)", () => {
  const HEAD = `import { bf16, i32, scoreMod, tensor } from "scoremod";\n`;
  it("SM161 for an index read from another tensor; SM162 for int32 offsets on FA4 targets only", () => {
    const gather = HEAD + `export const ids = tensor("ids", i32, ["KV"]);\nexport const tab = tensor("tab", bf16, [64]);\nexport const m = scoreMod((s, b, h, q, kv) => s + tab.at(ids.at(kv)));\n`;
    const d = analyze("g.scoremod.ts", gather, { shape: { B: 1, H: 1, Q: 64, KV: 64 } }).diagnostics.filter((x) => x.code.startsWith("SM16"));
    expect(d.map((x) => [x.code, x.severity])).toEqual([["SM161", "warning"]]);
    expect(d[0]!.message).toMatch(/tab: cannot prove index 0 in \[-2147483648, 2147483647\] vs extent 64 at B=1 H=1 Q=64 KV=64; the runner checks it/);
    const big = HEAD + `export const full = tensor("full", bf16, ["B", "H", "Q", "KV"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + full.at(b, h, q, kv));\n`;
    const shape = { B: 1, H: 16, Q: 131072, KV: 131072 };
    expect(analyze("f.scoremod.ts", big, { shape, target: "fa4-sm100" }).diagnostics.map((x) => x.code)).toContain("SM162");
    expect(analyze("f.scoremod.ts", big, { shape, target: "runner-sm90" }).diagnostics.map((x) => x.code)).not.toContain("SM162");
    expect(analyze("f.scoremod.ts", big, {}).diagnostics.map((x) => x.code).filter((c) => c.startsWith("SM16"))).toEqual([]);
  });
  it("a violated index does not stop code generation (the verdict is for one shape)", () => {
    const short = HEAD + `export const t = tensor("short", bf16, [16]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`;
    const fa = analyze("s.scoremod.ts", short, { shape: { B: 1, H: 1, Q: 64, KV: 64 } });
    expect(fa.diagnostics.find((x) => x.code === "SM160")?.severity).toBe("error");
    expect(fa.mods[0]!.ok).toBe(true);
  });
});

describe("declared value ranges of index tensors", () => {
  const HEAD = `import { bf16, i32, scoreMod, tensor } from "scoremod";\n`;
  const mod = (values: string) => HEAD + `export const ids = tensor("ids", i32, ["KV"], { values: ${values}, init: { range: [0, 64] } });\nexport const tab = tensor("tab", bf16, [64]);\nexport const m = scoreMod((s, b, h, q, kv) => s + tab.at(ids.at(kv)));\n`;
  const tabVerdict = (values: string) => bounds(mod(values), { B: 1, H: 1, Q: 32, KV: 32 }).find((l) => l.tensor === "tab")!;
  it("an index read from a tensor with declared values is proven when they fit, and says so", () => {
    const l = tabVerdict("[0, 64]");
    expect(l).toMatchObject({ verdict: "proven", assumes: ["ids"], indices: [{ lo: 0, hi: 63 }] });
    expect(describeBounds(l)).toMatch(/given the declared values of ids/);
  });
  it("one past the table is an obligation; wholly outside it is violated", () => {
    expect(tabVerdict("[0, 65]").verdict).toBe("obligation");
    expect(tabVerdict("[64, 100]")).toMatchObject({ verdict: "violated", indices: [{ witness: { index: 64 } }] });
  });
  it("values is refused on float tensors and when not lo < hi", () => {
    const f = analyze("v.scoremod.ts", HEAD + `export const t = tensor("t", bf16, ["KV"], { values: [0, 4] });\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`);
    expect(f.diagnostics.find((d) => d.code === "SM117")?.message).toMatch(/values is for integer tensors/);
    const g = analyze("w.scoremod.ts", HEAD + `export const t = tensor("t", i32, ["KV"], { values: [4, 4] });\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`);
    expect(g.diagnostics.find((d) => d.code === "SM117")?.message).toMatch(/values must be \[lo, hi\]/);
  });
});

describe("SM161 quick fix", () => {
  it("offers to declare the index tensor's values, and the fixed file is proven", () => {
    const HEAD = `import { bf16, i32, scoreMod, tensor } from "scoremod";\n`;
    const text = HEAD + `export const ids = tensor("ids", i32, ["KV"]);\nexport const tab = tensor("tab", bf16, [64]);\nexport const m = scoreMod((s, b, h, q, kv) => s + tab.at(ids.at(kv)));\n`;
    const shape = { B: 1, H: 1, Q: 32, KV: 32 };
    const d = analyze("fix.scoremod.ts", text, { shape }).diagnostics.find((x) => x.code === "SM161")!;
    expect(d.fixes?.[0]?.title).toBe("Declare that ids holds values in [0, 64) (a promise the runner checks before every launch)");
    const e = d.fixes![0]!.edits[0]!;
    const lines = text.split("\n");
    const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    const fixed = text.slice(0, off(e.range.start)) + e.newText + text.slice(off(e.range.end));
    expect(fixed).toContain(`tensor("ids", i32, ["KV"], { values: [0, 64] })`);
    const after = analyze("fix.scoremod.ts", fixed, { shape });
    expect(after.diagnostics.filter((x) => x.code.startsWith("SM16"))).toEqual([]);
    expect(after.mods[0]!.loads.find((l) => l.tensor === "tab")!.bounds?.verdict).toBe("proven");
  });
});
