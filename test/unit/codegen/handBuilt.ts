// Hand-built FileAnalysis values: the generator's unit tests must not depend on the frontend's
// extraction, so these spell out the IR and facts directly.
import type { Expr, Range, Stmt, Ty } from "../../../server/src/analysis/ir";
import type { FileAnalysis, LoadFact, ModFact, TensorFact, DTypeName, Poly } from "../../../server/src/analysis/facts";
import type { TargetId } from "../../../server/src/analysis/targets";

export const R = (line: number, c0 = 0, c1 = 1): Range => ({ start: { line, character: c0 }, end: { line, character: c1 } });
const site = { range: null, text: null, props: {}, insertAt: R(0) };
let L = 0;
export const at = (line: number) => { L = line; };
export const num = (value: number, ty: Ty = Number.isInteger(value) ? "int" : "float"): Expr => ({ k: "num", value, ty, range: R(L) });
export const arg = (role: "score" | "b" | "h" | "q" | "kv"): Expr => ({ k: "arg", role, text: role, ty: role === "score" ? "float" : "int", range: R(L) });
export const bin = (op: Extract<Expr, { k: "binary" }>["op"], a: Expr, b: Expr, ty?: Ty): Expr =>
  ({ k: "binary", op, a, b, ty: ty ?? (["<", "<=", ">", ">=", "==", "!=", "&&", "||"].includes(op) ? "bool" : a.ty === "float" || b.ty === "float" || op === "/" ? "float" : "int"), range: R(L) });
export const call = (fn: Extract<Expr, { k: "call" }>["fn"], args: Expr[], ty: Ty): Expr => ({ k: "call", fn, args, ty, range: R(L) });
export const local = (name: string, ty: Ty): Expr => ({ k: "local", name, ty, range: R(L) });
export const dim = (name: string): Expr => ({ k: "dim", name, ty: "int", range: R(L) });
export const ret = (value: Expr): Stmt => ({ k: "return", value, range: R(L) });
export const cnst = (name: string, value: Expr): Stmt => ({ k: "const", name, value, range: R(L) });
export const load = (loadId: number, tensor: string, idx: Expr[], ty: Ty): Expr => ({ k: "load", loadId, tensor, idx, ty, range: R(L, 10, 30) });

const BYTES: Record<DTypeName, number> = { bf16: 2, f16: 2, f32: 4, i32: 4, u8: 1, u32: 4, i64: 8, u16: 2, i8: 1, bool: 1 };
export function tensor(varName: string, dtype: DTypeName, shape: (string | number)[], align = BYTES[dtype], line = 1): TensorFact {
  // Row-major strides as polynomials.
  const strides: Poly[] = shape.map((_, d) => {
    const rest = shape.slice(d + 1);
    const c = rest.filter((x): x is number => typeof x === "number").reduce((a, b) => a * b, 1);
    return [{ c, vars: rest.filter((x): x is string => typeof x === "string") }];
  });
  return { varName, name: varName, dtype, elemBytes: BYTES[dtype], shape, strides, unitStrideDim: shape.length - 1, align,
    alignExplicit: true, divisible: {}, init: null, values: null, range: R(line), options: site };
}
export function loadFact(id: number, mod: string, line: number, tensorVar: string, cls: LoadFact["class"], widthElems: number, elemBytes: number, V: number): LoadFact {
  return { id, mod, range: R(line, 10, 30), tensorVar, tensor: tensorVar, text: `${tensorVar}.at(...)`, class: cls, widthElems,
    widthBytes: widthElems * elemBytes, loadsPerVec: cls === "gather" ? V : cls === "uniform" ? 1 : V / widthElems,
    why: null, fix: null, obligations: [], proof: [] };
}
export function mod(name: string, kind: "score" | "mask", line: number, vecSize: number, body: Stmt[], loads: LoadFact[]): ModFact {
  return { name, kind, range: R(line), nameRange: R(line), vecSize, vecSizeExplicit: true, options: site,
    params: kind === "score" ? ["s", "b", "h", "q", "kv"] : ["b", "h", "q", "kv"], body, loads, registers: { estimate: 0, budget: 255 }, blocking: [], ok: true };
}
export function file(fileName: string, target: TargetId, tensors: TensorFact[], mods: ModFact[]): FileAnalysis {
  return { fileName, target, diagnostics: [], tensors, scalars: [], mods, divisible: {} };
}

/** kv-bias (contiguous bf16), a relative-position gather, a uniform per-head slope, a document mask. */
export function sample(V: number, target: TargetId = "fa4-sm100", widthElems = Math.min(V, 8)): FileAnalysis {
  const tensors = [tensor("kvBias", "bf16", ["B", "H", "KV"], 16, 1), tensor("rel", "f32", [512], 4, 2),
    tensor("slope", "f32", ["H"], 4, 3), tensor("docId", "i32", ["B", "KV"], 16, 4)];
  at(7);
  const biased = mod("biased", "score", 6, V, [ret(bin("+", arg("score"), load(0, "kvBias", [arg("b"), arg("h"), arg("kv")], "float")))],
    [loadFact(0, "biased", 7, "kvBias", "contiguous", widthElems, 2, V)]);
  at(10);
  const c1 = cnst("d", bin("-", arg("q"), arg("kv")));
  at(11);
  const r1 = ret(bin("+", bin("*", arg("score"), load(2, "slope", [arg("h")], "float")),
    load(1, "rel", [bin("+", call("min", [call("abs", [local("d", "int")], "int"), num(255)], "int"), num(256))], "float")));
  const relpos = mod("relpos", "score", 9, V, [c1, r1],
    [loadFact(1, "relpos", 11, "rel", "gather", 1, 4, V), loadFact(2, "relpos", 11, "slope", "uniform", 1, 4, V)]);
  at(14);
  const doc = mod("document", "mask", 13, V, [ret(bin("&&", bin("<=", arg("kv"), arg("q")),
    bin("==", load(3, "docId", [arg("b"), arg("q")], "int"), load(4, "docId", [arg("b"), arg("kv")], "int"))))],
    [loadFact(3, "document", 14, "docId", "uniform", 1, 4, V), loadFact(4, "document", 14, "docId", "contiguous", Math.min(V, 4), 4, V)]);
  return file("sample.scoremod.ts", target, tensors, [biased, relpos, doc]);
}
