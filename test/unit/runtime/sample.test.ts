import { describe, expect, it } from "vitest";
import { bf16, bool, f32, i32, i64, i8, tensor, u16, u32, u8, withBindings } from "../../../runtime/src/dsl";
import { decodeBytes, roundBf16 } from "../../../runtime/src/dtypes";
import { resolveStrides, symbolicStrides } from "../../../runtime/src/layout";
import {
  createRng, dimNamesOf, randomQKV, resolveDims, sampleBindings, sampleTensor, tensorFromLogical, toLogical,
} from "../../../runtime/src/sample";

const dims = { B: 2, H: 3, Q: 8, KV: 16 };

describe("layout", () => {
  it("derives row-major, leading-dim and explicit strides", () => {
    expect(symbolicStrides(["B", "H", "KV"], {})).toEqual([[{ c: 1, vars: ["H", "KV"] }], [{ c: 1, vars: ["KV"] }], [{ c: 1, vars: [] }]]);
    expect(resolveStrides(["B", "H", "KV"], {}, dims, "t")).toEqual([48, 16, 1]);
    // leadingDim 1: memory order B, KV, H
    expect(resolveStrides(["B", "H", "KV"], { leadingDim: 1 }, dims, "t")).toEqual([48, 1, 3]);
    expect(resolveStrides(["B", "H", "KVP"], { strides: ["H*KVP", "KVP", 1] }, { H: 3, KVP: 20 }, "t")).toEqual([60, 20, 1]);
    // A padded row: a sum of products.
    expect(resolveStrides(["H", "KV"], { strides: ["2 * KV + 8", 1] }, { KV: 16 }, "t")).toEqual([40, 1]);
    expect(() => resolveStrides(["B", "X"], {}, dims, 'tensor "t"')).toThrow(/tensor "t": dim "X" has no value/);
  });
});

describe("sampleTensor: i64, u16 and i8", () => {
  it("encode their sample values at their widths; bits give signed types (i64: 32 bits) negative values", () => {
    const ids = sampleTensor(tensor("s_i64", i64, ["B", "KV"], { init: { range: [0, 64] } }), dims, 3);
    expect(ids.bytes.length).toBe(2 * 16 * 8);
    expect([...decodeBytes("i64", ids.bytes)]).toEqual([...ids.values]);
    for (const v of ids.values) expect(v >= 0 && v < 64).toBe(true);
    const bits = sampleTensor(tensor("s_i64b", i64, ["KV"], { init: { bits: 0.5 } }), dims, 3);
    // 32 random bits as a signed int32 value: negative ones too, and a lane holds every bit.
    expect(Math.min(...bits.values)).toBeLessThan(0);
    expect(bits.values.every((v) => v >= -(2 ** 31) && v < 2 ** 31)).toBe(true);
    const s8 = sampleTensor(tensor("s_i8", i8, ["KV"], { init: { bits: 0.5 } }), dims, 4);
    expect(Math.min(...s8.values)).toBeLessThan(0);
    expect(s8.values.every((v) => v >= -128 && v <= 127)).toBe(true);
    const w16 = sampleTensor(tensor("s_u16", u16, ["KV"], { init: { range: [1000, 60000] } }), dims, 5);
    expect([...decodeBytes("u16", w16.bytes)]).toEqual([...w16.values]);
  });

  it("an i64 reads saturated to int32 through the DSL (as the kernel's int lane)", () => {
    const t = tensor("s_i64c", i64, [3]);
    const values = new Float64Array([7, 2 ** 32 + 5, -(2 ** 33) - 1]);
    const read = withBindings({ tensors: { s_i64c: { dtype: "i64", shape: [3], strides: [1], values } } }, () => [0, 1, 2].map((i) => t.at(i)));
    expect(read).toEqual([7, 2 ** 31 - 1, -(2 ** 31)]);
  });
});

