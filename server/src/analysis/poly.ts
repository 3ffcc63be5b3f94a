// Divisibility reasoning over symbolic strides (TensorFact.strides are Poly).
// Every width the classifier proves is a power of two, so "x is a multiple of w" only needs the
// 2-adic valuation of x: v2(x) >= log2(w). Tracking valuations (not products of divisors) keeps
// the arithmetic exact with no overflow, however many symbols a monomial multiplies.
import type { Poly } from "./facts";

/** The valuation of zero: zero is a multiple of every width. */
export const V2_ZERO = Number.POSITIVE_INFINITY;

/** 2-adic valuation of an integer: the exponent of the largest power of two dividing n. */
export function v2(n: number): number {
  if (!Number.isSafeInteger(n)) return 0;
  if (n === 0) return V2_ZERO;
  let x = Math.abs(n);
  let k = 0;
  while (x % 2 === 0) { x /= 2; k++; }
  return k;
}

/** Exact for every safe integer: not `n & (n - 1)`, which truncates to 32 bits (3 * 2^31 would pass). */
export function isPow2(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** Largest power of two <= n (1 for n < 2). */
export function pow2Floor(n: number): number {
  if (!(n >= 2) || !Number.isFinite(n)) return 1;
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/** Largest power of two dividing n (1 when n is not a positive integer). */
export function pow2Dividing(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) return 1;
  return 2 ** v2(n);
}

/** The declared fact `dim % n == 0` as n; 1 (no information) unless n is a positive safe integer. */
export function factValue(divisible: Record<string, number>, dim: string): number {
  if (!Object.prototype.hasOwnProperty.call(divisible, dim)) return 1;
  const n = divisible[dim];
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 1 ? n : 1;
}

export function factV2(divisible: Record<string, number>, dim: string): number {
  return v2(factValue(divisible, dim));
}

/** Valuation of one monomial c * x1 * x2 ...: v2(c) + sum of the declared facts' valuations. */
export function monoV2(m: { c: number; vars: string[] }, divisible: Record<string, number>): number {
  if (m.c === 0) return V2_ZERO;
  let k = v2(m.c);
  for (const x of m.vars) k += factV2(divisible, x);
  return k;
}

/** Provable valuation of a sum: the minimum over its monomials (a sufficient condition). */
export function polyV2(p: Poly, divisible: Record<string, number>): number {
  let k = V2_ZERO;
  for (const m of p) k = Math.min(k, monoV2(m, divisible));
  return k;
}

/** True when every value the polynomial can take is provably a multiple of w (a power of two). */
export function polyMultipleOf(p: Poly, w: number, divisible: Record<string, number>): boolean {
  return polyV2(p, divisible) >= Math.log2(w);
}

export function isUnitPoly(p: Poly): boolean {
  const nz = p.filter((m) => m.c !== 0);
  return nz.length === 1 && nz[0].c === 1 && nz[0].vars.length === 0;
}

export function isZeroPoly(p: Poly): boolean {
  return p.every((m) => m.c === 0);
}

/** "H*KV", "8", "2*KV + 4", "0". */
export function formatPoly(p: Poly): string {
  const parts: string[] = [];
  for (const m of p) {
    if (m.c === 0) continue;
    const vars = m.vars.join("*");
    const mag = Math.abs(m.c);
    const body = vars === "" ? String(mag) : mag === 1 ? vars : `${mag}*${vars}`;
    if (parts.length === 0) parts.push(m.c < 0 ? `-${body}` : body);
    else parts.push(m.c < 0 ? `- ${body}` : `+ ${body}`);
  }
  return parts.length === 0 ? "0" : parts.join(" ");
}

/**
 * The divisibility facts that would make `p` a multiple of w: for each monomial that falls short,
 * raise the fact on its last symbol (the innermost dim, KV in H*KV) just enough. Null when some
 * monomial has no symbol to declare a fact about (a numeric stride that is not a multiple of w).
 */
export function factsToMakeMultiple(p: Poly, w: number, divisible: Record<string, number>): Record<string, number> | null {
  const need = Math.log2(w);
  const out: Record<string, number> = {};
  for (const m of p) {
    const have = monoV2(m, divisible);
    if (have >= need) continue;
    if (m.vars.length === 0) return null;
    const x = m.vars[m.vars.length - 1];
    // Keep any odd factor the user declared (KV: 24 stays a multiple of 3).
    const declared = factValue(divisible, x);
    const proposed = declared * 2 ** (need - have);
    out[x] = Math.max(out[x] ?? 1, proposed);
  }
  return out;
}
