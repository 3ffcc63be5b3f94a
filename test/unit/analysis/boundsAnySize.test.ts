// Index safety with no problem shape (verdicts for every size, symBounds.ts), conditions inside
// the mod that narrow an index (both at a shape and at every size), and the clamp / guard quick
// fixes: each fixed file re-analyses without the diagnostic.
import { describe, expect, it } from "vitest";
import { analyze, type AnalyzeOptions } from "../../../server/src/analysis/index";
import { anySizeBounds, describeAnySize, loadBounds } from "../../../server/src/analysis/bounds";
import type { Diagnostic, TextEdit } from "../../../server/src/analysis/facts";
import { conditionText, constPoly, nonneg, subP, symPoly, addP, mulP } from "../../../server/src/analysis/symPoly";

const HEAD = `import { bf16, i32, scalar, scoreMod, maskMod, tensor } from "scoremod";\n`;
const HEAD_FNS = `import { abs, bf16, clamp, dim, i32, idiv, max, min, scalar, scoreMod, maskMod, tensor } from "scoremod";\n`;

function anySize(body: string, head = HEAD_FNS) {
  const fa = analyze("a.scoremod.ts", head + body);
  const m = fa.mods[0]!;
  expect(m.ok, JSON.stringify(fa.diagnostics.map((d) => d.message))).toBe(true);
  return { fa, loads: anySizeBounds(fa, m) };
}
const SM16 = (ds: Diagnostic[]) => ds.filter((d) => /^SM16/.test(d.code)).map((d) => [d.code, d.severity, d.message]);

describe("polynomial bounds", () => {
  it("decides p >= 0 for every dim >= 1, never with a scalar term", () => {
    const KV = symPoly("KV"), T = symPoly("T");
    expect(nonneg(subP(T, KV))).toBe(false);                       // T - KV
    expect(nonneg(addP(KV, constPoly(-1)))).toBe(true);            // KV - 1
    expect(nonneg(addP(KV, constPoly(-2)))).toBe(false);           // KV - 2 (KV = 1)
    expect(nonneg(subP(mulP(T, KV), KV))).toBe(true);              // T*KV - KV
    expect(nonneg(symPoly("$off"))).toBe(false);                   // a scalar may be negative
    expect(conditionText(subP(T, KV))).toBe("KV ≤ T");
    expect(conditionText(addP(T, constPoly(-4)))).toBe("T ≥ 4");
    expect(conditionText(constPoly(-1))).toBeNull();
  });
});

