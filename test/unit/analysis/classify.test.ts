// Classifier tables: every trap of issue 2 and of the legality model (ARCHITECTURE.md), on hand-built IR.
import { describe, expect, it } from "vitest";
import type { LoadFact } from "../../../server/src/analysis/facts";
import type { Expr, Stmt } from "../../../server/src/analysis/ir";
import type { TargetId } from "../../../server/src/analysis/targets";
import {
  type TensorSpec, add, b, bin, call, classify, cond, dim, h, iff, konst, kv, load, local, mul, neg, num, oneLoad, q, ret, s,
  scalar, sub, tensorFact,
} from "./classifyHelpers";

const KV_BIAS: TensorSpec = { shape: ["B", "H", "KV"], align: 16, divisible: { KV: 8 } };

interface Expected {
  class: LoadFact["class"];
  widthElems: number;
  loadsPerVec: number;
  /** A regex the why must match, or null for "no why". */
  why: RegExp | null;
  fix?: RegExp | null;
  obligations?: string[];
}
interface Case { name: string; spec: TensorSpec; idx: Expr[]; V?: number; target?: TargetId; expect: Expected }

function check(c: Case): void {
  const r = oneLoad(c.spec, c.idx, { V: c.V ?? 8, target: c.target });
  // Load 0 is the one under test (an index may contain further loads).
  const l = r.loads.find((x) => x.id === 0) as LoadFact;
  expect({ class: l.class, widthElems: l.widthElems, loadsPerVec: l.loadsPerVec }).toEqual({
    class: c.expect.class, widthElems: c.expect.widthElems, loadsPerVec: c.expect.loadsPerVec,
  });
  expect(l.widthBytes).toBe(l.widthElems * (c.spec.dtype === "f32" || c.spec.dtype === "i32" ? 4 : c.spec.dtype === "u8" ? 1 : 2));
  if (c.expect.why === null) expect(l.why).toBeNull();
  else expect(l.why ?? "").toMatch(c.expect.why);
  if (c.expect.fix !== undefined) {
    if (c.expect.fix === null) expect(l.fix).toBeNull();
    else expect(JSON.stringify(l.fix)).toMatch(c.expect.fix);
  }
  if (c.expect.obligations) expect(l.obligations.map((o) => o.text)).toEqual(c.expect.obligations);
  // Soundness invariant: only contiguous and grouped loads may be wider than one element.
  if (l.class !== "contiguous" && l.class !== "grouped") expect(l.widthElems).toBe(1);
  if (l.widthElems === 1) expect(l.obligations).toEqual([]);
}

const G = (why: RegExp): Expected => ({ class: "gather", widthElems: 1, loadsPerVec: 8, why, fix: null, obligations: [] });

