// Polynomials over the file's dims (each >= 1) and int scalars (any sign), for index bounds that
// hold at every size (symBounds.ts). A monomial is its factors' names joined by "*" in sorted
// order ("" is the constant); a scalar's name carries a "$" prefix so it cannot meet a dim's.

export type SPoly = ReadonlyMap<string, number>;

const EPS = 1e-9;
// Bounds past these are dropped (a value keeps its other bounds, or none): dropping a bound only
// loses precision, and the size of products and of the expansion in nonneg stays small.
const MAX_TERMS = 24, MAX_DEGREE = 3;

/** Small enough to keep, and every coefficient a finite number. */
export function keepable(p: SPoly): boolean {
  if (p.size > MAX_TERMS) return false;
  for (const [k, c] of p) if (!Number.isFinite(c) || (k && k.split("*").length > MAX_DEGREE)) return false;
  return true;
}

export function constPoly(c: number): SPoly { return new Map([["", c]]); }
export function symPoly(name: string): SPoly { return new Map([[name, 1]]); }

function put(m: Map<string, number>, k: string, c: number): void {
  const v = (m.get(k) ?? 0) + c;
  if (Math.abs(v) < EPS) m.delete(k); else m.set(k, v);
}

export function addP(a: SPoly, b: SPoly): SPoly {
  const m = new Map(a);
  for (const [k, c] of b) put(m, k, c);
  return m;
}

export function scaleP(a: SPoly, s: number): SPoly {
  const m = new Map<string, number>();
  if (s !== 0) for (const [k, c] of a) m.set(k, c * s);
  return m;
}

export const subP = (a: SPoly, b: SPoly): SPoly => addP(a, scaleP(b, -1));

const joinKey = (a: string, b: string) => [...(a ? a.split("*") : []), ...(b ? b.split("*") : [])].sort().join("*");

export function mulP(a: SPoly, b: SPoly): SPoly {
  const m = new Map<string, number>();
  for (const [ka, ca] of a) for (const [kb, cb] of b) put(m, joinKey(ka, kb), ca * cb);
  return m;
}

/** The constant, when the polynomial is one. */
export function constOf(a: SPoly): number | null {
  for (const k of a.keys()) if (k !== "") return null;
  return a.get("") ?? 0;
}

/**
 * Whether p >= 0 for every dim >= 1 and every scalar value. Scalars have no sign, so any scalar
 * term left undecides it. Dims: substitute D = 1 + x (x >= 0) and expand; p is nonnegative when
 * every coefficient of the expansion is (sufficient, and exact for affine p).
 */
export function nonneg(p: SPoly): boolean {
  // Affine in dims (the usual case): every coefficient >= 0 and the value at all dims = 1 >= 0.
  let sum = 0, affine = true;
  for (const [k, c] of p) {
    if (!Number.isFinite(c) || k.includes("$")) return false;
    if (k.includes("*")) { affine = false; break; }
    if (k && c < -EPS) return false;
    sum += c;
  }
  if (affine) return sum >= -EPS;
  if (!keepable(p)) return false;
  const ex = expand(p);
  return ex !== null && [...ex.values()].every((c) => c >= -EPS);
}

/** p with every dim D written 1 + x (x >= 0), expanded; null when a scalar term is left. */
function expand(p: SPoly): Map<string, number> | null {
  const ex = new Map<string, number>();
  for (const [k, c] of p) {
    const vars = k ? k.split("*") : [];
    if (vars.some((v) => v.startsWith("$"))) return null;
    // prod (1 + x_v) = sum over subsets of the factors
    let terms = new Map<string, number>([["", 1]]);
    for (const v of vars) {
      const next = new Map(terms);
      for (const [t, n] of terms) put(next, joinKey(t, v), n);
      terms = next;
    }
    for (const [t, n] of terms) put(ex, t, n * c);
  }
  return ex;
}

