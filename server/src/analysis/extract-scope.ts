// Module-level facts the extractor needs while reading declarations and mod bodies: which
// local names are the DSL's exports (`import { tensor as T } from "scoremod"`, or a namespace
// import), the top-level consts, and constant folding of literal expressions.
import { ts } from "ts-morph";
import type { Diagnostic, ScalarFact, Severity, TensorFact } from "./facts";
import type { Range, Ty } from "./ir";
import { rangeOf } from "./program";

export const DSL_MODULE = "scoremod";

export type Global =
  /** fact is null when the declaration itself is invalid (already reported). */
  | { kind: "tensor"; fact: TensorFact | null }
  | { kind: "scalar"; fact: ScalarFact | null }
  /**
   * A scoreMod/maskMod: its function (or the andMasks/orMasks call it wraps) so other mods and
   * helpers can call it (inlined); null when the declaration has no analysable function.
   */
  | { kind: "mod"; modKind: "score" | "mask"; fn: HelperFn | ts.CallExpression | null }
  /** A top-level function declaration or a const arrow/function: a helper mods may call (inlined). */
  | { kind: "helper"; fn: HelperFn }
  /** Any other top-level const; folded on demand into a constant when it can be. */
  | { kind: "const"; init: ts.Expression | undefined };

export interface Const { value: number | boolean; ty: Ty }

/** A function the analysis can inline: a mod's function or a helper of the file. */
export type HelperFn = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration;

export class Scope {
  readonly diagnostics: Diagnostic[] = [];
  /** Local name -> name exported by "scoremod". */
  readonly imports = new Map<string, string>();
  /** Names bound by `import * as sm from "scoremod"`. */
  readonly namespaces = new Set<string>();
  readonly globals = new Map<string, Global>();
  private readonly folding = new Set<string>();
  private readonly folded = new Map<string, Const | null>();