const cases: Case[] = [
  {
    name: "kv-bias, aligned, KV % 8 declared: one 16 B load", spec: KV_BIAS, idx: [b, h, kv],
    expect: {
      class: "contiguous", widthElems: 8, loadsPerVec: 1, why: null, fix: null,
      obligations: ["t.data_ptr() % 16 == 0", "t.stride(0) % 8 == 0", "t.stride(1) % 8 == 0", "KV % 8 == 0"],
    },
  },
  { name: "q - kv (stride -1)", spec: KV_BIAS, idx: [b, h, sub(q, kv)], expect: G(/coefficient -1 \(q - kv\): lanes run backwards; FA4 would misclassify/) },
  { name: "-kv + q via unary minus", spec: KV_BIAS, idx: [b, h, add(neg(kv), q)], expect: G(/coefficient -1/) },
  { name: "kv * 2", spec: KV_BIAS, idx: [b, h, mul(kv, num(2))], expect: G(/coefficient 2 \(2\*kv\): lanes are 2 elements apart/) },
  { name: "kv * -3", spec: KV_BIAS, idx: [b, h, mul(num(-3), kv)], expect: G(/coefficient -3.*backwards, 3 elements apart/) },
  { name: "min(kv, 255)", spec: KV_BIAS, idx: [b, h, call("min", kv, num(255))], expect: G(/min\(kv, 255\) clamps kv/) },
  { name: "max(q - kv, -128)", spec: KV_BIAS, idx: [b, h, call("max", sub(q, kv), num(-128))], expect: G(/clamps kv/) },
  { name: "(kv + 1) % KV", spec: KV_BIAS, idx: [b, h, bin("%", add(kv, num(1)), dim("KV"))], expect: G(/wraps kv around.*FA4 would misclassify/) },
  {
    name: "idiv(kv, 2): runs of 2 lanes, 4 consecutive elements", spec: KV_BIAS, idx: [b, h, call("idiv", kv, num(2))],
    expect: {
      class: "grouped", widthElems: 4, loadsPerVec: 1, why: null,
      obligations: ["t.data_ptr() % 8 == 0", "t.stride(0) % 4 == 0", "t.stride(1) % 4 == 0", "t: idiv(kv, 2) < KV (dim 2) for every kv up to KV rounded up to a multiple of 8"],
    },
  },
  {
    name: "idiv(kv, 32) at V = 8: one run per call, a broadcast", spec: KV_BIAS, idx: [b, h, call("idiv", kv, num(32))],
    expect: { class: "grouped", widthElems: 1, loadsPerVec: 1, why: null, obligations: [] },
  },
  {
    name: "kv >> 2 at V = 16: v4", spec: KV_BIAS, V: 16, idx: [b, h, bin(">>", kv, num(2))],
    expect: { class: "grouped", widthElems: 4, loadsPerVec: 1, why: null },
  },
  {
    name: "idiv(kv, 4) + 8 * h in a u32 row at V = 64: v8 of 32 B on sm100", spec: { dtype: "i32", shape: ["B", "W"], align: 32, divisible: { W: 8 } }, V: 64,
    idx: [b, add(call("idiv", kv, num(4)), mul(num(8), h))],
    expect: { class: "grouped", widthElems: 8, loadsPerVec: 2, why: null },
  },
  {
    name: "idiv(kv, 4) + 2: the first element is 2 past a multiple of 4: v2", spec: KV_BIAS, V: 16, idx: [b, h, add(call("idiv", kv, num(4)), num(2))],
    expect: { class: "grouped", widthElems: 2, loadsPerVec: 2, why: /first lane is at kv \/ 4 \+ 2: offset 2 is not a multiple of 4/ },
  },
  { name: "idiv(kv + 1, 4): runs not aligned to the call", spec: KV_BIAS, idx: [b, h, call("idiv", add(kv, num(1)), num(4))], expect: G(/runs are not aligned/) },
  { name: "idiv(kv + 4, 32) at V = 8: runs straddle calls", spec: KV_BIAS, idx: [b, h, call("idiv", add(kv, num(4)), num(32))], expect: G(/runs are not aligned/) },
  { name: "idiv(kv, 3): runs of 3 do not tile 8 lanes", spec: KV_BIAS, idx: [b, h, call("idiv", kv, num(3))], expect: G(/runs of 3 lanes do not tile the 8 lanes/) },
  { name: "idiv(kv, 12) at V = 8: a run spans calls unevenly", spec: KV_BIAS, idx: [b, h, call("idiv", kv, num(12))], expect: G(/12 is not a multiple of 8/) },
  { name: "idiv(kv - 8, 4): C truncation near 0", spec: KV_BIAS, idx: [b, h, call("idiv", sub(kv, num(8)), num(4))], expect: G(/may be negative, and C truncates toward zero/) },
  { name: "(kv - 8) >> 2: a shift floors, so runs stay aligned", spec: KV_BIAS, idx: [b, h, bin(">>", sub(kv, num(8)), num(2))], expect: { class: "grouped", widthElems: 2, loadsPerVec: 1, why: null } },
  { name: "2 * idiv(kv, 2): runs read every other element", spec: KV_BIAS, idx: [b, h, mul(num(2), call("idiv", kv, num(2)))], expect: G(/runs of 2 lanes read elements 2 apart/) },
  { name: "idiv(kv, 4) + kv: not one run form", spec: KV_BIAS, idx: [b, h, add(call("idiv", kv, num(4)), kv)], expect: G(/kv coefficient is not a constant/) },
  {
    name: "kv % 64 at V = 8 into [64]: contiguous within a period", spec: { dtype: "i32", shape: [64], align: 16 }, idx: [bin("%", kv, num(64))],
    expect: { class: "contiguous", widthElems: 4, loadsPerVec: 2, why: /needs align: 32/ },
  },
  { name: "kv & 63 is kv % 64", spec: { dtype: "i32", shape: [64], align: 16 }, idx: [bin("&", kv, num(63))], target: "runner-sm80", expect: { class: "contiguous", widthElems: 4, loadsPerVec: 2, why: null } },
  { name: "(kv + 4) % 64 at V = 8: a call may straddle the wrap", spec: { dtype: "i32", shape: [64], align: 16 }, idx: [bin("%", add(kv, num(4)), num(64))], expect: G(/may straddle a wrap \(4 is not known to be a multiple of V = 8\)/) },
  { name: "kv % 4 at V = 8: two wraps per call", spec: { dtype: "i32", shape: [64], align: 16 }, idx: [bin("%", kv, num(4))], expect: G(/4 is not a multiple of V = 8/) },
  { name: "kv / 1 (division)", spec: KV_BIAS, idx: [b, h, bin("/", kv, num(1))], expect: G(/divides kv/) },
  { name: "kv >> 0 (shift) is kv", spec: KV_BIAS, idx: [b, h, bin(">>", kv, num(0))], expect: { class: "contiguous", widthElems: 8, loadsPerVec: 1, why: null } },
  { name: "kv >> q (shift by a variable)", spec: KV_BIAS, idx: [b, h, bin(">>", kv, q)], expect: G(/shifts kv/) },
  { name: "abs(kv)", spec: KV_BIAS, idx: [b, h, call("abs", kv)], expect: G(/abs\(kv\) folds kv/) },
  { name: "floor(kv)", spec: KV_BIAS, idx: [b, h, call("floor", kv)], expect: G(/rounds/) },
  { name: "h * kv: coefficient not constant", spec: KV_BIAS, idx: [b, h, mul(h, kv)], expect: G(/kv coefficient is not a constant/) },
  { name: "kv * kv", spec: KV_BIAS, idx: [b, h, mul(kv, kv)], expect: G(/not a constant/) },
  {
    name: "kv + 3 with V = 8: contiguous, first lane misaligned", spec: KV_BIAS, idx: [b, h, add(kv, num(3))],
    expect: { class: "contiguous", widthElems: 1, loadsPerVec: 8, why: /offset 3 is not a multiple of 2, so a v2 load would be misaligned; make the offset a multiple of 8/, fix: null, obligations: [] },
  },
  {
    name: "kv + 2 with V = 8: v2", spec: KV_BIAS, idx: [b, h, add(kv, num(2))],
    expect: { class: "contiguous", widthElems: 2, loadsPerVec: 4, why: /offset 2 is not a multiple of 4.*multiple of 8/ },
  },
  {
    name: "kv + 8 with V = 8: fine", spec: KV_BIAS, idx: [b, h, add(kv, num(8))],
    expect: {
      class: "contiguous", widthElems: 8, loadsPerVec: 1, why: null,
      obligations: ["t.data_ptr() % 16 == 0", "t.stride(0) % 8 == 0", "t.stride(1) % 8 == 0", "KV % 8 == 0",
        "t: kv + 8 < KV (dim 2) for every kv up to KV rounded up to a multiple of 8"],
    },
  },
  {
    name: "outer stride KV with no fact", spec: { shape: ["B", "H", "KV"], align: 16 }, idx: [b, h, kv],
    expect: {
      class: "contiguous", widthElems: 1, loadsPerVec: 8,
      why: /stride of dim 0 is H\*KV; stride of dim 1 is KV: not known to be a multiple of 8; declare KV % 8 == 0/,
      fix: /divisible: \{ KV: 8 \}/, obligations: [],
    },
  },
  {
    name: "outer stride KV % 2 only: v2", spec: { shape: ["B", "H", "KV"], align: 16, divisible: { KV: 2 } }, idx: [b, h, kv],
    expect: { class: "contiguous", widthElems: 2, loadsPerVec: 4, why: /declare KV % 8 == 0/, fix: /KV: 8/ },
  },
  {
    name: "user stride LD with no fact", spec: { shape: ["H", "N"], align: 16, strides: [[{ c: 1, vars: ["LD"] }], [{ c: 1, vars: [] }]] },
    idx: [h, kv], expect: { class: "contiguous", widthElems: 1, loadsPerVec: 8, why: /stride of dim 0 is LD.*declare LD % 8 == 0/ },
  },
  {
    name: "numeric stride 100: v4 at most, pad", spec: { shape: ["H", 100], align: 16 }, idx: [h, kv],
    expect: { class: "contiguous", widthElems: 4, loadsPerVec: 2, why: /stride of dim 0 is 100 elements, not a multiple of 8.*pad/, fix: null },
  },
  {
    name: "row 0 of a table with an odd stride: index 0 adds nothing", spec: { shape: [3, 99], align: 16 }, idx: [num(0), kv],
    expect: { class: "contiguous", widthElems: 8, loadsPerVec: 1, why: null,
      obligations: ["t.data_ptr() % 16 == 0", "t: kv < 99 (dim 1) for every kv up to KV rounded up to a multiple of 8"] },
  },
  {
    name: "kv in a non-unit-stride dim", spec: { shape: ["B", "KV", "H"], align: 16, divisible: { KV: 8 } }, idx: [b, kv, h],
    expect: G(/kv indexes dim 1 \(KV\), whose stride is H, not 1/),
  },
  {
    name: "kv in two dims", spec: { shape: ["KV", "KV"], align: 16, divisible: { KV: 8 } }, idx: [kv, kv],
    expect: G(/kv enters dims 0 and 1/),
  },
  {
    name: "uniform: no kv", spec: KV_BIAS, idx: [b, h, q],
    expect: { class: "uniform", widthElems: 1, loadsPerVec: 1, why: null, fix: null, obligations: [] },
  },
  {
    name: "uniform: kv - kv cancels", spec: KV_BIAS, idx: [b, h, sub(add(q, kv), kv)],
    expect: { class: "uniform", widthElems: 1, loadsPerVec: 1, why: null },
  },
  {
    name: "align 4 vs 16 (bf16, V = 8): v2, fix raises align to 16", spec: { ...KV_BIAS, align: 4 }, idx: [b, h, kv],
    expect: {
      class: "contiguous", widthElems: 2, loadsPerVec: 4, why: /^align is 4 B; a 16 B load \(v8\) needs align: 16$/,
      fix: /"newText":"16"/, obligations: ["t.data_ptr() % 4 == 0", "t.stride(0) % 2 == 0", "t.stride(1) % 2 == 0", "KV % 8 == 0"],
    },
  },
  {
    name: "align = element size: scalar", spec: { ...KV_BIAS, align: 2 }, idx: [b, h, kv],
    expect: { class: "contiguous", widthElems: 1, loadsPerVec: 8, why: /align is 2 B; a 16 B load \(v8\) needs align: 16/, obligations: [] },
  },
  {
    name: "f32, V = 16, align 32 on sm100: v8 (32 B cap), 2 loads", spec: { ...KV_BIAS, dtype: "f32", align: 64, divisible: { KV: 16 } },
    idx: [b, h, kv], V: 16, expect: { class: "contiguous", widthElems: 8, loadsPerVec: 2, why: null },
  },
  {
    name: "f32, V = 8 on runner-sm80 (16 B loads): v4", spec: { ...KV_BIAS, dtype: "f32", align: 16 }, idx: [b, h, kv], target: "runner-sm80",
    expect: { class: "contiguous", widthElems: 4, loadsPerVec: 2, why: null },
  },
  {
    name: "pairs target fa4-sm90, V = 2: v2", spec: KV_BIAS, idx: [b, h, kv], V: 2, target: "fa4-sm90",
    expect: { class: "contiguous", widthElems: 2, loadsPerVec: 1, why: null },
  },
  {
    name: "pairs target fa4-sm80, V = 8: capped at 2", spec: KV_BIAS, idx: [b, h, kv], V: 8, target: "fa4-sm80",
    expect: { class: "contiguous", widthElems: 2, loadsPerVec: 4, why: /target fa4-sm80 caps V at 2 \(pairs/, fix: /vecSize.*"newText":"2"/ },
  },
  {
    name: "V = 1 (default): why suggests vecSize", spec: KV_BIAS, idx: [b, h, kv], V: 1,
    expect: { class: "contiguous", widthElems: 1, loadsPerVec: 1, why: /V is 1.*vecSize: 8 would load 8 elements \(16 B\)/, fix: /Set vecSize: 8.*"newText":"8"/ },
  },
  {
    name: "lane base q: not known to be a multiple", spec: KV_BIAS, idx: [b, h, add(kv, q)],
    expect: { class: "contiguous", widthElems: 1, loadsPerVec: 8, why: /kv \+ q, not known to be a multiple of 2; change the index so its offset is a multiple of 8/, fix: null },
  },
  {
    name: "lane base 8*q: fine", spec: KV_BIAS, idx: [b, h, add(kv, mul(num(8), q))],
    expect: { class: "contiguous", widthElems: 8, loadsPerVec: 1, why: null },
  },
  {
    name: "lane base dim(\"W\"): declare W % 8", spec: KV_BIAS, idx: [b, h, add(kv, dim("W"))],
    expect: { class: "contiguous", widthElems: 1, loadsPerVec: 8, why: /declare W % 8 == 0/, fix: /W: 8/ },
  },
  {
    name: "a scalar offset: unknown", spec: KV_BIAS, idx: [b, h, add(kv, scalar("off"))],
    expect: { class: "contiguous", widthElems: 1, loadsPerVec: 8, why: /kv \+ off, not known to be a multiple of 2/ },
  },
  {
    name: "ternary with the same kv coefficient and aligned arms", spec: KV_BIAS,
    idx: [b, h, cond(bin("<", q, num(100)), kv, add(kv, num(16)))],
    expect: { class: "contiguous", widthElems: 8, loadsPerVec: 1, why: null },
  },
  {
    name: "ternary whose arms differ by 4: v4", spec: KV_BIAS,
    idx: [b, h, cond(bin("<", q, num(100)), kv, add(kv, num(4)))],
    expect: { class: "contiguous", widthElems: 4, loadsPerVec: 2, why: /not known to be a multiple of 8/ },
  },
  {
    name: "ternary whose condition depends on kv", spec: KV_BIAS,
    idx: [b, h, cond(bin("<", kv, q), kv, kv)],
    expect: G(/condition of .* depends on kv/),
  },
  {
    name: "ternary arms with different kv coefficients", spec: KV_BIAS,
    idx: [b, h, cond(bin("<", q, num(3)), kv, sub(q, kv))],
    expect: G(/arms of .* move with kv differently/),
  },
  {
    name: "a kv-free load in the index is uniform data", spec: KV_BIAS, idx: [b, h, add(kv, mul(num(8), load(7, "t", b, h, q)))],
    expect: { class: "contiguous", widthElems: 8, loadsPerVec: 1, why: null },
  },
  {
    name: "a kv-dependent load in the index: data-dependent gather", spec: KV_BIAS, idx: [b, h, load(7, "t", b, h, kv)],
    expect: G(/depends on kv: data-dependent/),
  },
  {
    name: "u8 table, V = 64, align 32, sm100: v32, 2 loads", spec: { dtype: "u8", shape: ["KV"], align: 32 }, idx: [kv], V: 64,
    expect: { class: "contiguous", widthElems: 32, loadsPerVec: 2, why: null, obligations: ["t.data_ptr() % 32 == 0", "KV % 64 == 0"] },
  },
  {
    name: "padded unit dim: in-bounds obligation", spec: { shape: ["B", "KVP"], align: 16, divisible: { KVP: 8 } }, idx: [b, kv],
    expect: { class: "contiguous", widthElems: 8, loadsPerVec: 1, why: null,
      obligations: ["t.data_ptr() % 16 == 0", "t.stride(0) % 8 == 0", "t: kv < KVP (dim 1) for every kv up to KV rounded up to a multiple of 8"] },
  },
];

describe("classify one load", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_n, c) => check(c));
});

