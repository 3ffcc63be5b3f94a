// Issue 14, item 3: two TypeScript names must never become one name in generated code.
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { localIdent } from "../../../server/src/analysis/identifiers";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { prng } from "../../fuzz/generate";

const HEAD = `import { scoreMod, maskMod } from "scoremod";\n`;

describe("locals are lowered one-to-one", () => {
  it("α and β (both '_' under the old rule) get distinct C names, and the return reads α", () => {
    const fa = analyze("g.scoremod.ts", HEAD + `export const m = scoreMod((score, b, h, q, kv) => {\n  const α = 3;\n  const β = 4;\n  return score + α + β * 0;\n});\n`);
    expect(fa.mods[0]!.ok).toBe(true);
    const code = generateCuda(fa, "m").code;
    const a = localIdent("α"), b = localIdent("β");
    expect(a).not.toBe(b);
    expect(code).toMatch(new RegExp(`const int ${a} = 3;`));
    expect(code).toMatch(new RegExp(`const int ${b} = 4;`));
    expect(code).toContain(`return ((score + ((float)(${a}))) + ((float)((${b} * 0))));`);
  });

  it("is injective over random Unicode and ASCII names (property, seeded)", () => {
    const rnd = prng(1234);
    const alphabet = ["a", "b", "_", "$", "1", "α", "β", "é", "ß", "Ω", "中", "𝑥", "w", "v", "x", "0"];
    const seen = new Map<string, string>();
    for (let i = 0; i < 20000; i++) {
      const n = 1 + Math.floor(rnd() * 5);
      let s = "";
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      if (/^[0-9]/.test(s)) continue;
      const id = localIdent(s);
      expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      const prev = seen.get(id);
      if (prev !== undefined) expect(prev, `${prev} and ${s} both become ${id}`).toBe(s);
      seen.set(id, s);
    }
  });
});

describe("SM127: mod names that collide", () => {
  it("two mods that differ only in characters C drops", () => {
    const fa = analyze("c.scoremod.ts", HEAD + `export const score$1 = scoreMod((s) => s + 1);\nexport const score_1 = scoreMod((s) => s + 2);\n`);
    const d = fa.diagnostics.filter((x) => x.code === "SM127");
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toMatch(/mods 'score\$1' and 'score_1' both become 'score_1' in generated CUDA/);
    expect(fa.mods.find((m) => m.name === "score_1")!.ok).toBe(false);
    expect(fa.mods.find((m) => m.name === "score$1")!.ok).toBe(true);
  });
  it("a mod named like an export's own helper", () => {
    const fa = analyze("r.scoremod.ts", HEAD + `export const aux = maskMod((b, h, q, kv) => q >= kv);\nexport const _trunc_div = scoreMod((s) => s);\n`);
    expect(fa.diagnostics.filter((x) => x.code === "SM127").map((x) => x.message)).toEqual([
      "a mod named 'aux' would replace the exports' own 'make_aux': rename the mod",
      "a mod named '_trunc_div' would replace the exports' own '_trunc_div': rename the mod",
    ]);
  });
});