describe("verdicts at every size (no problem shape)", () => {
  it("proven when every dim matches its extent; SM163 names the size condition otherwise", () => {
    expect(anySize(`export const kvb = tensor("kv_bias", bf16, ["B", "H", "KV"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + kvb.at(b, h, kv));\n`).loads[0])
      .toMatchObject({ verdict: "proven", indices: [{ range: "[0, B - 1]" }, { range: "[0, H - 1]" }, { range: "[0, KV - 1]", extent: "KV" }] });
    const text = `export const t = tensor("t", bf16, ["TOTAL_K"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`;
    const { fa, loads } = anySize(text);
    expect(loads[0]).toMatchObject({ verdict: "obligation", data: false, indices: [{ needs: ["KV ≤ TOTAL_K"], open: { low: false, high: true } }] });
    expect(SM16(fa.diagnostics)).toEqual([["SM163", "info", "t: index 0 ([0, KV - 1] vs extent TOTAL_K) is in range when KV ≤ TOTAL_K; the runner checks it at the real sizes before launch"]]);
    expect(fa.mods[0]!.loads[0]!.bounds).toMatchObject({ verdict: "obligation", shape: "any size", needs: ["KV ≤ TOTAL_K"] });
  });

  it("an index read from data is SM161 at every size; a negative offset is SM160 with a witness at the smallest problem", () => {
    const g = anySize(`export const ids = tensor("ids", i32, ["KV"]);\nexport const tab = tensor("tab", bf16, [64]);\nexport const m = scoreMod((s, b, h, q, kv) => s + tab.at(ids.at(kv)));\n`);
    expect(SM16(g.fa.diagnostics)).toEqual([["SM161", "warning", "tab: cannot prove index 0 (read from ids) in range at any size: its values come from data; the runner checks it on the real tensors (bounds-checked build) before timing"]]);
    const v = anySize(`export const t = tensor("t", bf16, ["KV"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv - 1));\n`);
    expect(v.loads[0]).toMatchObject({ verdict: "violated", at: "B=1 H=1 Q=1 KV=1", indices: [{ witness: { kv: 0, index: -1 } }] });
    expect(SM16(v.fa.diagnostics)[0]?.slice(0, 2)).toEqual(["SM160", "error"]);
    expect(SM16(v.fa.diagnostics)[0]?.[2]).toMatch(/a mask does not protect this load; a condition inside the mod does/);
  });

  it("a table shorter than the problem is not an error at every size, only a condition", () => {
    const { fa, loads } = anySize(`export const t = tensor("t", bf16, [8]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`);
    expect(loads[0]).toMatchObject({ verdict: "obligation", indices: [{ needs: ["KV ≤ 8"] }] });
    // At a shape it is decided: KV = 16 reads index 15.
    const at = analyze("a.scoremod.ts", HEAD_FNS + `export const t = tensor("t", bf16, [8]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`, { shape: { B: 1, H: 1, Q: 16, KV: 16 } });
    expect(SM16(at.diagnostics).map((d) => d[0])).toEqual(["SM160"]);
    expect(fa.mods[0]!.ok).toBe(true);
  });

  it("a guard off by one: the condition that would prove it, else SM161 when no size can", () => {
    const { loads } = anySize(`export const t = tensor("t", bf16, ["LEN"]);\nexport const m = scoreMod((s, b, h, q, kv) => kv <= dim("LEN") ? s + t.at(kv) : s);\n`);
    expect(loads[0]).toMatchObject({ verdict: "obligation", data: false, indices: [{ needs: ["KV ≤ LEN"] }] });
    const never = anySize(`export const t = tensor("t", bf16, ["LEN"]);\nexport const m = scoreMod((s, b, h, q, kv) => kv < 0 ? s + t.at(dim("LEN")) : s);\n`);
    expect(never.loads[0]).toMatchObject({ verdict: "obligation", data: true, indices: [{ unprovable: "bound" }] });
    expect(SM16(never.fa.diagnostics)).toEqual([["SM161", "warning", "t: cannot prove index 0 in range at any size: its bounds [LEN, LEN] leave [0, LEN) at every size; the runner checks it on the real tensors (bounds-checked build) before timing"]]);
  });

  it("int scalars are symbols of either sign", () => {
    const { loads } = anySize(`export const off = scalar("off", i32, 4);\nexport const t = tensor("t", bf16, ["Q"]);\nexport const m = scoreMod((s, b, h, q, kv) => q >= off.value ? s + t.at(q - off.value) : s);\n`);
    expect(loads[0]).toMatchObject({ verdict: "obligation", indices: [{ range: "[0, Q - off - 1]", needs: ["off ≥ 0"] }] });
    expect(describeAnySize(loads[0]!)).toBe("t.at(q - off.value): obligation (not proven for every size) (dim 0: [0, Q - off - 1] vs extent Q, needs off ≥ 0)");
  });
});

