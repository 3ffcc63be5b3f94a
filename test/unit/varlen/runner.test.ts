// Varlen on the runner's side, without a GPU: the packed plan (what the kernel runs, what the mods
// see, the wrapper's arrays), the kv-length obligation of a V-lane run, `bench --seqlens` and the
// refusal of a total that contradicts the batch.
import { describe, expect, it } from "vitest";
import { varlenObligation, varlenPlan } from "../../../server/src/runner/varlen";
import { parseSeqlensFlag } from "../../../server/src/cli/bench";
import { checkRunInputs } from "../../../server/src/cli/runInputs";
import { analyze } from "../../../server/src/analysis/index";
import { planKernel } from "../../../server/src/runner/kernelChoice";
import { readFileSync } from "node:fs";

const example = readFileSync(new URL("../../../examples/varlen_document.scoremod.ts", import.meta.url), "utf8");

describe("the packed plan", () => {
  it("runs B = 1 of the totals; the mods see B sequences, the longest and the totals", () => {
    const p = varlenPlan({ q: [3, 5, 2], kv: [4, 5, 1] });
    expect(p.kernel).toEqual({ B: 1, Q: 10, KV: 10 });
    expect(p.modDims).toEqual({ B: 3, Q: 5, KV: 5, TOTAL_Q: 10, TOTAL_KV: 10 });
    expect([...p.arrays.cu_seqlens_q]).toEqual([0, 3, 8, 10]);
    expect([...p.arrays.cu_seqlens_k]).toEqual([0, 4, 9, 10]);
    expect([...p.arrays.seq_of_q]).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 2, 2]);
    expect([...p.arrays.seq_of_k]).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 2]);
  });

  it("a V-lane run needs every key count to be a multiple of V (the check can fail)", () => {
    const p = varlenPlan({ q: [8, 16, 6], kv: [8, 16, 6] });
    expect(varlenObligation(p, 1)).toBeNull();
    expect(varlenObligation(p, 2)).toMatchObject({ ok: true });
    expect(varlenObligation(p, 4)).toMatchObject({ ok: false, detail: "sequence 2 has 6 keys: use lengths that are multiples of 4, or V = 1" });
  });

  it("varlen batches run on the portable kernel", () => {
    const job = { fileName: "v.scoremod.ts", text: example, mod: "tokenBias", seqlens: { q: [8], kv: [8] } };
    expect(planKernel({ sm: 90, name: "H100" } as never, job, {})).toMatchObject({ kernel: "mma" });
    expect(() => planKernel({ sm: 90, name: "H100" } as never, { ...job, kernel: "wgmma" }, {})).toThrow(/varlen batch runs on the portable kernel/);
  });
});

describe("bench --seqlens", () => {
  it("reads lengths or COUNT@SEED (up to --shape's Q), and says what is wrong", () => {
    expect(parseSeqlensFlag("1024,3000,4168", 8192)).toEqual({ q: [1024, 3000, 4168], kv: [1024, 3000, 4168] });
    expect(Math.max(...parseSeqlensFlag("4@2", 512).q)).toBe(512);
    expect(() => parseSeqlensFlag("1024;3", 8192)).toThrow(/--seqlens '1024;3': expected lengths separated by commas/);
  });

  it("refuses --dim for the packed totals", () => {
    const fa = analyze("v.scoremod.ts", example);
    expect(() => checkRunInputs(fa, "v.scoremod.ts", { dim: ["TOTAL_Q=100"] }, "/")).toThrow(/--dim TOTAL_Q: the packed totals come from --shape \(B \* Q\) or from --seqlens/);
  });
});
