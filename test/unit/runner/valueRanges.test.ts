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

  it("checks i64, u16 and i8 on their own widths; i64 on the whole 64-bit value", () => {
    const i64 = (values: number[]): AuxData => {
      const bytes = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
      return { name: "node", dtype: "i64", shape: [values.length], strides: [1], allocElements: values.length, bytes, sample: null };
    };
    const r = [0, 64] as const;
    expect(checkValueRanges([i64([0, 7, 63])], new Map([["node", r]]))[0]).toMatchObject({ ok: true, detail: "node holds values in [0, 63]" });
    // 2^32 + 3: its low 32 bits are 3, inside the range; the value is not.
    expect(checkValueRanges([i64([1, 2 ** 32 + 3])], new Map([["node", r]]))[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/holds 4294967299 at element 1/) });
    const u16 = { name: "u", dtype: "u16" as const, shape: [2], strides: [1], allocElements: 2, bytes: new Uint8Array(Uint16Array.from([5, 65535]).buffer), sample: null };
    expect(checkValueRanges([u16], new Map([["u", [0, 65536] as const]]))[0]!.ok).toBe(true);
    const i8 = { name: "s", dtype: "i8" as const, shape: [2], strides: [1], allocElements: 2, bytes: new Uint8Array(Int8Array.from([-3, 4]).buffer), sample: null };
    expect(checkValueRanges([i8], new Map([["s", [0, 8] as const]]))[0]).toMatchObject({ ok: false, detail: "s holds -3 at element 0 (its values span [-3, 4])" });
  });
});
