// Positions in float arithmetic (Target.fusedEntry: the runner's Hopper kernel). An int expression
// of the form ±kv [± q] [+ c] that the mod converts to float (ALiBi's `slope * (kv - q)`) costs
// an integer subtract and an int -> float conversion per score. The kernel instead hands the mod
// exact floats of its positions: the tile's first column of the thread (kvBase, once per tile),
// the thread's first row (qf), and the column's and row's constant offsets (kvOff in the tile,
// qOff 0 or 8 for a thread's two rows: compile-time constants after unrolling). The value is then
// (±kvBase ± qf + c) + (±kvOff ± qOff): the first sum is the same for every score of the thread in
// the tile (computed once), the second is one float add per score, and for kv - q row r + 8's at
// column c is row r's at c - 8, the same expression, so the compiler computes it once.
//
// Exact, hence bit-identical to the int path, when every partial sum is an integer below 2^24 in
// magnitude (f32 holds those exactly and their sums round to themselves). Partial sums are bounded
// by Q + KV + |c| plus the kernel's tile overhang (columns and rows past the end, whose scores are
// discarded; it covers |kvOff ± qOff| too): the runner compiles the float path only for runs within that bound
// (floatPositionsHold), and the int path otherwise. The sites (floatPositionSites, recorded as
// ModFact.floatPositions) are the one decision: the code generator takes the float path only at
// a site of the fact, so the runner's bound covers every conversion it makes.
import { MATH_SPECS, pickVariant } from "scoremod/vocabulary";
import { exprText, lookup, type Env } from "./affine";
import type { FloatPositionSite } from "./facts";
import { children, type Expr, type Stmt } from "./ir";

/** A position expression: kv (coefficient ±1), q (0 or ±1), an int constant. */
export interface PositionForm { kv: 1 | -1; q: -1 | 0 | 1; c: number }

/** f32 represents every integer of magnitude <= 2^24. */
export const EXACT_FLOAT_INTS = 2 ** 24;
/** Rows and columns a kernel tile may reach past Q and KV (BM + BN of the widest tile, rounded up). */
export const TILE_OVERHANG = 512;
/** Constants beyond this are not worth the bound they would cost (and keep int32 sums far from overflow). */
const MAX_CONSTANT = 2 ** 22;
const MAX_DEPTH = 64;

/**
 * The position form of an int expression, or null. `const` bindings are followed through env (a
 * name it does not bind is not a position).
 */
export function positionForm(e: Expr, env: Env): PositionForm | null {
  const lin = linear(e, env, 0);
  if (!lin || (lin.kv !== 1 && lin.kv !== -1) || Math.abs(lin.q) > 1 || Math.abs(lin.c) > MAX_CONSTANT) return null;
  return { kv: lin.kv, q: lin.q as -1 | 0 | 1, c: lin.c };
}

interface Linear { kv: number; q: number; c: number }

function linear(e: Expr, env: Env, depth: number): Linear | null {
  if (depth > MAX_DEPTH || e.ty !== "int") return null;
  switch (e.k) {
    case "num": return Number.isInteger(e.value) ? { kv: 0, q: 0, c: e.value } : null;
    case "arg": return e.role === "kv" ? { kv: 1, q: 0, c: 0 } : e.role === "q" ? { kv: 0, q: 1, c: 0 } : null;
    case "local": {
      const b = lookup(env, e.name);
      return b ? linear(b.value, b.parent, depth + 1) : null;
    }
    case "unary": {
      if (e.op !== "-") return null;
      const a = linear(e.a, env, depth + 1);
      return a && { kv: -a.kv, q: -a.q, c: -a.c };
    }
    case "binary": {
      if (e.op !== "+" && e.op !== "-") return null;
      const a = linear(e.a, env, depth + 1), b = linear(e.b, env, depth + 1);
      if (!a || !b) return null;
      const k = e.op === "+" ? 1 : -1;
      const out = { kv: a.kv + k * b.kv, q: a.q + k * b.q, c: a.c + k * b.c };
      // Intermediate sums stay as small as the result's bound allows.
      return Math.abs(out.kv) > 1 || Math.abs(out.q) > 1 || Math.abs(out.c) > MAX_CONSTANT ? null : out;
    }
    default: return null;
  }
}

/** The largest Q + KV for which a form's float evaluation is exact. */
export function positionLimit(f: PositionForm): number {
  return EXACT_FLOAT_INTS - TILE_OVERHANG - Math.abs(f.c);
}

/** Whether a run of Q queries and KV keys keeps every one of these forms exact. */
export function floatPositionsHold(limit: number | undefined, Q: number, KV: number): boolean {
  return limit !== undefined && Q + KV <= limit;
}

/**
 * Every int expression in position form that a score mod's body converts to float (an operand of
 * float arithmetic, comparison with a float, a float math argument, a branch of a float
 * conditional, the returned value).
 * Each site is reported once, outermost first (a form's subexpressions are not sites of their own).
 */
export function floatPositionSites(body: Stmt[]): FloatPositionSite[] {
  const out: FloatPositionSite[] = [];
  const site = (e: Expr, env: Env): boolean => {
    if (e.ty !== "int") return false;
    const form = positionForm(e, env);
    if (!form) return false;
    out.push({ range: e.range, text: exprText(e), limit: positionLimit(form) });
    return true;
  };
  const walk = (e: Expr, env: Env): void => {
    const floatUse = (c: Expr): void => { if (!site(c, env)) walk(c, env); };
    switch (e.k) {
      case "binary":
        if (["+", "-", "*", "/", "%"].includes(e.op) && (e.op === "/" || e.ty === "float" || e.a.ty === "float" || e.b.ty === "float")) {
          floatUse(e.a); floatUse(e.b); return;
        }
        if (["<", "<=", ">", ">=", "==", "!="].includes(e.op) && (e.a.ty === "float" || e.b.ty === "float")) {
          floatUse(e.a); floatUse(e.b); return;
        }
        break;
      case "call": {
        // The variant the generators call (vocabulary.ts pickVariant): an int variant takes ints; a
        // float one converts every argument but a constant-int one (pow's exponent).
        const spec = MATH_SPECS[e.fn];
        if (pickVariant(spec.cuda, e.args.every((a) => a.ty === "int")).ty === "int") break;
        e.args.forEach((a, i) => (i === spec.constInt?.index ? walk(a, env) : floatUse(a)));
        return;
      }
      case "unary":
        if (e.op === "-" && e.ty === "float") { floatUse(e.a); return; }
        break;
      case "cond":
        walk(e.c, env);
        if (e.ty === "float") { floatUse(e.a); floatUse(e.b); } else { walk(e.a, env); walk(e.b, env); }
        return;
      default: break;
    }
    for (const c of children(e)) walk(c, env);
  };
  const stmts = (body: Stmt[], env: Env): void => {
    for (const s of body) {
      if (s.k === "const") { walk(s.value, env); env = { name: s.name, value: s.value, parent: env }; }
      else if (s.k === "return") { if (!site(s.value, env)) walk(s.value, env); }
      else { walk(s.cond, env); stmts(s.then, env); stmts(s.else, env); }
    }
  };
  stmts(body, null);
  return out;
}

/** How the Hopper runner evaluates a site, for hovers and the CLI. */
export function floatPositionLine(s: { text: string; limit: number }): string {
  return `${s.text}: the runner's Hopper kernel evaluates it from exact float positions (one add per score instead of an int -> float conversion) ` +
    `for runs with Q + KV <= ${s.limit.toLocaleString("en-US")}, the same value as the cast; larger runs convert the int`;
}
