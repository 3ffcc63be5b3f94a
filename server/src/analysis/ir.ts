// The mod-body IR: what the extractor produces from TypeScript, and what the classifier,
// the register estimate, the CUDA generator and the exports all consume.
// Ranges are 0-based (LSP convention); `#line` directives use range.start.line + 1.

export interface Pos { line: number; character: number }
export interface Range { start: Pos; end: Pos }

/** Static type of an expression in the DSL: TypeScript says `number`, we track int vs float. */
export type Ty = "int" | "float" | "bool";

/** The DSL's math functions: the keys of the vocabulary table (runtime/src/vocabulary.ts). */
export type { MathFn } from "scoremod/vocabulary";
import type { MathFn } from "scoremod/vocabulary";

/**
 * The mod's inputs by role (the user may name them anything; `text` keeps their name): its
 * parameters, and the fields of its varlen parameter `seq` (SeqInfo, FA4's seqlen_info), which
 * are uniform for a whole sequence (b) and read as `seq.offsetQ` etc.
 */
export type ArgRole = "score" | "b" | "h" | "q" | "kv" | SeqRole;
export type SeqRole = "offsetQ" | "offsetKv" | "lenQ" | "lenKv";
export const SEQ_ROLES: readonly SeqRole[] = ["offsetQ", "offsetKv", "lenQ", "lenKv"];
export const isSeqRole = (r: string): r is SeqRole => (SEQ_ROLES as readonly string[]).includes(r);

export type BinaryOp =
  | "+" | "-" | "*" | "/" | "%"
  | "<" | "<=" | ">" | ">=" | "==" | "!="
  | "&&" | "||" | "&" | "|" | "^" | "<<" | ">>";
export type UnaryOp = "-" | "!" | "~";

interface Node { ty: Ty; range: Range }
export type Expr =
  | Node & { k: "num"; value: number }
  | Node & { k: "bool"; value: boolean }
  | Node & { k: "arg"; role: ArgRole; text: string }
  /** dim("KV") */
  | Node & { k: "dim"; name: string }
  /** A runtime scalar parameter (`cap.value`); name is the scalar's declared name. */
  | Node & { k: "scalar"; name: string }
  /** A reference to a `const` binding in the body. */
  | Node & { k: "local"; name: string }
  /** tensor.at(...): loadId indexes ModFact.loads; tensor is the declaring variable's name. */
  | Node & { k: "load"; loadId: number; tensor: string; idx: Expr[] }
  | Node & { k: "unary"; op: UnaryOp; a: Expr }
  | Node & { k: "binary"; op: BinaryOp; a: Expr; b: Expr }
  | Node & { k: "call"; fn: MathFn; args: Expr[] }
  | Node & { k: "cond"; c: Expr; a: Expr; b: Expr };

export type Stmt =
  | { k: "const"; name: string; value: Expr; range: Range }
  | { k: "if"; cond: Expr; then: Stmt[]; else: Stmt[]; range: Range }
  | { k: "return"; value: Expr; range: Range };

/** The direct subexpressions of an expression. */
export function children(e: Expr): Expr[] {
  switch (e.k) {
    case "load": return e.idx;
    case "unary": return [e.a];
    case "binary": return [e.a, e.b];
    case "call": return e.args;
    case "cond": return [e.c, e.a, e.b];
    default: return [];
  }
}

/** The first expression of a body (at any depth, statements in order) that satisfies `pred`. */
export function findExpr<E extends Expr>(body: Stmt[], pred: (e: Expr) => e is E): E | undefined;
export function findExpr(body: Stmt[], pred: (e: Expr) => boolean): Expr | undefined;
export function findExpr(body: Stmt[], pred: (e: Expr) => boolean): Expr | undefined {
  const inExpr = (e: Expr): Expr | undefined => (pred(e) ? e : children(e).reduce<Expr | undefined>((f, c) => f ?? inExpr(c), undefined));
  for (const s of body) {
    const f = s.k === "if" ? inExpr(s.cond) ?? findExpr(s.then, pred) ?? findExpr(s.else, pred) : inExpr(s.value);
    if (f) return f;
  }
  return undefined;
}

/** A structural key: two expressions with the same key compute the same value at the same (b, h, q, kv) (within one scope of locals). */
export function exprKey(e: Expr): string {
  switch (e.k) {
    case "num": return `${e.ty}${e.value}`;
    case "bool": return String(e.value);
    case "arg": return `@${e.role}`;
    case "dim": return `d:${e.name};`;
    case "scalar": return `s:${e.name};`;
    case "local": return `l:${e.name};`;
    case "load": return `${e.tensor}[${e.idx.map(exprKey).join(",")}]`;
    case "unary": return `(${e.op}${exprKey(e.a)})`;
    case "binary": return `(${exprKey(e.a)}${e.op}${exprKey(e.b)})`;
    case "call": return `${e.fn}(${e.args.map(exprKey).join(",")})`;
    case "cond": return `(${exprKey(e.c)}?${exprKey(e.a)}:${exprKey(e.b)})`;
  }
}

/** Forget narrowed facts about expressions that read local `name` (a new binding of it shadows the old). */
export function forgetLocal<V>(env: Map<string, V>, name: string): void {
  const tag = `l:${name};`;
  for (const k of env.keys()) if (k.startsWith("e:") && k.includes(tag)) env.delete(k);
}

/** The packed-batch total each position's global index stays under (runtime/index.d.ts SeqInfo). */
export const SEQ_TOTAL = { q: "TOTAL_Q", kv: "TOTAL_KV" } as const;

/**
 * `q + seq.offsetQ` (either order) is "q" and `kv + seq.offsetKv` is "kv": a position's global
 * index in the packed batch, which lies in [0, TOTAL - 1] because q < lenQ and
 * offsetQ + lenQ <= TOTAL_Q. Interval arithmetic alone cannot see that (it forgets that both
 * bounds come from the same sequence), so the bounds analyses recognise the sum itself.
 */
export function globalIndexOf(e: Expr): "q" | "kv" | null {
  if (e.k !== "binary" || e.op !== "+" || e.a.k !== "arg" || e.b.k !== "arg") return null;
  const roles = new Set([e.a.role, e.b.role]);
  if (roles.has("q") && roles.has("offsetQ")) return "q";
  if (roles.has("kv") && roles.has("offsetKv")) return "kv";
  return null;
}

/** Whether a mod body reads its varlen parameter (any seq.* field). */
export function usesSeq(body: Stmt[]): boolean {
  return findExpr(body, (e) => e.k === "arg" && isSeqRole(e.role)) !== undefined;
}

/** Whether control cannot fall off the end of a statement list. */
export function alwaysReturns(stmts: Stmt[]): boolean {
  for (const st of stmts) {
    if (st.k === "return") return true;
    if (st.k === "if" && alwaysReturns(st.then) && alwaysReturns(st.else)) return true;
  }
  return false;
}