/** The least k >= 0 with b <= a + k at every size (null: no constant does it). */
export function slack(a: SPoly, b: SPoly): number | null {
  const d = subP(a, b);
  if (!keepable(d)) return null;
  const ex = expand(d);
  if (!ex) return null;
  for (const [k, c] of ex) if (k !== "" && c < -EPS) return null;
  return Math.max(0, -(ex.get("") ?? 0));
}

export const leP = (a: SPoly, b: SPoly): boolean => nonneg(subP(b, a));

export function keyOf(p: SPoly): string {
  return [...p].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, c]) => `${c}:${k}`).join("|");
}

/** How many symbolic terms (a crude measure of how simple a bound reads). */
export const termsOf = (p: SPoly): number => [...p.keys()].filter((k) => k !== "").length;

function monoText(k: string, c: number): string {
  const name = k.split("*").map((v) => v.replace(/^\$/, "")).join("*");
  if (!k) return String(c);
  return c === 1 ? name : `${c}*${name}`;
}

/** "KV - 1", "TOTAL_K", "off + 3". */
export function polyText(p: SPoly): string {
  // Positive terms first, the constant last: "Q - off - 1".
  const rank = ([k, c]: [string, number]) => (k === "" ? 2 : c > 0 ? 0 : 1);
  const parts = [...p].filter(([, c]) => c !== 0).sort((x, y) => rank(x) - rank(y) || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  if (!parts.length) return "0";
  return parts.map(([k, c], i) => (i === 0 ? (c < 0 ? `-${monoText(k, -c)}` : monoText(k, c)) : c < 0 ? ` - ${monoText(k, -c)}` : ` + ${monoText(k, c)}`)).join("");
}

/** `p >= 0` as the condition a reader expects: "KV ≤ TOTAL_K", "T ≥ 4", "off ≥ 0"; null when it can never hold. */
export function conditionText(p: SPoly): string | null {
  // p >= 0 holds exactly when m * p >= 0 for m > 0: say it with whole coefficients where a small m
  // clears the fractions bounds of idiv and >> bring (KV + 31 ≤ 32*KVW, not 0.03125*KV + 0.96875 ≤ KVW).
  const m = wholeScale(p);
  const pos = new Map<string, number>(), neg = new Map<string, number>();
  for (const [k, c] of p) (c > 0 ? pos : neg).set(k, Math.abs(c) * m);
  if (pos.size === 0) return null;  // a nonpositive constant (or negative terms only): never >= 0 for every size
  if (neg.size === 0) return `${polyText(pos)} ≥ 0`;
  const n = constOf(neg);
  return n !== null ? `${polyText(pos)} ≥ ${n}` : `${polyText(neg)} ≤ ${polyText(pos)}`;
}

/** The least m in 1..1024 that makes every coefficient of p an integer (1 when none does). */
function wholeScale(p: SPoly): number {
  for (let m = 1; m <= 1024; m++) if ([...p.values()].every((c) => Number.isInteger(c * m))) return m;
  return 1;
}

/**
 * Sizes "every size" covers: each dim in [1, SIZE_CAP] and each int scalar in [-SIZE_CAP, SIZE_CAP].
 * Past it, int32 index arithmetic such as kv * 200 could wrap, which these bounds do not model.
 */
export const SIZE_CAP = 2 ** 24;

/** [min, max] of p over those sizes, by monomials (a sound enclosure, not the exact range). */
export function envelope(p: SPoly): [number, number] {
  let lo = 0, hi = 0;
  for (const [k, c] of p) {
    const vars = k ? k.split("*") : [];
    const mag = SIZE_CAP ** vars.length;
    // A product of dims lies in [1, mag]; with a scalar factor, in [-mag, mag].
    const [mlo, mhi] = vars.some((v) => v.startsWith("$")) ? [-mag, mag] : [1, mag];
    lo += Math.min(c * mlo, c * mhi);
    hi += Math.max(c * mlo, c * mhi);
  }
  return [lo, hi];
}
