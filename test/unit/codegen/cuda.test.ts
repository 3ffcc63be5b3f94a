// The CUDA generator on hand-built facts: structure, line mapping, tables, loads as classified,
// V-independent lane math, expression semantics and clear errors.
import { describe, expect, it } from "vitest";
import type { Expr } from "../../../server/src/analysis/ir";
import { CodegenError, generateCuda } from "../../../server/src/codegen/cuda";
import { emitExpr, floatLit, type CExprCtx } from "../../../server/src/codegen/cudaExpr";
import { paramTables } from "../../../server/src/codegen/tables";
import { arg, at, bin, call, dim, file, load, loadFact, mod, num, ret, sample, tensor } from "./handBuilt";

const ctx: CExprCtx = { arg: (r) => r, local: (n) => `v_${n}`, dim: (d) => `D_${d}`, scalar: (s) => `S_${s}`, load: () => "LD" };
const c = (e: Expr) => emitExpr(e, ctx);

describe("generateCuda structure", () => {
  const fa = sample(8);
  const g = generateCuda(fa, "relpos");

  it("names and signatures follow the ABI", () => {
    expect(g.functionName).toBe("sm_relpos_v8");
    expect(g.code).toContain("__device__ __forceinline__ void sm_relpos_v8(float (&s)[8], int b, int h, int q, int kv0, const SmParams& p) {");
    expect(generateCuda(fa, "document").code).toContain("void sm_document_v8(bool (&keep)[8], int b, int h, int q, int kv0, const SmParams& p) {");
    expect(g.code).toContain('#include "scoremod_abi.cuh"');
    expect(g.kernel).toContain('extern "C" __global__ void sm_proof_relpos_v8(');
  });

  it("puts a #line for the right source line before every mapped statement", () => {
    const lines = g.text.split("\n");
    expect(g.lineMap.length).toBeGreaterThan(5);
    for (const m of g.lineMap) {
      expect(lines[m.genLine - 2]).toBe(`#line ${m.srcLine} "sample.scoremod.ts"`);
      expect(lines[m.genLine - 1]!.startsWith("#")).toBe(false);
    }
    // The gather sits on source line 12 (0-based 11) and its load statement maps there.
    const ld = g.lineMap.find((m) => lines[m.genLine - 1]!.includes("p.aux[1].data"))!;
    expect(ld.srcLine).toBe(12);
    // The proof kernel is attributed to the generated file, not to the source.
    expect(g.text).toMatch(/#line \d+ "sample\.relpos\.fa4-sm100\.v8\.cu"\nextern "C"/);
  });

  it("returns the tables: dims, aux in declaration order, loads as emitted", () => {
    expect(g.dims).toEqual(["B", "H", "Q", "KV"]);
    expect(g.aux.map((a) => [a.slot, a.name, a.dtype])).toEqual([[0, "kvBias", "bf16"], [1, "rel", "f32"], [2, "slope", "f32"], [3, "docId", "i32"]]);
    expect(g.loads).toEqual([
      { id: 1, srcLine: 12, tensor: "rel", class: "gather", elemBytes: 4, widthBytes: 4, instructions: 8, sameAs: null },
      { id: 2, srcLine: 12, tensor: "slope", class: "uniform", elemBytes: 4, widthBytes: 4, instructions: 1, sameAs: null },
    ]);
  });

  it("issues contiguous loads at the classified width: V / w raw loads of w elements", () => {
    const d = generateCuda(fa, "document");
    expect(d.code).toContain("for (int c = 0; c < 2; ++c) sm_unpack_i32<4>(*reinterpret_cast<const uint4*>(a4 + (o4 + c * 4) * 4), &ld4[c * 4]);");
    const k = generateCuda(fa, "biased");
    expect(k.code).toContain("sm_unpack_bf16<8>(*reinterpret_cast<const uint4*>(");
    // Narrower when the analysis says so (alignment not proven): scalar raw loads per lane.
    const narrow = generateCuda(sample(8, "fa4-sm100", 1), "biased");
    expect(narrow.code).toContain("for (int c = 0; c < 8; ++c) sm_unpack_bf16<1>(*reinterpret_cast<const unsigned short*>(");
    expect(narrow.loads[0]).toMatchObject({ widthBytes: 2, instructions: 8 });
  });

  it("checks every index of every load under SM_BOUNDS_CHECK, including a vector chunk's last lane", () => {
    const d = generateCuda(fa, "document").code;
    expect(d).toContain("#ifdef SM_BOUNDS_CHECK");
    expect(d).toContain("SM_CHECK_INDEX(4, 0, x4_0, p.dims[0], b, h, q, kv0) && SM_CHECK_INDEX(4, 1, x4_1, p.dims[3], b, h, q, kv0) && SM_CHECK_INDEX(4, 1, x4_1 + 7, p.dims[3], b, h, q, kv0 + 7)");
    expect(g.code).toContain("SM_CHECK_INDEX(1, 0, x0, 512LL, b, h, q, kv)");
  });

  it("lane math does not depend on V (bitwise-identical vectorized and scalar builds)", () => {
    const lane = (V: number) => {
      const t = generateCuda(sample(V, "runner-sm80", Math.min(V, 8)), "relpos").code.replaceAll(`_v${V}`, "_vN");
      return t.slice(t.indexOf("_vN_lane("), t.indexOf("__device__ __forceinline__ void"));
    };
    expect(lane(1)).toBe(lane(8));
    expect(lane(2)).toBe(lane(16));
  });

  it("is deterministic", () => {
    expect(generateCuda(sample(8), "relpos").text).toBe(g.text);
  });

  it("shares one load between identical hoisted reads", () => {
    at(3);
    const t = tensor("bias", "f32", ["H"]);
    const body = [ret(bin("+", load(0, "bias", [arg("h")], "float"), load(1, "bias", [arg("h")], "float")))];
    const m = mod("twice", "score", 2, 4, body, [loadFact(0, "twice", 3, "bias", "uniform", 1, 4, 4), loadFact(1, "twice", 3, "bias", "uniform", 1, 4, 4)]);
    const out = generateCuda(file("t.scoremod.ts", "runner-sm80", [t], [m]), "twice");
    expect(out.loads.map((l) => [l.id, l.instructions, l.sameAs])).toEqual([[0, 1, null], [1, 0, 0]]);
    expect(out.code).toContain("kv0 + i, p, ld0);");
    expect(out.code).toContain("return (u0 + u0);");
  });
});

describe("tables", () => {
  it("orders user dims by first appearance: tensors, then mod bodies", () => {
    at(5);
    const t = tensor("pos", "i32", ["B", "S", "KV"]);
    const m = mod("m", "mask", 4, 1, [ret(bin("<", arg("kv"), dim("W")))], []);
    const tables = paramTables(file("d.scoremod.ts", "runner-sm80", [t], [m]));
    expect(tables.dims).toEqual(["B", "H", "Q", "KV", "S", "W"]);
    const g = generateCuda(file("d.scoremod.ts", "runner-sm80", [t], [m]), "m");
    expect(g.code).toContain("//   p.dims:  [0]=B [1]=H [2]=Q [3]=KV [4]=S [5]=W");
    expect(g.code).toContain("return (kv < ((int)p.dims[5]));");
  });
});

describe("expressions", () => {
  it("int division and remainder truncate (C), `/` is float division", () => {
    at(0);
    expect(c(call("idiv", [arg("q"), num(64)], "int"))).toBe("(q / 64)");
    expect(c(bin("%", arg("kv"), num(3)))).toBe("(kv % 3)");
    expect(c(bin("%", arg("score"), num(2, "float")))).toBe("fmodf(score, 2.0f)");
    expect(c(bin("/", arg("q"), num(2)))).toBe("sm_fdiv(((float)(q)), ((float)(2)))");
    expect(c(call("idiv", [arg("score"), num(2, "float")], "float"))).toBe("truncf(score / 2.0f)");
  });
  it("uses the accurate math functions", () => {
    expect(c(call("tanh", [arg("score")], "float"))).toBe("tanhf(score)");
    expect(c(call("exp", [arg("score")], "float"))).toBe("expf(score)");
    expect(c(call("sigmoid", [arg("score")], "float"))).toBe("(1.0f / (1.0f + expf(-score)))");
    expect(c(call("min", [arg("q"), arg("kv")], "int"))).toBe("min(q, kv)");
    expect(c(call("max", [arg("score"), num(0, "float")], "float"))).toBe("fmaxf(score, 0.0f)");
    expect(c(call("abs", [bin("-", arg("q"), arg("kv"))], "int"))).toBe("abs((q - kv))");
  });
  it("prints float literals that round to the same f32", () => {
    expect(floatLit(0.1)).toBe("0.10000000149011612f");
    expect(floatLit(30)).toBe("30.0f");
    expect(floatLit(-0.5)).toBe("(-0.5f)");
    expect(floatLit(-Infinity)).toBe("(__int_as_float(0xff800000))");
    expect(floatLit(1e39)).toBe("(__int_as_float(0x7f800000))");
  });
});

describe("errors", () => {
  const fa = sample(8);
  it("names the mods when the requested one does not exist", () => {
    expect(() => generateCuda(fa, "nope")).toThrow(/no mod named 'nope' in sample\.scoremod\.ts \(mods: biased, relpos, document\)/);
  });
  it("refuses a mod with errors", () => {
    const bad = sample(8);
    bad.mods[0]!.ok = false;
    expect(() => generateCuda(bad, "biased")).toThrow(CodegenError);
    expect(() => generateCuda(bad, "biased")).toThrow(/cannot be generated until its errors are fixed/);
  });
  it("refuses a V the target does not accept", () => {
    expect(() => generateCuda(sample(8, "fa4-sm90", 8), "biased")).toThrow(/V=8 is not legal on fa4-sm90/);
  });
  it("refuses facts that do not cover V", () => {
    const f = sample(8);
    f.mods[0]!.loads[0]!.loadsPerVec = 3;
    expect(() => generateCuda(f, "biased")).toThrow(/does not cover V=8/);
  });
});
