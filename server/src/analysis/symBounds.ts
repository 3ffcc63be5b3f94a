// Index bounds that hold at every size, for the editor and `check` when no problem shape is set.
// Each int value of a mod body is bounded by polynomials in the dims (each >= 1) and int scalars:
// b in [0, B - 1], kv in [0, KV - 1], and so on through +, -, *, idiv, %, min, max, abs and the
// conditions the value is computed under (`kv < LEN ? t.at(kv) : 0` sees kv <= LEN - 1). A value
// keeps a few lower and a few upper bounds (it is >= each lower and <= each upper), since two
// polynomials need not be comparable for every size. An index is proven when some lower bound is
// >= 0 and some upper bound is <= extent - 1 at every size; otherwise the failing comparison is
// the condition it needs ("KV ≤ TOTAL_K"). "Every size" is every dim up to SIZE_CAP (2^24) and every
// int scalar within ±2^24: a computed value whose bounds could leave int32 there (C wraps) is
// unknown, as it is at a real shape (bounds.ts).
import { DTYPE_SPECS } from "scoremod/vocabulary";
import type { FileAnalysis, ModFact } from "./facts";
import { SEQ_TOTAL, exprKey, forgetLocal, globalIndexOf, type ArgRole, type Expr, type Stmt } from "./ir";
import { addP, envelope, keepable, slack, conditionText, constOf, constPoly, keyOf, leP, mulP, nonneg, scaleP, subP, symPoly, termsOf, type SPoly } from "./symPoly";

/** Lower and upper bounds ([] : none). */
export interface SIv { lo: SPoly[]; hi: SPoly[] }

const CAP = 6;
const TOP: SIv = { lo: [], hi: [] };
const BOOL: SIv = { lo: [constPoly(0)], hi: [constPoly(1)] };
const pt = (p: SPoly): SIv => ({ lo: [p], hi: [p] });

function uniq(ps: SPoly[]): SPoly[] {
  const seen = new Set<string>(), out: SPoly[] = [];
  for (const p of ps) { if (!keepable(p)) continue; const k = keyOf(p); if (!seen.has(k)) { seen.add(k); out.push(p); } }
  // Fewer bounds is still sound (each one alone bounds the value): keep the simplest.
  return out.sort((a, b) => termsOf(a) - termsOf(b)).slice(0, CAP);
}
const cross = (a: SPoly[], b: SPoly[], f: (x: SPoly, y: SPoly) => SPoly) => uniq(a.flatMap((x) => b.map((y) => f(x, y))));

const I32_MIN = -2147483648, I32_MAX = 2147483647;
/**
 * A computed value (+, -, *, <<) keeps its bounds only when both sides are bounded and they stay
 * inside int32 at every size up to SIZE_CAP: otherwise the C arithmetic may wrap and the value
 * is unknown.
 */
function noWrap(v: SIv): SIv {
  if (!v.lo.length || !v.hi.length) return TOP;
  const lo = Math.max(...v.lo.map((p) => envelope(p)[0])), hi = Math.min(...v.hi.map((p) => envelope(p)[1]));
  return lo >= I32_MIN && hi <= I32_MAX ? v : TOP;
}

const neg = (a: SIv): SIv => ({ lo: a.hi.map((p) => scaleP(p, -1)), hi: a.lo.map((p) => scaleP(p, -1)) });
const add = (a: SIv, b: SIv): SIv => noWrap({ lo: cross(a.lo, b.lo, addP), hi: cross(a.hi, b.hi, addP) });
const isNonneg = (a: SIv) => a.lo.some(nonneg);
const isNonpos = (a: SIv) => a.hi.some((p) => nonneg(scaleP(p, -1)));
const pointConst = (a: SIv): number | null => {
  if (a.lo.length !== 1 || a.hi.length !== 1) return null;
  const l = constOf(a.lo[0]!), h = constOf(a.hi[0]!);
  return l !== null && l === h ? l : null;
};

