// The runner's check of declared `values` on the bytes the kernel reads (server/src/runner/valueRanges.ts).
import { describe, expect, it } from "vitest";
import { checkValueRanges } from "../../../server/src/runner/valueRanges";
import type { AuxData } from "../../../server/src/runner/data";

const aux = (name: string, dtype: AuxData["dtype"], values: number[]): AuxData => {
  const bytes = dtype === "u8" ? Uint8Array.from(values) : new Uint8Array((dtype === "i32" ? Int32Array : Uint32Array).from(values).buffer);
  return { name, dtype, shape: [values.length], strides: [1], allocElements: values.length, bytes, sample: null };
};

describe("checkValueRanges", () => {
  it("passes values inside [lo, hi) and names the first one outside, with the span", () => {
    const ok = checkValueRanges([aux("ids", "i32", [0, 5, 63])], new Map([["ids", [0, 64] as const]]));
    expect(ok).toEqual([{ text: "ids values in [0, 64)", tensor: "ids", ok: true, detail: "ids holds values in [0, 63]" }]);
    const bad = checkValueRanges([aux("ids", "i32", [3, -1, 64])], new Map([["ids", [0, 64] as const]]));
    expect(bad[0]).toMatchObject({ ok: false, detail: "ids holds -1 at element 1 (its values span [-1, 64])" });
    expect(checkValueRanges([aux("m", "u8", [1, 2])], new Map([["m", [0, 2] as const]]))[0]!.ok).toBe(false);
    expect(checkValueRanges([aux("other", "i32", [99])], new Map([["ids", [0, 4] as const]]))).toEqual([]);
  });
});
