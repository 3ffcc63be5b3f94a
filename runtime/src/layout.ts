// Tensor layouts: resolving symbolic dims and stride expressions ("H*KV") to numbers, and the
// default row-major / leading-dim strides. The one place that rule lives: the DSL's declaration
// checks, sample.ts and the analysis (extract-decls.ts) all read it.
import type { Dim, TensorOptions } from "../index";

export type DimValues = Readonly<Record<string, number>>;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isDimName(s: string): boolean {
  return IDENT.test(s);
}

/**
 * A stride as a polynomial in the dims: terms `c * dims...` (dim names sorted, like terms merged,
 * zero terms dropped). The analysis's Poly has this shape and reads strides through here.
 */
export type StridePoly = { c: number; vars: string[] }[];

function canonical(acc: Map<string, number>): StridePoly {
  const out: StridePoly = [];
  for (const [key, c] of acc) if (c !== 0) out.push({ c, vars: key ? key.split("*") : [] });
  return out;
}

/**
 * Parses a stride: a non-negative integer, or a sum of products of integers and dim names such as
 * "H*KV" or "2*KV + 8" (a padded row). Throws on anything else.
 */
export function parseStride(expr: number | string): StridePoly {
  if (typeof expr === "number") {
    if (!Number.isSafeInteger(expr) || expr < 0) throw new Error(`stride ${expr} must be a non-negative integer`);
    return canonical(new Map([["", expr]]));
  }
  const acc = new Map<string, number>();
  for (const term of expr.split("+")) {
    let c = 1;
    const vars: string[] = [];
    for (const f of term.split("*").map((x) => x.trim())) {
      if (/^[0-9]+$/.test(f)) c *= Number(f);
      else if (isDimName(f)) vars.push(f);
      else throw new Error(`stride "${expr}" must be a sum of products of integers and dim names, e.g. "H*KV" or "2*KV + 8"`);
    }
    const key = vars.sort().join("*");
    acc.set(key, (acc.get(key) ?? 0) + c);
  }
  return canonical(acc);
}

/** The value of a dim; symbolic dims must be bound in `dims`. */
export function resolveDim(d: Dim, dims: DimValues, what: string): number {
  if (typeof d === "number") return d;
  const v = dims[d];
  if (v === undefined) {
    const known = Object.keys(dims);
    throw new Error(`${what}: dim "${d}" has no value (bound: ${known.length ? known.join(", ") : "none"})`);
  }
  if (!Number.isInteger(v) || v < 1) throw new Error(`${what}: dim "${d}" = ${v} must be a positive integer`);
  return v;
}

export function resolveShape(shape: readonly Dim[], dims: DimValues, what: string): number[] {
  return shape.map((d) => resolveDim(d, dims, what));
}

/**
 * Symbolic strides (in elements) of a declaration: explicit `strides` as written, else row-major
 * with `leadingDim` (default: last) moved innermost.
 */
export function symbolicStrides(shape: readonly Dim[], options: TensorOptions): StridePoly[] {
  if (options.strides) return options.strides.map(parseStride);
  const rank = shape.length;
  const lead = options.leadingDim ?? rank - 1;
  const order = [...Array(rank).keys()].filter((i) => i !== lead);
  order.push(lead); // memory order, outermost first
  const out: StridePoly[] = new Array(rank);
  let c = 1;
  let vars: string[] = [];
  for (let k = order.length - 1; k >= 0; k--) {
    const dimIdx = order[k]!;
    out[dimIdx] = [{ c, vars: [...vars].sort() }];
    const d = shape[dimIdx]!;
    if (typeof d === "number") c *= d;
    else vars = [...vars, d];
  }
  return out;
}

/** Numeric strides (elements) of a declaration for concrete dim values. */
export function resolveStrides(shape: readonly Dim[], options: TensorOptions, dims: DimValues, what: string): number[] {
  return symbolicStrides(shape, options).map((poly) =>
    poly.reduce((sum, t) => sum + t.vars.reduce((p, v) => p * resolveDim(v, dims, what), t.c), 0));
}

/** Elements the allocation spans: 1 + the largest offset any in-range index reaches. */
export function allocationElements(shape: readonly number[], strides: readonly number[]): number {
  let maxOff = 0;
  for (let i = 0; i < shape.length; i++) maxOff += (shape[i]! - 1) * strides[i]!;
  return maxOff + 1;
}

/** Whether the strides are the shape's dense row-major ones (a size-1 dim may have any stride). */
export function isRowMajor(shape: readonly number[], strides: readonly number[]): boolean {
  let expect = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d]! > 1 && strides[d] !== expect) return false;
    expect *= shape[d]!;
  }
  return true;
}
