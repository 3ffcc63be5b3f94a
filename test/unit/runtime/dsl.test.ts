import { describe, expect, it } from "vitest";
import {
  abs, bf16, bool, captureDeclarations, ceil, cos, dim, DslError, DslIndexError, exp, exp2, f32, floor, i32, idiv, isMaskMod,
  isScalar, isScoreMod, isTensor, log, log2, maskMod, max, min, rsqrt, scalar, scoreMod, sigmoid, sin, sqrt, tanh, tensor, u8,
  withBindings, type TensorData,
} from "../../../runtime/src/dsl";

const bias = tensor("bias_t", bf16, ["B", "KV"]);
function biasData(values: number[]): TensorData {
  return { dtype: "bf16", shape: [2, 3], strides: [3, 1], values };
}

describe("tensor.at", () => {
  it("reads the bound data at sum(index * stride), rounded as stored", () => {
    const r = withBindings({ dims: { B: 2, KV: 3 }, tensors: { bias_t: biasData([0, 1, 2, 3, 4, 0.1]) } }, () => [bias.at(1, 0), bias.at(1, 2)]);
    expect(r).toEqual([3, 0.10009765625]); // 0.1 in bf16
  });

  it("follows explicit strides", () => {
    const t = tensor("tt", i32, ["B", "KV"], { strides: [1, "B"] });
    const data: TensorData = { dtype: "i32", shape: [2, 3], strides: [1, 2], values: [10, 11, 12, 13, 14, 15] };
    expect(withBindings({ dims: { B: 2, KV: 3 }, tensors: { tt: data } }, () => t.at(1, 2))).toBe(15);
  });

  it("reads bool tensors as booleans", () => {
    const m = tensor("m", bool, [4]);
    const data: TensorData = { dtype: "bool", shape: [4], strides: [1], values: [0, 1, 0, 1] };
    expect(withBindings({ tensors: { m: data } }, () => [m.at(0), m.at(1)])).toEqual([false, true]);
  });

  it("throws a clear error naming tensor, index and extent when out of range", () => {
    const b = { dims: { B: 2, KV: 3 }, tensors: { bias_t: biasData([0, 0, 0, 0, 0, 0]) } };
    let err: unknown;
    try { withBindings(b, () => bias.at(1, 3)); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DslIndexError);
    const ie = err as DslIndexError;
    expect([ie.tensor, ie.dimIndex, ie.dimName, ie.index, ie.extent]).toEqual(["bias_t", 1, "KV", 3, 3]);
    expect(ie.message).toBe('bias_t.at(1, 3): index 1 (dim "KV") is 3, outside [0, 3)');
    expect(() => withBindings(b, () => bias.at(-1, 0))).toThrow(/index 0 \(dim "B"\) is -1, outside \[0, 2\)/);
    expect(() => withBindings(b, () => bias.at(0.5, 0))).toThrow(/not an integer/);
  });

  it("rejects missing contexts, missing data and mismatched shapes", () => {
    expect(() => bias.at(0, 0)).toThrow(/outside an evaluation context/);
    expect(() => withBindings({ dims: { B: 2, KV: 3 } }, () => bias.at(0, 0))).toThrow(/no data bound for tensor "bias_t"/);
    expect(() => withBindings({ dims: { B: 2, KV: 4 }, tensors: { bias_t: biasData([0, 0, 0, 0, 0, 0]) } }, () => bias.at(0, 0)))
      .toThrow(/shape \[2, 3\], declared \[2, 4\]/);
    expect(() => withBindings({ dims: { B: 2 }, tensors: { bias_t: biasData([0, 0, 0, 0, 0, 0]) } }, () => bias.at(0, 0)))
      .toThrow(/dim "KV" has no value/);
    const wrong: TensorData = { dtype: "f32", shape: [2, 3], strides: [3, 1], values: [0, 0, 0, 0, 0, 0] };
    expect(() => withBindings({ dims: { B: 2, KV: 3 }, tensors: { bias_t: wrong } }, () => bias.at(0, 0))).toThrow(/bound data is f32, declared bf16/);
    // @ts-expect-error: arity comes from the shape
    expect(() => withBindings({ dims: { B: 2, KV: 3 }, tensors: { bias_t: biasData([0, 0, 0, 0, 0, 0]) } }, () => bias.at(0))).toThrow(/1 indices for a tensor of rank 2/);
  });

  it("restores the outer bindings after a nested context, even on throw", () => {
    const outer = { dims: { KV: 1 } };
    const r = withBindings(outer, () => {
      expect(() => withBindings({ dims: { KV: 2 } }, () => { throw new Error("x"); })).toThrow("x");
      return dim("KV");
    });
    expect(r).toBe(1);
  });
});

