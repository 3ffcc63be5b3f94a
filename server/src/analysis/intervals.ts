// Interval abstract interpretation of a mod body: given a box of (b, h, q, kv) and the values of
// dims and scalars, every value the body can compute lies in the interval this returns. Pure
// and sound: ints follow C int32 (a result that may overflow becomes the whole int32 range),
// floats are widened by a few ulps per operation (the GPU computes in f32, we in float64), and a
// value that may be NaN says so. Every operation is inclusion-monotone (a smaller box never gives
// a wider result), which tiles.ts relies on to classify whole blocks of tiles at once.
// Aux loads are unknown values of their type: a result that does not depend on them is proven.
import { isMathFn, MATH_SPECS } from "scoremod/vocabulary";
import { SEQ_TOTAL, exprKey, forgetLocal, globalIndexOf, type ArgRole, type Expr, type Stmt } from "./ir";

/** A value set: [lo, hi] (bools as 0/1), plus whether it may be NaN (floats only). */
export interface Iv { lo: number; hi: number; nan: boolean }

export interface Box { b: [number, number]; h: [number, number]; q: [number, number]; kv: [number, number] }

export interface IntervalEnv {
  dims: Record<string, number>;
  scalars: Record<string, number>;
  /** Value range of each loaded tensor's elements by variable name, when known (default: its dtype's). */
  loadRange?: (tensorVar: string, ty: "int" | "float" | "bool") => Iv | undefined;
  /**
   * Called with each load's index intervals every time the evaluation reaches it (bounds.ts);
   * `surely` is false when it was reached through a condition the intervals could not decide.
   */
  onLoad?: (loadId: number, idx: Iv[], surely: boolean) => void;
  /**
   * Narrow by the conditions a value is computed under (bounds.ts): the arm of `kv < L ? a : b`
   * sees kv <= L - 1, the right of `q >= off && x` sees q >= off, and the statements after
   * `if (c) return ...` see !c. Sound for the code the CUDA generator and the runtime run (a
   * guarded load runs only when its condition holds; the Python exports clamp such indices).
   */
  narrow?: boolean;
}

const I32_MIN = -2147483648, I32_MAX = 2147483647;
const INT_TOP: Iv = { lo: I32_MIN, hi: I32_MAX, nan: false };
const FLOAT_TOP: Iv = { lo: -Infinity, hi: Infinity, nan: true };
const BOOL_TOP: Iv = { lo: 0, hi: 1, nan: false };
// f32 rounding of one operation is within 2^-24 relative; 2^-20 leaves room for the fast
// approximations (ex2.approx, div.full) the generated code uses.
const REL = 2 ** -20, ABS = 1e-37;
// Transcendentals: CUDA's documented error is a few ulps; widen generously.
const REL_FN = 2 ** -14;

const pt = (v: number): Iv => ({ lo: v, hi: v, nan: false });
const iv = (lo: number, hi: number, nan = false): Iv => ({ lo, hi, nan });
export const isTrue = (v: Iv) => v.lo > 0 || v.hi < 0 ? !v.nan : false;
export const isFalse = (v: Iv) => v.lo === 0 && v.hi === 0 && !v.nan;

function join(a: Iv, b: Iv): Iv { return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi), nan: a.nan || b.nan }; }

function intRes(lo: number, hi: number): Iv {
  if (!(lo >= I32_MIN && hi <= I32_MAX)) return INT_TOP;  // may wrap (or NaN bounds)
  return { lo, hi, nan: false };
}

function widen(lo: number, hi: number, rel = REL): [number, number] {
  return [lo - Math.abs(lo) * rel - ABS, hi + Math.abs(hi) * rel + ABS];
}

function floatRes(cands: number[], nanIn: boolean, rel = REL): Iv {
  if (cands.some(Number.isNaN)) return FLOAT_TOP;
  const [lo, hi] = widen(Math.min(...cands), Math.max(...cands), rel);
  return { lo, hi, nan: nanIn };
}

