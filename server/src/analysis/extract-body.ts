// Converts one mod's function (arrow or function expression, expression or block body) into
// the IR (ir.ts) and types every expression int / float / bool. What the DSL cannot express is
// a located SM1xx error saying what is supported; conversion goes on after an error so that
// one pass reports every problem in the body.
import { ts } from "ts-morph";
import { SEQ_ROLES, isSeqRole, type ArgRole, type BinaryOp, type Expr, type Range, type Stmt, type Ty } from "./ir";
import { DTYPE_SPECS, isMathFn, MATH_SPECS } from "scoremod/vocabulary";
import type { Fix, TensorFact, TextEdit } from "./facts";
import { importEdit } from "./fixes";
import { rangeOf } from "./program";
import { MATH_FNS_TEXT, SM, SUPPORTED_SUMMARY } from "./codes";
import { Scope, numLiteralTy, unwrap } from "./extract-scope";

/** One `.at()` load in source order (the shape of classify.ts's RawLoad). */
export interface ExtractedLoad { id: number; range: Range; tensorVar: string; text: string; idx: Expr[] }

export interface ConvertedMod {
  params: string[];
  body: Stmt[];
  loads: ExtractedLoad[];
  /** False when the body has an error: the IR is incomplete and must not be classified. */
  ok: boolean;
}

export type ModFn = ts.ArrowFunction | ts.FunctionExpression;

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

export function convertMod(s: Scope, kind: "score" | "mask", fn: ModFn): ConvertedMod {
  return new BodyConverter(s, kind).run(fn);
}

class BodyConverter {
  private ok = true;
  private readonly roles = new Map<string, ArgRole>();
  /** The name of the varlen parameter (SeqInfo), when the mod takes one. */
  private seqParam: string | null = null;
  private readonly locals: Map<string, Ty>[] = [];
  private readonly loads: ExtractedLoad[] = [];

  constructor(private readonly s: Scope, private readonly kind: "score" | "mask") {}

  run(fn: ModFn): ConvertedMod {
    const params = this.params(fn);
    let body: Stmt[] = [];
    if (fn.asteriskToken || fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      this.fail(fn, SM.badModDecl, "a mod must be a plain (not async, not generator) function");
    } else if (ts.isBlock(fn.body)) {
      this.locals.push(new Map());
      body = this.stmts(fn.body.statements);
      this.locals.pop();
      if (this.ok && !alwaysReturns(body)) {
        this.fail(fn.body, SM.missingReturn, `not every path of this ${this.kind} mod returns a value: end each path with \`return\``);
      }
    } else {
      const e = this.expr(fn.body);
      if (e) {
        this.checkReturn(e, fn.body);
        body = [{ k: "return", value: e, range: e.range }];
      }
    }
    return { params, body, loads: this.loads, ok: this.ok };
  }

  private params(fn: ModFn): string[] {
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
      if (role === "seq") this.seqParam = p.name.text;
      else this.roles.set(p.name.text, role);
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

  private shadowed = (name: string): boolean => this.roles.has(name) || name === this.seqParam || this.locals.some((m) => m.has(name));

  private local(name: string): Ty | undefined {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      const t = this.locals[i].get(name);
      if (t) return t;
    }
    return undefined;
  }

  // ---- statements -------------------------------------------------------------------------

  private stmts(list: readonly ts.Statement[]): Stmt[] {
    const out: Stmt[] = [];
    let done = false;
    for (const [i, st] of list.entries()) {
      if (st.kind === ts.SyntaxKind.EmptyStatement) continue;
      if (done) {
        this.s.report(st, "warning", SM.unreachable, "unreachable code after return: it is ignored");
        // The fix removes everything after the return, from the end of the statement before it.
        const from = list[i - 1]!.getEnd(), to = list[list.length - 1]!.getEnd();
        this.s.diagnostics[this.s.diagnostics.length - 1]!.fixes = [{ title: "Remove the unreachable code", edits: [{ range: rangeOf(this.s.sf, from, to), newText: "" }] }];
        break;
      }
      out.push(...this.stmt(st));
      done = out.length > 0 && alwaysReturns(out);
    }
    return out;
  }