describe("conditions inside the mod narrow the index", () => {
  const shape = { B: 2, H: 2, Q: 48, KV: 48 };
  const both = (body: string, dims: Record<string, number> = { LEN: 20, T: 20 }, scalars: Record<string, number> = {}) => {
    const fa = analyze("g.scoremod.ts", HEAD_FNS + body);
    const m = fa.mods[0]!;
    expect(m.ok, JSON.stringify(fa.diagnostics.map((d) => d.message))).toBe(true);
    const sc = Object.fromEntries(fa.scalars.map((s) => [s.name, scalars[s.name] ?? s.defaultValue]));
    const last = (xs: { verdict: string }[]) => xs[xs.length - 1]!.verdict;
    return { shape: last(loadBounds(fa, m, shape, dims, sc)), any: last(anySizeBounds(fa, m)) };
  };
  const T = `export const t = tensor("t", bf16, ["LEN"]);\n`;
  it.each([
    ["a ternary", `scoreMod((s, b, h, q, kv) => kv < dim("LEN") ? s + t.at(kv) : s)`],
    ["a ternary on the other side", `scoreMod((s, b, h, q, kv) => dim("LEN") <= kv ? s : s + t.at(kv))`],
    ["the right of &&", `maskMod((b, h, q, kv) => kv < dim("LEN") && t.at(kv) > 0)`],
    ["the right of || (negated)", `maskMod((b, h, q, kv) => kv >= dim("LEN") || t.at(kv) > 0)`],
    ["an early return", `scoreMod((s, b, h, q, kv) => { if (kv >= dim("LEN")) return s; return s + t.at(kv); })`],
    ["an if with the load inside", `scoreMod((s, b, h, q, kv) => { if (!(kv >= dim("LEN"))) { return s + t.at(kv); } return s; })`],
    ["a local", `scoreMod((s, b, h, q, kv) => { const i = kv + 3; return i < dim("LEN") ? s + t.at(i) : s; })`],
    ["min in the index", `scoreMod((s, b, h, q, kv) => s + t.at(min(kv, dim("LEN") - 1)))`],
    ["a clamp written with min and max", `scoreMod((s, b, h, q, kv) => s + t.at(max(min(kv - 5, dim("LEN") - 1), 0)))`],
    ["clamp", `scoreMod((s, b, h, q, kv) => s + t.at(clamp(kv - 5, 0, dim("LEN") - 1)))`],
    ["a guard on a load's value", `scoreMod((s, b, h, q, kv) => t.at(kv % dim("LEN")) >= 0 ? s : s)`],
  ])("%s is proven at a shape and at every size", (_w, mod) => {
    expect(both(`${T}export const m = ${mod};\n`)).toEqual({ shape: "proven", any: "proven" });
  });

  it("a guard on a different bound does not prove it", () => {
    expect(both(`${T}export const m = scoreMod((s, b, h, q, kv) => kv <= dim("LEN") ? s + t.at(kv) : s);\n`)).toEqual({ shape: "obligation", any: "obligation" });
    expect(both(`${T}export const m = scoreMod((s, b, h, q, kv) => q < dim("LEN") ? s + t.at(kv) : s);\n`).any).toBe("obligation");
  });

  it("q >= off guards q - off; with a declared index range, a guard on the read value proves the gather", () => {
    expect(both(`export const off = scalar("off", i32, 4);\nexport const t = tensor("t", bf16, ["Q"]);\nexport const m = scoreMod((s, b, h, q, kv) => q >= off.value && q - off.value < 40 ? s + t.at(q - off.value) : s);\n`).shape).toBe("proven");
    expect(both(`export const ids = tensor("ids", i32, ["KV"]);\nexport const tab = tensor("tab", bf16, [64]);\nexport const m = scoreMod((s, b, h, q, kv) => ids.at(kv) >= 0 && ids.at(kv) < 64 ? s + tab.at(ids.at(kv)) : s);\n`)).toEqual({ shape: "proven", any: "proven" });
  });

  it("a new binding of a local forgets what a condition said about the old one", () => {
    const body = `${T}export const m = scoreMod((s, b, h, q, kv) => { const i = kv; if (i + 1 < dim("LEN")) { const i = kv + 100; return s + t.at(i + 1); } return s; });\n`;
    expect(both(body)).toEqual({ shape: "violated", any: "obligation" });
    const same = `${T}export const m = scoreMod((s, b, h, q, kv) => { const i = kv; if (i + 1 < dim("LEN")) { return s + t.at(i + 1); } return s; });\n`;
    expect(both(same)).toEqual({ shape: "proven", any: "proven" });
  });

  it("a guard in the mask does not protect a score mod's load; the message says so", () => {
    const text = HEAD_FNS + `${T}export const keep = maskMod((b, h, q, kv) => kv < dim("LEN"));\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`;
    const fa = analyze("mask.scoremod.ts", text, { shape, dims: { LEN: 20 } });
    const d = fa.diagnostics.find((x) => x.code === "SM160")!;
    expect(d.message).toMatch(/a mask does not protect this load; a condition inside the mod does/);
  });
});

// ---------------------------------------------------------------- quick fixes

function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split("\n");
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  // Later edits first, so earlier offsets stay valid.
  return [...edits].sort((a, b) => off(b.range.start) - off(a.range.start)).reduce((t, e) => t.slice(0, off(e.range.start)) + e.newText + t.slice(off(e.range.end)), text);
}

