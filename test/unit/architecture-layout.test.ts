// One stride-layout rule (issue 12): the analysis's strides are the runtime's (runtime/src/layout.ts),
// default row-major, leadingDim and explicit strides alike, and a stride the runtime rejects is an
// error in the analysis too (it used to accept sums such as "KV + 8", which the runtime refused).
import { describe, expect, it } from "vitest";
import { analyze } from "../../server/src/analysis/index";
import { strideMonomial, symbolicStrides } from "scoremod/layout";
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
  ];
  for (const [shape, opts, runtimeOpts] of cases) {
    it(`${JSON.stringify(shape)} ${opts || "(default)"}`, () => {
      const fa = analyze("t.scoremod.ts", decl(JSON.stringify(shape), opts), { target: "runner-hopper" });
      expect(fa.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const fromRuntime = symbolicStrides(shape, runtimeOpts).map((f) => { const m = strideMonomial(f); return m.c === 0 ? [] : [m]; });
      expect(fa.tensors[0]!.strides).toEqual(fromRuntime);
    });
  }

  it("a stride the runtime rejects is a located error in the analysis", () => {
    const fa = analyze("t.scoremod.ts", decl(`["H", "KV"]`, `{ strides: ["KV + 8", 1] }`), { target: "runner-hopper" });
    expect(fa.diagnostics.some((d) => d.severity === "error" && /strides must be/.test(d.message))).toBe(true);
  });
});
