// The runner's check of declared `values` (server/src/runner/valueRanges.ts): the verdict from the
// GPU scan's report. The scan itself runs in the GPU suite.
import { describe, expect, it } from "vitest";
import { rangeVerdict } from "../../../server/src/runner/valueRanges";

describe("rangeVerdict", () => {
  it("passes a scan with nothing outside [lo, hi) and names the first element outside, with the span", () => {
    expect(rangeVerdict("ids", "i32", [0, 64], { lo: 0n, hi: 63n, firstBad: null, badValue: 0n }))
      .toEqual({ text: "ids values in [0, 64)", tensor: "ids", ok: true, detail: "ids holds values in [0, 63]" });
    expect(rangeVerdict("ids", "i32", [0, 64], { lo: -1n, hi: 64n, firstBad: 1, badValue: -1n }))
      .toMatchObject({ ok: false, detail: "ids holds -1 at element 1 (its values span [-1, 64])" });
    // i64: the whole value (2^32 + 3 has low bits 3, inside the range; the value is not).
    expect(rangeVerdict("node", "i64", [0, 64], { lo: 1n, hi: 4294967299n, firstBad: 1, badValue: 4294967299n }).detail).toMatch(/holds 4294967299 at element 1/);
  });

  it("refuses values on a float tensor", () => {
    expect(rangeVerdict("w", "bf16", [0, 4], null)).toMatchObject({ ok: false, detail: expect.stringMatching(/w is bf16: values applies to integer tensors/) });
  });
});