/** Truthiness as C converts a number to bool. */
function toBool(v: Iv): Iv {
  if (v.nan) return BOOL_TOP;  // NaN is truthy in C; unknown here
  if (v.lo > 0 || v.hi < 0) return pt(1);
  if (v.lo === 0 && v.hi === 0) return pt(0);
  return BOOL_TOP;
}

function tri(canTrue: boolean, canFalse: boolean): Iv { return canTrue && canFalse ? BOOL_TOP : canTrue ? pt(1) : pt(0); }

function compare(op: string, a: Iv, b: Iv): Iv {
  if (a.nan || b.nan) return BOOL_TOP;  // a NaN compares false; NaN != x is true
  switch (op) {
    case "<": return tri(a.lo < b.hi, a.hi >= b.lo);
    case "<=": return tri(a.lo <= b.hi, a.hi > b.lo);
    case ">": return tri(a.hi > b.lo, a.lo <= b.hi);
    case ">=": return tri(a.hi >= b.lo, a.lo < b.hi);
    case "==": return tri(a.lo <= b.hi && b.lo <= a.hi, !(a.lo === a.hi && b.lo === b.hi && a.lo === b.lo));
    default: return tri(!(a.lo === a.hi && b.lo === b.hi && a.lo === b.lo), a.lo <= b.hi && b.lo <= a.hi);
  }
}

function corners(a: Iv, b: Iv, f: (x: number, y: number) => number): number[] {
  return [f(a.lo, b.lo), f(a.lo, b.hi), f(a.hi, b.lo), f(a.hi, b.hi)];
}
// 0 * inf is NaN in the corner products but the product of an infinite bound with 0 only occurs
// for ranges that include 0; treat it as 0 there (the extended-real product bound).
const mul = (x: number, y: number) => (x === 0 || y === 0 ? 0 : x * y);

function intArith(op: string, a: Iv, b: Iv): Iv {
  switch (op) {
    case "+": return intRes(a.lo + b.lo, a.hi + b.hi);
    case "-": return intRes(a.lo - b.hi, a.hi - b.lo);
    case "*": { const c = corners(a, b, mul); return intRes(Math.min(...c), Math.max(...c)); }
    case "%": return intRem(a, b);
  }
  return INT_TOP;
}

/** C's truncating integer division; unknown when the divisor may be 0. */
function intDiv(a: Iv, b: Iv): Iv {
  if (b.lo <= 0 && b.hi >= 0) return INT_TOP;
  const c = corners(a, b, (x, y) => Math.trunc(x / y));
  return intRes(Math.min(...c), Math.max(...c));
}

/** C's remainder (sign of the dividend, |r| < |divisor|). */
function intRem(a: Iv, b: Iv): Iv {
  if (b.lo <= 0 && b.hi >= 0) return INT_TOP;
  const m = Math.max(Math.abs(b.lo), Math.abs(b.hi));
  if (b.lo === b.hi) {
    // One divisor and a dividend inside one period of the same sign: the remainder is exact.
    const d = Math.abs(b.lo);
    if (a.lo >= 0 && Math.trunc(a.lo / d) === Math.trunc(a.hi / d)) return intRes(a.lo % d, a.hi % d);
    if (a.hi <= 0 && Math.trunc(a.lo / d) === Math.trunc(a.hi / d)) return intRes(a.lo % d, a.hi % d);
  }
  if (a.lo >= 0) return intRes(0, Math.min(a.hi, m - 1));
  if (a.hi <= 0) return intRes(Math.max(a.lo, -(m - 1)), 0);
  return intRes(-(m - 1), m - 1);
}

const bitsFor = (x: number) => (x <= 0 ? 0 : Math.floor(Math.log2(x)) + 1);