describe("scopes: consts and branches", () => {
  const t = tensorFact("t", KV_BIAS);
  const widthOf = (body: Stmt[]): LoadFact => classify({ tensors: [t], body }).loads[0];

  it("resolves a const chain", () => {
    const l = widthOf([konst("j", add(kv, num(0))), konst("k", local("j")), ret(add(s, load(0, "t", b, h, local("k"))))]);
    expect([l.class, l.widthElems]).toEqual(["contiguous", 8]);
  });
  it("resolves a const declared inside an if-branch", () => {
    const l = widthOf([iff(bin("<", q, num(4)), [konst("j", sub(q, kv)), ret(add(s, load(0, "t", b, h, local("j"))))], [ret(s)])]);
    expect(l.class).toBe("gather");
    expect(l.why).toMatch(/coefficient -1/);
  });
  it("uses the innermost binding when a branch shadows a name", () => {
    const body = [
      konst("j", kv),
      iff(bin("<", q, num(4)), [konst("j", mul(kv, num(2))), ret(add(s, load(0, "t", b, h, local("j"))))], [ret(add(s, load(1, "t", b, h, local("j"))))]),
    ];
    const r = classify({ tensors: [t], body });
    expect(r.loads.map((l) => [l.class, l.widthElems])).toEqual([["gather", 1], ["contiguous", 8]]);
  });
  it("an unresolvable local is a gather, never contiguous", () => {
    const l = widthOf([ret(add(s, load(0, "t", b, h, local("nope"))))]);
    expect(l.class).toBe("gather");
    expect(l.why).toMatch(/cannot see the binding of nope/);
  });
  it("a const bound to a clamp stays a gather through the binding", () => {
    const l = widthOf([konst("c", call("min", kv, num(255))), ret(add(s, load(0, "t", b, h, local("c"))))]);
    expect(l.why).toMatch(/clamps kv/);
  });
});

