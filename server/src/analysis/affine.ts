// Symbolic linear forms of index expressions in the lane variable kv (ARCHITECTURE.md "The legality model", step 1).
// An index becomes a polynomial with integer coefficients over atoms: kv, b, h, q, dim("X"),
// scalars, and opaque atoms for kv-free subexpressions the algebra cannot see through (min(q, 5),
// a load indexed by b, ...). Anything that is not a polynomial AND depends on kv is a failure with
// a reason in words: that index is not affine in kv, so the load is a gather. Soundness rule:
// whenever we cannot tell, we say "depends on kv, not affine".
import { children, type Expr, type Range, type Stmt } from "./ir";
import { V2_ZERO, factV2, isPow2, v2 } from "./poly";

/** Monomial key: its atoms sorted, joined by SEP ("" is the constant term). */
const SEP = "\u0001";
const MAX_TERMS = 64;
const MAX_DEPTH = 200;
const MAX_TEXT = 48;

export type Sym = ReadonlyMap<string, number>;

/** A `const` binding in scope: its value is read in the scope it was declared in (`parent`). */
export interface Binding { name: string; value: Expr; parent: Env }
export type Env = Binding | null;

export type Form =
  | { ok: true; p: Sym }
  | { ok: false; reason: string; range: Range };

export interface FormCtx {
  divisible: Record<string, number>;
  /** Opaque atoms ("#3") with what is known of them: a 2-adic valuation and a display label. */
  opaque: Map<string, { v2: number; label: string }>;
  /** Group atoms ("kvg#4"): floor((kv + c) / g), see GroupAtom. */
  groups: Map<string, GroupAtom>;
  /** Display names of argument atoms (the user's parameter names). */
  labels: Map<string, string>;
  memo: Map<Binding, Form>;
  nextId: number;
}

/**
 * floor((kv + c) / g) for a kv-free c and a constant g >= 2: `idiv(kv + c, g)` and `(kv + c) >> s`
 * (g = 2^s), and the quotient inside `(kv + c) % g` (= kv + c - g * floor(...)). Whether lanes
 * share its value depends on V and c (classify.ts laneShape), so the form keeps it as an atom that
 * moves with kv. Floor, not C's truncation: only formed where the two agree (shifts floor, and
 * idiv/% only when kv + c is provably >= 0), so the atom's value is the true floor on every lane.
 */
export interface GroupAtom { g: number; c: Sym; label: string }

export function newFormCtx(divisible: Record<string, number>): FormCtx {
  return { divisible, opaque: new Map(), groups: new Map(), labels: new Map(), memo: new Map(), nextId: 1 };
}

// ---------------------------------------------------------------- polynomial arithmetic

export function symConst(n: number): Sym { return n === 0 ? new Map() : new Map([["", n]]); }
function symAtom(a: string): Sym { return new Map([[a, 1]]); }

function addInto(out: Map<string, number>, p: Sym, k: number): void {
  for (const [m, c] of p) {
    const v = (out.get(m) ?? 0) + k * c;
    if (v === 0) out.delete(m); else out.set(m, v);
  }
}
export function symAdd(a: Sym, b: Sym, kb = 1): Sym {
  const out = new Map(a);
  addInto(out, b, kb);
  return out;
}
function mulKeys(x: string, y: string): string {
  if (x === "") return y;
  if (y === "") return x;
  return [...x.split(SEP), ...y.split(SEP)].sort().join(SEP);
}
function symMul(a: Sym, b: Sym): Sym {
  const out = new Map<string, number>();
  for (const [ma, ca] of a) for (const [mb, cb] of b) addInto(out, new Map([[mulKeys(ma, mb), ca * cb]]), 1);
  return out;
}
function safe(p: Sym): boolean {
  if (p.size > MAX_TERMS) return false;
  for (const c of p.values()) if (!Number.isSafeInteger(c)) return false;
  return true;
}

export function atomsOf(key: string): string[] { return key === "" ? [] : key.split(SEP); }
const GROUP_PREFIX = "kvg#";
/** kv itself or a group atom of kv: an atom whose value may differ between lanes. */
export function isKvAtom(a: string): boolean { return a === "kv" || a.startsWith(GROUP_PREFIX); }
export function isGroupAtom(a: string): boolean { return a.startsWith(GROUP_PREFIX); }
function monoMentionsKv(m: string): boolean { return atomsOf(m).some(isKvAtom); }
export function mentionsKv(p: Sym): boolean {
  for (const m of p.keys()) if (monoMentionsKv(m)) return true;
  return false;
}
export function symEqual(a: Sym, b: Sym): boolean {
  if (a.size !== b.size) return false;
  for (const [m, c] of a) if (b.get(m) !== c) return false;
  return true;
}

