// Converts one mod's function (arrow or function expression, expression or block body) into
// the IR (ir.ts) and types every expression int / float / bool. What the DSL cannot express is
// a located SM1xx error saying what is supported; conversion goes on after an error so that
// one pass reports every problem in the body.
import { ts } from "ts-morph";
import { SEQ_ROLES, alwaysReturns, isSeqRole, type ArgRole, type BinaryOp, type Expr, type Range, type Stmt, type Ty } from "./ir";
import { DTYPE_SPECS, isMathFn, MATH_SPECS } from "scoremod/vocabulary";
import type { Fix, TensorFact, TextEdit } from "./facts";
import { importEdit } from "./fixes";
import { rangeOf } from "./program";
import { MATH_FNS_TEXT, SM, SUPPORTED_SUMMARY } from "./codes";
import { Scope, numLiteralTy, unwrap, type HelperFn } from "./extract-scope";
import { MAX_INLINED_NODES, bodyToExpr, renumberLoads, substitute, treeSize } from "./inline";
import { loopHeader } from "./loops";

/** One `.at()` load in source order (the shape of classify.ts's RawLoad). */
export interface ExtractedLoad { id: number; range: Range; tensorVar: string; text: string; idx: Expr[] }

export interface ConvertedMod {
  params: string[];
  body: Stmt[];
  loads: ExtractedLoad[];
  /** False when the body has an error: the IR is incomplete and must not be classified. */
  ok: boolean;
  /** Mods of the file the body calls (inlined), in first-call order. */
  inlines: string[];
}

export type ModFn = HelperFn | ts.CallExpression;

/**
 * A name visible in a body. `ir` names a statement-level binding (a const, or the current version
 * of a `let`, renamed where it could clash: helper bodies, loop iterations, later versions);
 * `expr` is a value substituted where the name is used (a helper's parameter, a loop index).
 */
interface Bound { ty: Ty; ir?: string; expr?: Expr; mutable?: boolean }
/** A block's names; `loop`: an unrolled iteration (its bindings are renamed). */
interface BlockScope { vars: Map<string, Bound>; loop: boolean }
/** What one function being converted sees: the mod's own parameters (roles) or a helper's (bound values). */
interface Frame { roles: Map<string, ArgRole>; scopes: BlockScope[]; helper: boolean; /** The mod's varlen parameter (SeqInfo), when it takes one. */ seq?: string }

/** Calls inlined into one mod (with MAX_INLINED_NODES, what stops exponential inlining early). */
const MAX_INLINED_CALLS = 256;
/**
 * Expressions converted for one mod, copies included: stops unrolling early (64 × 64 nested
 * iterations). Above what one mod can hold as written (limits.ts: 4000 tokens a statement), so
 * only inlining and unrolling reach it; the body's own size is checked against MAX_INLINED_NODES.
 */
const MAX_CONVERTED_NODES = 4 * MAX_INLINED_NODES;

// The last parameter, `seq`, is not a value: only its fields are (SeqInfo, property()).
const ROLES: Record<"score" | "mask", (ArgRole | "seq")[]> = {
  score: ["score", "b", "h", "q", "kv", "seq"],
  mask: ["b", "h", "q", "kv", "seq"],
};
const SEQ_FIELDS = SEQ_ROLES.join(", ");


const BIN: Partial<Record<ts.SyntaxKind, BinaryOp>> = {
  [ts.SyntaxKind.PlusToken]: "+", [ts.SyntaxKind.MinusToken]: "-", [ts.SyntaxKind.AsteriskToken]: "*",
  [ts.SyntaxKind.SlashToken]: "/", [ts.SyntaxKind.PercentToken]: "%",
  [ts.SyntaxKind.LessThanToken]: "<", [ts.SyntaxKind.LessThanEqualsToken]: "<=",
  [ts.SyntaxKind.GreaterThanToken]: ">", [ts.SyntaxKind.GreaterThanEqualsToken]: ">=",
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "==", [ts.SyntaxKind.EqualsEqualsToken]: "==",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "!=", [ts.SyntaxKind.ExclamationEqualsToken]: "!=",
  [ts.SyntaxKind.AmpersandAmpersandToken]: "&&", [ts.SyntaxKind.BarBarToken]: "||",
  [ts.SyntaxKind.AmpersandToken]: "&", [ts.SyntaxKind.BarToken]: "|", [ts.SyntaxKind.CaretToken]: "^",
  [ts.SyntaxKind.LessThanLessThanToken]: "<<", [ts.SyntaxKind.GreaterThanGreaterThanToken]: ">>",
};

const INT32_MAX = 2147483647;
const isNum = (t: Ty) => t !== "bool";

/** `kvBias.at( b,h , kv )` -> `kvBias.at(b, h, kv)`. */
export function normalizeLoadText(src: string): string {
  return src.replace(/\s+/g, " ").replace(/([([]) /g, "$1").replace(/ ([)\],])/g, "$1").replace(/,(?=\S)/g, ", ");
}

export function convertMod(s: Scope, kind: "score" | "mask", fn: ModFn, name: string): ConvertedMod {
  return new BodyConverter(s, kind, name).run(fn);
}

class BodyConverter {
  private ok = true;
  private frame: Frame = { roles: new Map(), scopes: [], helper: false };
  private loads: ExtractedLoad[] = [];
  /** Statements hoisted before the statement being converted (a helper's arguments and consts), per open statement list. */
  private pending: Stmt[][] = [];
  /** > 0 while converting what runs only under a condition (a ternary arm, the right of && / ||). */
  private condDepth = 0;
  /** The helpers and mods being inlined, outermost first (the mod itself at the bottom): recursion is a cycle here. */
  private readonly inlining: string[];
  private inlinedCalls = 0;
  private nodes = 0;
  private tooLarge = false;
  /** Set when helpers, loops or lets rewrote the body: loads are renumbered at the end. */
  private rewritten = false;
  private freshId = 0;
  private readonly inlinedMods: string[] = [];

  constructor(private readonly s: Scope, private readonly kind: "score" | "mask", modName: string) {
    this.inlining = [modName];
  }

  run(fn: ModFn): ConvertedMod {
    if (ts.isCallExpression(fn)) return this.runComposed(fn);
    const params = this.params(fn);
    let body: Stmt[] = [];
    if (!fn.body || fn.asteriskToken || fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      this.fail(fn, SM.badModDecl, "a mod must be a plain (not async, not generator) function");
    } else if (ts.isBlock(fn.body)) {
      this.frame.scopes.push({ vars: new Map(), loop: false });
      body = this.stmts(fn.body.statements);
      this.frame.scopes.pop();
      if (this.ok && !alwaysReturns(body)) {
        this.fail(fn.body, SM.missingReturn, `not every path of this ${this.kind} mod returns a value: end each path with \`return\``);
      }
    } else {
      this.pending.push([]);
      const e = this.expr(fn.body);
      const hoisted = this.pending.pop()!;
      if (e) {
        this.checkReturn(e, fn.body);
        body = [...hoisted, { k: "return", value: e, range: e.range }];
      }
    }
    return this.finish(params, body, fn);
  }