describe("load facts", () => {
  it("table indexed by another tensor's value: outer gather, inner contiguous", () => {
    const bucket = tensorFact("bucket", { dtype: "i32", shape: ["B", "KV"], align: 16, divisible: { KV: 8 } });
    const table = tensorFact("table", { shape: ["H", 64] });
    const r = classify({ tensors: [bucket, table], body: [ret(add(s, load(0, "table", h, load(1, "bucket", b, kv))))] });
    expect(r.loads.map((l) => [l.tensor, l.class, l.widthElems, l.loadsPerVec])).toEqual([
      ["table", "gather", 1, 8], ["bucket", "contiguous", 4, 2],
    ]);
    expect(r.loads[1].why).toMatch(/align is 16 B; a 32 B load \(v8\) needs align: 32/);
  });
  it("an unknown tensor and a wrong rank are gathers", () => {
    const t = tensorFact("t", KV_BIAS);
    const r = classify({ tensors: [t], body: [ret(add(s, add(load(0, "zz", kv), load(1, "t", kv))))] });
    expect(r.loads.map((l) => [l.class, l.widthElems])).toEqual([["gather", 1], ["gather", 1]]);
    expect(r.loads[0].why).toMatch(/not a declared tensor/);
    expect(r.loads[1].why).toMatch(/1 indices for a rank-3 tensor/);
  });
  it("proof explains a contiguous width step by step", () => {
    const l = oneLoad(KV_BIAS, [b, h, kv]).loads[0];
    expect(l.proof).toEqual([
      "index 0 = b (dim B, stride H*KV)",
      "index 1 = h (dim H, stride KV)",
      "index 2 = kv (dim KV, stride 1)",
      "kv enters only dim 2 (stride 1) with coefficient +1: contiguous",
      "width cap v8: V = 8; fa4-sm100 loads at most 32 B = 16 × 2 B",
      "align 16 B is a multiple of 16 B",
      "lane 0 of dim 2 is kv0 + 0; 0 ≡ 0 mod 8",
      "dim 0: b × stride H*KV is a multiple of 8 (KV % 8 == 0 declared)",
      "dim 1: h × stride KV is a multiple of 8 (KV % 8 == 0 declared)",
      "kv0 % 8 == 0 (tile contract), so kv0 % 8 == 0",
      "tail: KV % 8 == 0 (checked before launch)",
      "→ v8 · 16 B · 1 load / 8 scores",
    ]);
  });
  it("a file-wide fact declared on another tensor counts", () => {
    const l = oneLoad({ shape: ["B", "H", "KV"], align: 16 }, [b, h, kv], { divisible: { KV: 16 } }).loads[0];
    expect(l.widthElems).toBe(8);
  });
  it("an odd declared factor does not help", () => {
    const l = oneLoad({ shape: ["B", "H", "KV"], align: 16, divisible: { KV: 12 } }, [b, h, kv]).loads[0];
    expect(l.widthElems).toBe(4);
    expect(l.why).toMatch(/declare KV % 24 == 0/);
  });
});

