// The file-wide tables that the generated code and the runner agree on (csrc/kernels/scoremod_abi.cuh):
// which p.dims[] slot holds which symbolic dim, which p.aux[] slot holds which tensor, and which
// p.fscalars[] / p.iscalars[] slot holds which scalar. File-wide, so every mod of a file shares one SmParams.
import type { Expr, Stmt } from "../analysis/ir";
import type { FileAnalysis, TensorFact, ScalarFact } from "../analysis/facts";

export const FIXED_DIMS = ["B", "H", "Q", "KV"] as const;

export interface AuxSlot { slot: number; varName: string; name: string; dtype: TensorFact["dtype"]; elemBytes: number }
export interface ScalarSlot { slot: number; varName: string; name: string; dtype: "f32" | "i32"; array: "fscalars" | "iscalars" }

export interface ParamTables {
  /** dims[i] is the name of the symbolic dim in p.dims[i]. */
  dims: string[];
  aux: AuxSlot[];
  scalars: ScalarSlot[];
}

function polyVars(t: TensorFact): string[] {
  const out: string[] = [];
  for (const d of t.shape) if (typeof d === "string") out.push(d);
  for (const s of t.strides) for (const m of s) out.push(...m.vars);
  return out;
}

function exprDims(e: Expr, out: string[]): void {
  switch (e.k) {
    case "dim": out.push(e.name); return;
    case "load": e.idx.forEach((x) => exprDims(x, out)); return;
    case "unary": exprDims(e.a, out); return;
    case "binary": exprDims(e.a, out); exprDims(e.b, out); return;
    case "call": e.args.forEach((x) => exprDims(x, out)); return;
    case "cond": exprDims(e.c, out); exprDims(e.a, out); exprDims(e.b, out); return;
    default: return;
  }
}

function stmtDims(body: Stmt[], out: string[]): void {
  for (const s of body) {
    if (s.k === "if") { exprDims(s.cond, out); stmtDims(s.then, out); stmtDims(s.else, out); }
    else exprDims(s.value, out);
  }
}

/** Dims: B, H, Q, KV, then user dims in order of first appearance (tensor declarations, then mod bodies). */
export function paramTables(fa: FileAnalysis): ParamTables {
  const seen: string[] = [];
  for (const t of fa.tensors) seen.push(...polyVars(t));
  for (const m of fa.mods) stmtDims(m.body, seen);
  const dims: string[] = [...FIXED_DIMS];
  for (const d of seen) if (!dims.includes(d)) dims.push(d);
  const aux = fa.tensors.map((t, slot): AuxSlot => ({ slot, varName: t.varName, name: t.name, dtype: t.dtype, elemBytes: t.elemBytes }));
  let nf = 0, ni = 0;
  const scalars = fa.scalars.map((s: ScalarFact): ScalarSlot => s.dtype === "f32"
    ? { slot: nf++, varName: s.varName, name: s.name, dtype: s.dtype, array: "fscalars" }
    : { slot: ni++, varName: s.varName, name: s.name, dtype: s.dtype, array: "iscalars" });
  return { dims, aux, scalars };
}

/** ABI capacities (scoremod_abi.cuh). */
export const SM_MAX_AUX = 8, SM_MAX_DIMS = 16, SM_MAX_SCALARS = 8;
