// One stride-layout rule (issue 12): the analysis's strides are the runtime's (runtime/src/layout.ts),
// default row-major, leadingDim and explicit strides alike, and both accept and reject the same
// strides (before, the analysis accepted padded strides such as "2*KV + 8" that the runtime refused).
import { describe, expect, it } from "vitest";
import { analyze } from "../../server/src/analysis/index";
import { parseStride, symbolicStrides } from "scoremod/layout";
import type { TensorOptions } from "scoremod";

const decl = (shape: string, opts: string) =>
  `import { bf16, tensor, scoreMod } from "scoremod";\nexport const t = tensor("t", bf16, ${shape}${opts ? `, ${opts}` : ""});\nexport const m = scoreMod((s, b, h, q, kv) => s);\n`;

describe("stride layout: one rule", () => {
  const cases: [(string | number)[], string, TensorOptions][] = [
    [["B", "H", "KV"], "", {}],
    [["B", "H", "KV"], "{ leadingDim: 1 }", { leadingDim: 1 }],
    [["B", 4, "Q", "KV"], "{ leadingDim: 0 }", { leadingDim: 0 }],
    [["H", "KV"], `{ strides: ["KV*2", 1] }`, { strides: ["KV*2", 1] }],
    [["H", "KV"], `{ strides: [0, 1] }`, { strides: [0, 1] }],
    [["B", "H", "KV"], `{ strides: ["H*KV", "KV", 1] }`, { strides: ["H*KV", "KV", 1] }],
    [["H", "KV"], `{ strides: ["2 * KV + 8", 1] }`, { strides: ["2 * KV + 8", 1] }],
  ];
  for (const [shape, opts, runtimeOpts] of cases) {
    it(`${JSON.stringify(shape)} ${opts || "(default)"}`, () => {
      const fa = analyze("t.scoremod.ts", decl(JSON.stringify(shape), opts), { target: "runner-hopper" });
      expect(fa.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(fa.tensors[0]!.strides).toEqual(symbolicStrides(shape, runtimeOpts));
    });
  }

  it("a stride the runtime rejects is a located error in the analysis", () => {
    for (const bad of ["KV - 8", "KV / 2", "2.5 * KV"]) {
      expect(() => parseStride(bad), bad).toThrow(/must be a sum of products/);
      const fa = analyze("t.scoremod.ts", decl(`["H", "KV"]`, `{ strides: [${JSON.stringify(bad)}, 1] }`), { target: "runner-hopper" });
      expect(fa.diagnostics.some((d) => d.severity === "error" && /strides must be/.test(d.message)), bad).toBe(true);
    }
  });
});
