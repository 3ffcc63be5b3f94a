// Powers of two past 32 bits (issue 14, item 8): `n & (n - 1)` truncates to 32 bits, so
// 6442450944 = 3 * 2^31 passed for a power of two as a vecSize option, a mod's vecSize, a
// tensor's align (analysis) and a tensor's align (the float64 runtime).
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { isPow2 } from "../../../server/src/analysis/poly";
import { bf16, tensor } from "../../../runtime/src/dsl";

const BIG = 6442450944;
const src = (modOpts: string, align: number | string) => `import { bf16, scoreMod, tensor } from "scoremod";
export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: ${align}, divisible: { KV: 8 } });
export const m = scoreMod(${modOpts}(score, b, h, q, kv) => score + kvBias.at(b, h, kv));
`;

describe("powers of two past 32 bits", () => {
  it("isPow2", () => {
    expect([1, 2, 128, 2 ** 40, 2 ** 52].every(isPow2)).toBe(true);
    expect([0, 3, BIG, 2 ** 32 + 2 ** 31, 2 ** 33 - 2, -4, 1.5, 2 ** 53 + 2].some(isPow2)).toBe(false);
  });

  it("the analysis's vecSize option", () => {
    const a = analyze("/ws/p.scoremod.ts", src("", 16), { vecSize: BIG });
    expect(a.diagnostics.some((d) => d.code === "SM131" && /vecSize 6442450944 is not a power of two/.test(d.message)), JSON.stringify(a.diagnostics)).toBe(true);
    expect(a.mods[0]!.vecSize).not.toBe(BIG);
  });

  it("a mod's vecSize in the source", () => {
    const a = analyze("/ws/p.scoremod.ts", src(`{ vecSize: ${BIG} }, `, 16));
    expect(a.diagnostics.some((d) => d.severity === "error" && /power of two/.test(d.message)), JSON.stringify(a.diagnostics)).toBe(true);
  });

  it("a tensor's align in the source and in the runtime", () => {
    const a = analyze("/ws/p.scoremod.ts", src("", BIG));
    expect(a.diagnostics.map((d) => [d.code, d.message])).toContainEqual(["SM117", "align must be a power of two number of bytes, e.g. 16"]);
    expect(a.tensors.some((t) => t.align === BIG)).toBe(false);
    expect(() => tensor("kv_bias", bf16, ["B", "H", "KV"], { align: BIG })).toThrow(/align/);
  });
});