  /** `maskMod(andMasks(a, b))`: the body is `a(b, h, q, kv) && b(b, h, q, kv)`, inlined. */
  private runComposed(call: ts.CallExpression): ConvertedMod {
    const roles: ArgRole[] = ["b", "h", "q", "kv"];
    const range = this.s.range(call);
    const args: Expr[] = roles.map((role) => ({ k: "arg", role, text: role, ty: "int", range }));
    roles.forEach((r) => this.frame.roles.set(r, r));
    this.pending.push([]);
    const e = this.composed(call, args);
    const hoisted = this.pending.pop()!;
    const body: Stmt[] = e ? [...hoisted, { k: "return", value: e, range }] : [];
    if (e) this.checkReturn(e, call);
    return this.finish(roles, body, call);
  }

  private finish(params: string[], body: Stmt[], at: ts.Node): ConvertedMod {
    if (this.ok && this.rewritten) {
      if (treeSize(body) > MAX_INLINED_NODES) {
        this.fail(at, SM.inlineLimit, `this mod has more than ${MAX_INLINED_NODES} operations once its helpers, mods and loops are inlined (each call and each iteration is a copy of the body): bind repeated values with const, call helpers with simple arguments, or shorten loops`);
        return { params, body: [], loads: [], ok: false, inlines: this.inlinedMods };
      }
      const r = renumberLoads(body, this.loads);
      return { params, body: r.body, loads: r.loads, ok: true, inlines: this.inlinedMods };
    }
    return { params, body, loads: this.loads, ok: this.ok, inlines: this.inlinedMods };
  }

  private params(fn: HelperFn): string[] {
    const roles = ROLES[this.kind];
    const names: string[] = [];
    fn.parameters.forEach((p, i) => {
      if (i >= roles.length) {
        this.fail(p, SM.badModDecl, `a ${this.kind} mod takes at most ${roles.length} parameters (${roles.join(", ")})`);
        return;
      }
      if (!ts.isIdentifier(p.name) || p.dotDotDotToken || p.initializer || p.questionToken) {
        this.fail(p, SM.badModDecl, `parameters must be plain names (${roles.join(", ")} by position): no destructuring, defaults, rest or '?'`);
        return;
      }
      if (p.name.text === "this") return;
      const role = roles[i]!;
      if (role === "seq") this.frame.seq = p.name.text;
      else this.frame.roles.set(p.name.text, role);
      names.push(p.name.text);
    });
    return names;
  }

  private fail(node: ts.Node, code: string, message: string, fix: Fix | null = null): null {
    this.s.error(node, code, message);
    if (fix) this.s.diagnostics[this.s.diagnostics.length - 1]!.fixes = [fix];
    this.ok = false;
    return null;
  }

  /** "Use name from scoremod": the callee rewritten to `name` (when it is `Math.name`) and the import added. */
  private useDslFix(callee: ts.Expression, name: string): Fix | null {
    const sf = this.s.sf;
    const imp = importEdit(sf.text, [name]);
    if (imp === null) return null;
    const edits: TextEdit[] = imp === "none" ? [] : [imp];
    if (callee.getText(sf) !== name) edits.push({ range: this.s.range(callee), newText: name });
    return edits.length ? { title: imp === "none" ? `Use ${name} from "scoremod"` : `Import ${name} from "scoremod"${edits.length > 1 ? ` and call ${name}(...)` : ""}`, edits } : null;
  }

  private shadowed = (name: string): boolean => this.frame.roles.has(name) || name === this.frame.seq || this.frame.scopes.some((m) => m.vars.has(name));

  private local(name: string): { b: Bound; depth: number } | undefined {
    const sc = this.frame.scopes;
    for (let i = sc.length - 1; i >= 0; i--) {
      const b = sc[i]!.vars.get(name);
      if (b) return { b, depth: i };
    }
    return undefined;
  }

  /** A name for a statement-level binding that clashes with nothing the user can write (`x.3`: identifiers.ts lowers it). */
  private fresh(name: string): string { return `${name}.${this.freshId++}`; }

  /** Whether a binding declared now must be renamed: in a helper (inlined next to the caller's names) or an unrolled iteration. */
  private renames(): boolean { return this.frame.helper || this.frame.scopes.some((x) => x.loop); }

  private bind(name: string, b: Bound): void { this.frame.scopes[this.frame.scopes.length - 1]!.vars.set(name, b); }

  private get hoistList(): Stmt[] { return this.pending[this.pending.length - 1]!; }

  // ---- statements -------------------------------------------------------------------------

  private stmts(list: readonly ts.Statement[]): Stmt[] {
    const out: Stmt[] = [];
    let done = false;
    this.pending.push([]);
    try {
    for (const [i, st] of list.entries()) {
      if (st.kind === ts.SyntaxKind.EmptyStatement) continue;
      if (done) {
        this.s.report(st, "warning", SM.unreachable, "unreachable code after return: it is ignored");
        // The fix removes everything after the return, from the end of the statement before it.
        const from = list[i - 1]!.getEnd(), to = list[list.length - 1]!.getEnd();
        this.s.diagnostics[this.s.diagnostics.length - 1]!.fixes = [{ title: "Remove the unreachable code", edits: [{ range: rangeOf(this.s.sf, from, to), newText: "" }] }];
        break;
      }
      const converted = this.stmt(st);
      out.push(...this.hoistList.splice(0), ...converted);
      done = out.length > 0 && alwaysReturns(out);
      if (this.tooLarge) break;
    }
    } finally { this.pending.pop(); }
    return out;
  }

  private block(st: ts.Statement | undefined): Stmt[] {
    if (!st) return [];
    this.frame.scopes.push({ vars: new Map(), loop: false });
    const out = ts.isBlock(st) ? this.stmts(st.statements) : this.stmts([st]);
    this.frame.scopes.pop();
    return out;
  }

