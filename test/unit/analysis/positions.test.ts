// Float positions (analysis/positions.ts): which int expressions the Hopper kernel's own entry may
// evaluate in float, the bound that keeps them exact, and the code that uses them.
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { EXACT_FLOAT_INTS, TILE_OVERHANG, floatPositionsHold, positionLimit } from "../../../server/src/analysis/positions";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { modHover } from "../../../server/src/lsp/format";
import { TARGETS } from "../../../server/src/analysis/targets";
import { formatHuman } from "../../../server/src/cli/check";
import { floatPositionsFor, type PreparedMod } from "../../../server/src/runner/source";

const HEAD = `import { f32, max, min, scoreMod, sqrt, tensor } from "scoremod";\nexport const slopes = tensor("s", f32, ["H"]);\n`;
const sites = (body: string, target: "runner-hopper" | "runner-sm90" = "runner-hopper") => {
  const fa = analyze("t.scoremod.ts", `${HEAD}export const m = scoreMod((score, b, h, q, kv) => ${body});\n`, { target });
  const m = fa.mods[0]!;
  expect(m.ok, JSON.stringify(fa.diagnostics.map((d) => d.message))).toBe(true);
  return m.floatPositions?.map((s) => s.text);
};

describe("float positions", () => {
  it("finds ±kv ± q + c converted to float, through const bindings, outermost only", () => {
    expect(sites("score + slopes.at(h) * (kv - q)")).toEqual(["kv - q"]);
    expect(sites("score - slopes.at(h) * (q - kv + 3)")).toEqual(["(q - kv) + 3"]);
    expect(sites("score + kv")).toEqual(["kv"]);
    expect(sites("{ const d = kv - q; return score + slopes.at(h) * d; }")).toEqual(["d"]);
    expect(sites("score + 0.5 * (kv + 7) + 0.25 * (q - kv)")).toEqual(["kv + 7", "q - kv"]);
    // A math function with no int variant converts its int arguments.
    expect(sites("score + sqrt(kv + 1)")).toEqual(["kv + 1"]);
  });

  it("leaves int arithmetic, other forms and other targets alone", () => {
    // Not a position form: a kv coefficient of 2, no kv, another int operand, a huge constant.
    expect(sites("score + slopes.at(h) * (2 * kv - q)")).toEqual([]);
    expect(sites("score + slopes.at(h) * (kv + kv)")).toEqual([]);
    expect(sites("score + slopes.at(h) * q")).toEqual([]);
    expect(sites("score + slopes.at(h) * (kv - h)")).toEqual([]);
    expect(sites("score + slopes.at(h) * (kv - 8388608)")).toEqual([]);
    // Int math (the int variant of min/max) and int indices convert nothing.
    expect(sites("score + slopes.at(min(max(q - kv, 0), 3))")).toEqual([]);
    // Only a kernel with its own entry gets the fact.
    expect(sites("score + slopes.at(h) * (kv - q)", "runner-sm90")).toBeUndefined();
  });

  it("is exact up to its limit: the float evaluation equals the int cast at the edge, and the bound is where it must be", () => {
    const f32 = Math.fround;
    // The kernel's sum: (kvBase - qf + c) + (kvOff - qOff), each step rounded to f32 (qf is the
    // thread's first row, qOff 0 or 8 for its second).
    const viaFloat = (kvBase: number, kvOff: number, q: number, c: number, qOff = 0) => f32(f32(f32(f32(kvBase) - f32(q - qOff)) + f32(c)) + f32(kvOff - qOff));
    const lim = positionLimit({ kv: 1, q: -1, c: -5 });
    expect(lim).toBe(EXACT_FLOAT_INTS - TILE_OVERHANG - 5);
    // The worst case the bound admits: kv far past the end of KV (a tile's overhang), q = 0, and
    // the other way round; and a run right at the limit split between Q and KV.
    for (const [KV, Q] of [[lim, 0], [0, lim], [lim >> 1, lim - (lim >> 1)]]) {
      for (const [kv, q] of [[KV + 175, 0], [0, Q + 127], [KV + 175, Q + 127], [KV - 1, Q - 1]]) {
        if (kv < 0 || q < 0) continue;
        const kvOff = kv % 176, kvBase = kv - kvOff;
        expect(viaFloat(kvBase, kvOff, q, -5)).toBe(kv - q - 5);
        if (q >= 8) expect(viaFloat(kvBase, kvOff, q, -5, 8)).toBe(kv - q - 5);
      }
    }
    // Past 2^24 the float sum is no longer exact: the bound is not decorative.
    expect(viaFloat(EXACT_FLOAT_INTS + 2, 1, 0, 0)).not.toBe(EXACT_FLOAT_INTS + 3);
    expect(floatPositionsHold(lim, lim - 100, 100)).toBe(true);
    expect(floatPositionsHold(lim, lim, 1)).toBe(false);
    expect(floatPositionsHold(undefined, 1, 1)).toBe(false);
  });

  it("the mod's hover and scoremod check name each site and its limit", () => {
    const text = `${HEAD}export const m = scoreMod((score, b, h, q, kv) => score + slopes.at(h) * (kv - q));\n`;
    const fa = analyze("t.scoremod.ts", text, { target: "runner-hopper" });
    expect(modHover(fa.mods[0]!, TARGETS["runner-hopper"])).toContain("- **Float positions:** `kv - q`: the runner's Hopper kernel evaluates it from exact float positions");
    expect(formatHuman(fa, "t.scoremod.ts")).toMatch(/t\.scoremod\.ts:3:\d+ float positions: kv - q: .* Q \+ KV <= 16,776,704, the same value as the cast; larger runs convert the int/);
    const other = analyze("t.scoremod.ts", text, { target: "runner-sm90" });
    expect(modHover(other.mods[0]!, TARGETS["runner-sm90"])).not.toContain("Float positions");
  });

  it("the runner takes the float path only for mods that have sites and runs within every site's limit", () => {
    const prep = (body: string) => {
      const fa = analyze("t.scoremod.ts", `${HEAD}export const m = scoreMod((score, b, h, q, kv) => ${body});\n`, { target: "runner-hopper" });
      return { mod: fa.mods[0]! } as unknown as PreparedMod;
    };
    const alibi = prep("score + slopes.at(h) * (kv - q)");
    expect(floatPositionsFor(alibi, 8192, 8192)).toBe(true);
    expect(floatPositionsFor(alibi, 2 ** 23, 2 ** 23)).toBe(false);
    expect(floatPositionsFor(prep("score + slopes.at(h)"), 8192, 8192)).toBe(false);
    expect(floatPositionsFor(undefined, 8192, 8192)).toBe(false);
  });
});

