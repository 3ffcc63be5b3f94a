// Symbolic linear forms of index expressions in the lane variable kv (ARCHITECTURE.md "The legality model", step 1).
// An index becomes a polynomial with integer coefficients over atoms: kv, b, h, q, dim("X"),
// scalars, and opaque atoms for kv-free subexpressions the algebra cannot see through (min(q, 5),
// a load indexed by b, ...). Anything that is not a polynomial AND depends on kv is a failure with
// a reason in words: that index is not affine in kv, so the load is a gather. Soundness rule:
// whenever we cannot tell, we say "depends on kv, not affine".
import { children, type Expr, type Range, type Stmt } from "./ir";
import { V2_ZERO, factV2, v2 } from "./poly";

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
  /** Display names of argument atoms (the user's parameter names). */
  labels: Map<string, string>;
  memo: Map<Binding, Form>;
  nextId: number;
}

export function newFormCtx(divisible: Record<string, number>): FormCtx {
  return { divisible, opaque: new Map(), labels: new Map(), memo: new Map(), nextId: 1 };
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
export function mentionsKv(p: Sym): boolean {
  for (const m of p.keys()) if (atomsOf(m).includes("kv")) return true;
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
  for (const [m, c] of p) if (!atomsOf(m).includes("kv")) out.set(m, c);
  return out;
}

/** The kv coefficient when p = base + a*kv with an integer a; null when kv enters any other way. */
export function kvCoefficient(p: Sym): number | null {
  let a = 0;
  for (const [m, c] of p) {
    const atoms = atomsOf(m);
    if (!atoms.includes("kv")) continue;
    if (atoms.length !== 1) return null;
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

/** The constant term. */
export function symConstant(p: Sym): number { return p.get("") ?? 0; }

// ---------------------------------------------------------------- display

function atomLabel(a: string, ctx: FormCtx): string {
  if (a.startsWith("dim:")) return `dim("${a.slice(4)}")`;
  if (a.startsWith("scalar:")) return a.slice(7);
  return ctx.opaque.get(a)?.label ?? ctx.labels.get(a) ?? a;
}

/** "q - kv", "kv + 3", "2*kv", "h*dim("KV") + kv". Symbols first, then kv, then the constant. */
export function formatSym(p: Sym, ctx: FormCtx): string {
  const rank = (m: string): number => (m === "" ? 2 : atomsOf(m).includes("kv") ? 1 : 0);
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
  switch (e.op) {
    case "%": return fail(`${t} wraps kv around: lanes are not consecutive across the wrap (FA4 would misclassify this)`, e.range);
    case "/": return fail(`${t} divides kv: not affine`, e.range);
    case "<<": case ">>": return fail(`${t} shifts kv: not an affine index`, e.range);
    case "&": case "|": case "^": return fail(`${t}: bit operations on kv are not affine`, e.range);
    default: return fail(`${t} is a kv-dependent condition, not an index`, e.range);
  }
}

function callForm(e: Extract<Expr, { k: "call" }>, sub: (x: Expr) => Form, ctx: FormCtx): Form {
  let kv = false;
  for (const x of e.args) {
    const f = sub(x);
    if (!f.ok) return f;
    if (mentionsKv(f.p)) kv = true;
  }
  if (!kv) return opaque(e, ctx);
  const t = exprText(e);
  switch (e.fn) {
    case "min": case "max": case "clamp": return fail(`${t} clamps kv: lanes can repeat`, e.range);
    case "idiv": return fail(`${t} divides kv: lanes repeat`, e.range);
    case "abs": return fail(`${t} folds kv: lanes can run backwards`, e.range);
    case "floor": case "ceil": return fail(`${t} rounds a kv expression: not affine`, e.range);
    default: return fail(`${t} is a float function of kv, not an index`, e.range);
  }
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