/** The part of p without kv (the per-call base, the same for every lane). */
export function kvFree(p: Sym): Sym {
  const out = new Map<string, number>();
  for (const [m, c] of p) if (!monoMentionsKv(m)) out.set(m, c);
  return out;
}

/** The kv coefficient when p = base + a*kv with an integer a; null when kv enters any other way (a group atom too). */
export function kvCoefficient(p: Sym): number | null {
  let a = 0;
  for (const [m, c] of p) {
    const atoms = atomsOf(m);
    if (!atoms.some(isKvAtom)) continue;
    if (atoms.length !== 1 || atoms[0] !== "kv") return null;
    a = c;
  }
  return a;
}

/** Provable 2-adic valuation of the values p takes (V2_ZERO for the zero polynomial). */
export function symV2(p: Sym, ctx: FormCtx): number {
  let k = V2_ZERO;
  for (const [m, c] of p) {
    let mk = v2(c);
    for (const a of atomsOf(m)) mk += atomV2(a, ctx);
    k = Math.min(k, mk);
  }
  return k;
}
function atomV2(a: string, ctx: FormCtx): number {
  if (a.startsWith("dim:")) return factV2(ctx.divisible, a.slice(4));
  const o = ctx.opaque.get(a);
  return o ? o.v2 : 0;
}

/**
 * p / g for a p every value of which is a multiple of g (symV2(p) >= log2 g, g a power of two):
 * each monomial divides exactly (the valuation of a sum is the minimum of its monomials'); a
 * monomial whose coefficient g does not divide becomes an opaque atom carrying what remains of
 * its valuation (dim("KV") / 32 with KV % 64 declared is a multiple of 2).
 */
export function symDivExact(p: Sym, g: number, ctx: FormCtx): Sym {
  const out = new Map<string, number>();
  for (const [m, c] of p) {
    if (c % g === 0) { addInto(out, new Map([[m, c / g]]), 1); continue; }
    const a = `#${ctx.nextId++}`;
    const mono: Sym = new Map([[m, c]]);
    ctx.opaque.set(a, { v2: symV2(mono, ctx) - Math.log2(g), label: `(${formatSym(mono, ctx)}) / ${g}` });
    addInto(out, symAtom(a), 1);
  }
  return out;
}

/** The constant term. */
export function symConstant(p: Sym): number { return p.get("") ?? 0; }

// ---------------------------------------------------------------- display

function atomLabel(a: string, ctx: FormCtx): string {
  if (a.startsWith("dim:")) return `dim("${a.slice(4)}")`;
  if (isGroupAtom(a)) return ctx.groups.get(a)?.label ?? a;
  if (a.startsWith("scalar:")) return a.slice(7);
  return ctx.opaque.get(a)?.label ?? ctx.labels.get(a) ?? a;
}

/** "q - kv", "kv + 3", "2*kv", "h*dim("KV") + kv". Symbols first, then kv, then the constant. */
export function formatSym(p: Sym, ctx: FormCtx): string {
  const rank = (m: string): number => (m === "" ? 2 : monoMentionsKv(m) ? 1 : 0);
  const keys = [...p.keys()].sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : x > y ? 1 : 0));
  const parts: string[] = [];
  for (const m of keys) {
    const c = p.get(m) as number;
    const atoms = atomsOf(m).map((a) => atomLabel(a, ctx)).join("*");
    const mag = Math.abs(c);
    const body = atoms === "" ? String(mag) : mag === 1 ? atoms : `${mag}*${atoms}`;
    if (parts.length === 0) parts.push(c < 0 ? `-${body}` : body);
    else parts.push(c < 0 ? `- ${body}` : `+ ${body}`);
  }
  return parts.length === 0 ? "0" : parts.join(" ");
}

