// Shared by the Python exports: a mod body (consts, if/else with returns) becomes straight-line
// assignments and one final value, with every `if` turned into a select. Both FlexAttention
// (under vmap) and FA4's CuTe DSL (TensorSSA lanes) evaluate all lanes together, so neither can
// branch on a per-lane condition; both branches are evaluated and the select picks per lane.
import type { Expr, Stmt } from "../analysis/ir";

export interface PyEmitter {
  /** Python code for an expression, with locals resolved through `local`. */
  expr(e: Expr, local: (name: string) => string): string;
  /** Per-lane choice between two values (already converted to the result type). */
  select(cond: string, a: string, b: string): string;
  /** Convert a body result (`ret` statement's value) to the mod's result type. */
  result(e: Expr, local: (name: string) => string): string;
  /** The right-hand side for `const name = e` bound to Python name `py` (default: expr). */
  assign?(py: string, e: Expr, local: (name: string) => string): string;
  /** Called around the lowering of each arm of an `if` (with what follows it): the arm runs where `cond` is `truth`. */
  enter?(cond: Expr, truth: boolean, local: (name: string) => string): void;
  leave?(): void;
  /**
   * Lowers one branch of an `if` (cond is its Python code, taken says which side) inside `body`,
   * for emitters that must know which lanes a statement runs for (FA4: a gather load that the
   * analysis keeps under its condition loads only those lanes). Default: just `body()`.
   */
  branch?<T>(cond: string, taken: boolean, body: () => T): T;
}

/** The scalars (by IR name) and dims a body reads. */
export function bodyRefs(body: Stmt[]): { scalars: Set<string>; dims: Set<string> } {
  const scalars = new Set<string>(), dims = new Set<string>();
  const walk = (e: Expr): void => {
    switch (e.k) {
      case "scalar": scalars.add(e.name); return;
      case "dim": dims.add(e.name); return;
      case "load": e.idx.forEach(walk); return;
      case "unary": walk(e.a); return;
      case "binary": walk(e.a); walk(e.b); return;
      case "call": e.args.forEach(walk); return;
      case "cond": walk(e.c); walk(e.a); walk(e.b); return;
      default: return;
    }
  };
  const stmts = (b: Stmt[]): void => {
    for (const s of b) {
      if (s.k === "if") { walk(s.cond); stmts(s.then); stmts(s.else); } else walk(s.value);
    }
  };
  stmts(body);
  return { scalars, dims };
}

export interface Lowered { lines: string[]; value: string }

/**
 * Straight-line lowering; `fresh` names each const (unique, so branches cannot clobber each other).
 * `lines` may be shared with the emitter when it emits statements of its own (FA4 loads).
 */
export function lowerBody(body: Stmt[], em: PyEmitter, fresh: (name: string) => string, lines: string[] = []): Lowered {
  const go = (stmts: Stmt[], env: Map<string, string>): string => {
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i]!;
      const local = (n: string) => {
        const v = env.get(n);
        if (!v) throw new Error(`unbound local '${n}'`);
        return v;
      };
      if (s.k === "const") {
        const py = fresh(s.name);
        lines.push(`${py} = ${em.assign ? em.assign(py, s.value, local) : em.expr(s.value, local)}`);
        env = new Map(env).set(s.name, py);
      } else if (s.k === "return") {
        return em.result(s.value, local);
      } else {
        const rest = stmts.slice(i + 1);
        const c = em.expr(s.cond, local);
        const under = <T>(taken: boolean, body: () => T): T => (em.branch ? em.branch(c, taken, body) : body());
        const arm = (body: Stmt[], truth: boolean): string => {
          em.enter?.(s.cond, truth, local);
          try { return under(truth, () => go([...body, ...rest], env)); } finally { em.leave?.(); }
        };
        const a = arm(s.then, true);
        const b = arm(s.else, false);
        return em.select(c, a, b);
      }
    }
    throw new Error("a path through the mod body has no return");
  };
  const value = go(body, new Map());
  return { lines, value };
}

export { pyIdent } from "../analysis/identifiers";

/** A Python float literal for a float64 value (repr-compatible). */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'float("nan")';
  if (v === Infinity) return 'float("inf")';
  if (v === -Infinity) return '-float("inf")';
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

export function pyStr(s: string): string {
  return JSON.stringify(s);
}
