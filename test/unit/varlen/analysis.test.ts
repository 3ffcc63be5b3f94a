// Varlen in the analysis: the mods' `seq` parameter (SeqInfo) read as index inputs, its lane
// class (uniform per sequence), and index safety of global positions (q + seq.offsetQ against
// TOTAL_Q), at a shape and at every size, including what must NOT be proven.
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { anySizeBounds, loadBounds } from "../../../server/src/analysis/bounds";
import { dependsOn } from "../../../server/src/analysis/tiles";

const HEAD = `import { bf16, f32, maskMod, scoreMod, tensor } from "scoremod";\n`;
const T = `export const tq = tensor("tq", f32, ["H", "TOTAL_Q"]);\nexport const tk = tensor("tk", bf16, ["H", "TOTAL_KV"], { align: 16 });\n`;

function mod(body: string) {
  const fa = analyze("v.scoremod.ts", HEAD + T + body);
  return { fa, m: fa.mods[0]! };
}
const errors = (fa: ReturnType<typeof analyze>) => fa.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);

describe("the seq parameter", () => {
  it("reads seq.offsetQ, offsetKv, lenQ, lenKv as ints, for score and mask mods", () => {
    const { fa, m } = mod(`export const s = scoreMod((s, b, h, q, kv, seq) => s + tk.at(h, kv + seq.offsetKv) + seq.lenQ - seq.lenKv + seq.offsetQ);\n`);
    expect(errors(fa)).toEqual([]);
    expect(m.ok).toBe(true);
    const k = analyze("v.scoremod.ts", HEAD + `export const k = maskMod((b, h, q, kv, info) => kv <= q + info.lenKv - info.lenQ);\n`);
    expect(errors(k)).toEqual([]);
  });

  it("is not a number, and names its fields when one does not exist", () => {
    const bare = mod(`export const s = scoreMod((s, b, h, q, kv, seq) => s + seq);\n`);
    expect(errors(bare.fa).join("\n")).toMatch(/'seq' \(the sequence's SeqInfo\) is not a number: read one of its fields, seq\.offsetQ, seq\.offsetKv, seq\.lenQ, seq\.lenKv/);
    const typo = mod(`export const s = scoreMod((s, b, h, q, kv, seq) => s + (seq as any).offset);\n`);
    expect(typo.m.ok).toBe(false);
    const seven = mod(`export const s = scoreMod((s, b, h, q, kv, seq, x) => s);\n`);
    expect(errors(seven.fa).join("\n")).toMatch(/at most 6 parameters/);
  });

  it("a local named like the parameter shadows it", () => {
    const { fa } = mod(`export const s = scoreMod((s, b, h, q, kv, seq) => { const x = 1; return s + x; });\n`);
    expect(errors(fa)).toEqual([]);
  });
});

describe("lane classes", () => {
  it("a global query index is uniform; a global key index is contiguous, scalar until offsetKv is known aligned", () => {
    const { m } = mod(`export const s = scoreMod({ vecSize: 8 }, (s, b, h, q, kv, seq) => s * tq.at(h, q + seq.offsetQ) + tk.at(h, kv + seq.offsetKv));\n`);
    const [lq, lk] = m.loads;
    expect(lq).toMatchObject({ class: "uniform" });
    expect(lk).toMatchObject({ class: "contiguous", widthElems: 1 });
    expect(lk!.why).toMatch(/seq\.offsetKv .* not known to be a multiple of 2/);
  });
});

describe("index safety of global positions", () => {
  const shape = { B: 3, H: 2, Q: 100, KV: 80 };
  const dims = { TOTAL_Q: 250, TOTAL_KV: 200 };
  const verdicts = (body: string, d: Record<string, number> = dims) => {
    const { fa, m } = mod(body);
    expect(m.ok, errors(fa).join("\n")).toBe(true);
    return { at: loadBounds(fa, m, shape, d, {}).map((l) => l.verdict), any: anySizeBounds(fa, m).map((l) => l.verdict) };
  };

  it("proves q + seq.offsetQ < TOTAL_Q and kv + seq.offsetKv < TOTAL_KV, in either order and through a const", () => {
    expect(verdicts(`export const s = scoreMod((s, b, h, q, kv, seq) => s + tq.at(h, q + seq.offsetQ) + tk.at(h, seq.offsetKv + kv));\n`))
      .toEqual({ at: ["proven", "proven"], any: ["proven", "proven"] });
    expect(verdicts(`export const s = scoreMod((s, b, h, q, kv, seq) => { const g = q + seq.offsetQ; return s + tq.at(h, g); });\n`))
      .toEqual({ at: ["proven"], any: ["proven"] });
  });

  it("never proves what the sequence bounds do not give", () => {
    // The key offset with a query position; one past the end; the offset plus the whole length.
    for (const idx of ["q + seq.offsetKv", "q + seq.offsetQ + 1", "seq.offsetQ + seq.lenQ", "kv + seq.offsetQ"]) {
      const v = verdicts(`export const s = scoreMod((s, b, h, q, kv, seq) => s + tq.at(h, ${idx}));\n`);
      expect(v.at[0], idx).not.toBe("proven");
      expect(v.any[0], idx).not.toBe("proven");
    }
  });

  it("a read past the sequence's end is not proven (the runner's bounds-checked build decides)", () => {
    const v = verdicts(`export const s = scoreMod((s, b, h, q, kv, seq) => s + tq.at(h, q + seq.offsetQ + seq.lenQ));\n`);
    expect(v.any[0]).not.toBe("proven");
    expect(v.at[0]).not.toBe("proven");
  });

  it("lengths are within [1, Q]: seq.lenQ - 1 indexes a Q-long table, seq.lenQ does not", () => {
    const head = `export const r = tensor("r", f32, ["Q"]);\n`;
    const ok = analyze("v.scoremod.ts", HEAD + head + `export const s = scoreMod((s, b, h, q, kv, seq) => s + r.at(seq.lenQ - 1));\n`);
    expect(anySizeBounds(ok, ok.mods[0]!)[0]!.verdict).toBe("proven");
    const bad = analyze("v.scoremod.ts", HEAD + head + `export const s = scoreMod((s, b, h, q, kv, seq) => s + r.at(seq.lenQ));\n`);
    expect(anySizeBounds(bad, bad.mods[0]!)[0]!.verdict).not.toBe("proven");
  });
});

describe("block sparsity", () => {
  it("a mod that reads seq.* depends on b (its sequence): a block mask is never broadcast over b", () => {
    const { m } = mod(`export const k = maskMod((b, h, q, kv, seq) => kv <= q + seq.lenKv - seq.lenQ);\n`);
    expect(dependsOn(m, "b")).toBe(true);
    expect(dependsOn(m, "h")).toBe(false);
    const plain = mod(`export const k = maskMod((b, h, q, kv) => kv <= q);\n`);
    expect(dependsOn(plain.m, "b")).toBe(false);
  });
});