/** Short source-like text of an expression for messages. */
export function exprText(e: Expr): string {
  const t = exprTextFull(e, 0);
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t;
}
function exprTextFull(e: Expr, depth: number): string {
  if (depth > 12) return "…";
  const r = (x: Expr): string => exprTextFull(x, depth + 1);
  switch (e.k) {
    case "num": return String(e.value);
    case "bool": return String(e.value);
    case "arg": return e.text;
    case "dim": return `dim("${e.name}")`;
    case "scalar": return e.name;
    case "local": return e.name.replace(/\.\d+$/, ""); // a renamed let version or inlined local reads as the user wrote it
    case "load": return `${e.tensor}.at(${e.idx.map(r).join(", ")})`;
    case "unary": return `${e.op}${r(e.a)}`;
    case "binary": return `${paren(e.a, r)} ${e.op} ${paren(e.b, r)}`;
    case "call": return `${e.fn}(${e.args.map(r).join(", ")})`;
    case "cond": return `${paren(e.c, r)} ? ${r(e.a)} : ${r(e.b)}`;
  }
}
function paren(e: Expr, r: (x: Expr) => string): string {
  return e.k === "binary" || e.k === "cond" ? `(${r(e)})` : r(e);
}

// ---------------------------------------------------------------- scopes

/** The const bindings in scope at each load (by loadId), following block scoping of if-branches. */
export function loadScopes(body: Stmt[]): Map<number, Env> {
  const out = new Map<number, Env>();
  const visit = (e: Expr, env: Env, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (e.k === "load" && !out.has(e.loadId)) out.set(e.loadId, env);
    for (const c of children(e)) visit(c, env, depth + 1);
  };
  const walk = (stmts: Stmt[], env: Env, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    let cur = env;
    for (const s of stmts) {
      if (s.k === "const") { visit(s.value, cur, 0); cur = { name: s.name, value: s.value, parent: cur }; }
      else if (s.k === "return") visit(s.value, cur, 0);
      else { visit(s.cond, cur, 0); walk(s.then, cur, depth + 1); walk(s.else, cur, depth + 1); }
    }
  };
  walk(body, null, 0);
  return out;
}

/**
 * Loads that run only under a condition: in a ternary arm, on the right of && or ||, inside an
 * if-branch, or after an if (which may have returned). Hoisting or widening such a load makes
 * it run on every call, so it must be in bounds whether or not its condition holds.
 */
export function guardedLoads(body: Stmt[]): Set<number> {
  const out = new Set<number>();
  const visit = (e: Expr, guarded: boolean, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (e.k === "load" && guarded) out.add(e.loadId);
    if (e.k === "cond") {
      visit(e.c, guarded, depth + 1);
      visit(e.a, true, depth + 1);
      visit(e.b, true, depth + 1);
      return;
    }
    if (e.k === "binary" && (e.op === "&&" || e.op === "||")) {
      visit(e.a, guarded, depth + 1);
      visit(e.b, true, depth + 1);
      return;
    }
    for (const c of children(e)) visit(c, guarded, depth + 1);
  };
  const walk = (stmts: Stmt[], guarded: boolean, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    let g = guarded;
    for (const st of stmts) {
      if (st.k === "if") {
        visit(st.cond, g, 0);
        walk(st.then, true, depth + 1);
        walk(st.else, true, depth + 1);
        g = true;
      } else {
        visit(st.value, g, 0);
      }
    }
  };
  walk(body, false, 0);
  return out;
}

/** Every top-level const of the body, for loads the scope walk did not meet. */
export function topLevelEnv(body: Stmt[]): Env {
  let env: Env = null;
  for (const s of body) if (s.k === "const") env = { name: s.name, value: s.value, parent: env };
  return env;
}

export function lookup(env: Env, name: string): Binding | null {
  for (let b = env; b; b = b.parent) if (b.name === name) return b;
  return null;
}


// ---------------------------------------------------------------- the form of an expression

function fail(reason: string, range: Range): Form { return { ok: false, reason, range }; }
function poly(p: Sym, e: Expr): Form {
  return safe(p) ? { ok: true, p } : fail(`${exprText(e)} is too large to reason about`, e.range);
}

function opaque(e: Expr, ctx: FormCtx, k = 0): Form {
  const a = `#${ctx.nextId++}`;
  ctx.opaque.set(a, { v2: k, label: exprText(e) });
  return { ok: true, p: symAtom(a) };
}

/** True when the form is kv-dependent (a failure always is: kv-free failures become opaque). */
export function dependsOnKv(f: Form): boolean { return !f.ok || mentionsKv(f.p); }