/** Bounds below both of two values (for min and for joining two arms). */
function lowerOfBoth(a: SPoly[], b: SPoly[]): SPoly[] {
  const out: SPoly[] = [];
  for (const x of a) for (const y of b) {
    if (leP(x, y)) { out.push(x); continue; }
    if (leP(y, x)) { out.push(y); continue; }
    // Incomparable: each lowered by the least constant that puts it under the other (x - 1 under 0 for KV - 2 vs 0).
    const kx = slack(y, x), ky = slack(x, y);
    if (kx !== null) out.push(addP(x, constPoly(-kx)));
    if (ky !== null) out.push(addP(y, constPoly(-ky)));
    if (nonneg(x) && nonneg(y)) out.push(constPoly(0));
  }
  return uniq(out);
}
function upperOfBoth(a: SPoly[], b: SPoly[]): SPoly[] {
  return lowerOfBoth(a.map((p) => scaleP(p, -1)), b.map((p) => scaleP(p, -1))).map((p) => scaleP(p, -1));
}
const join = (a: SIv, b: SIv): SIv => ({ lo: lowerOfBoth(a.lo, b.lo), hi: upperOfBoth(a.hi, b.hi) });

function scale(a: SIv, c: number): SIv {
  if (c >= 0) return { lo: uniq(a.lo.map((p) => scaleP(p, c))), hi: uniq(a.hi.map((p) => scaleP(p, c))) };
  return neg(scale(a, -c));
}

function mul(a: SIv, b: SIv): SIv { return noWrap(mulRaw(a, b)); }
function mulRaw(a: SIv, b: SIv): SIv {
  const ca = pointConst(a), cb = pointConst(b);
  if (ca !== null) return scale(b, ca);
  if (cb !== null) return scale(a, cb);
  // Both nonnegative: products of lower bounds that are >= 0, and of upper bounds (each >= the value >= 0).
  if (isNonneg(a) && isNonneg(b)) return { lo: cross(a.lo.filter(nonneg), b.lo.filter(nonneg), mulP), hi: cross(a.hi, b.hi, mulP) };
  return TOP;
}

/** C's truncating division by a positive constant or a dim (>= 1). */
function idiv(a: SIv, b: SIv): SIv {
  const c = pointConst(b);
  if (c !== null && c > 0 && Number.isInteger(c)) {
    // trunc(x / c) lies in [(x - (c - 1)) / c, (x + (c - 1)) / c] for every int x.
    const lo = a.lo.map((p) => scaleP(addP(p, constPoly(-(c - 1))), 1 / c)), hi = a.hi.map((p) => scaleP(addP(p, constPoly(c - 1)), 1 / c));
    // A nonnegative dividend: the quotient is >= 0 and <= x / c, the tighter bound first (uniq keeps order among equals).
    if (isNonneg(a)) return { lo: uniq([constPoly(0), ...lo]), hi: uniq([...a.hi.map((p) => scaleP(p, 1 / c)), ...hi]) };
    return { lo: uniq(lo), hi: uniq(hi) };
  }
  // A nonnegative value over a dim (>= 1): between 0 and the value.
  if (c === null && isNonneg(a) && b.lo.some((p) => nonneg(addP(p, constPoly(-1))))) return { lo: [constPoly(0)], hi: a.hi };
  return TOP;
}

/** C's remainder by a nonzero constant or a dim: |r| < |divisor|, sign of the dividend, |r| <= |x|. */
function rem(a: SIv, b: SIv): SIv {
  const c = pointConst(b);
  let m: SPoly | null = null;  // |divisor| - 1
  if (c !== null && c !== 0 && Number.isInteger(c)) m = constPoly(Math.abs(c) - 1);
  else if (c === null && b.lo.some((p) => nonneg(addP(p, constPoly(-1)))) && b.hi.length) m = addP(b.hi[0]!, constPoly(-1));
  if (!m) return TOP;
  if (isNonneg(a)) return { lo: [constPoly(0)], hi: uniq([m, ...a.hi]) };
  if (isNonpos(a)) return { lo: uniq([scaleP(m, -1), ...a.lo]), hi: [constPoly(0)] };
  return { lo: [scaleP(m, -1)], hi: [m] };
}