  private stmt(st: ts.Statement): Stmt[] {
    const range = this.s.range(st);
    if (ts.isVariableStatement(st)) {
      const list = st.declarationList;
      const isLet = !!(list.flags & ts.NodeFlags.Let) && !(list.flags & ts.NodeFlags.Using);
      if (!(list.flags & ts.NodeFlags.Const) && !isLet || (list.flags & ts.NodeFlags.Using)) {
        this.fail(st, SM.mutation, "only `const` and `let` bindings are supported in a mod body (`var` is function-scoped)", constFix(this.s.sf, list));
        // Bind the names anyway so that their uses do not add "unknown name" errors.
      }
      if (isLet) this.rewritten = true;
      const out: Stmt[] = [];
      for (const d of list.declarations) {
        if (!ts.isIdentifier(d.name)) { this.fail(d.name, SM.unsupportedSyntax, "destructuring is not supported: bind one name per const"); continue; }
        if (!d.initializer) {
          if (isLet) this.fail(d, SM.mutation, `give '${d.name.text}' a value where it is declared (\`let ${d.name.text} = 0\`)`);
          continue; // TypeScript: const needs an initializer
        }
        const v = this.expr(d.initializer);
        const ir = this.renames() ? this.fresh(d.name.text) : d.name.text;
        this.bind(d.name.text, { ty: v ? v.ty : "float", ir, mutable: isLet });
        if (v) out.push({ k: "const", name: ir, value: v, range: this.s.range(d) });
      }
      return out;
    }
    if (ts.isForStatement(st)) return this.forLoop(st);
    if (ts.isIfStatement(st)) return this.ifStatement(st, range);
    if (ts.isReturnStatement(st)) {
      if (!st.expression) return this.fail(st, SM.missingReturn, `\`return\` needs a value: a ${this.kind === "score" ? "number (the new score)" : "boolean (true keeps the score)"}`) ?? [];
      const v = this.expr(st.expression);
      if (!v) return [];
      this.checkReturn(v, st.expression);
      return [{ k: "return", value: v, range }];
    }
    if (ts.isForInStatement(st) || ts.isForOfStatement(st) || ts.isWhileStatement(st) || ts.isDoStatement(st)) {
      return this.fail(st, SM.loop, "only `for (let i = A; i < B; i++)` loops with constant bounds are supported (they are unrolled): while, do, for-in and for-of are not") ?? [];
    }
    if (ts.isBreakStatement(st) || ts.isContinueStatement(st)) {
      return this.fail(st, SM.loopForm, "break and continue are not supported in an unrolled loop: guard the rest of the body with if, or return") ?? [];
    }
    if (ts.isBlock(st)) return this.block(st);
    if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) {
      return this.fail(st, SM.closure, "functions and classes cannot be declared inside a mod body; write the expression inline") ?? [];
    }
    if (ts.isExpressionStatement(st)) {
      const e = unwrap(st.expression);
      if (isMutation(e)) return this.assign(e);
      return this.fail(st, SM.unsupportedSyntax, "an expression statement has no effect in a mod body: bind it with `const` or `return` it") ?? [];
    }
    return this.fail(st, SM.unsupportedSyntax, `this statement is not supported; ${SUPPORTED_SUMMARY}`) ?? [];
  }

  private checkReturn(v: Expr, node: ts.Node): void {
    if (this.kind === "mask" && v.ty !== "bool") {
      this.fail(node, SM.maskNotBool, "a mask mod must return a boolean (true keeps the score), e.g. `q >= kv`");
    } else if (this.kind === "score" && v.ty === "bool") {
      this.fail(node, SM.scoreNotNumber, "a score mod must return a number (the new score); to drop scores use a maskMod");
    }
  }

  // ---- expressions ------------------------------------------------------------------------

  private cond(e: ts.Expression): Expr | null {
    const c = this.expr(e);
    if (c && c.ty !== "bool") return this.fail(e, SM.typeMismatch, "a condition must be a boolean: compare explicitly, e.g. `x != 0`");
    return c;
  }

  private expr(node: ts.Expression): Expr | null {
    if (this.tooLarge) { this.ok = false; return null; }
    if (++this.nodes > MAX_CONVERTED_NODES) {
      this.tooLarge = true;
      return this.fail(node, SM.inlineLimit, `this mod grows past ${MAX_INLINED_NODES} operations once its helpers, mods and loops are inlined (each call and each iteration is a copy of the body): shorten loops, or call helpers fewer times`);
    }
    const e = unwrap(node);
    const range = this.s.range(e);
    if (ts.isNumericLiteral(e)) {
      const value = Number(e.text);
      const ty = numLiteralTy(this.s.text(e), value);
      if (ty === "int" && value > INT32_MAX) {
        return this.fail(e, SM.intOutOfRange, `integer literal ${this.s.text(e)} does not fit in 32 bits: write it as a float (${value}.0) or use a smaller value`);
      }
      return { k: "num", value, ty, range };
    }
    if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) {
      return { k: "bool", value: e.kind === ts.SyntaxKind.TrueKeyword, ty: "bool", range };
    }
    if (ts.isIdentifier(e)) return this.ident(e, range);
    if (ts.isPrefixUnaryExpression(e)) return this.prefix(e, range);
    if (ts.isPostfixUnaryExpression(e)) return this.fail(e, SM.mutation, "++ and -- are not supported: values in a mod body cannot change");
    if (ts.isBinaryExpression(e)) return this.binary(e, range);
    if (ts.isConditionalExpression(e)) {
      const c = this.cond(e.condition);
      const [a, b] = this.underCondition(() => [this.expr(e.whenTrue), this.expr(e.whenFalse)] as const);
      if (!c || !a || !b) return null;
      const ty = unify(a.ty, b.ty);
      if (!ty) return this.fail(e, SM.typeMismatch, "both branches of `?:` must be numbers or both booleans");
      return { k: "cond", c, a, b, ty, range };
    }
    if (ts.isCallExpression(e)) return this.call(e, range);
    if (ts.isPropertyAccessExpression(e)) return this.property(e, range);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
      return this.fail(e, SM.closure, "functions cannot be created inside a mod body; write the expression inline");
    }
    if (ts.isElementAccessExpression(e)) {
      return this.fail(e, SM.unsupportedSyntax, "indexing with [] is not supported: load tensor elements with t.at(i, j, ...)");
    }
    if (ts.isStringLiteral(e) || ts.isTemplateExpression(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
      return this.fail(e, SM.unsupportedSyntax, `strings are not supported in a mod body; ${SUPPORTED_SUMMARY}`);
    }
    return this.fail(e, SM.unsupportedSyntax, `this expression is not supported; ${SUPPORTED_SUMMARY}`);
  }

  private underCondition<T>(f: () => T): T {
    this.condDepth++;
    try { return f(); } finally { this.condDepth--; }
  }

  private ident(e: ts.Identifier, range: Range): Expr | null {
    const name = e.text;
    const lt = this.local(name);
    if (lt) return lt.b.expr ?? { k: "local", name: lt.b.ir!, ty: lt.b.ty, range };
    const role = this.frame.roles.get(name);
    if (role) return { k: "arg", role, text: name, ty: role === "score" ? "float" : "int", range };
    if (name === this.frame.seq) {
      return this.fail(e, SM.unsupportedSyntax, `'${name}' (the sequence's SeqInfo) is not a number: read one of its fields, ${SEQ_ROLES.map((r) => `${name}.${r}`).join(", ")}`);
    }
    const g = this.s.globals.get(name);
    if (g?.kind === "helper" || g?.kind === "mod") {
      return this.fail(e, SM.unknownName, `'${name}' is a ${g.kind === "mod" ? "mod" : "function"} of this file: call it (${name}(...)) and the analysis inlines it`);
    }
    if (!g && this.s.isMutableTopLevel(name)) {
      return this.fail(e, SM.impure, `'${name}' is a module-level let/var: mods and helpers may read only constants (a mutable value could differ between the generated kernel, compiled once, and the reference); declare it with const`);
    }
    if (g?.kind === "tensor") return this.fail(e, SM.unknownTensor, `tensor '${name}' must be loaded element by element: ${name}.at(...)`);
    if (g?.kind === "scalar") {
      const end = this.s.range(e).end;
      return this.fail(e, SM.unknownScalar, `use '${name}.value' to read the scalar parameter '${name}'`, { title: `Read ${name}.value`, edits: [{ range: { start: end, end }, newText: ".value" }] });
    }
    const c = g?.kind === "const" || (!g && name === "Infinity") ? this.s.constant(e) : null;
    if (c) {
      if (typeof c.value === "boolean") return { k: "bool", value: c.value, ty: "bool", range };
      if (c.ty === "int" && Math.abs(c.value) > INT32_MAX) return this.fail(e, SM.intOutOfRange, `constant ${name} = ${c.value} does not fit in 32 bits`);
      return { k: "num", value: c.value, ty: c.ty, range };
    }
    if (this.s.imports.has(name)) {
      return this.fail(e, SM.unsupportedSyntax, `'${name}' from "scoremod" cannot be used as a value here; call the math functions (${MATH_FNS_TEXT})`);
    }
    return this.fail(e, SM.unknownName, `'${name}' cannot be used in a mod body: only its parameters, local consts, module-level numeric consts, tensors (t.at) and scalars (s.value)`);
  }

  private prefix(e: ts.PrefixUnaryExpression, range: Range): Expr | null {
    if (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken) {
      return this.fail(e, SM.mutation, "++ and -- are not supported: values in a mod body cannot change");
    }
    // Fold `-3` into a literal so that `x * -1` stays an int literal and `-Infinity` is one constant.
    const a = this.expr(e.operand);
    if (!a) return null;
    switch (e.operator) {
      case ts.SyntaxKind.MinusToken:
        if (!isNum(a.ty)) return this.fail(e, SM.typeMismatch, "unary '-' needs a number, not a boolean");
        if (a.k === "num") return { k: "num", value: -a.value, ty: a.ty, range };
        return { k: "unary", op: "-", a, ty: a.ty, range };
      case ts.SyntaxKind.PlusToken:
        if (!isNum(a.ty)) return this.fail(e, SM.typeMismatch, "unary '+' needs a number, not a boolean");
        return { ...a, range };
      case ts.SyntaxKind.ExclamationToken:
        if (a.ty !== "bool") return this.fail(e, SM.typeMismatch, "'!' needs a boolean: compare explicitly, e.g. `x == 0`");
        return { k: "unary", op: "!", a, ty: "bool", range };
      case ts.SyntaxKind.TildeToken:
        if (a.ty !== "int") return this.fail(e, SM.intOpOnFloat, "'~' needs an integer operand");
        return { k: "unary", op: "~", a, ty: "int", range };
    }
    return this.fail(e, SM.unsupportedSyntax, "this operator is not supported");
  }

  private binary(e: ts.BinaryExpression, range: Range): Expr | null {
    const k = e.operatorToken.kind;
    if (k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment) {
      return this.fail(e, SM.mutation, "assignments are not supported in a mod body: bind a new `const` instead");
    }
    const op = BIN[k];
    if (!op) {
      const t = ts.tokenToString(k) ?? "this operator";
      const hint = k === ts.SyntaxKind.AsteriskAsteriskToken ? ": use pow(x, n) for an integer constant n, or exp2(y * log2(x))" : "";
      return this.fail(e.operatorToken, SM.unsupportedSyntax, `'${t}' is not supported in a mod body${hint}`);
    }
    const a = this.expr(e.left);
    const b = op === "&&" || op === "||" ? this.underCondition(() => this.expr(e.right)) : this.expr(e.right);
    if (!a || !b) return null;
    return this.binOp(e, op, this.s.text(e.operatorToken), a, b, range);
  }

  /** The typed IR of `a op b` (also for `x op= y`, whose `e` is the assignment). */
  private binOp(e: ts.BinaryExpression, op: BinaryOp, sym: string, a: Expr, b: Expr, range: Range): Expr | null {
    switch (op) {
      case "+": case "-": case "*":
        if (!isNum(a.ty) || !isNum(b.ty)) return this.fail(e, SM.typeMismatch, `'${sym}' needs numbers, not booleans`);
        return { k: "binary", op, a, b, ty: a.ty === "int" && b.ty === "int" ? "int" : "float", range };
      case "/":
        if (!isNum(a.ty) || !isNum(b.ty)) return this.fail(e, SM.typeMismatch, "'/' needs numbers, not booleans");
        return { k: "binary", op, a, b, ty: "float", range };
      case "%": case "&": case "|": case "^": case "<<": case ">>":
        if ((op === "&" || op === "|") && a.ty === "bool" && b.ty === "bool") return this.flexBoolOp(e, op, a, b, range);
        if (a.ty === "bool" || b.ty === "bool") {
          return this.fail(e, SM.typeMismatch, `'${sym}' needs integers${op === "&" || op === "|" ? `; for booleans use '${sym}${sym}'` : ""}`);
        }
        if (a.ty !== "int" || b.ty !== "int") {
          return this.fail(e, SM.intOpOnFloat, `'${sym}' needs integer operands, but ${a.ty !== "int" ? "the left" : "the right"} one is a float${op === "%" ? " (use idiv and % only on ints; '/' always gives a float)" : ""}`);
        }
        return { k: "binary", op, a, b, ty: "int", range };
      case "<": case "<=": case ">": case ">=":
        if (!isNum(a.ty) || !isNum(b.ty)) return this.fail(e, SM.typeMismatch, `'${sym}' compares numbers, not booleans`);
        return { k: "binary", op, a, b, ty: "bool", range };
      case "==": case "!=":
        if (isNum(a.ty) !== isNum(b.ty)) return this.fail(e, SM.typeMismatch, `'${sym}' compares a number with a boolean`);
        return { k: "binary", op, a, b, ty: "bool", range };
      case "&&": case "||":
        if (a.ty !== "bool" || b.ty !== "bool") {
          return this.fail(e, SM.typeMismatch, `'${sym}' needs booleans: compare numbers explicitly, e.g. \`x != 0\``);
        }
        return { k: "binary", op, a, b, ty: "bool", range };
    }
  }

  /**
   * `(q >= kv) & (doc.at(b, q) == doc.at(b, kv))`: Flex code combines boolean tensors with `&`/`|`,
   * which TypeScript rejects on booleans (TS2447). One located error with the fix to `&&`/`||`
   * (SM170); the body is converted as if written that way, so the rest of it is still checked.
   */
  private flexBoolOp(e: ts.BinaryExpression, op: "&" | "|", a: Expr, b: Expr, range: Range): Expr {
    const logical = op === "&" ? "&&" : "||";
    const fix = flexBoolFix(this.s, e, logical);
    this.s.diagnostics.push({
      range: this.s.range(e.operatorToken), severity: "error", code: SM.flexBoolOp,
      message: `'${op}' on booleans is Flex (tensor) code: TypeScript allows it only on numbers. Write '${logical}' ` +
        `(a mod body computes one boolean per score, so '${logical}' gives the same value)`,
      fixes: fix ? [fix] : undefined,
    });
    this.ok = false;
    return { k: "binary", op: logical, a, b, ty: "bool", range };
  }

  private call(e: ts.CallExpression, range: Range): Expr | null {
    const callee = unwrap(e.expression);
    if (e.questionDotToken || (ts.isPropertyAccessExpression(callee) && callee.questionDotToken)) {
      return this.fail(e, SM.unsupportedSyntax, "optional calls (?.) are not supported");
    }
    // t.at(...)
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name) && callee.name.text === "at") {
      return this.load(e, callee, range);
    }
    const fn = this.s.dslName(callee, this.shadowed);
    if (fn === "dim") {
      const arg = e.arguments[0] ? unwrap(e.arguments[0]) : undefined;
      if (e.arguments.length !== 1 || !arg || !(ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(arg.text)) {
        return this.fail(e, SM.dimNotLiteral, "dim() takes one string literal naming a dim, e.g. dim(\"KV\")");
      }
      return { k: "dim", name: arg.text, ty: "int", range };
    }
    if (isMathFn(fn)) {
      const args: Expr[] = [];
      let good = true;
      for (const a of e.arguments) {
        const x = this.expr(a);
        if (!x) good = false;
        else if (x.ty === "bool") { this.fail(a, SM.typeMismatch, `${fn}() takes numbers, not booleans`); good = false; }
        else args.push(x);
      }
      if (!good) return null;
      const spec = MATH_SPECS[fn];
      if (args.length !== spec.params.length || e.arguments.some(ts.isSpreadElement)) { this.ok = false; return null; } // TypeScript reports the arity
      const ci = spec.constInt;
      if (ci) {
        const n = args[ci.index]!;
        if (n.k !== "num" || n.ty !== "int" || n.value < ci.lo || n.value > ci.hi) {
          return this.fail(e.arguments[ci.index]!, SM.constIntArg,
            `${fn}()'s ${spec.params[ci.index]} must be an integer constant in [${ci.lo}, ${ci.hi}] (a literal or a module-level const)` +
            (n.k === "num" && n.ty === "int" ? `, not ${n.value}` : n.k === "num" ? ", not a float" : "") +
            (fn === "pow" ? "; for any other exponent write exp2(n * log2(x))" : ""));
        }
      }
      let ty: Ty;
      if (spec.args === "int") {
        const bad = args.findIndex((x) => x.ty !== "int");
        if (bad >= 0) return this.fail(e.arguments[bad], SM.intOpOnFloat, `${fn}() needs integer operands; for floats use '/' (and floor() if needed)`);
        ty = "int";
      } else if (spec.result === "float") ty = "float";
      else ty = args.every((x) => x.ty === "int") ? "int" : "float";
      return { k: "call", fn, args, ty, range };
    }
    // A helper or mod of this file: inlined.
    if (ts.isIdentifier(callee) && fn === null && !this.shadowed(callee.text)) {
      const g = this.s.globals.get(callee.text);
      if (g?.kind === "helper" || g?.kind === "mod") {
        const args = this.args(e);
        if (g.kind === "mod" && !this.inlinedMods.includes(callee.text)) this.inlinedMods.push(callee.text);
        return args && this.inline(e, callee.text, g.fn, args, g.kind === "mod" ? g.modKind : undefined);
      }
    }
    // `andMasks(a, b)(b, h, q, kv)`: the composed mask applied in place.
    if (ts.isCallExpression(callee) && ["andMasks", "orMasks"].includes(this.s.dslName(callee.expression, this.shadowed) ?? "")) {
      const args = this.args(e);
      if (!args) return null;
      if (args.length !== 4) { this.ok = false; return null; } // TypeScript reports the arity
      return this.composed(callee, args.map((a) => this.once(a, ["b", "h", "q", "kv"][args.indexOf(a)]!)));
    }
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "Math"
      && !this.shadowed("Math") && !this.s.globals.has("Math")) {
      const m = callee.name.text;
      const alt = isMathFn(m) ? `import { ${m} } from "scoremod" and call ${m}(...)` : `the supported math functions are ${MATH_FNS_TEXT}, imported from "scoremod"`;
      return this.fail(e, SM.unsupportedCall, `Math.${m} is not supported: ${alt}`, isMathFn(m) ? this.useDslFix(callee, m) : null);
    }
    // A DSL function the file forgot to import: TypeScript says "Cannot find name" (dropped in
    // favour of this one, index.ts), and this says the same with the import as its fix.
    if (ts.isIdentifier(callee) && fn === null && (isMathFn(callee.text) || callee.text === "dim")
      && !this.shadowed(callee.text) && !this.s.bindsTopLevel(callee.text)) {
      const name = callee.text;
      return this.fail(callee, SM.notImported, `'${name}' is a function of "scoremod" but this file does not import it: add it to the import from "scoremod"`, this.useDslFix(callee, name));
    }
    const what = fn !== null ? `'${fn}' from "scoremod"` : `'${this.s.text(callee).slice(0, 40)}'`;
    return this.fail(e, SM.unsupportedCall, `${what} cannot be called in a mod body; calls allowed are t.at(...), dim("NAME") and the math functions ${MATH_FNS_TEXT} (from "scoremod")`);
  }

  // ---- composition: helpers, mods, andMasks / orMasks ------------------------------------

  private args(e: ts.CallExpression): Expr[] | null {
    const out: Expr[] = [];
    let good = true;
    for (const a of e.arguments) {
      if (ts.isSpreadElement(a)) { this.fail(a, SM.unsupportedSyntax, "spread arguments are not supported: pass each argument"); good = false; continue; }
      const x = this.expr(a);
      if (x) out.push(x); else good = false;
    }
    return good ? out : null;
  }

  /**
   * `name(args)`, where name is a helper or mod of the file: its body converted with its
   * parameters bound to the arguments and turned into one expression (inline.ts). An argument
   * that is not a plain name or constant is bound to a fresh const first when the call runs
   * unconditionally (evaluated once, as the call would), else substituted where it is used.
   */
  private inline(at: ts.Node, name: string, fn: ModFn | null, args: Expr[], modKind?: "score" | "mask"): Expr | null {
    if (!fn) { this.ok = false; return null; } // the declaration's own error is reported where it is
    const cycle = this.inlining.indexOf(name);
    if (cycle >= 0) {
      return this.fail(at, SM.recursion, `'${name}' calls itself (${[...this.inlining.slice(cycle), name].join(" → ")}): helpers and mods are inlined into the mod that calls them, so they cannot recurse; write the repetition as a for loop with a constant trip count`);
    }
    if (++this.inlinedCalls > MAX_INLINED_CALLS) {
      this.tooLarge = true;
      return this.fail(at, SM.inlineLimit, `this mod inlines more than ${MAX_INLINED_CALLS} calls of helpers and mods (each call is a copy of the callee's body): call them fewer times, or in fewer nested layers`);
    }
    this.rewritten = true;
    this.inlining.push(name);
    try {
      return ts.isCallExpression(fn) ? this.composed(fn, args) : this.inlineFn(fn, name, args, modKind);
    } finally { this.inlining.pop(); }
  }

  /**
   * An argument evaluated once: bound to a fresh const when the call runs unconditionally and it
   * is more than a name or a constant; under a condition it is substituted (a const hoisted out
   * of the condition would run its loads unguarded).
   */
  private once(a: Expr, name: string): Expr {
    if (this.condDepth > 0 || isAtom(a)) return a;
    const ir = this.fresh(name);
    this.hoistList.push({ k: "const", name: ir, value: a, range: a.range });
    return { k: "local", name: ir, ty: a.ty, range: a.range };
  }

  private inlineFn(fn: HelperFn, name: string, args: Expr[], modKind?: "score" | "mask"): Expr | null {
    if (!fn.body || fn.asteriskToken || fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      return this.fail(fn, SM.unsupportedSyntax, `'${name}' must be a plain function (not async, not a generator) to be inlined`);
    }
    const frame: Frame = { roles: new Map(), scopes: [{ vars: new Map(), loop: false }], helper: true };
    for (const [i, p] of fn.parameters.entries()) {
      if (!ts.isIdentifier(p.name) || p.dotDotDotToken || p.initializer || p.questionToken) {
        return this.fail(p, SM.unsupportedSyntax, `'${name}' can be inlined only with plain parameters: no destructuring, defaults, rest or '?'`);
      }
      if (p.name.text === "this") continue;
      const a = args[i];
      // A called mod's varlen parameter (never passed: the call signature has none) is the
      // caller's sequence: its fields are the same per-call values.
      if (!a && modKind && ROLES[modKind][i] === "seq") { frame.seq = p.name.text; continue; }
      // A mod called with fewer arguments than its function takes: TypeScript reports it. More
      // arguments than parameters is fine for a mod (`softcap(s, b, h, q, kv)` of `(s) => ...`).
      if (!a) { this.ok = false; return null; }
      frame.scopes[0]!.vars.set(p.name.text, { ty: a.ty, expr: this.once(a, p.name.text) });
    }
    const outer = { frame: this.frame, cond: this.condDepth, pending: this.pending };
    this.frame = frame;
    this.condDepth = 0;
    this.pending = [];
    let body: Stmt[];
    try {
      if (ts.isBlock(fn.body)) body = this.stmts(fn.body.statements);
      else {
        this.pending.push([]);
        const e = this.expr(fn.body);
        body = e ? [...this.pending.pop()!, { k: "return", value: e, range: e.range }] : [];
      }
    } finally {
      this.frame = outer.frame;
      this.condDepth = outer.cond;
      this.pending = outer.pending;
    }
    if (!this.ok) return null;
    if (!alwaysReturns(body)) return this.fail(fn.body, SM.missingReturn, `not every path of '${name}' returns a value: end each path with \`return\``);
    const hoist = outer.cond === 0 ? (c: Stmt) => this.hoistList.push(c) : null;
    const e = bodyToExpr(body, hoist);
    if (!e) return this.fail(fn.body, SM.typeMismatch, `'${name}' returns a boolean on one path and a number on another`);
    return e;
  }

  /** andMasks(m1, m2, ...) / orMasks(...) applied to (b, h, q, kv): `m1(...) && m2(...)`, short-circuit as the CUDA runs it. */
  private composed(call: ts.CallExpression, args: Expr[]): Expr | null {
    const op = this.s.dslName(call.expression) === "orMasks" ? "||" : "&&";
    const range = this.s.range(call);
    // attention-gym: and_masks() keeps everything, or_masks() nothing.
    if (call.arguments.length === 0) return { k: "bool", value: op === "&&", ty: "bool", range };
    let acc: Expr | null = null;
    for (const [i, m] of call.arguments.entries()) {
      const x = i === 0 ? this.applyMask(m, args) : this.underCondition(() => this.applyMask(m, args));
      if (!x) return null;
      if (x.ty !== "bool") return this.fail(m, SM.maskNotBool, `${op === "&&" ? "andMasks" : "orMasks"} combines masks: this one returns a number`);
      acc = acc ? { k: "binary", op, a: acc, b: x, ty: "bool", range } : x;
    }
    return acc;
  }

  private applyMask(node: ts.Expression, args: Expr[]): Expr | null {
    const m = unwrap(node);
    if (ts.isIdentifier(m) && !this.shadowed(m.text)) {
      const g = this.s.globals.get(m.text);
      if (g?.kind === "mod" && g.modKind === "score") return this.fail(m, SM.maskNotBool, `'${m.text}' is a score mod: andMasks and orMasks combine mask mods`);
      if (g?.kind === "mod" && !this.inlinedMods.includes(m.text)) this.inlinedMods.push(m.text);
      if (g?.kind === "helper" || g?.kind === "mod") return this.inline(m, m.text, g.fn, args, g.kind === "mod" ? g.modKind : undefined);
    }
    if (ts.isArrowFunction(m) || ts.isFunctionExpression(m)) {
      this.rewritten = true;
      return this.inlineFn(m, "the mask", args);
    }
    if (ts.isCallExpression(m) && ["andMasks", "orMasks"].includes(this.s.dslName(m.expression, this.shadowed) ?? "")) return this.composed(m, args);
    return this.fail(m, SM.unsupportedCall, "andMasks and orMasks take masks of this file: maskMods, helper functions (b, h, q, kv) => boolean, arrow functions, or other andMasks/orMasks");
  }

  // ---- let, assignments and loops -------------------------------------------------------

  /**
   * `x = e`, `x += e`, `x ||= e`, `x++`: a new version of the `let` x, as a fresh const (SSA),
   * so every consumer still sees const bindings. In an if-branch, the version after the if is a
   * select between the branches' (ifStatement).
   */
  private assign(e: ts.Expression): Stmt[] {
    const target = ts.isBinaryExpression(e) ? unwrap(e.left) : unwrap((e as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression).operand);
    if (!ts.isIdentifier(target)) return this.fail(e, SM.mutation, "only a local `let` can be assigned in a mod body") ?? [];
    const name = target.text;
    const found = this.local(name);
    if (!found) {
      if (this.s.isMutableTopLevel(name) || this.s.globals.has(name)) {
        return this.fail(e, SM.impure, `assigning '${name}', declared outside this ${this.frame.helper ? "helper" : "mod"}, is a side effect: mods and helpers must be pure (compute a value and return it)`) ?? [];
      }
      const what = this.frame.roles.has(name) ? "a parameter of the mod" : "not a local `let` of this body";
      return this.fail(e, SM.mutation, `'${name}' is ${what} and cannot be assigned: bind a \`let\` and assign that`) ?? [];
    }
    if (!found.b.mutable) {
      const what = found.b.expr ? "a loop variable or a parameter" : "a const";
      return this.fail(e, SM.mutation, `'${name}' is ${what} and cannot be assigned: bind a \`let\` and assign that`) ?? [];
    }
    const cur: Expr = { k: "local", name: found.b.ir!, ty: found.b.ty, range: this.s.range(target) };
    const range = this.s.range(e);
    let v: Expr | null;
    if (!ts.isBinaryExpression(e)) {
      const op = (e as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression).operator === ts.SyntaxKind.PlusPlusToken ? "+" : "-";
      if (cur.ty === "bool") return this.fail(e, SM.typeMismatch, `'${op}${op}' needs a number`) ?? [];
      v = { k: "binary", op, a: cur, b: { k: "num", value: 1, ty: "int", range }, ty: cur.ty, range };
    } else if (e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      v = this.expr(e.right);
    } else {
      const op = COMPOUND[e.operatorToken.kind];
      if (!op) return this.fail(e.operatorToken, SM.unsupportedSyntax, `'${this.s.text(e.operatorToken)}' is not supported in a mod body`) ?? [];
      const rhs = op === "&&" || op === "||" ? this.underCondition(() => this.expr(e.right)) : this.expr(e.right);
      v = rhs && this.binOp(e, op, this.s.text(e.operatorToken).slice(0, -1), cur, rhs, range);
    }
    if (!v) return [];
    if ((v.ty === "bool") !== (found.b.ty === "bool")) return this.fail(e, SM.typeMismatch, `'${name}' holds a ${found.b.ty === "bool" ? "boolean" : "number"}; this assigns a ${v.ty === "bool" ? "boolean" : "number"}`) ?? [];
    const ir = this.fresh(name);
    found.b.ir = ir;
    found.b.ty = v.ty;
    this.rewritten = true;
    return [{ k: "const", name: ir, value: v, range }];
  }

  /**
   * `if (c) { ... } else { ... }`. When a branch assigns a `let` declared outside the if, the if
   * becomes one select per such variable after it (`x.3 = c ? x-in-then : x-in-else`): each
   * branch's value is its consts substituted into the variable's last version there, so a load
   * in a branch stays under its condition (inline.ts). Such a branch may not also return.
   */
  private ifStatement(st: ts.IfStatement, range: Range): Stmt[] {
    const cond = this.cond(st.expression);
    const outer = this.frame.scopes.flatMap((sc) => [...sc.vars.values()].filter((b) => b.mutable));
    const before = outer.map((b) => ({ ir: b.ir!, ty: b.ty }));
    const branch = (node: ts.Statement | undefined) => {
      const body = this.block(node);
      const after = outer.map((b) => ({ ir: b.ir!, ty: b.ty }));
      outer.forEach((b, i) => { b.ir = before[i]!.ir; b.ty = before[i]!.ty; });
      return { body, after };
    };
    const t = branch(st.thenStatement), f = branch(st.elseStatement);
    const changed = outer.map((_, i) => i).filter((i) => t.after[i]!.ir !== before[i]!.ir || f.after[i]!.ir !== before[i]!.ir);
    if (!cond) return [];
    if (changed.length === 0) return [{ k: "if", cond, then: t.body, else: f.body, range }];
    if (hasReturn(t.body) || hasReturn(f.body)) {
      return this.fail(st, SM.mutation, "a branch that assigns a `let` declared outside the if cannot also return: assign in one if, and return after it") ?? [];
    }
    this.rewritten = true;
    const c = this.once(cond, "cond");
    const valueIn = (body: Stmt[], ir: string, ty: Ty): Expr => {
      let sub = new Map<string, Expr>();
      for (const s of body) if (s.k === "const") sub = new Map(sub).set(s.name, substitute(s.value, sub));
      return sub.get(ir) ?? { k: "local", name: ir, ty, range };
    };
    const out: Stmt[] = [];
    for (const i of changed) {
      const b = outer[i]!;
      const a = valueIn(t.body, t.after[i]!.ir, t.after[i]!.ty), e = valueIn(f.body, f.after[i]!.ir, f.after[i]!.ty);
      const ty = unify(a.ty, e.ty);
      if (!ty) return this.fail(st, SM.typeMismatch, "this if assigns a boolean on one path and a number on the other") ?? [];
      const name = this.fresh(b.ir!.replace(/\.\d+$/, ""));
      out.push({ k: "const", name, value: { k: "cond", c, a, b: e, ty, range }, range });
      b.ir = name;
      b.ty = ty;
    }
    return out;
  }

  /** A `for` loop, unrolled: the body once per value of the loop variable (bound to that constant), in order. */
  private forLoop(st: ts.ForStatement): Stmt[] {
    const h = loopHeader(this.s, st);
    if (!h.ok) return this.fail(h.node, h.code, h.message) ?? [];
    this.rewritten = true;
    const out: Stmt[] = [];
    const body = ts.isBlock(st.statement) ? st.statement.statements : [st.statement];
    const range = this.s.range(h.nameNode);
    for (const v of h.values) {
      const vars = new Map<string, Bound>([[h.name, { ty: "int", expr: { k: "num", value: v, ty: "int", range } }]]);
      this.frame.scopes.push({ vars, loop: true });
      const before = this.s.diagnostics.length;
      try { out.push(...this.stmts(body)); } finally { this.frame.scopes.pop(); }
      // An error repeats in every iteration; a body that returned ends the loop.
      if (this.s.diagnostics.length > before || this.tooLarge || alwaysReturns(out)) break;
    }
    return out;
  }

  private load(e: ts.CallExpression, callee: ts.PropertyAccessExpression, range: Range): Expr | null {
    const target = unwrap(callee.expression);
    const name = ts.isIdentifier(target) ? target.text : null;
    const g = name !== null && !this.shadowed(name) ? this.s.globals.get(name) : undefined;
    if (!name || !g || g.kind !== "tensor") {
      return this.fail(callee.expression, SM.unknownTensor, `'${this.s.text(callee.expression).slice(0, 40)}' is not a declared tensor: declare it at module level with \`const t = tensor("name", dtype, [dims])\``);
    }
    // Source order: the outer load starts first, so it takes its id before its indices.
    const id = this.loads.length;
    const placeholder: ExtractedLoad = { id, range, tensorVar: name, text: normalizeLoadText(this.s.text(e)), idx: [] };
    this.loads.push(placeholder);
    const idx: Expr[] = [];
    let good = true;
    for (const a of e.arguments) {
      if (ts.isSpreadElement(a)) { this.fail(a, SM.unsupportedSyntax, "spread arguments are not supported: pass each index"); good = false; continue; }
      const x = this.expr(a);
      if (!x) { good = false; continue; }
      if (x.ty !== "int") {
        const hint = x.ty === "bool" ? "a boolean" : "a float";
        this.fail(a, SM.floatIndex, `tensor index '${this.s.text(a).slice(0, 40)}' is ${hint}; indices must be integers: use idiv(a, b) instead of '/', and int-typed tensors or scalars`);
        good = false;
        continue;
      }
      idx.push(x);
    }
    const fact: TensorFact | null = g.fact;
    // A wrong index count is TypeScript's error (generic .at typings); an invalid declaration
    // was reported where it is. Either way the load cannot be classified.
    if (!good || !fact || idx.length !== fact.shape.length) { this.ok = false; return null; }
    placeholder.idx = idx;
    const ty: Ty = DTYPE_SPECS[fact.dtype].lane;
    return { k: "load", loadId: id, tensor: name, idx, ty, range };
  }

  private property(e: ts.PropertyAccessExpression, range: Range): Expr | null {
    const target = unwrap(e.expression);
    const seq = this.frame.seq;
    if (seq !== undefined && ts.isIdentifier(target) && target.text === seq && !this.frame.scopes.some((m) => m.vars.has(target.text))) {
      const field = ts.isIdentifier(e.name) ? e.name.text : "";
      if (e.questionDotToken) return this.fail(e, SM.unsupportedSyntax, "optional access (?.) is not supported");
      // TypeScript reports a field SeqInfo does not have (TS2339); this says which ones exist.
      if (!isSeqRole(field)) return this.fail(e.name, SM.unsupportedSyntax, `SeqInfo has no field '${field}': its fields are ${SEQ_FIELDS}`);
      return { k: "arg", role: field, text: `${target.text}.${field}`, ty: "int", range };
    }
    if (ts.isIdentifier(target) && ts.isIdentifier(e.name) && e.name.text === "value" && !this.shadowed(target.text)) {
      const g = this.s.globals.get(target.text);
      if (g?.kind === "scalar") {
        if (!g.fact) { this.ok = false; return null; }
        return { k: "scalar", name: g.fact.name, ty: g.fact.dtype === "i32" ? "int" : "float", range };
      }
      return this.fail(e, SM.unknownScalar, `'${target.text}' is not a declared scalar: declare it with \`const s = scalar("name", f32, 1.0)\``);
    }
    return this.fail(e, SM.unsupportedSyntax, `property access is not supported here; only s.value of a declared scalar and t.at(...) of a declared tensor`);
  }
}