describe("sampleTensor", () => {
  it("is deterministic per seed and differs across seeds and names", () => {
    const t = tensor("s_a", bf16, ["B", "H", "KV"]);
    const u = tensor("s_b", bf16, ["B", "H", "KV"]);
    expect(sampleTensor(t, dims, 7).bytes).toEqual(sampleTensor(t, dims, 7).bytes);
    expect(sampleTensor(t, dims, 7).bytes).not.toEqual(sampleTensor(t, dims, 8).bytes);
    expect(sampleTensor(t, dims, 7).bytes).not.toEqual(sampleTensor(u, dims, 7).bytes);
  });

  it("rounds floats as stored and encodes the same values as bytes", () => {
    const s = sampleTensor(tensor("s_n", bf16, ["B", "H", "KV"], { init: { normal: { mean: 2, std: 0.5 } } }), dims, 1);
    expect(s.elementCount).toBe(96);
    expect(s.bytes.length).toBe(192);
    for (const v of s.values) expect(v).toBe(roundBf16(v));
    expect([...decodeBytes("bf16", s.bytes)]).toEqual([...s.values]);
    const mean = s.values.reduce((a, v) => a + v, 0) / s.values.length;
    expect(mean).toBeGreaterThan(1.8);
    expect(mean).toBeLessThan(2.2);
  });

  it("keeps uniform and range inits inside their bounds", () => {
    const u = sampleTensor(tensor("s_u", f32, [1000], { init: { uniform: [-1, 3] } }), {}, 2);
    expect(Math.min(...u.values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u.values)).toBeLessThan(3);
    const r = sampleTensor(tensor("s_r", i32, [1000], { init: { range: [5, 9] } }), {}, 2);
    expect(new Set(r.values)).toEqual(new Set([5, 6, 7, 8]));
    const d = sampleTensor(tensor("s_d", u8, [1000]), {}, 2); // default range [0, 2)
    expect(new Set(d.values)).toEqual(new Set([0, 1]));
  });

  it("makes non-decreasing segment ids with the requested number of runs per row", () => {
    const s = sampleTensor(tensor("s_seg", i32, ["B", "KV"], { init: { segments: 5 } }), { B: 4, KV: 64 }, 3);
    for (let b = 0; b < 4; b++) {
      const row = [...s.values.slice(b * 64, b * 64 + 64)];
      expect(row[0]).toBe(0);
      for (let j = 1; j < 64; j++) expect(row[j]! - row[j - 1]!).toBeGreaterThanOrEqual(0);
      expect(new Set(row)).toEqual(new Set([0, 1, 2, 3, 4]));
    }
    // More segments than positions: one per position.
    const short = sampleTensor(tensor("s_seg2", i32, [3], { init: { segments: 10 } }), {}, 0);
    expect([...short.values]).toEqual([0, 1, 2]);
  });

  it("samples bits with the requested density", () => {
    const bl = sampleTensor(tensor("s_bits", bool, [4000], { init: { bits: 0.25 } }), {}, 4);
    const ones = bl.values.reduce((a, v) => a + v, 0);
    expect(ones).toBeGreaterThan(800);
    expect(ones).toBeLessThan(1200);
    const fair = sampleTensor(tensor("s_bits_u8", u8, [4000], { init: { bits: 0.5 } }), {}, 4);
    const setBits = [...fair.values].reduce((a, v) => a + v.toString(2).split("").filter((c) => c === "1").length, 0);
    expect(setBits / (4000 * 8)).toBeGreaterThan(0.48);
    expect(setBits / (4000 * 8)).toBeLessThan(0.52);
    expect(Math.max(...fair.values)).toBeLessThanOrEqual(255);
    const full = sampleTensor(tensor("s_bits32", u32, [10], { init: { bits: 1 } }), {}, 4);
    expect([...full.values]).toEqual(new Array(10).fill(4294967295));
    const neg = sampleTensor(tensor("s_bitsi", i32, [10], { init: { bits: 1 } }), {}, 4);
    expect([...neg.values]).toEqual(new Array(10).fill(-1));
  });

  it("lays out data by the declared strides, padding with zeros", () => {
    const decl = tensor("s_pad", f32, ["B", "KV"], { strides: ["KVP", 1] });
    const s = tensorFromLogical(decl, { B: 2, KV: 3, KVP: 4 }, [1, 2, 3, 4, 5, 6]);
    expect(s.strides).toEqual([4, 1]);
    expect(s.allocElements).toBe(7);
    expect([...s.values]).toEqual([1, 2, 3, 0, 4, 5, 6]);
    const trDecl = tensor("s_tr", f32, ["B", "KV"], { leadingDim: 0 });
    const tr = tensorFromLogical(trDecl, { B: 2, KV: 3 }, [1, 2, 3, 4, 5, 6]);
    expect([...tr.values]).toEqual([1, 4, 2, 5, 3, 6]);
    expect([...toLogical(tr)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...toLogical(s)]).toEqual([1, 2, 3, 4, 5, 6]);
    // .at() sees logical values whatever the layout.
    expect(withBindings({ dims: { B: 2, KV: 3 }, tensors: { s_tr: tr } }, () => [0, 1, 2].map((k) => trDecl.at(1, k)))).toEqual([4, 5, 6]);
    expect(() => tensorFromLogical(decl, { B: 2, KV: 3, KVP: 4 }, [1, 2])).toThrow(/2 values for shape \[2, 3\]/);
    expect(() => tensorFromLogical(tensor("s_bad", u8, [1]), {}, [300])).toThrow(/element 0: value 300 cannot be stored as u8/);
  });
});