function call(fn: string, args: SIv[]): SIv {
  const [a, b] = args as [SIv, SIv];
  switch (fn) {
    case "min": return { lo: lowerOfBoth(a.lo, b.lo), hi: uniq([...a.hi, ...b.hi]) };
    case "max": return { lo: uniq([...a.lo, ...b.lo]), hi: upperOfBoth(a.hi, b.hi) };
    case "abs":
      if (isNonneg(a)) return a;
      if (noWrap(a) === TOP) return TOP;  // abs(INT_MIN) wraps
      if (isNonpos(a)) return neg(a);
      return { lo: [constPoly(0)], hi: upperOfBoth(a.hi, a.lo.map((p) => scaleP(p, -1))) };
    case "idiv": return idiv(a, b);
    // The DSL defines clamp(x, lo, hi) as min(max(x, lo), hi) (vocabulary.ts).
    case "clamp": return call("min", [call("max", [a, b]), args[2]!]);
    default: return TOP;
  }
}

const NEGATE: Record<string, string> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==" };
const MIRROR: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" };
const ROLE_DIM: Record<string, string> = { b: "B", h: "H", q: "Q", kv: "KV" };

/** A position is in [0, DIM - 1]; a sequence's length in [1, Q] (KV), its offset in [0, TOTAL - 1]. */
function argBounds(role: Exclude<ArgRole, "score">): SIv {
  switch (role) {
    case "lenQ": return { lo: [constPoly(1)], hi: [symPoly("Q")] };
    case "lenKv": return { lo: [constPoly(1)], hi: [symPoly("KV")] };
    case "offsetQ": return { lo: [constPoly(0)], hi: [addP(symPoly(SEQ_TOTAL.q), constPoly(-1))] };
    case "offsetKv": return { lo: [constPoly(0)], hi: [addP(symPoly(SEQ_TOTAL.kv), constPoly(-1))] };
    default: return { lo: [constPoly(0)], hi: [addP(symPoly(ROLE_DIM[role]!), constPoly(-1))] };
  }
}

type Env = Map<string, SIv>;
const KEYED = "e:*";
const NARROWABLE = new Set(["load", "unary", "binary", "call"]);

/** Every reach of every load: its indices' bounds there. */
export type Reaches = Map<number, SIv[][]>;

/**
 * Evaluates a mod body symbolically; `reaches` collects each load's index bounds. `narrow: false`
 * ignores the conditions (what the Python exports, which evaluate both sides, may read).
 */
