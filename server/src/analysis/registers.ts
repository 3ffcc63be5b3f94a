// A deliberately simple register-pressure model (ARCHITECTURE.md "The legality model", step 5).
// It does not predict ptxas; it ranks mods and V values and warns before the budget is crossed:
//
//   estimate = kernelRegs                      registers the kernel keeps live around the call
//            + addressing                      2 per distinct tensor (64-bit base) + 1 per non-uniform load (lane-0 offset)
//            + Σ loaded registers              uniform: ceil(e/4) once; contiguous: ceil(V·e/4) (bf16/f16 pack 2 per
//                                              register, u8 4); gather: V · ceil(e/4) (one register per lane)
//            + V × temporaries per lane        Sethi–Ullman need of the body's expressions minus 1 (the result
//                                              overwrites the score register the kernel already holds)
//
// The vector body evaluates all V lanes together (loads first, then arithmetic on fragments), so
// everything loaded stays live at once, which is what makes register use grow with V.
import { type Env, lookup } from "./affine";
import { children } from "./ir";
import type { LoadFact } from "./facts";
import type { Expr, Stmt } from "./ir";
import type { Target } from "./targets";

export interface RegisterEstimate {
  estimate: number;
  budget: number;
  kernel: number;
  addressing: number;
  loaded: number;
  tempsPerLane: number;
  lanes: number;
}

const MAX_DEPTH = 200;

export function estimateRegisters(body: Stmt[], loads: LoadFact[], V: number, target: Target): RegisterEstimate {
  const tensors = new Set(loads.map((l) => l.tensorVar));
  const addressing = 2 * tensors.size + loads.filter((l) => l.class !== "uniform").length;
  let loaded = 0;
  for (const l of loads) loaded += loadedRegisters(l, V);
  const tempsPerLane = Math.max(0, bodyNeed(body) - 1);
  const estimate = target.kernelRegs + addressing + loaded + V * tempsPerLane;
  return { estimate, budget: target.regBudget, kernel: target.kernelRegs, addressing, loaded, tempsPerLane, lanes: V };
}

export function loadedRegisters(l: LoadFact, V: number): number {
  const e = l.widthElems > 0 ? l.widthBytes / l.widthElems : 4;
  const perValue = Math.ceil(e / 4);
  if (l.class === "uniform") return perValue;
  // Runs of g lanes share an element: max(1, V / g) values, each in its lane type.
  if (l.class === "grouped") return Math.max(1, Math.floor(V / (l.group ?? 1))) * perValue;
  if (l.class === "contiguous" && l.widthElems > 1) return Math.ceil((V * e) / 4);
  return V * perValue;
}

/** The largest Sethi–Ullman need over every expression the body evaluates, consts inlined. */
export function bodyNeed(body: Stmt[]): number {
  const memo = new Map<object, number>();
  let best = 0;
  const walk = (stmts: Stmt[], env: Env, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    let cur = env;
    for (const s of stmts) {
      if (s.k === "const") {
        best = Math.max(best, need(s.value, cur, memo, 0));
        cur = { name: s.name, value: s.value, parent: cur };
      } else if (s.k === "return") {
        best = Math.max(best, need(s.value, cur, memo, 0));
      } else {
        best = Math.max(best, need(s.cond, cur, memo, 0));
        walk(s.then, cur, depth + 1);
        walk(s.else, cur, depth + 1);
      }
    }
  };
  walk(body, null, 0);
  return best;
}

/**
 * Registers needed to evaluate `e` (Sethi–Ullman, generalised to n operands): leaves cost 0
 * because literals are immediates, b/h/q/kv are shared per call, and loaded values are counted
 * with the loads; an operation needs at least one register for its result.
 */
export function need(e: Expr, env: Env, memo: Map<object, number>, depth: number): number {
  if (depth > MAX_DEPTH) return 1;
  if (e.k === "local") {
    const b = lookup(env, e.name);
    if (!b) return 0;
    const hit = memo.get(b);
    if (hit !== undefined) return hit;
    const n = need(b.value, b.parent, memo, depth + 1);
    memo.set(b, n);
    return n;
  }
  if (e.k === "load") return 0;
  const kids = children(e);
  if (kids.length === 0) return 0;
  const needs = kids.map((k) => need(k, env, memo, depth + 1)).sort((x, y) => y - x);
  let n = 1;
  for (let i = 0; i < needs.length; i++) n = Math.max(n, needs[i] + i);
  return n;
}