describe("dims and bindings", () => {
  it("fills missing dims from a fallback (to satisfy divisibility facts), refuses them without one, and checks the given ones", () => {
    const a = tensor("d_a", bf16, ["B", "H", "KVP"], { strides: ["H*KVP", "KVP", 1], divisible: { KVP: 12 } });
    expect(dimNamesOf(a)).toEqual(["B", "H", "KVP"]);
    expect(resolveDims([a], { B: 1, H: 2 }, 16)).toEqual({ B: 1, H: 2, KVP: 24 });
    expect(() => resolveDims([a], { B: 1, H: 2 })).toThrow(`dim KVP (tensor "d_a") has no value: give it a size`);
    expect(() => resolveDims([a], { KVP: 20 })).toThrow(/KVP = 20 breaks the fact KVP % 12 == 0 declared by d_a/);
  });

  it("binds sample data for every tensor and rejects duplicate names", () => {
    const a = tensor("d_x", bf16, ["B", "KV"]);
    const b = tensor("d_y", i32, ["B"], { init: { range: [0, 4] } });
    const bind = sampleBindings([a, b], { B: 2, KV: 8 }, 5, { cap: 3 });
    expect(Object.keys(bind.tensors)).toEqual(["d_x", "d_y"]);
    expect(withBindings(bind, () => b.at(1))).toBe(bind.tensors.d_y!.values[1]);
    expect(() => sampleBindings([a, tensor("d_x", bf16, ["B"])], { B: 2, KV: 8 })).toThrow(/two tensors are named "d_x"/);
  });
});

describe("randomQKV", () => {
  it("is seeded, bf16-rounded, and shaped for GQA", () => {
    const r = randomQKV({ B: 1, H: 4, Hkv: 2, Q: 3, KV: 5, D: 8, Dv: 4 }, 11);
    expect(r.q.shape).toEqual([1, 4, 3, 8]);
    expect(r.k.shape).toEqual([1, 2, 5, 8]);
    expect(r.v.shape).toEqual([1, 2, 5, 4]);
    for (const t of [r.q, r.k, r.v]) {
      expect([...decodeBytes("bf16", t.bytes)]).toEqual([...t.values]);
      for (const v of t.values) expect(v).toBe(roundBf16(v));
    }
    expect(randomQKV({ B: 1, H: 4, Hkv: 2, Q: 3, KV: 5, D: 8 }, 11).q.values).toEqual(r.q.values);
    expect(randomQKV({ B: 1, H: 4, Hkv: 2, Q: 3, KV: 5, D: 8 }, 12).q.values).not.toEqual(r.q.values);
    expect(() => randomQKV({ B: 1, H: 4, Hkv: 3, Q: 3, KV: 5, D: 8 })).toThrow(/Hkv = 3 must divide H = 4/);
  });

  it("draws roughly standard normal values", () => {
    const rng = createRng(99);
    let s = 0, s2 = 0;
    for (let i = 0; i < 20000; i++) { const x = rng.normal(); s += x; s2 += x * x; }
    expect(Math.abs(s / 20000)).toBeLessThan(0.05);
    expect(Math.abs(s2 / 20000 - 1)).toBeLessThan(0.05);
  });
});