/**
 * The edit from `a & b` to `a && b`. `&&`/`||` bind more loosely than every operator around a
 * `&`/`|` but each other, so the expression is parenthesised when it is an operand of another
 * binary operator (`a | b && c` must become `(a || b) && c`, not `a || b && c`).
 */
function flexBoolFix(s: Scope, e: ts.BinaryExpression, logical: "&&" | "||"): Fix | null {
  const sf = s.sf;
  const opStart = e.operatorToken.getStart(sf), opEnd = e.operatorToken.getEnd();
  const start = e.getStart(sf), end = e.getEnd();
  const text = sf.text.slice(start, opStart) + logical + sf.text.slice(opEnd, end);
  const parent = e.parent;
  const wrap = ts.isBinaryExpression(parent) || ts.isPrefixUnaryExpression(parent);
  return {
    title: `Replace '${e.operatorToken.getText(sf)}' with '${logical}'`,
    edits: [{ range: rangeOf(sf, start, end), newText: wrap ? `(${text})` : text }],
  };
}

/** `let x = ...` / `var x = ...` -> `const`: only when every binding has a value (a later assignment then fails where it is). */
function constFix(sf: ts.SourceFile, list: ts.VariableDeclarationList): Fix | null {
  const at = list.getStart(sf);
  const kw = sf.text.slice(at, at + 3);
  if ((kw !== "let" && kw !== "var") || list.declarations.some((d) => !d.initializer)) return null;
  return { title: `Change '${kw}' to 'const'`, edits: [{ range: rangeOf(sf, at, at + 3), newText: "const" }] };
}