describe("declarations", () => {
  it.each([
    [() => tensor("1bad", bf16, ["B"]), /identifier/],
    [() => tensor("t", bf16, []), /non-empty/],
    [() => tensor("t", bf16, ["B", 0]), /dim 1/],
    [() => tensor("t", bf16, ["B"], { align: 3 }), /power of two/],
    [() => tensor("t", f32, ["B"], { align: 2 }), /element size/],
    [() => tensor("t", bf16, ["B", "KV"], { strides: [1] }), /1 strides for 2 dims/],
    [() => tensor("t", bf16, ["B", "KV"], { strides: ["KV-1", 1] }), /sum of products/],
    [() => tensor("t", bf16, ["B", "KV"], { leadingDim: 2 }), /leadingDim 2/],
    [() => tensor("t", bf16, ["B", "KV"], { leadingDim: 0, strides: [1, 2] }), /not both/],
    [() => tensor("t", bf16, ["KV"], { divisible: { KV: 0 } }), /divisible.KV/],
    [() => tensor("t", i32, ["KV"], { init: { normal: {} } }), /use range/],
    [() => tensor("t", bf16, ["KV"], { init: { bits: 0.5 } }), /bits needs/],
    [() => tensor("t", u8, ["KV"], { init: { range: [0, 300] } }), /fit u8/],
    [() => tensor("t", i32, ["KV"], { init: { range: [2, 2] } }), /lo < hi/],
    [() => tensor("t", i32, ["KV"], { init: { segments: 0 } }), /segments/],
    [() => scalar("s", i32, 1.5), /not an i32/],
    [() => tensor("t", bf16, ["B"], null as unknown as {}), /options must be an object/],
    [() => tensor("t", { name: "f64" } as unknown as typeof bf16, ["B"]), /unknown dtype/],
    [() => scoreMod({ vecSize: 0 }, (s) => s), /vecSize/],
    [() => maskMod({ vecSize: 2.5 }, () => true), /vecSize/],
  ])("rejects bad declaration %#", (make, msg) => {
    expect(make).toThrow(DslError);
    expect(make).toThrow(msg);
  });

  it("brands objects and captures declarations", () => {
    const { result, tensors, scalars } = captureDeclarations(() => {
      const t = tensor("cap_t", f32, ["H"]);
      const s = scalar("cap_s", f32, 2);
      return [t, s, scoreMod((x) => x), maskMod(() => true)] as const;
    });
    const [t, s, sm, mm] = result;
    expect([isTensor(t), isScalar(s), isScoreMod(sm), isMaskMod(mm), isTensor(s), isScoreMod({ kind: "score" })]).toEqual([true, true, true, true, false, false]);
    expect(tensors).toEqual([t]);
    expect(scalars).toEqual([s]);
    expect(sm.options).toEqual({});
    expect(scoreMod({ vecSize: 8 }, (x) => x).options.vecSize).toBe(8);
  });
});

describe("scalars and dims", () => {
  it("reads bound scalars, else the default, stored as their dtype", () => {
    const cap = scalar("cap", f32, 30.1);
    expect(cap.value).toBe(Math.fround(30.1));
    expect(withBindings({ scalars: { cap: 0.1 } }, () => cap.value)).toBe(Math.fround(0.1));
    const w = scalar("w", i32, 4);
    expect(() => withBindings({ scalars: { w: 2.5 } }, () => w.value)).toThrow(/bound value 2.5 is not an i32/);
  });

  it("reads bound dims and names the missing ones", () => {
    expect(withBindings({ dims: { KV: 64 } }, () => dim("KV"))).toBe(64);
    expect(() => dim("KV")).toThrow(/outside an evaluation context/);
    expect(() => withBindings({ dims: { KV: 64 } }, () => dim("W"))).toThrow(/dim\("W"\) is not bound \(bound: KV\)/);
  });
});

describe("math", () => {
  it("idiv truncates toward zero and % matches C", () => {
    expect([idiv(7, 2), idiv(-7, 2), idiv(7, -2), idiv(-7, -2)]).toEqual([3, -3, -3, 3]);
    expect([-7 % 2, 7 % -2]).toEqual([-1, 1]);
    for (const [a, b] of [[-7, 2], [7, -2], [13, 5], [-13, -5]] as const) expect(idiv(a, b) * b + (a % b)).toBe(a);
    expect(() => idiv(1, 0)).toThrow(/division by zero/);
    expect(() => idiv(1.5, 1)).toThrow(/integers/);
  });

  it("matches the float64 definitions", () => {
    expect(exp(1)).toBe(Math.E);
    expect(exp2(10)).toBe(1024);
    expect(log(Math.E)).toBe(1);
    expect(log2(8)).toBe(3);
    expect(tanh(0.5)).toBe(Math.tanh(0.5));
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect([sqrt(4), rsqrt(4), abs(-3), min(2, 3), max(2, 3), floor(-1.5), ceil(-1.5)]).toEqual([2, 0.5, 3, 2, 3, -2, -1]);
    expect([sin(0), cos(0)]).toEqual([0, 1]);
  });
});

describe("declared values of integer tensors", () => {
  it("are validated at declaration and enforced on every read", async () => {
    const { i32, bf16, tensor, withBindings, DslError } = await import("../../../runtime/src/dsl");
    expect(() => tensor("f", bf16, [4], { values: [0, 4] })).toThrow(/values is for integer tensors/);
    expect(() => tensor("g", i32, [4], { values: [3, 3] })).toThrow(/values must be \[lo, hi\]/);
    const ids = tensor("ids", i32, [3], { values: [0, 8] });
    const data = { dtype: "i32" as const, shape: [3], strides: [1], values: Float64Array.from([1, 7, 8]) };
    withBindings({ tensors: { ids: data } }, () => {
      expect(ids.at(1)).toBe(7);
      expect(() => ids.at(2)).toThrow(DslError);
      expect(() => ids.at(2)).toThrow(/holds 8, outside its declared values \[0, 8\)/);
    });
  });
});