function intBits(op: string, a: Iv, b: Iv): Iv {
  const nonneg = a.lo >= 0 && b.lo >= 0;
  switch (op) {
    case "&":
      if (nonneg) return intRes(0, Math.min(a.hi, b.hi));
      if (a.lo >= 0) return intRes(0, a.hi);
      if (b.lo >= 0) return intRes(0, b.hi);
      return INT_TOP;
    case "|": case "^":
      if (nonneg) return intRes(op === "|" ? Math.max(a.lo, b.lo) : 0, 2 ** Math.max(bitsFor(a.hi), bitsFor(b.hi)) - 1);
      return INT_TOP;
    case ">>":
      // Arithmetic shift by a constant in range is floor(a / 2^s): monotone.
      if (b.lo === b.hi && b.lo >= 0 && b.lo <= 31) return intRes(Math.floor(a.lo / 2 ** b.lo), Math.floor(a.hi / 2 ** b.lo));
      if (a.lo >= 0) return intRes(0, a.hi);
      return INT_TOP;
    case "<<":
      if (b.lo === b.hi && b.lo >= 0 && b.lo <= 30) return intRes(a.lo * 2 ** b.lo, a.hi * 2 ** b.lo);
      return INT_TOP;
  }
  return INT_TOP;
}

function floatArith(op: string, a: Iv, b: Iv): Iv {
  const nan = a.nan || b.nan;
  switch (op) {
    case "+": return floatRes([a.lo + b.lo, a.hi + b.hi], nan);
    case "-": return floatRes([a.lo - b.hi, a.hi - b.lo], nan);
    case "*": return floatRes(corners(a, b, (x, y) => x * y), nan);
    case "/":
      if (b.lo <= 0 && b.hi >= 0) return FLOAT_TOP;
      return floatRes(corners(a, b, (x, y) => x / y), nan);
    case "%": {  // fmodf: |r| < |b|, sign of a
      const m = Math.max(Math.abs(b.lo), Math.abs(b.hi));
      if (!Number.isFinite(m) || (b.lo <= 0 && b.hi >= 0)) return FLOAT_TOP;
      return iv(a.lo >= 0 ? 0 : -m, a.hi <= 0 ? 0 : m, nan || !Number.isFinite(a.lo) || !Number.isFinite(a.hi));
    }
  }
  return FLOAT_TOP;
}

/** A monotone non-decreasing function applied to an interval (widened for its error). */
function monotone(a: Iv, f: (x: number) => number, rel = REL_FN): Iv {
  return floatRes([f(a.lo), f(a.hi)], a.nan, rel);
}

function evalCall(fn: string, args: Iv[], allInt: boolean): Iv {
  const [a, b] = args as [Iv, Iv];
  switch (fn) {
    case "min": return allInt ? intRes(Math.min(a.lo, b.lo), Math.min(a.hi, b.hi)) : iv(Math.min(a.lo, b.lo), Math.min(a.hi, b.hi), a.nan || b.nan);
    case "max": return allInt ? intRes(Math.max(a.lo, b.lo), Math.max(a.hi, b.hi)) : iv(Math.max(a.lo, b.lo), Math.max(a.hi, b.hi), a.nan || b.nan);
    case "abs": {
      if (allInt && a.lo === I32_MIN) return INT_TOP;  // abs(INT_MIN) overflows
      const lo = a.lo >= 0 ? a.lo : a.hi <= 0 ? -a.hi : 0;
      const r = iv(lo, Math.max(Math.abs(a.lo), Math.abs(a.hi)), a.nan);
      return allInt ? intRes(r.lo, r.hi) : r;
    }
    case "idiv": {
      if (allInt) return intDiv(a, b);
      const q = floatArith("/", a, b);
      return q.lo === -Infinity && q.hi === Infinity ? q : iv(Math.trunc(q.lo), Math.trunc(q.hi), q.nan);
    }
    case "floor": case "ceil": {
      const f = fn === "floor" ? Math.floor : Math.ceil;
      return iv(f(a.lo), f(a.hi), a.nan);
    }
    case "clamp": {
      const c = args[2]!;
      const lo = evalCall("max", [a, b], allInt);
      return evalCall("min", [lo, c], allInt);
    }
    case "pow": return powInterval(a, b.lo);
    case "rsqrt": {
      if (a.lo <= 0) return FLOAT_TOP;
      return floatRes([1 / Math.sqrt(a.lo), 1 / Math.sqrt(a.hi)], a.nan, REL_FN);
    }
  }
  // The vocabulary's rule (runtime/src/vocabulary.ts) for the functions not written out above.
  const spec = isMathFn(fn) ? MATH_SPECS[fn] : undefined;
  const rule = spec?.interval;
  if (spec && rule?.kind === "increasing") {
    const f = spec.ref, d = rule.domainLo;
    if (d === undefined) return monotone(a, f);
    return monotone(iv(a.lo, a.hi, a.nan || a.lo < d), (x) => (x < d ? -Infinity : f(x)));
  }
  if (rule?.kind === "range") return iv(rule.lo, rule.hi, a.nan || !Number.isFinite(a.lo) || !Number.isFinite(a.hi));
  return allInt ? INT_TOP : FLOAT_TOP;
}