/** Compound assignments and the operator they apply. */
const COMPOUND: Partial<Record<ts.SyntaxKind, BinaryOp>> = {
  [ts.SyntaxKind.PlusEqualsToken]: "+", [ts.SyntaxKind.MinusEqualsToken]: "-", [ts.SyntaxKind.AsteriskEqualsToken]: "*",
  [ts.SyntaxKind.SlashEqualsToken]: "/", [ts.SyntaxKind.PercentEqualsToken]: "%",
  [ts.SyntaxKind.AmpersandEqualsToken]: "&", [ts.SyntaxKind.BarEqualsToken]: "|", [ts.SyntaxKind.CaretEqualsToken]: "^",
  [ts.SyntaxKind.LessThanLessThanEqualsToken]: "<<", [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken]: ">>",
  [ts.SyntaxKind.AmpersandAmpersandEqualsToken]: "&&", [ts.SyntaxKind.BarBarEqualsToken]: "||",
};

/** Whether a statement list returns anywhere (in any branch). */
function hasReturn(ss: Stmt[]): boolean {
  return ss.some((s) => s.k === "return" || (s.k === "if" && (hasReturn(s.then) || hasReturn(s.else))));
}

/** An argument used as is wherever the parameter appears (nothing to evaluate twice). */
function isAtom(e: Expr): boolean {
  return e.k === "num" || e.k === "bool" || e.k === "arg" || e.k === "local" || e.k === "dim" || e.k === "scalar";
}

function unify(a: Ty, b: Ty): Ty | null {
  if (a === "bool" || b === "bool") return a === b ? "bool" : null;
  return a === "int" && b === "int" ? "int" : "float";
}

function isMutation(e: ts.Expression): boolean {
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    return k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
  }
  return ts.isPostfixUnaryExpression(e) || (ts.isPrefixUnaryExpression(e)
    && (e.operator === ts.SyntaxKind.PlusPlusToken || e.operator === ts.SyntaxKind.MinusMinusToken));
}

export { alwaysReturns } from "./ir";
