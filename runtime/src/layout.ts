// Tensor layouts: resolving symbolic dims and stride expressions ("H*KV") to numbers, and the
// default row-major / leading-dim strides. The one place that rule lives: the DSL's declaration
// checks, sample.ts and the analysis (extract-decls.ts, through strideMonomial) all read it.
import type { Dim, TensorOptions } from "../index";

export type DimValues = Readonly<Record<string, number>>;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isDimName(s: string): boolean {
  return IDENT.test(s);
}

/** The factors of a stride expression: numbers and dim names joined by `*`. Throws on bad syntax. */
export function parseStrideExpr(expr: number | string): (number | string)[] {
  if (typeof expr === "number") {
    if (!Number.isInteger(expr) || expr < 0) throw new Error(`stride ${expr} must be a non-negative integer`);
    return [expr];
  }
  const parts = expr.split("*").map((p) => p.trim());
  return parts.map((p) => {
    if (/^[0-9]+$/.test(p)) return Number(p);
    if (isDimName(p)) return p;
    throw new Error(`stride "${expr}" must be a product of integers and dim names, e.g. "H*KV"`);
  });
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
 * Symbolic strides (in elements) of a declaration, as products of dims: explicit `strides`
 * as written, else row-major with `leadingDim` (default: last) moved innermost.
 */
export function symbolicStrides(shape: readonly Dim[], options: TensorOptions): (number | string)[][] {
  if (options.strides) return options.strides.map(parseStrideExpr);
  const rank = shape.length;
  const lead = options.leadingDim ?? rank - 1;
  const order = [...Array(rank).keys()].filter((i) => i !== lead);
  order.push(lead); // memory order, outermost first
  const out: (number | string)[][] = new Array(rank);
  let acc: (number | string)[] = [];
  for (let k = order.length - 1; k >= 0; k--) {
    const dimIdx = order[k]!;
    out[dimIdx] = acc.length ? [...acc] : [1];
    acc = [...acc, shape[dimIdx]!];
  }
  return out;
}

/** A stride's factors as one monomial (coefficient, dim names sorted): the analysis's Poly term. */
export function strideMonomial(factors: readonly (number | string)[]): { c: number; vars: string[] } {
  let c = 1;
  const vars: string[] = [];
  for (const f of factors) {
    if (typeof f === "number") c *= f;
    else vars.push(f);
  }
  return { c, vars: vars.sort() };
}

/** Numeric strides (elements) of a declaration for concrete dim values. */
export function resolveStrides(shape: readonly Dim[], options: TensorOptions, dims: DimValues, what: string): number[] {
  return symbolicStrides(shape, options).map((factors) =>
    factors.reduce<number>((p, f) => p * (typeof f === "number" ? f : resolveDim(f, dims, what)), 1));
}

/** Elements the allocation spans: 1 + the largest offset any in-range index reaches. */
export function allocationElements(shape: readonly number[], strides: readonly number[]): number {
  let maxOff = 0;
  for (let i = 0; i < shape.length; i++) maxOff += (shape[i]! - 1) * strides[i]!;
  return maxOff + 1;
}