/**
 * x^n for a constant integer n (the analysis keeps it one): monotone on each side of 0, so the
 * extremes are at the ends of the interval or, for even n, at 0; a negative n over an interval
 * holding 0 reaches +-inf. Widened as the other math functions (REL_FN covers |n| - 1 roundings).
 */
function powInterval(a: Iv, n: number): Iv {
  if (n === 0) return iv(1, 1, false);  // x^0 = 1, NaN included (as Math.pow and sm_powi)
  if (n < 0 && a.lo <= 0 && a.hi >= 0) return FLOAT_TOP;
  const f = (x: number) => x ** n;
  const ends = [f(a.lo), f(a.hi)];
  if (n > 0 && n % 2 === 0 && a.lo < 0 && a.hi > 0) ends.push(0);
  return floatRes([Math.min(...ends), Math.max(...ends)], a.nan, REL_FN);
}

/** Converts between the IR's types as the generated code does (cudaExpr.ts's `conv`). */
function convert(v: Iv, from: string, to: string): Iv {
  if (from === to) return v;
  if (to === "bool") return toBool(v);
  if (from === "bool") return v;  // 0/1 as int or float
  if (to === "float") return iv(Math.fround(v.lo), Math.fround(v.hi));  // int32 -> f32 rounds monotonically
  // float -> int truncates: out of range is undefined in C
  if (v.nan || v.lo < I32_MIN || v.hi > I32_MAX) return INT_TOP;
  return intRes(Math.trunc(v.lo), Math.trunc(v.hi));
}

const NO_LOCALS: Map<string, Iv> = new Map();
const topOf = (ty: string): Iv => (ty === "bool" ? BOOL_TOP : ty === "int" ? INT_TOP : FLOAT_TOP);
const POS_ROLES = new Set(["b", "h", "q", "kv"]);
/** Present in a locals map once some expression (not a local or position) has been narrowed. */
const KEYED = "e:*";
const NARROWABLE = new Set(["load", "unary", "binary", "call"]);
/** The comparison that holds when `a op b` is false, and `b op' a` for `a op b`. */
const NEGATE: Record<string, string> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==" };
const MIRROR: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" };

/** `x op y` for a variable x with interval x and y's interval: x's interval where it holds (null: nowhere). */
export function narrowBy(x: Iv, op: string, y: Iv): Iv | null {
  let { lo, hi } = x;
  if (op === "<") hi = Math.min(hi, y.hi - 1);
  else if (op === "<=") hi = Math.min(hi, y.hi);
  else if (op === ">") lo = Math.max(lo, y.lo + 1);
  else if (op === ">=") lo = Math.max(lo, y.lo);
  else if (op === "==") { lo = Math.max(lo, y.lo); hi = Math.min(hi, y.hi); }
  else if (op === "!=" && y.lo === y.hi) { if (lo === y.lo) lo++; if (hi === y.hi) hi--; }
  return lo > hi ? null : { lo, hi, nan: false };
}

export class IntervalEval {
  /** How many undecided conditions the evaluation is inside (0: the path surely runs). */
  private undecided = 0;
  private quiet = 0;
  constructor(private readonly env: IntervalEnv, private box: Box) {}

  setBox(box: Box): void { this.box = box; }