describe("robustness: odd input never throws and never widens", () => {
  const odd: [string, Partial<import("../../../server/src/analysis/facts").TensorFact>][] = [
    ["element size 0", { elemBytes: 0 }],
    ["align NaN", { align: Number.NaN }],
    ["align 0", { align: 0 }],
    ["strides missing", { strides: [] }],
    ["unit dim out of range", { unitStrideDim: 7 }],
  ];
  it.each(odd)("%s", (_n, patch) => {
    const t = { ...tensorFact("t", { shape: ["B", "H", "KV"], align: 16, divisible: { KV: 8 } }), ...patch };
    const r = classify({ tensors: [t], body: [ret(add(s, load(0, "t", b, h, kv)))] });
    expect(r.loads).toHaveLength(1);
    const l = r.loads[0];
    expect(Number.isFinite(l.widthBytes) && l.widthBytes >= 1).toBe(true);
    if (patch.strides || patch.unitStrideDim !== undefined) expect(l.widthElems).toBe(1);
  });
  it.each([
    ["a huge constant", add(kv, num(2 ** 60))],
    ["a huge product", mul(mul(mul(kv, num(2 ** 30)), num(2 ** 30)), num(2 ** 30))],
    ["a float constant", add(kv, num(0.5))],
    ["NaN", add(kv, num(Number.NaN))],
    ["the score as an index", add(kv, s)],
    ["a bool", add(kv, { k: "bool", value: true, ty: "bool", range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } as Expr)],
  ])("%s in an index", (_n, e) => {
    const l = oneLoad(KV_BIAS, [b, h, e]).loads[0];
    expect(l.widthElems).toBe(1);
  });
  it("a mod with no loads and no body still estimates registers", () => {
    const r = classify({ tensors: [], body: [], V: 2 });
    expect(r.loads).toEqual([]);
    expect(r.registers).toEqual({ estimate: 160, budget: 255 });
    expect(r.diagnostics).toEqual([]);
  });
});

