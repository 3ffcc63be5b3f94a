// Hand-built IR for classifier unit tests: Expr constructors, TensorFacts with row-major
// strides, options sites, and a one-load classify() wrapper.
import { type ClassifyInput, type ClassifyResult, type RawLoad, classifyMod } from "../../../server/src/analysis/classify";
import type { DTypeName, OptionsSite, Poly, TensorFact } from "../../../server/src/analysis/facts";
import type { ArgRole, BinaryOp, Expr, MathFn, Range, Stmt } from "../../../server/src/analysis/ir";
import { TARGETS, type TargetId } from "../../../server/src/analysis/targets";

export const R: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
export function rng(line: number, a: number, b: number): Range {
  return { start: { line, character: a }, end: { line, character: b } };
}

export const arg = (role: ArgRole): Expr => ({ k: "arg", role, text: role, ty: role === "score" ? "float" : "int", range: R });
export const kv = arg("kv");
export const q = arg("q");
export const b = arg("b");
export const h = arg("h");
export const s = arg("score");
export const num = (value: number): Expr => ({ k: "num", value, ty: Number.isInteger(value) ? "int" : "float", range: R });
export const dim = (name: string): Expr => ({ k: "dim", name, ty: "int", range: R });
export const scalar = (name: string): Expr => ({ k: "scalar", name, ty: "int", range: R });
export const local = (name: string): Expr => ({ k: "local", name, ty: "int", range: R });
export const bin = (op: BinaryOp, a: Expr, c: Expr): Expr => ({
  k: "binary", op, a, b: c, range: R,
  ty: ["<", "<=", ">", ">=", "==", "!=", "&&", "||"].includes(op) ? "bool" : a.ty === "float" || c.ty === "float" ? "float" : "int",
});
export const add = (a: Expr, c: Expr): Expr => bin("+", a, c);
export const sub = (a: Expr, c: Expr): Expr => bin("-", a, c);
export const mul = (a: Expr, c: Expr): Expr => bin("*", a, c);
export const neg = (a: Expr): Expr => ({ k: "unary", op: "-", a, ty: a.ty, range: R });
export const call = (fn: MathFn, ...args: Expr[]): Expr => ({ k: "call", fn, args, ty: "int", range: R });
export const cond = (c: Expr, a: Expr, e: Expr): Expr => ({ k: "cond", c, a, b: e, ty: a.ty, range: R });
export const load = (loadId: number, tensor: string, ...idx: Expr[]): Expr => ({ k: "load", loadId, tensor, idx, ty: "float", range: rng(1, loadId, loadId + 1) });

export const ret = (value: Expr): Stmt => ({ k: "return", value, range: R });
export const konst = (name: string, value: Expr): Stmt => ({ k: "const", name, value, range: R });
export const iff = (c: Expr, then: Stmt[], els: Stmt[]): Stmt => ({ k: "if", cond: c, then, else: els, range: R });

const BYTES: Record<DTypeName, number> = { bf16: 2, f16: 2, f32: 4, i32: 4, u8: 1, u32: 4, i64: 8, u16: 2, i8: 1, bool: 1 };

/** A site for `{ ...text }` on line `line` starting at column 10, with props found by a tiny scan. */
export function site(text: string | null, line = 5): OptionsSite {
  if (text === null) return { range: null, text: null, props: {}, insertAt: rng(line, 40, 40) };
  const props: Record<string, Range> = {};
  // Only flat `key: value` props (values without braces/brackets) and one nested object value.
  const re = /([A-Za-z_]\w*)\s*:\s*(\{[^}]*\}|\[[^\]]*\]|[^,}]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const start = m.index + m[0].length - m[2].length;
    const value = m[2].trimEnd();
    const before = text.slice(0, m.index);
    // Keep top-level keys only (exactly one unclosed brace before the key).
    if ((before.match(/\{/g) ?? []).length - (before.match(/\}/g) ?? []).length !== 1) continue;
    props[m[1]] = rng(line, 10 + start, 10 + start + value.length);
  }
  return { range: rng(line, 10, 10 + text.length), text, props, insertAt: rng(line, 10 + text.length - 1, 10 + text.length - 1) };
}