/** The polynomial form of `e` in kv, or the reason it is not affine in kv. */
export function formOf(e: Expr, env: Env, ctx: FormCtx, depth = 0): Form {
  if (depth > MAX_DEPTH) return fail("the expression nests too deeply to analyse", e.range);
  const sub = (x: Expr, en: Env = env): Form => formOf(x, en, ctx, depth + 1);
  switch (e.k) {
    case "num":
      return Number.isSafeInteger(e.value) ? { ok: true, p: symConst(e.value) } : opaque(e, ctx);
    case "bool": return opaque(e, ctx);
    case "arg":
      if (e.role === "score") return opaque(e, ctx);
      ctx.labels.set(e.role, e.text);
      return { ok: true, p: symAtom(e.role) };
    case "dim": return { ok: true, p: symAtom(`dim:${e.name}`) };
    case "scalar": return { ok: true, p: symAtom(`scalar:${e.name}`) };
    case "local": {
      const b = lookup(env, e.name);
      if (!b) return fail(`cannot see the binding of ${e.name}`, e.range);
      const memo = ctx.memo.get(b);
      if (memo) return memo;
      const f = sub(b.value, b.parent);
      ctx.memo.set(b, f);
      return f;
    }
    case "load": {
      for (const i of e.idx) {
        const f = sub(i);
        if (dependsOnKv(f)) {
          return fail(`${exprText(e)} reads a value at an index that depends on kv: data-dependent`, e.range);
        }
      }
      return opaque(e, ctx);
    }
    case "unary": {
      const a = sub(e.a);
      if (!a.ok) return a;
      if (e.op === "-") return poly(symAdd(symConst(0), a.p, -1), e);
      return mentionsKv(a.p) ? fail(`${exprText(e)}: bit/logic operations on kv are not affine`, e.range) : opaque(e, ctx);
    }
    case "binary": return binaryForm(e, sub, ctx);
    case "call": return callForm(e, sub, ctx);
    case "cond": return condForm(e, sub, ctx);
  }
}

function binaryForm(e: Extract<Expr, { k: "binary" }>, sub: (x: Expr) => Form, ctx: FormCtx): Form {
  const a = sub(e.a);
  if (!a.ok) return a;
  const b = sub(e.b);
  if (!b.ok) return b;
  switch (e.op) {
    case "+": return poly(symAdd(a.p, b.p), e);
    case "-": return poly(symAdd(a.p, b.p, -1), e);
    case "*": return poly(symMul(a.p, b.p), e);
    default: break;
  }
  if (!mentionsKv(a.p) && !mentionsKv(b.p)) return opaque(e, ctx);
  const t = exprText(e);
  if (e.op === "%" || e.op === ">>" || e.op === "&") {
    const grouped = groupForm(e.op, a.p, b.p, e, ctx);
    if (grouped) return grouped;
  }
  switch (e.op) {
    case "%": return fail(`${t} wraps kv around${negativeNote(a.p, b.p)}: lanes are not consecutive across the wrap (FA4 would misclassify this)`, e.range);
    case "/": return fail(`${t} divides kv: not affine`, e.range);
    case "<<": case ">>": return fail(`${t} shifts kv: not an affine index`, e.range);
    case "&": case "|": case "^": return fail(`${t}: bit operations on kv are not affine`, e.range);
    default: return fail(`${t} is a kv-dependent condition, not an index`, e.range);
  }
}

function callForm(e: Extract<Expr, { k: "call" }>, sub: (x: Expr) => Form, ctx: FormCtx): Form {
  let kv = false;
  const args: Sym[] = [];
  for (const x of e.args) {
    const f = sub(x);
    if (!f.ok) return f;
    if (mentionsKv(f.p)) kv = true;
    args.push(f.p);
  }
  if (!kv) return opaque(e, ctx);
  const t = exprText(e);
  if (e.fn === "idiv" && args.length === 2) {
    const grouped = groupForm("idiv", args[0]!, args[1]!, e, ctx);
    if (grouped) return grouped;
  }
  switch (e.fn) {
    case "min": case "max": case "clamp": return fail(`${t} clamps kv: lanes can repeat`, e.range);
    case "idiv": return fail(`${t} divides kv${args.length === 2 ? negativeNote(args[0]!, args[1]!) : ""}: lanes repeat, but not in groups of a constant size`, e.range);
    case "abs": return fail(`${t} folds kv: lanes can run backwards`, e.range);
    case "floor": case "ceil": return fail(`${t} rounds a kv expression: not affine`, e.range);
    default: return fail(`${t} is a float function of kv, not an index`, e.range);
  }
}

// ---------------------------------------------------------------- groups of lanes

const MAX_GROUP = 2 ** 30;