  /** The set of values the body may return (null: it may fall off the end). */
  body(stmts: Stmt[]): Iv | null {
    const box = this.box;
    try { return this.block(stmts, NO_LOCALS).ret; } finally { this.box = box; }
  }

  /**
   * Runs `f` where `c` is `truth` (narrowed when `narrow` is on), restoring the box after; null
   * when the narrowing proves that place unreachable.
   */
  private under<T>(c: Expr, truth: boolean, env: Map<string, Iv>, f: (env: Map<string, Iv>) => T): T | null {
    if (!this.env.narrow) return f(env);
    const n = this.refine(c, truth, env);
    if (!n) return null;
    const box = this.box;
    this.box = n.box;
    try { return f(n.env); } finally { this.box = box; }
  }

  /** The box and locals where `c` is `truth`; null when nowhere. Only int comparisons of a position or a local narrow. */
  private refine(c: Expr, truth: boolean, env: Map<string, Iv>): { box: Box; env: Map<string, Iv> } | null {
    let box = this.box;
    if (c.k === "unary" && c.op === "!") return this.refine(c.a, !truth, env);
    if (c.k === "binary" && ((c.op === "&&" && truth) || (c.op === "||" && !truth))) {
      const a = this.refine(c.a, truth, env);
      if (!a) return null;
      const saved = this.box;
      this.box = a.box;
      try { return this.refine(c.b, truth, a.env); } finally { this.box = saved; }
    }
    if (c.k !== "binary" || !(c.op in NEGATE) || c.a.ty !== "int" || c.b.ty !== "int") return { box, env };
    const op = truth ? c.op : NEGATE[c.op]!;
    let out = env;
    for (const [x, y, o] of [[c.a, c.b, op], [c.b, c.a, MIRROR[op]!]] as const) {
      if (x.k !== "arg" && x.k !== "local" && !NARROWABLE.has(x.k)) continue;
      if (x.k === "arg" && !POS_ROLES.has(x.role)) continue;
      const saved = this.box;
      this.box = box;
      let xi: Iv, yi: Iv;
      // Re-evaluating the operands reaches their loads again: not a new reach, so not reported.
      this.quiet++;
      try { xi = this.expr(x, out); yi = this.expr(y, out); } finally { this.box = saved; this.quiet--; }
      const n = narrowBy(xi, o, yi);
      if (!n) return null;
      if (x.k === "arg") box = { ...box, [x.role]: [n.lo, n.hi] };
      else if (x.k === "local") out = new Map(out).set(x.name, n);
      else out = new Map(out).set("e:" + exprKey(x), n).set(KEYED, n);
    }
    return { box, env: out };
  }

  private block(stmts: Stmt[], outer: Map<string, Iv>): { ret: Iv | null; through: boolean } {
    let env = outer;  // copied on the first const: a block's consts do not leak out of it
    let ret: Iv | null = null;
    const add = (v: Iv | null) => { if (v) ret = ret ? join(ret, v) : v; };
    for (const s of stmts) {
      if (s.k === "const") {
        if (env === outer) env = new Map(outer);
        const v = this.expr(s.value, env);
        forgetLocal(env, s.name);
        env.set(s.name, v);
        continue;
      }
      if (s.k === "return") { add(this.expr(s.value, env)); return { ret, through: false }; }
      const c = convert(this.expr(s.cond, env), s.cond.ty, "bool");
      const branches: [Stmt[], boolean][] = isTrue(c) ? [[s.then, true]] : isFalse(c) ? [[s.else, false]] : [[s.then, true], [s.else, false]];
      const goesOn: boolean[] = [];
      if (branches.length > 1) this.undecided++;
      for (const [br, truth] of branches) {
        const r = this.under(s.cond, truth, env, (en) => this.block(br, en));
        add(r?.ret ?? null);
        if (r?.through) goesOn.push(truth);
      }
      if (branches.length > 1) this.undecided--;
      if (goesOn.length === 0) return { ret, through: false };
      // Only one arm falls through (the other returned): what follows runs under that arm's condition.
      if (goesOn.length === 1 && branches.length > 1 && this.env.narrow) {
        const n = this.refine(s.cond, goesOn[0]!, env);
        if (!n) return { ret, through: false };
        this.box = n.box;
        env = n.env;
      }
    }
    return { ret, through: true };
  }