export interface TensorSpec {
  dtype?: DTypeName;
  shape: (string | number)[];
  align?: number;
  /** Explicit strides; default row-major. */
  strides?: Poly[];
  divisible?: Record<string, number>;
  options?: string | null;
}

/** Row-major strides as Polys: the last dim is 1, each other the product of the dims after it. */
export function rowMajor(shape: (string | number)[]): Poly[] {
  const out: Poly[] = [];
  let c = 1;
  let vars: string[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = [{ c, vars: [...vars] }];
    const x = shape[d];
    if (typeof x === "number") c *= x; else vars = [x, ...vars];
  }
  return out;
}

export function tensorFact(varName: string, spec: TensorSpec): TensorFact {
  const dtype = spec.dtype ?? "bf16";
  const strides = spec.strides ?? rowMajor(spec.shape);
  const unit = strides.findIndex((p) => p.length === 1 && p[0].c === 1 && p[0].vars.length === 0);
  return {
    varName, name: varName, dtype, elemBytes: BYTES[dtype], shape: spec.shape, strides,
    unitStrideDim: unit < 0 ? null : unit, align: spec.align ?? BYTES[dtype], alignExplicit: spec.align !== undefined,
    divisible: spec.divisible ?? {}, init: undefined, values: null, range: R,
    options: site(spec.options === undefined ? `{ align: ${spec.align ?? BYTES[dtype]} }` : spec.options),
  };
}

export interface CaseInput {
  tensors: TensorFact[];
  /** The loads in body order; their ids are their positions. */
  body: Stmt[];
  V?: number;
  target?: TargetId;
  divisible?: Record<string, number>;
  modOptions?: string | null;
}

/** Collects every load node of the body as a RawLoad (as the frontend would). */
export function rawLoads(body: Stmt[]): RawLoad[] {
  const out = new Map<number, RawLoad>();
  const visit = (e: Expr): void => {
    if (e.k === "load" && !out.has(e.loadId)) {
      out.set(e.loadId, { id: e.loadId, range: e.range, tensorVar: e.tensor, text: `load${e.loadId}`, idx: e.idx });
    }
    const kids: Expr[] = e.k === "load" ? e.idx : e.k === "unary" ? [e.a] : e.k === "binary" ? [e.a, e.b]
      : e.k === "call" ? e.args : e.k === "cond" ? [e.c, e.a, e.b] : [];
    kids.forEach(visit);
  };
  const walk = (ss: Stmt[]): void => {
    for (const st of ss) {
      if (st.k === "const") visit(st.value);
      else if (st.k === "return") visit(st.value);
      else { visit(st.cond); walk(st.then); walk(st.else); }
    }
  };
  walk(body);
  return [...out.values()].sort((x, y) => x.id - y.id);
}

export function classify(c: CaseInput): ClassifyResult {
  const divisible: Record<string, number> = { ...(c.divisible ?? {}) };
  for (const t of c.tensors) for (const [k, v] of Object.entries(t.divisible)) divisible[k] = Math.max(divisible[k] ?? 1, v);
  const input: ClassifyInput = {
    mod: "m", body: c.body, loads: rawLoads(c.body), tensors: c.tensors, divisible,
    target: TARGETS[c.target ?? "fa4-sm100"], vecSize: c.V ?? 8, vecSizeExplicit: c.V !== undefined,
    options: site(c.modOptions === undefined ? `{ vecSize: ${c.V ?? 8} }` : c.modOptions, 9), modRange: rng(9, 0, 80),
  };
  return classifyMod(input);
}

/** One load `t.at(...idx)` of tensor `t` returned as the score. */
export function oneLoad(spec: TensorSpec, idx: Expr[], opts: Omit<CaseInput, "tensors" | "body"> = {}): ClassifyResult {
  return classify({ tensors: [tensorFact("t", spec)], body: [ret(add(s, load(0, "t", ...idx)))], ...opts });
}