describe("the Hopper kernel's own entry", () => {
  const gen = (body: string, target: "runner-hopper" | "runner-sm90" = "runner-hopper", vecSize = 2) => {
    const fa = analyze("t.scoremod.ts", `${HEAD}export const m = scoreMod({ vecSize: ${vecSize} }, (score, b, h, q, kv) => ${body});\n`, { target });
    return generateCuda(fa, "m", { render: "preview" });
  };

  it("fuses the scale into score + E and evaluates positions in float under FPOS", () => {
    const g = gen("score + slopes.at(h) * (kv - q)");
    expect(g.wgEntry).toBe("sm_m_v2_wg");
    expect(g.code).toContain("template <bool FPOS> __device__ __forceinline__ float sm_m_v2_lane(float sraw, float scale, int b, int h, int q, int kv, float kvBase, int kvOff, float qf, int qOff,");
    expect(g.code).toContain("return __fmaf_rn(sraw, scale, (u0 * (FPOS ? (kvBase - qf) + (float)(kvOff - qOff) : ((float)((kv - q))))));");
    // The kernel's own entry: the scale, the floats, the path the caller picks (FPOS).
    expect(g.code).toContain("template <bool FPOS> __device__ __forceinline__ void sm_m_v2_wg(float (&s)[2], float scale, int b, int h, int q, int kv0, const SmParams& p, float kvBase, int kvOff, float qf, int qOff, const sm_m_v2_uni& un)");
    expect(g.code).toContain("sm_m_v2_lane<FPOS>(s[i], scale, b, h, q, kv0 + i, kvBase, kvOff + i, qf, qOff, p, ld0)");
    // Every kernel's entry: that one at scale 1 with int positions (the scaled score's sum, the cast).
    expect(g.code).toContain("void sm_m_v2(float (&s)[2], int b, int h, int q, int kv0, const SmParams& p) {\n  sm_m_v2_wg<false>(s, 1.0f, b, h, q, kv0, p, 0.0f, 0, 0.0f, 0, sm_m_v2_uniforms(b, h, q, p));\n}");
    // The loads are written once: the uniform one in the uniforms function, which the kernel calls
    // once per work item and row; the own entry takes its value from there.
    expect(g.code.match(/p\.aux\[0\]\.data/g)).toHaveLength(1);
    expect(g.wgUniforms).toEqual({ fn: "sm_m_v2_uniforms", type: "sm_m_v2_uni" });
    expect(g.code).toContain("struct sm_m_v2_uni { float ld0; };");
    expect(g.code).toMatch(/sm_m_v2_uni sm_m_v2_uniforms\(int b, int h, int q, const SmParams& p\) \{[^}]*p\.aux\[0\]\.data[^}]*un\.ld0 = ld0;\n\s*return un;\n\}/);
    expect(g.code).toMatch(/void sm_m_v2_wg\(.*\) \{\n\s*const float ld0 = un\.ld0;/);
  });

  it("fuses score - E and E + score, negating exactly; anything else scales first", () => {
    expect(gen("score - slopes.at(h)").code).toContain("return __fmaf_rn(sraw, scale, -u0);");
    expect(gen("slopes.at(h) + score").code).toContain("return __fmaf_rn(sraw, scale, u0);");
    const sq = gen("score * slopes.at(h) + score").code;
    expect(sq).not.toContain("__fmaf_rn");
    expect(sq).toContain("const float score = __fmul_rn(sraw, scale);");
    // E that reads the score through a binding is not free of it.
    expect(gen("{ const t = score * 2; return score + t; }").code).not.toContain("__fmaf_rn");
  });

  it("takes the float path at the fact's sites only, so the runner's bound covers every one", () => {
    const g = gen("score + sqrt(kv + 1) + slopes.at(h) * (kv - q)");
    expect(g.code).toContain("sqrtf((FPOS ? (kvBase + 1.0f) + (float)(kvOff) : ((float)((kv + 1)))))");
    expect(g.code).toContain("(FPOS ? (kvBase - qf) + (float)(kvOff - qOff) : ((float)((kv - q))))");
    // q's sign carries to its offset; a form without q takes none.
    expect(gen("score + slopes.at(h) * (q - kv + 3)").code).toContain("(FPOS ? (-kvBase + qf + 3.0f) + (float)(-kvOff + qOff) : ");
    // Not a position form: the cast, whatever FPOS is.
    expect(gen("score + slopes.at(h) * (2 * kv - q)").code).not.toContain("FPOS ?");
  });

  it("is absent on targets whose kernels scale first and cast positions", () => {
    const g = gen("score + slopes.at(h) * (kv - q)", "runner-sm90");
    expect(g.wgEntry).toBeNull();
    expect(g.code).not.toContain("FPOS");
    expect(g.code).not.toContain("__fmaf_rn");
  });
});