describe("obligations follow the proof", () => {
  it("an index that is itself a multiple of w needs nothing from its stride", () => {
    const spec: TensorSpec = { shape: ["R", "N"], align: 16, strides: [[{ c: 1, vars: ["LD"] }], [{ c: 1, vars: [] }]] };
    const l = oneLoad(spec, [mul(num(4), q), kv]).loads[0];
    expect(l.widthElems).toBe(4);
    expect(l.obligations.map((o) => o.text)).toEqual(["t.data_ptr() % 8 == 0", "t: kv < N (dim 1) for every kv up to KV rounded up to a multiple of 8"]);
    const l2 = oneLoad(spec, [mul(num(2), q), kv], { divisible: { LD: 4 } }).loads[0];
    expect(l2.widthElems).toBe(8);
    expect(l2.obligations.map((o) => [o.kind, o.value])).toEqual([["ptr-align", 16], ["stride-multiple", 4], ["in-bounds", 8]]);
  });
});

describe("guarded loads: hoisted and widened loads must be in bounds whatever the condition", () => {
  const bias = tensorFact("t", KV_BIAS);
  const padded = tensorFact("p", { shape: ["B", "N"], align: 16, divisible: { N: 8 } });
  const small = tensorFact("u", { dtype: "f32", shape: ["N"] });
  const one = (body: Stmt[], tensors = [bias, padded, small]): LoadFact => classify({ tensors, body }).loads[0];
  const lt = (x: Expr, y: Expr): Expr => bin("<", x, y);

  it("causal + kv-bias in a ternary arm stays contiguous (b in B, h in H, kv in KV)", () => {
    const l = one([ret(cond(bin("<=", kv, q), add(s, load(0, "t", b, h, kv)), num(-1e30)))]);
    expect([l.class, l.widthElems]).toEqual(["contiguous", 8]);
  });
  it("a bounds guard on a padded dim makes the load per-lane", () => {
    const l = one([ret(cond(lt(kv, dim("N")), add(s, load(0, "p", b, kv)), s))]);
    expect(l.class).toBe("gather");
    expect(l.widthElems).toBe(1);
    expect(l.why).toMatch(/runs only under a condition, and index 1 = kv is not provably inside dim 1 \(N\)/);
  });
  it("kv + 8 guarded by kv + 8 < KV is per-lane", () => {
    const l = one([iff(lt(add(kv, num(8)), dim("KV")), [ret(add(s, load(0, "t", b, h, add(kv, num(8)))))], [ret(s)])]);
    expect(l.class).toBe("gather");
  });
  it("a uniform load guarded by q < N is per-lane (a hoisted load would read u[q] for every q)", () => {
    const l = one([ret(bin("&&", lt(q, dim("N")), bin(">", load(0, "u", q), num(0))))]);
    expect(l.class).toBe("gather");
  });
  it("a load after an if that may return is guarded too", () => {
    const l = one([iff(lt(q, kv), [ret(s)], []), ret(add(s, load(0, "p", b, kv)))]);
    expect(l.class).toBe("gather");
  });
  it("the same load before the if, or unguarded, keeps its width", () => {
    expect(one([konst("x", load(0, "p", b, kv)), iff(lt(q, kv), [ret(s)], []), ret(add(s, local("x")))]).widthElems).toBe(8);
    expect(one([ret(add(s, load(0, "p", b, kv)))]).widthElems).toBe(8);
  });
  it("constant indices inside a numeric dim are in bounds", () => {
    const table = tensorFact("c", { dtype: "f32", shape: [4, "KV"], align: 16, divisible: { KV: 8 } });
    const l = one([ret(cond(lt(q, kv), add(s, load(0, "c", num(3), kv)), s))], [table]);
    expect([l.class, l.widthElems]).toEqual(["contiguous", 4]);
    const l2 = one([ret(cond(lt(q, kv), add(s, load(0, "c", num(4), kv)), s))], [table]);
    expect(l2.class).toBe("gather");
  });
});