describe("clamp and guard quick fixes", () => {
  const cases: [string, string, string, AnalyzeOptions][] = [
    ["SM163 (size condition)", "SM163", `export const t = tensor("t", bf16, ["TOTAL_K"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`, {}],
    ["SM160 at every size (negative)", "SM160", `export const t = tensor("t", bf16, ["KV"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv - 1));\n`, {}],
    ["SM161 at every size (data)", "SM161", `export const ids = tensor("ids", i32, ["KV"]);\nexport const tab = tensor("tab", bf16, [64]);\nexport const m = scoreMod((s, b, h, q, kv) => s + tab.at(ids.at(kv)));\n`, {}],
    ["SM161 at a shape", "SM161", `export const ids = tensor("ids", i32, ["KV"]);\nexport const tab = tensor("tab", bf16, [64]);\nexport const m = scoreMod((s, b, h, q, kv) => s + tab.at(ids.at(kv)));\n`, { shape: { B: 1, H: 1, Q: 32, KV: 32 } }],
    ["SM160 at a shape (short table, mask)", "SM160", `export const d = tensor("doc", i32, ["B", 16]);\nexport const m = maskMod((b, h, q, kv) => d.at(b, q) === d.at(b, kv));\n`, { shape: { B: 1, H: 1, Q: 32, KV: 32 } }],
  ];
  for (const [what, code, body, opts] of cases) {
    for (const kind of ["Clamp", "Guard"] as const) {
      it(`${kind} fixes ${what}: the fixed file has no ${code} and the load is proven`, () => {
        // A file importing only what it uses: the fix adds min/max/dim to the import.
        const text = HEAD + body;
        const before = analyze("f.scoremod.ts", text, opts);
        const diags = before.diagnostics.filter((x) => x.code === code);
        expect(diags.length).toBeGreaterThan(0);
        let fixed = text;
        // One diagnostic at a time (a mask may have two loads to fix), re-analysing in between.
        for (let i = 0; i < 4; i++) {
          const d = analyze("f.scoremod.ts", fixed, opts).diagnostics.find((x) => x.code === code);
          if (!d) break;
          const fix = d.fixes?.find((f) => f.title.startsWith(kind));
          expect(fix, `${kind} fix on ${d.message}`).toBeDefined();
          fixed = apply(fixed, fix!.edits);
        }
        const after = analyze("f.scoremod.ts", fixed, opts);
        expect(after.diagnostics.filter((x) => x.severity === "error"), fixed).toEqual([]);
        expect(SM16(after.diagnostics), fixed).toEqual([]);
        for (const l of after.mods.flatMap((m) => m.loads)) expect(l.bounds?.verdict, `${l.text}\n${fixed}`).toBe("proven");
      });
    }
  }

  it("the edits read as a person would write them", () => {
    const text = HEAD + `export const t = tensor("t", bf16, ["TOTAL_K"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv - 1));\n`;
    const d = analyze("f.scoremod.ts", text).diagnostics.find((x) => x.code === "SM160")!;
    const clamp = d.fixes!.find((f) => f.title.startsWith("Clamp"))!, guard = d.fixes!.find((f) => f.title.startsWith("Guard"))!;
    expect(apply(text, clamp.edits)).toContain(`import { bf16, i32, scalar, scoreMod, maskMod, tensor, clamp, dim } from "scoremod";`);
    expect(apply(text, clamp.edits)).toContain(`s + t.at(clamp(kv - 1, 0, dim("TOTAL_K") - 1))`);
    expect(apply(text, guard.edits)).toContain(`s + ((kv - 1) >= 0 && (kv - 1) < dim("TOTAL_K") ? t.at(kv - 1) : 0)`);
  });

  it("no fix when the name it needs is bound to something else", () => {
    const text = `import { bf16, scoreMod, tensor, idiv as min } from "scoremod";\nexport const t = tensor("t", bf16, [8]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));\n`;
    const d = analyze("f.scoremod.ts", text).diagnostics.find((x) => x.code === "SM163")!;
    expect(d.fixes?.find((f) => f.title.startsWith("Clamp"))).toBeUndefined();
    expect(d.fixes?.find((f) => f.title.startsWith("Guard"))).toBeDefined();
  });
});

describe("verdicts at every size stay cheap on hostile bodies", () => {
  it("repeated squaring and huge constants drop bounds instead of growing them", () => {
    const body = Array.from({ length: 24 }, (_, i) => `const x${i + 1} = x${i} * x${i} + b * h + q * 3;`).join(" ");
    const t0 = performance.now();
    const { loads } = anySize(`export const t = tensor("t", bf16, ["KV"]);\nexport const m = scoreMod((s, b, h, q, kv) => { const x0 = kv + 1; ${body} return s + t.at(x24 % dim("KV")) + t.at(kv * 1000000000 * 1000000000); });\n`);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(loads.map((l) => l.verdict)).toEqual(["obligation", "obligation"]);
  });

  it("every size means dims up to 2^24: an index that could wrap int32 there is not proven", () => {
    const v = (e: string) => anySize(`export const t = tensor("t", bf16, ["KV"]);\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(${e}));\n`).loads[0]!.verdict;
    expect(v(`(kv * 100) % dim("KV")`)).toBe("proven");      // 100 * 2^24 < 2^31
    expect(v(`(kv * 200) % dim("KV")`)).toBe("obligation");  // 200 * 2^24 > 2^31: C would wrap
    expect(v(`abs(kv - q) % dim("KV")`)).toBe("proven");
  });
});

describe("the smallest problem respects the declared divisibility", () => {
  it("a witness for 'violated' is at sizes the declarations allow", () => {
    const { loads } = anySize(`export const t = tensor("t", bf16, ["KV"], { divisible: { KV: 8 } });\nexport const u = tensor("u", bf16, ["T"], { divisible: { T: 4 } });\nexport const m = scoreMod((s, b, h, q, kv) => s + t.at(kv - 1) + u.at(kv));\n`);
    expect(loads[0]).toMatchObject({ verdict: "violated", at: "B=1 H=1 Q=1 KV=8 T=4", indices: [{ witness: { kv: 0, index: -1 } }] });
    // u.at(kv) is out of range at that smallest problem too (kv = 7, T = 4), but sizes with KV ≤ T fit: an obligation naming them.
    expect(loads[1]).toMatchObject({ verdict: "obligation", indices: [{ needs: ["KV ≤ T"] }] });
  });
});