export function symbolicReaches(fa: Pick<FileAnalysis, "tensors" | "scalars">, mod: Pick<ModFact, "body">, opts: { narrow?: boolean } = {}): Reaches {
  const narrowing = opts.narrow !== false;
  const reaches: Reaches = new Map();
  const intScalars = new Set(fa.scalars.filter((s) => s.dtype === "i32").flatMap((s) => [s.name, s.varName]));
  const loadRange = (tensorVar: string): SIv => {
    const t = fa.tensors.find((x) => x.varName === tensorVar);
    if (!t) return TOP;
    if (t.values) return { lo: [constPoly(t.values[0])], hi: [constPoly(t.values[1] - 1)] };
    if (t.dtype === "u8") return { lo: [constPoly(0)], hi: [constPoly(255)] };
    if (DTYPE_SPECS[t.dtype].lane === "bool") return BOOL;
    return TOP;
  };
  let quiet = 0;

  const varKey = (e: Expr): string | null => {
    if (e.ty !== "int") return null;
    if (e.k === "arg" && e.role !== "score") return `@${e.role}`;
    if (e.k === "local") return e.name;
    if (e.k === "scalar" && intScalars.has(e.name)) return `s:${e.name}`;
    if (NARROWABLE.has(e.k)) return "e:" + exprKey(e);
    return null;
  };

  const expr = (e: Expr, env: Env): SIv => {
    const v = exprRaw(e, env);
    // Narrowed under a condition on this very expression (`ids.at(kv) < 64 ? t.at(ids.at(kv)) : 0`).
    if (!env.has(KEYED) || !NARROWABLE.has(e.k)) return v;
    const n = env.get("e:" + exprKey(e));
    return n ? { lo: uniq([...n.lo, ...v.lo]), hi: uniq([...n.hi, ...v.hi]) } : v;
  };

  const exprRaw = (e: Expr, env: Env): SIv => {
    const k = varKey(e);
    if (k && !k.startsWith("e:") && env.has(k)) return env.get(k)!;
    switch (e.k) {
      case "num": return e.ty === "int" && Number.isInteger(e.value) ? pt(constPoly(e.value)) : e.ty === "bool" ? BOOL : TOP;
      case "bool": return BOOL;
      case "arg": return e.role === "score" || e.ty !== "int" ? TOP : argBounds(e.role);
      case "dim": return e.ty === "int" ? pt(symPoly(e.name)) : TOP;
      case "scalar": return k ? pt(symPoly(`$${e.name}`)) : TOP;
      case "local": return TOP;
      case "load": {
        const idx = e.idx.map((x) => (x.ty === "int" ? expr(x, env) : TOP));
        if (quiet === 0) { const l = reaches.get(e.loadId) ?? []; l.push(idx); reaches.set(e.loadId, l); }
        return e.ty === "int" ? loadRange(e.tensor) : e.ty === "bool" ? BOOL : TOP;
      }
      case "unary":
        if (e.op === "-" && e.ty === "int") return neg(expr(e.a, env));
        expr(e.a, env);
        return e.ty === "bool" ? BOOL : TOP;
      case "binary": return binary(e, env);
      case "call": {
        const args = e.args.map((x) => expr(x, env));
        return e.ty === "int" && e.args.every((x) => x.ty === "int") ? call(e.fn, args) : TOP;
      }
      case "cond": {
        expr(e.c, env);
        const a = under(e.c, true, env, (en) => expr(e.a, en)), b = under(e.c, false, env, (en) => expr(e.b, en));
        return e.ty === "int" ? join(a, b) : e.ty === "bool" ? BOOL : TOP;
      }
    }
  };

  const binary = (e: Extract<Expr, { k: "binary" }>, env: Env): SIv => {
    if (e.op === "&&" || e.op === "||") {
      expr(e.a, env);
      under(e.a, e.op === "&&", env, (en) => expr(e.b, en));
      return BOOL;
    }
    const a = expr(e.a, env), b = expr(e.b, env);
    if (e.ty !== "int" || e.a.ty !== "int" || e.b.ty !== "int") return e.ty === "bool" ? BOOL : TOP;
    switch (e.op) {
      case "+": {
        // q + seq.offsetQ: within the packed batch, [0, TOTAL_Q - 1] (ir.ts globalIndexOf).
        const g = globalIndexOf(e), sum = add(a, b);
        return g ? { lo: uniq([constPoly(0), ...sum.lo]), hi: uniq([addP(symPoly(SEQ_TOTAL[g]), constPoly(-1)), ...sum.hi]) } : sum;
      }
      case "-": return add(a, neg(b));
      case "*": return mul(a, b);
      case "%": return rem(a, b);
      case "&":
        if (isNonneg(a) && isNonneg(b)) return { lo: [constPoly(0)], hi: uniq([...a.hi, ...b.hi]) };
        if (isNonneg(a)) return { lo: [constPoly(0)], hi: a.hi };
        if (isNonneg(b)) return { lo: [constPoly(0)], hi: b.hi };
        return TOP;
      case ">>": {
        const s = pointConst(b);
        if (s === null || s < 0 || s > 30 || !Number.isInteger(s)) return isNonneg(a) ? { lo: [constPoly(0)], hi: a.hi } : TOP;
        const d = 2 ** s;  // floor(x / d)
        const lo = a.lo.map((p) => scaleP(addP(p, constPoly(-(d - 1))), 1 / d));
        // floor of a nonnegative value is >= 0 (the bound above alone would say >= -(d - 1) / d).
        return { lo: uniq(isNonneg(a) ? [constPoly(0), ...lo] : lo), hi: uniq(a.hi.map((p) => scaleP(p, 1 / d))) };
      }
      case "<<": {
        const s = pointConst(b);
        return s !== null && s >= 0 && s <= 30 && Number.isInteger(s) ? noWrap(scale(a, 2 ** s)) : TOP;
      }
      default: return TOP;
    }
  };

  /** Runs f where `c` is `truth`, narrowed by it. */
  const under = <T>(c: Expr, truth: boolean, env: Env, f: (env: Env) => T): T => f(narrowing ? refine(c, truth, env) : env);

  const refine = (c: Expr, truth: boolean, env: Env): Env => {
    if (c.k === "unary" && c.op === "!") return refine(c.a, !truth, env);
    if (c.k === "binary" && ((c.op === "&&" && truth) || (c.op === "||" && !truth))) return refine(c.b, truth, refine(c.a, truth, env));
    if (c.k !== "binary" || !(c.op in NEGATE) || c.a.ty !== "int" || c.b.ty !== "int") return env;
    const op = truth ? c.op : NEGATE[c.op]!;
    let out = env;
    for (const [x, y, o] of [[c.a, c.b, op], [c.b, c.a, MIRROR[op]!]] as const) {
      const k = varKey(x);
      if (!k) continue;
      quiet++;
      let xi: SIv, yi: SIv;
      try { xi = expr(x, out); yi = expr(y, out); } finally { quiet--; }
      const one = constPoly(1);
      const lo = o === ">" ? yi.lo.map((p) => addP(p, one)) : o === ">=" || o === "==" ? yi.lo : [];
      const hi = o === "<" ? yi.hi.map((p) => subP(p, one)) : o === "<=" || o === "==" ? yi.hi : [];
      if (lo.length || hi.length) {
        out = new Map(out).set(k, { lo: uniq([...lo, ...xi.lo]), hi: uniq([...hi, ...xi.hi]) });
        if (k.startsWith("e:")) out.set(KEYED, TOP);
      }
    }
    return out;
  };

  const block = (stmts: Stmt[], outer: Env): boolean => {
    let env = outer;
    for (const s of stmts) {
      if (s.k === "const") {
        const v = expr(s.value, env);
        env = new Map(env);
        forgetLocal(env, s.name);
        env.set(s.name, s.value.ty === "int" ? v : TOP);
        continue;
      }
      if (s.k === "return") { expr(s.value, env); return false; }
      expr(s.cond, env);
      const t = under(s.cond, true, env, (en) => block(s.then, en));
      const f = under(s.cond, false, env, (en) => block(s.else, en));
      if (!t && !f) return false;
      // One arm returned: what follows runs under the other arm's condition.
      if (t !== f && narrowing) env = refine(s.cond, t, env);
    }
    return true;
  };
  block(mod.body, new Map());
  return reaches;
}

