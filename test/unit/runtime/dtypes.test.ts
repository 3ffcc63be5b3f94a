import { describe, expect, it } from "vitest";
import {
  bf16Bits, bf16FromBits, decodeBytes, dtypeBytes, encodeValues, f16Bits, f16FromBits, laneValue, roundBf16, roundF16, roundToFormat, storeValue,
} from "../../../runtime/src/dtypes";

describe("bf16", () => {
  it.each([
    [1, 0x3f80], [-2, 0xc000], [Math.PI, 0x4049], [1 / 3, 0x3eab], [0, 0x0000], [-0, 0x8000],
    [Infinity, 0x7f80], [-Infinity, 0xff80], [3.3895313892515355e38, 0x7f7f],
  ])("bits of %d are %s", (x, bits) => {
    expect(bf16Bits(x)).toBe(bits);
  });

  it("rounds to nearest, ties to even", () => {
    expect(roundBf16(1 + 2 ** -8)).toBe(1); // tie, 1.0 has even mantissa
    expect(roundBf16(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6); // tie, rounds up to the even neighbour
    expect(roundBf16(1 + 2 ** -8 + 2 ** -20)).toBe(1 + 2 ** -7); // above the tie
    expect(roundBf16(-(1 + 2 ** -8 + 2 ** -20))).toBe(-(1 + 2 ** -7));
  });

  it("rounds once from float64 (no double rounding through f32)", () => {
    // Via f32 this would first become the tie 1 + 2^-8 and then round down to 1.
    expect(roundBf16(1 + 2 ** -8 + 2 ** -30)).toBe(1 + 2 ** -7);
  });

  it("the fast path (round-to-odd through f32) agrees with direct arithmetic rounding", () => {
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const bad: number[] = [];
    for (let i = 0; i < 200000; i++) {
      // Random magnitudes over the whole range, plus values near bf16 ties (the hard cases).
      const base = (rnd() - 0.5) * 2 ** Math.floor(rnd() * 300 - 150);
      const x = i % 2 ? base : roundBf16(base) * (1 + 2 ** -8 + (rnd() - 0.5) * 2 ** -40);
      if (roundBf16(x) !== roundToFormat(x, 7, -126, 127)) bad.push(x);
    }
    expect(bad).toEqual([]);
  });

  it("overflows to infinity past the largest finite value", () => {
    expect(roundBf16(3.4e38)).toBe(Infinity);
    expect(roundBf16(-3.4e38)).toBe(-Infinity);
    expect(roundBf16(3.39e38)).toBe(3.3895313892515355e38);
  });

  it("keeps subnormals and NaN", () => {
    expect(roundBf16(2 ** -133)).toBe(2 ** -133);
    expect(roundBf16(2 ** -135)).toBe(0);
    expect(bf16Bits(NaN)).toBe(0x7fc0);
    expect(Number.isNaN(bf16FromBits(0x7fc0))).toBe(true);
  });

  it("bits round-trip for every finite pattern", () => {
    const bad: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const x = bf16FromBits(bits);
      if (!Number.isNaN(x) && bf16Bits(x) !== bits) bad.push(bits);
    }
    expect(bad).toEqual([]);
  });
});

describe("f16", () => {
  it.each([
    [1, 0x3c00], [-2, 0xc000], [1 / 3, 0x3555], [65504, 0x7bff], [2 ** -24, 0x0001], [2 ** -14, 0x0400], [Infinity, 0x7c00],
  ])("bits of %d are %s", (x, bits) => {
    expect(f16Bits(x)).toBe(bits);
  });

  it("rounds to nearest even, with subnormals and overflow", () => {
    expect(roundF16(65519)).toBe(65504);
    expect(roundF16(65520)).toBe(Infinity); // tie above the max rounds to the (even) overflow
    expect(roundF16(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal
    expect(roundF16(3 * 2 ** -26)).toBe(2 ** -24);
    expect(roundF16(1 + 2 ** -11)).toBe(1);
  });

  it("bits round-trip for every finite pattern", () => {
    const bad: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const x = f16FromBits(bits);
      if (!Number.isNaN(x) && f16Bits(x) !== bits) bad.push(bits);
    }
    expect(bad).toEqual([]);
  });
});

describe("storeValue and encoding", () => {
  it("gives element sizes", () => {
    expect([dtypeBytes("bf16"), dtypeBytes("f16"), dtypeBytes("f32"), dtypeBytes("i32"), dtypeBytes("u8"), dtypeBytes("u32"), dtypeBytes("bool")])
      .toEqual([2, 2, 4, 4, 1, 4, 1]);
    expect([dtypeBytes("i64"), dtypeBytes("u16"), dtypeBytes("i8")]).toEqual([8, 2, 1]);
  });

  it("stores ints exactly and rejects what does not fit", () => {
    expect(storeValue("i32", -7)).toBe(-7);
    expect(() => storeValue("u8", 256)).toThrow(/u8/);
    expect(() => storeValue("i32", 1.5)).toThrow(/i32/);
    expect(storeValue("f32", 0.1)).toBe(Math.fround(0.1));
    expect(storeValue("bool", 3)).toBe(1);
    expect(storeValue("i64", -(2 ** 40))).toBe(-(2 ** 40));
    expect(() => storeValue("i64", 2 ** 60)).toThrow(/i64/);
    expect(() => storeValue("u16", -1)).toThrow(/u16/);
    expect(() => storeValue("i8", 128)).toThrow(/i8/);
    expect(storeValue("i8", -128)).toBe(-128);
  });

  it("i64 lanes saturate to int32 (the DSL's ints are 32-bit; an out-of-range index never wraps onto a valid one)", () => {
    expect([laneValue("i64", 5), laneValue("i64", -5), laneValue("i64", 2 ** 32 + 3), laneValue("i64", 2 ** 31), laneValue("i64", -(2 ** 40))])
      .toEqual([5, -5, 2 ** 31 - 1, 2 ** 31 - 1, -(2 ** 31)]);
    expect(laneValue("u32", 2 ** 31)).toBe(2 ** 31);  // other dtypes: the stored value
  });

  it("encodes little-endian and decodes back", () => {
    expect([...encodeValues("bf16", [1, -2])]).toEqual([0x80, 0x3f, 0x00, 0xc0]);
    expect([...encodeValues("i32", [-1, 258])]).toEqual([0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0, 0]);
    expect([...encodeValues("i64", [-2, 2 ** 33 + 1])]).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 2, 0, 0, 0]);
    expect([...encodeValues("u16", [0x1234])]).toEqual([0x34, 0x12]);
    expect([...encodeValues("i8", [-1, 5])]).toEqual([0xff, 5]);
    for (const dt of ["bf16", "f16", "f32", "i32", "u32", "u8", "i64", "u16", "i8", "bool"] as const) {
      const vals = dt === "u8" || dt === "bool" ? [0, 1, 1] : dt === "u32" ? [0, 7, 4294967295] : dt === "u16" ? [0, 7, 65535]
        : dt === "i64" ? [0, -(2 ** 45), 2 ** 52] : dt === "i8" ? [0, -128, 127] : [0, -3, 5];
      expect([...decodeBytes(dt, encodeValues(dt, vals))]).toEqual(vals.map((v) => storeValue(dt, v)));
    }
    expect(() => decodeBytes("f32", new Uint8Array(3))).toThrow(/whole number/);
  });
});