describe("steady groups outside the moving index", () => {
  it("a row chosen by idiv(kv, 64) with kv % 64 along it: contiguous within a call, never staged", () => {
    const spec: TensorSpec = { dtype: "i32", shape: ["R", 64], align: 16 };
    const idx = [call("idiv", kv, num(64)), bin("%", kv, num(64))];
    const l = oneLoad(spec, idx, { V: 8, target: "runner-sm80" }).loads[0]!;
    expect({ class: l.class, widthElems: l.widthElems }).toEqual({ class: "contiguous", widthElems: 4 });
    expect(l.proof.join("\n")).toMatch(/consecutive within the call/);
    const hopper = oneLoad(spec, idx, { V: 2, target: "runner-hopper" }).loads[0]!;
    expect(hopper.class).toBe("contiguous");
    expect(hopper.staging).toBeNull();
    expect(hopper.stagingWhy).toMatch(/jumps every 64 kv/);
  });
});

describe("grouped loads at V = 1", () => {
  it("suggest the vecSize at which a call's lanes share one element (within what FA4 takes for the mod)", () => {
    const spec: TensorSpec = { dtype: "i32", shape: ["B", "W"], align: 16 };
    const l = oneLoad(spec, [b, call("idiv", kv, num(32))], { V: 1 }).loads[0]!;
    expect({ class: l.class, widthElems: l.widthElems, loadsPerVec: l.loadsPerVec }).toEqual({ class: "grouped", widthElems: 1, loadsPerVec: 1 });
    expect(l.why).toMatch(/at vecSize: 32 a call's 32 lanes lie in one run of 32 and share one load/);
    expect(JSON.stringify(l.fix)).toMatch(/"newText":"32"/);
    // Runs not aligned to any call wider than one lane: nothing to suggest.
    expect(oneLoad(spec, [b, call("idiv", add(kv, num(1)), num(32))], { V: 1 }).loads[0]!.why).toBeNull();
  });
});