  private block(st: ts.Statement | undefined): Stmt[] {
    if (!st) return [];
    this.locals.push(new Map());
    const out = ts.isBlock(st) ? this.stmts(st.statements) : this.stmts([st]);
    this.locals.pop();
    return out;
  }

  private stmt(st: ts.Statement): Stmt[] {
    const range = this.s.range(st);
    if (ts.isVariableStatement(st)) {
      const list = st.declarationList;
      if (!(list.flags & ts.NodeFlags.Const) || (list.flags & ts.NodeFlags.Using)) {
        this.fail(st, SM.mutation, "only `const` bindings are supported in a mod body (no let/var: values cannot be reassigned)", constFix(this.s.sf, list));
        // Bind the names anyway so that their uses do not add "unknown name" errors.
      }
      const out: Stmt[] = [];
      for (const d of list.declarations) {
        if (!ts.isIdentifier(d.name)) { this.fail(d.name, SM.unsupportedSyntax, "destructuring is not supported: bind one name per const"); continue; }
        if (!d.initializer) continue; // TypeScript: const needs an initializer
        const v = this.expr(d.initializer);
        this.locals[this.locals.length - 1].set(d.name.text, v ? v.ty : "float");
        if (v) out.push({ k: "const", name: d.name.text, value: v, range: this.s.range(d) });
      }
      return out;
    }
    if (ts.isIfStatement(st)) {
      const cond = this.cond(st.expression);
      const thenS = this.block(st.thenStatement);
      const elseS = this.block(st.elseStatement);
      return cond ? [{ k: "if", cond, then: thenS, else: elseS, range }] : [];
    }
    if (ts.isReturnStatement(st)) {
      if (!st.expression) return this.fail(st, SM.missingReturn, `\`return\` needs a value: a ${this.kind === "score" ? "number (the new score)" : "boolean (true keeps the score)"}`) ?? [];
      const v = this.expr(st.expression);
      if (!v) return [];
      this.checkReturn(v, st.expression);
      return [{ k: "return", value: v, range }];
    }
    if (ts.isForStatement(st) || ts.isForInStatement(st) || ts.isForOfStatement(st) || ts.isWhileStatement(st) || ts.isDoStatement(st)) {
      return this.fail(st, SM.loop, `loops are not supported in a mod body (it runs once per score); ${SUPPORTED_SUMMARY}`) ?? [];
    }
    if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) {
      return this.fail(st, SM.closure, "functions and classes cannot be declared inside a mod body; write the expression inline") ?? [];
    }
    if (ts.isExpressionStatement(st)) {
      const e = unwrap(st.expression);
      if (isMutation(e)) return this.fail(st, SM.mutation, "assignments are not supported in a mod body: bind a new `const` instead") ?? [];
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
      const c = this.cond(e.condition), a = this.expr(e.whenTrue), b = this.expr(e.whenFalse);
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

  private ident(e: ts.Identifier, range: Range): Expr | null {
    const name = e.text;
    const lt = this.local(name);
    if (lt) return { k: "local", name, ty: lt, range };
    const role = this.roles.get(name);
    if (role) return { k: "arg", role, text: name, ty: role === "score" ? "float" : "int", range };
    if (name === this.seqParam) {
      return this.fail(e, SM.unsupportedSyntax, `'${name}' (the sequence's SeqInfo) is not a number: read one of its fields, ${SEQ_ROLES.map((r) => `${name}.${r}`).join(", ")}`);
    }
    const g = this.s.globals.get(name);
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
    const a = this.expr(e.left), b = this.expr(e.right);
    if (!a || !b) return null;
    const sym = this.s.text(e.operatorToken);
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
    if (this.seqParam !== null && ts.isIdentifier(target) && target.text === this.seqParam && !this.locals.some((m) => m.has(target.text))) {
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

/** Whether control cannot fall off the end of a statement list. */
export function alwaysReturns(stmts: Stmt[]): boolean {
  for (const st of stmts) {
    if (st.k === "return") return true;
    if (st.k === "if" && alwaysReturns(st.then) && alwaysReturns(st.else)) return true;
  }
  return false;
}