  private arg(role: ArgRole): Iv {
    if (role === "score") return iv(-Infinity, Infinity, false);
    switch (role) {
      // A call at position q has q < lenQ <= Q; the sequence ends by the packed total.
      case "lenQ": return this.seqLen("q");
      case "lenKv": return this.seqLen("kv");
      case "offsetQ": return this.seqOffset("q");
      case "offsetKv": return this.seqOffset("kv");
    }
    const [lo, hi] = this.box[role];
    return { lo, hi, nan: false };
  }

  private seqLen(pos: "q" | "kv"): Iv {
    const max = this.env.dims[pos === "q" ? "Q" : "KV"];
    return intRes(Math.max(1, this.box[pos][0] + 1), max ?? I32_MAX);
  }

  private seqOffset(pos: "q" | "kv"): Iv {
    const total = this.env.dims[SEQ_TOTAL[pos]];
    return intRes(0, total === undefined ? I32_MAX : Math.max(0, total - this.seqLen(pos).lo));
  }

  /** `q + seq.offsetQ`: in [q's low bound, TOTAL_Q - 1] (ir.ts globalIndexOf), and within the plain sum. */
  private globalIndex(pos: "q" | "kv", plain: Iv): Iv {
    const total = this.env.dims[SEQ_TOTAL[pos]];
    if (total === undefined) return plain;
    return { lo: Math.max(plain.lo, this.box[pos][0]), hi: Math.min(plain.hi, total - 1), nan: false };
  }

  expr(e: Expr, env: Map<string, Iv>): Iv {
    const v = this.exprRaw(e, env);
    // A condition this value is computed under may have narrowed this very expression (`ids.at(kv) < 64 ? t.at(ids.at(kv)) : 0`).
    if (!env.has(KEYED) || e.k === "local" || e.k === "arg" || e.k === "num") return v;
    const n = env.get("e:" + exprKey(e));
    return n ? { lo: Math.max(v.lo, n.lo), hi: Math.min(v.hi, n.hi), nan: v.nan } : v;
  }

  private exprRaw(e: Expr, env: Map<string, Iv>): Iv {
    switch (e.k) {
      case "num": {
        if (e.ty !== "float") return pt(e.value);
        const f = Math.fround(e.value);  // the literal as f32
        return iv(Math.min(f, e.value), Math.max(f, e.value));
      }
      case "bool": return convert(pt(e.value ? 1 : 0), "bool", e.ty);
      case "arg": return convert(this.arg(e.role), e.role === "score" ? "float" : "int", e.ty);
      case "dim": { const d = this.env.dims[e.name]; return convert(d === undefined ? INT_TOP : pt(d), "int", e.ty); }
      case "scalar": {
        const s = this.env.scalars[e.name];
        if (s === undefined) return e.ty === "int" ? INT_TOP : FLOAT_TOP;
        return pt(e.ty === "float" ? Math.fround(s) : s);
      }
      case "local": return env.get(e.name) ?? (e.ty === "bool" ? BOOL_TOP : e.ty === "int" ? INT_TOP : FLOAT_TOP);
      case "load": {
        if (this.env.onLoad && this.quiet === 0) this.env.onLoad(e.loadId, e.idx.map((x) => convert(this.expr(x, env), x.ty, "int")), this.undecided === 0);
        const r = this.env.loadRange?.(e.tensor, e.ty);
        return r ?? (e.ty === "bool" ? BOOL_TOP : e.ty === "int" ? INT_TOP : FLOAT_TOP);
      }
      case "unary": {
        const a = this.expr(e.a, env);
        if (e.op === "!") { const x = convert(a, e.a.ty, "bool"); return x.lo === x.hi ? pt(1 - x.lo) : BOOL_TOP; }
        if (e.op === "~") { const x = convert(a, e.a.ty, "int"); return intRes(-x.hi - 1, -x.lo - 1); }
        const t = e.ty === "bool" ? "int" : e.ty;
        const x = convert(a, e.a.ty, t);
        return convert(t === "int" ? intRes(-x.hi, -x.lo) : iv(-x.hi, -x.lo, x.nan), t, e.ty);
      }
      case "binary": return this.binary(e, env);
      case "call": {
        // Mirrors cudaExpr.ts's emitCall (pickVariant): a function with an int lowering in the
        // vocabulary is computed in int when every argument is; everything else in float.
        const allInt = e.args.every((x) => x.ty === "int");
        const keepsInt = allInt && MATH_SPECS[e.fn].cuda.int !== undefined;
        const args = e.args.map((x) => convert(this.expr(x, env), x.ty, keepsInt ? "int" : "float"));
        if (keepsInt && (e.fn === "floor" || e.fn === "ceil")) return convert(args[0]!, "int", e.ty);
        return convert(evalCall(e.fn, args, keepsInt), keepsInt ? "int" : "float", e.ty);
      }
      case "cond": {
        const c = convert(this.expr(e.c, env), e.c.ty, "bool");
        const a = (en: Map<string, Iv>) => convert(this.expr(e.a, en), e.a.ty, e.ty), b = (en: Map<string, Iv>) => convert(this.expr(e.b, en), e.b.ty, e.ty);
        if (isTrue(c)) return a(env);
        if (isFalse(c)) return b(env);
        this.undecided++;
        try {
          const ra = this.under(e.c, true, env, a), rb = this.under(e.c, false, env, b);
          return ra && rb ? join(ra, rb) : ra ?? rb ?? topOf(e.ty);
        } finally { this.undecided--; }
      }
    }
  }