/** Whether a lower bound is >= 0, an upper bound <= extent - 1, at every size. */
export const loFits = (p: SPoly): boolean => nonneg(p);
export const hiFits = (p: SPoly, extent: SPoly): boolean => leP(p, subP(extent, constPoly(1)));

/** Whether the bounds fit [0, extent - 1] at every size; else the conditions that would make them fit (null: no bound at all). */
export function fits(iv: SIv, extent: SPoly): { ok: boolean; loOk: boolean; hiOk: boolean; needs: (string | null)[]; unbounded: boolean } {
  const top = subP(extent, constPoly(1));
  const loOk = iv.lo.some(loFits), hiOk = iv.hi.some((p) => hiFits(p, extent));
  const needs: (string | null)[] = [];
  // The simplest failing bound that some sizes satisfy names the condition (uniq keeps the simplest first); null: none can.
  const first = (cs: (string | null)[]) => cs.find((c) => c !== null) ?? null;
  if (!loOk && iv.lo.length) needs.push(first(iv.lo.map((p) => conditionText(p))));
  if (!hiOk && iv.hi.length) needs.push(first(iv.hi.map((p) => conditionText(subP(top, p)))));
  return { ok: loOk && hiOk, loOk, hiOk, needs, unbounded: (!loOk && !iv.lo.length) || (!hiOk && !iv.hi.length) };
}

export { polyText } from "./symPoly";
export const extentPoly = (d: string | number): SPoly => (typeof d === "number" ? constPoly(d) : symPoly(d));