/** Atoms whose values are never negative: the mod's index arguments and dims (each >= 1). */
function nonNegAtom(a: string): boolean { return a === "b" || a === "h" || a === "q" || a.startsWith("dim:"); }
/** Whether a kv-free form is >= 0 for every value of its atoms (a sufficient condition). */
function provablyNonNeg(c: Sym): boolean {
  for (const [m, k] of c) if (k < 0 || !atomsOf(m).every(nonNegAtom)) return false;
  return true;
}

/**
 * `idiv(kv + c, g)`, `(kv + c) >> s` and `(kv + c) % g` with a kv-free c and a constant g, as
 * polynomials over the group atom floor((kv + c) / g); null when the operands have another shape
 * (the caller reports why). idiv and % truncate toward zero (C, and the DSL's idiv): they equal
 * floor only when kv + c >= 0, which kv >= 0 gives when c is provably >= 0; otherwise null.
 */
function groupForm(op: "idiv" | "%" | ">>" | "&", x: Sym, y: Sym, e: Expr, ctx: FormCtx): Form | null {
  if (kvCoefficient(x) !== 1 || mentionsKv(y) || y.size > 1 || (y.size === 1 && !y.has(""))) return null;
  const c = kvFree(x);
  const k = symConstant(y);
  let g: number;
  if (op === ">>") {
    // C and JS shift int32 by k & 31; an arithmetic right shift floors, whatever the sign.
    if (!Number.isInteger(k) || k < 0 || k > 30) return null;
    g = 2 ** k;
  } else if (op === "&") {
    // x & (2^s - 1) is x - 2^s * floor(x / 2^s) in two's complement, whatever the sign.
    if (!Number.isSafeInteger(k) || k < 0 || k >= MAX_GROUP || !isPow2(k + 1)) return null;
    g = k + 1;
  } else {
    if (!Number.isSafeInteger(k) || k < 1 || k > MAX_GROUP || !provablyNonNeg(c)) return null;
    g = k;
  }
  if (g === 1) return op === "%" || op === "&" ? { ok: true, p: symConst(0) } : { ok: true, p: x };
  // One atom per (g, c): idiv(kv, 32) and kv >> 5 are the same value, and cancel in a difference.
  const key = groupKey(c);
  let atom = [...ctx.groups].find(([, v]) => v.g === g && groupKey(v.c) === key)?.[0];
  if (!atom) {
    atom = `${GROUP_PREFIX}${ctx.nextId++}`;
    ctx.groups.set(atom, { g, c, label: `idiv(${formatSym(x, ctx)}, ${g})` });
  }
  const G = symAtom(atom);
  // x % g = x - g * floor(x / g) for x >= 0 (and x & (g - 1) for any x).
  return op === "%" || op === "&" ? poly(symAdd(x, G, -g), e) : poly(G, e);
}
/** Why kv + c over a constant is not grouped when c may be negative (C truncates toward zero). */
function negativeNote(x: Sym, y: Sym): string {
  if (kvCoefficient(x) !== 1 || mentionsKv(y) || y.size !== 1 || !y.has("") || provablyNonNeg(kvFree(x))) return "";
  return ` (the dividend may be negative, and C truncates toward zero: the group around 0 is wider than the others)`;
}
function groupKey(c: Sym): string {
  return [...c].map(([m, n]) => `${m.split(SEP).join("*")}:${n}`).sort().join("+");
}

function condForm(e: Extract<Expr, { k: "cond" }>, sub: (x: Expr) => Form, ctx: FormCtx): Form {
  const c = sub(e.c);
  if (dependsOnKv(c)) {
    return fail(`the condition of ${exprText(e)} depends on kv: lanes may take different arms`, e.range);
  }
  const a = sub(e.a);
  if (!a.ok) return a;
  const b = sub(e.b);
  if (!b.ok) return b;
  if (symEqual(a.p, b.p)) return a;
  const kvA = symAdd(a.p, kvFree(a.p), -1);
  const kvB = symAdd(b.p, kvFree(b.p), -1);
  if (!symEqual(kvA, kvB)) {
    return fail(`the arms of ${exprText(e)} move with kv differently: not one affine form`, e.range);
  }
  // Same kv part; the base is one of two kv-free values: what both are known to be multiples of.
  const baseA = kvFree(a.p);
  const baseB = kvFree(b.p);
  const k = Math.min(symV2(baseA, ctx), symV2(baseB, ctx));
  const base = opaque(e, ctx, k === V2_ZERO ? 30 : k);
  if (!base.ok) return base;
  return poly(symAdd(kvA, base.p), e);
}