  private binary(e: Extract<Expr, { k: "binary" }>, env: Map<string, Iv>): Iv {
    const op = e.op;
    if (op === "&&" || op === "||") {
      const a = convert(this.expr(e.a, env), e.a.ty, "bool");
      // Short-circuit: the right side only runs (and only matters) when the left does not decide.
      if (op === "&&" && isFalse(a)) return convert(pt(0), "bool", e.ty);
      if (op === "||" && isTrue(a)) return convert(pt(1), "bool", e.ty);
      const decided = op === "&&" ? isTrue(a) : isFalse(a);  // the right side surely runs
      if (!decided) this.undecided++;
      let b: Iv;
      try { b = this.under(e.a, op === "&&", env, (en) => convert(this.expr(e.b, en), e.b.ty, "bool")) ?? pt(op === "&&" ? 0 : 1); } finally { if (!decided) this.undecided--; }
      const r = op === "&&"
        ? tri(!isFalse(a) && !isFalse(b), !isTrue(a) || !isTrue(b))
        : tri(!isFalse(a) || !isFalse(b), !isTrue(a) && !isTrue(b));
      return convert(r, "bool", e.ty);
    }
    const a = this.expr(e.a, env), b = this.expr(e.b, env);
    if (op === "<" || op === "<=" || op === ">" || op === ">=" || op === "==" || op === "!=") {
      const t = e.a.ty === "float" || e.b.ty === "float" ? "float" : e.a.ty === "bool" && e.b.ty === "bool" ? "bool" : "int";
      return convert(compare(op, convert(a, e.a.ty, t), convert(b, e.b.ty, t)), "bool", e.ty);
    }
    if (op === "&" || op === "|" || op === "^" || op === "<<" || op === ">>") {
      return convert(intBits(op, convert(a, e.a.ty, "int"), convert(b, e.b.ty, "int")), "int", e.ty);
    }
    const t = op === "/" || e.ty === "float" || e.a.ty === "float" || e.b.ty === "float" ? "float" : "int";
    const ca = convert(a, e.a.ty, t), cb = convert(b, e.b.ty, t);
    const r = convert(t === "int" ? intArith(op, ca, cb) : floatArith(op, ca, cb), t, e.ty);
    const g = globalIndexOf(e);
    return g ? this.globalIndex(g, r) : r;
  }
}
