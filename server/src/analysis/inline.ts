// IR rewriting for inlined helpers, called mods and unrolled loops (extract-body.ts). Every
// consumer (classifier, bounds, tiles, generators) sees plain IR, as if the user had written
// the inlined body by hand: a helper's statements become an expression (consts substituted,
// `if (c) return a; ...` a ternary, so a load under a condition stays under it), and the
// final body's loads are renumbered so each load node has its own id and LoadFact.
import type { ExtractedLoad } from "./extract-body";
import { alwaysReturns, type Expr, type Stmt } from "./ir";

/** The largest mod body, in expression nodes, once helpers, mods and loops are inlined. */
export const MAX_INLINED_NODES = 4000;

/** Replaces every `local` named in `sub` by its expression (shared, not copied: renumberLoads copies). */
export function substitute(e: Expr, sub: ReadonlyMap<string, Expr>): Expr {
  if (sub.size === 0) return e;
  switch (e.k) {
    case "local": return sub.get(e.name) ?? e;
    case "load": return { ...e, idx: e.idx.map((x) => substitute(x, sub)) };
    case "unary": return { ...e, a: substitute(e.a, sub) };
    case "binary": return { ...e, a: substitute(e.a, sub), b: substitute(e.b, sub) };
    case "call": return { ...e, args: e.args.map((x) => substitute(x, sub)) };
    case "cond": return { ...e, c: substitute(e.c, sub), a: substitute(e.a, sub), b: substitute(e.b, sub) };
    default: return e;
  }
}

/**
 * A helper's body as one expression. `hoist` receives the consts that run unconditionally
 * (before the helper's first `if`) when the call itself runs unconditionally, so they stay
 * named statements of the caller; every other const is substituted into its uses, so what ran
 * under a condition still runs under it. Null when a path has no return (reported by the caller).
 */
export function bodyToExpr(stmts: Stmt[], hoist: ((s: Stmt & { k: "const" }) => void) | null, sub: ReadonlyMap<string, Expr> = new Map()): Expr | null {
  let env = sub;
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i]!;
    if (s.k === "const") {
      const value = substitute(s.value, env);
      // Helper locals have fresh names, so neither form can capture a caller's binding.
      if (hoist) hoist({ ...s, value });
      else env = new Map(env).set(s.name, value);
    } else if (s.k === "return") {
      return substitute(s.value, env);
    } else {
      const rest = stmts.slice(i + 1);
      const c = substitute(s.cond, env);
      const a = bodyToExpr(alwaysReturns(s.then) ? s.then : [...s.then, ...rest], null, env);
      const b = bodyToExpr(alwaysReturns(s.else) ? s.else : [...s.else, ...rest], null, env);
      if (!a || !b) return null;
      if ((a.ty === "bool") !== (b.ty === "bool")) return null;
      const ty = a.ty === "bool" ? "bool" : a.ty === "int" && b.ty === "int" ? "int" : "float";
      return { k: "cond", c, a, b, ty, range: s.range };
    }
  }
  return null;
}

/** Expression nodes of the body as a tree (shared subexpressions counted once per use), capped at `cap + 1`. */
export function treeSize(body: Stmt[], cap: number = MAX_INLINED_NODES): number {
  const memo = new Map<Expr, number>();
  const size = (e: Expr): number => {
    const m = memo.get(e);
    if (m !== undefined) return m;
    let n = 1;
    switch (e.k) {
      case "load": for (const x of e.idx) n += size(x); break;
      case "unary": n += size(e.a); break;
      case "binary": n += size(e.a) + size(e.b); break;
      case "call": for (const x of e.args) n += size(x); break;
      case "cond": n += size(e.c) + size(e.a) + size(e.b); break;
      default: break;
    }
    n = Math.min(n, cap + 1);
    memo.set(e, n);
    return n;
  };
  let total = 0;
  const walk = (ss: Stmt[]): void => {
    for (const s of ss) {
      if (total > cap) return;
      if (s.k === "if") { total += size(s.cond); walk(s.then); walk(s.else); } else total += size(s.value);
    }
  };
  walk(body);
  return Math.min(total, cap + 1);
}

/**
 * A copy of the body in which every load node has its own id, in source order (a load before its
 * indices), and the loads list that matches it. Substitution shares nodes, and a helper's load
 * inlined twice is two loads with two verdicts, as if written twice.
 */
export function renumberLoads(body: Stmt[], templates: readonly ExtractedLoad[]): { body: Stmt[]; loads: ExtractedLoad[] } {
  const loads: ExtractedLoad[] = [];
  const byId = new Map(templates.map((l) => [l.id, l]));
  const ex = (e: Expr): Expr => {
    switch (e.k) {
      case "load": {
        const t = byId.get(e.loadId)!;
        const load: ExtractedLoad = { id: loads.length, range: t.range, tensorVar: t.tensorVar, text: t.text, idx: [] };
        loads.push(load);
        load.idx = e.idx.map(ex);
        return { ...e, loadId: load.id, idx: load.idx };
      }
      case "unary": return { ...e, a: ex(e.a) };
      case "binary": { const a = ex(e.a); return { ...e, a, b: ex(e.b) }; }
      case "call": return { ...e, args: e.args.map(ex) };
      case "cond": { const c = ex(e.c), a = ex(e.a); return { ...e, c, a, b: ex(e.b) }; }
      default: return { ...e };
    }
  };
  const st = (ss: Stmt[]): Stmt[] => ss.map((s): Stmt => {
    if (s.k === "if") { const cond = ex(s.cond); const then = st(s.then); return { ...s, cond, then, else: st(s.else) }; }
    return { ...s, value: ex(s.value) };
  });
  return { body: st(body), loads };
}
