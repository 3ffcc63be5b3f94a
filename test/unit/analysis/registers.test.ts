// The register model's parts, on hand-built bodies.
import { describe, expect, it } from "vitest";
import type { LoadFact } from "../../../server/src/analysis/facts";
import { bodyNeed, estimateRegisters, loadedRegisters } from "../../../server/src/analysis/registers";
import { TARGETS } from "../../../server/src/analysis/targets";
import { R, add, call, iff, bin, konst, kv, load, local, mul, num, q, ret, s } from "./classifyHelpers";

function fact(cls: LoadFact["class"], widthElems: number, elemBytes: number, tensorVar = "t"): LoadFact {
  return {
    id: 0, mod: "m", range: R, tensorVar, tensor: tensorVar, text: "", class: cls, widthElems, widthBytes: widthElems * elemBytes,
    loadsPerVec: 1, why: null, fix: null, obligations: [], proof: [],
  };
}

describe("loadedRegisters", () => {
  it.each([
    ["uniform f32", fact("uniform", 1, 4), 8, 1],
    ["contiguous bf16 v8 packs 2 per register", fact("contiguous", 8, 2), 8, 4],
    ["contiguous u8 v16 packs 4 per register", fact("contiguous", 16, 1), 16, 4],
    ["contiguous bf16 scalar: one register per lane", fact("contiguous", 1, 2), 8, 8],
    ["gather bf16: one register per lane", fact("gather", 1, 2), 8, 8],
  ] as const)("%s", (_n, l, V, want) => expect(loadedRegisters(l, V)).toBe(want));
});

describe("bodyNeed (Sethi–Ullman)", () => {
  it.each([
    ["score + load", [ret(add(s, load(0, "t", kv)))], 1],
    ["(a*b) + (c*d)", [ret(add(mul(s, q), mul(kv, s)))], 2],
    ["through a const", [konst("x", add(mul(s, q), mul(kv, s))), ret(call("tanh", local("x")))], 2],
    ["deepest of an if's parts", [iff(bin("<", q, kv), [ret(s)], [ret(add(add(mul(s, s), mul(s, s)), mul(s, s)))])], 2],
    ["constant body", [ret(num(0))], 0],
  ] as const)("%s", (_n, body, want) => expect(bodyNeed([...body])).toBe(want));
});

describe("estimateRegisters", () => {
  it("adds kernel, addressing, loaded values and per-lane temporaries", () => {
    const body = [ret(add(add(mul(s, q), mul(kv, s)), load(0, "t", kv)))];
    const loads = [fact("contiguous", 8, 2), fact("uniform", 1, 4, "u")];
    const e = estimateRegisters(body, loads, 8, TARGETS["fa4-sm100"]);
    // kernel 160 + addressing (2 tensors × 2 + 1 non-uniform load) + loaded (4 + 1) + 8 lanes × (2 - 1)
    expect(e).toEqual({ estimate: 160 + 5 + 5 + 8, budget: 255, kernel: 160, addressing: 5, loaded: 5, tempsPerLane: 1, lanes: 8 });
  });
});