  constructor(readonly sf: ts.SourceFile) {
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      if (st.moduleSpecifier.text !== DSL_MODULE || !st.importClause || st.importClause.isTypeOnly) continue;
      const nb = st.importClause.namedBindings;
      if (!nb) continue;
      if (ts.isNamespaceImport(nb)) this.namespaces.add(nb.name.text);
      else for (const el of nb.elements) {
        if (el.isTypeOnly) continue;
        this.imports.set(el.name.text, (el.propertyName ?? el.name).text);
      }
    }
  }

  private topNames: Set<string> | null = null;
  private mutableNames: Set<string> | null = null;

  /** Whether `name` is a module-level let/var: mutable state a mod or helper must not touch. */
  isMutableTopLevel(name: string): boolean {
    if (!this.mutableNames) {
      const names = new Set<string>();
      for (const st of this.sf.statements) {
        if (!ts.isVariableStatement(st) || st.declarationList.flags & ts.NodeFlags.Const) continue;
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
      }
      this.mutableNames = names;
    }
    return this.mutableNames.has(name);
  }

  /** Whether the file binds `name` at the top level in any way (import from any module, function, let, class...). */
  bindsTopLevel(name: string): boolean {
    if (!this.topNames) {
      const names = new Set<string>();
      for (const st of this.sf.statements) {
        if (ts.isImportDeclaration(st)) {
          const c = st.importClause;
          if (c?.name) names.add(c.name.text);
          const nb = c?.namedBindings;
          if (nb && ts.isNamespaceImport(nb)) names.add(nb.name.text);
          else if (nb) for (const el of nb.elements) names.add(el.name.text);
        } else if (ts.isVariableStatement(st)) {
          for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
        } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isImportEqualsDeclaration(st)) && st.name && ts.isIdentifier(st.name)) {
          names.add(st.name.text);
        }
      }
      this.topNames = names;
    }
    return this.topNames.has(name);
  }

  range(node: ts.Node): Range {
    return rangeOf(this.sf, node.getStart(this.sf), node.getEnd());
  }

  report(node: ts.Node, severity: Severity, code: string, message: string): void {
    this.diagnostics.push({ range: this.range(node), severity, code, message });
  }
  error(node: ts.Node, code: string, message: string): void { this.report(node, "error", code, message); }

  text(node: ts.Node): string { return node.getText(this.sf); }

  /** The DSL export an expression names (`exp`, `sm.exp`), or null. Locals shadow imports. */
  dslName(e: ts.Expression, shadowed?: (name: string) => boolean): string | null {
    e = unwrap(e);
    if (ts.isIdentifier(e)) {
      if (shadowed?.(e.text)) return null;
      return this.imports.get(e.text) ?? null;
    }
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && ts.isIdentifier(e.name)) {
      if (shadowed?.(e.expression.text)) return null;
      if (this.namespaces.has(e.expression.text)) return e.name.text;
    }
    return null;
  }

  /** Folds a literal expression (numbers, booleans, + - * / %, unary -, module consts). */
  constant(e: ts.Expression | undefined): Const | null {
    if (!e) return null;
    e = unwrap(e);
    if (ts.isNumericLiteral(e)) return { value: Number(e.text), ty: numLiteralTy(this.text(e), Number(e.text)) };
    if (e.kind === ts.SyntaxKind.TrueKeyword) return { value: true, ty: "bool" };
    if (e.kind === ts.SyntaxKind.FalseKeyword) return { value: false, ty: "bool" };
    if (ts.isPrefixUnaryExpression(e)) {
      const a = this.constant(e.operand);
      if (!a) return null;
      if (e.operator === ts.SyntaxKind.MinusToken && typeof a.value === "number") return { value: -a.value, ty: a.ty };
      if (e.operator === ts.SyntaxKind.PlusToken && typeof a.value === "number") return a;
      if (e.operator === ts.SyntaxKind.ExclamationToken && typeof a.value === "boolean") return { value: !a.value, ty: "bool" };
      return null;
    }
    if (ts.isBinaryExpression(e)) {
      const a = this.constant(e.left), b = this.constant(e.right);
      if (!a || !b || typeof a.value !== "number" || typeof b.value !== "number") return null;
      const ints = a.ty === "int" && b.ty === "int";
      switch (e.operatorToken.kind) {
        case ts.SyntaxKind.PlusToken: return { value: a.value + b.value, ty: ints ? "int" : "float" };
        case ts.SyntaxKind.MinusToken: return { value: a.value - b.value, ty: ints ? "int" : "float" };
        case ts.SyntaxKind.AsteriskToken: return { value: a.value * b.value, ty: ints ? "int" : "float" };
        case ts.SyntaxKind.SlashToken: return { value: a.value / b.value, ty: "float" };
        case ts.SyntaxKind.PercentToken:
          return ints && b.value !== 0 ? { value: a.value % b.value, ty: "int" } : null;
        default: return null;
      }
    }
    if (ts.isIdentifier(e)) {
      if (e.text === "Infinity" && !this.globals.has("Infinity")) return { value: Infinity, ty: "float" };
      return this.globalConst(e.text);
    }
    return null;
  }

  /** A top-level const folded to a constant, or null when it is not one (cycles included). */
  globalConst(name: string): Const | null {
    if (this.folded.has(name)) return this.folded.get(name) ?? null;
    const g = this.globals.get(name);
    // A cycle, or a chain of consts too long to fold without deep recursion, is not a constant.
    if (!g || g.kind !== "const" || this.folding.has(name) || this.folding.size > 64) return null;
    this.folding.add(name);
    const c = this.constant(g.init);
    this.folding.delete(name);
    this.folded.set(name, c);
    return c;
  }

  /** A JSON-like literal (objects, arrays, strings, constant numbers and booleans), or undefined. */
  literal(e: ts.Expression): unknown {
    e = unwrap(e);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
    if (e.kind === ts.SyntaxKind.NullKeyword) return null;
    if (ts.isArrayLiteralExpression(e)) {
      const out: unknown[] = [];
      for (const el of e.elements) {
        const v = this.literal(el);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    if (ts.isObjectLiteralExpression(e)) {
      const out: Record<string, unknown> = {};
      for (const p of e.properties) {
        if (!ts.isPropertyAssignment(p)) return undefined;
        const key = propName(p.name);
        if (key === null) return undefined;
        const v = this.literal(p.initializer);
        if (v === undefined) return undefined;
        out[key] = v;
      }
      return out;
    }
    const c = this.constant(e);
    return c ? c.value : undefined;
  }
}

/** Strips the wrappers that do not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
export function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)
      || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
    else return e;
  }
}

export function propName(n: ts.PropertyName): string | null {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  return null;
}

/** A literal written without a fraction or exponent (`3`, `0x10`) is an int; `3.0`, `1e3` are floats. */
export function numLiteralTy(raw: string, value: number): Ty {
  if (/^0[xXoObB]/.test(raw)) return "int";
  if (/[.eE]/.test(raw) || !Number.isInteger(value)) return "float";
  return "int";
}
