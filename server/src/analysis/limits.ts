// Size and nesting limits checked before TypeScript sees a file. TypeScript's parser and
// checker recurse on nesting (thousands of nested parentheses overflow the stack) and its
// checker is superlinear on very long expressions (4,000 chained `+` take seconds), so a
// file beyond these limits is not type-checked at all: it gets one located SM150 error.
// Real score_mod files are far inside them (a 300-line file nests ~30 deep).
//
// The check itself never calls TypeScript's parser: the parser backtracks (nested `async (`
// alone takes it minutes on 250 bytes), so the limits are measured on the scanner's tokens in
// one linear pass. What the parser or checker may still do within the limits is bounded by the
// budget the analysis runs under (server/src/budget).
import { ts } from "ts-morph";

/** Nesting depth: open brackets plus the operators chained at each bracket level (see `checkLimits`). */
export const MAX_DEPTH = 200;
/** Tokens in one top-level statement (one mod or declaration). */
export const MAX_STATEMENT_TOKENS = 4000;
/** About 3,000 lines of dense code, ten times the design's 300-line file. */
export const MAX_FILE_TOKENS = 50_000;

export interface LimitViolation { message: string; start: number; end: number }

/**
 * TypeScript's JSDoc parser (5.9 and 6.0) never returns on some doc comments: `/** a-*/`
 * before the first statement, or an unterminated `/** a-bc` at the end of the file, which is
 * what an editor sees while a comment is being typed. TypeScript is therefore given the user's
 * text with every doc-comment opener `/**` turned into a plain `/* ` (same length, so every
 * offset and diagnostic stays put). The cost: the user's own doc comments do not show in hovers.
 * The scanner alone (no parser) finds the comments; it does not hang.
 */
export function neutralizeDocComments(text: string): string {
  if (!text.includes("/**")) return text;
  const scanner = ts.createScanner(ts.ScriptTarget.ES2020, false, ts.LanguageVariant.Standard, text);
  let chars: string[] | null = null;
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    if (k !== ts.SyntaxKind.MultiLineCommentTrivia) continue;
    const at = scanner.getTokenStart();
    if (text.startsWith("/**", at) && !text.startsWith("/**/", at)) {
      chars ??= text.split("");
      chars[at + 2] = " ";
    }
  }
  return chars ? chars.join("") : text;
}

const K = ts.SyntaxKind;
const OPENERS = new Set([K.OpenParenToken, K.OpenBracketToken, K.OpenBraceToken]);
const CLOSERS = new Set([K.CloseParenToken, K.CloseBracketToken, K.CloseBraceToken]);
/** Keywords that start a statement when they begin a line at the top level. */
const STATEMENT_STARTS = new Set([
  K.ExportKeyword, K.ImportKeyword, K.ConstKeyword, K.LetKeyword, K.VarKeyword, K.TypeKeyword, K.InterfaceKeyword,
  K.FunctionKeyword, K.ClassKeyword, K.DeclareKeyword, K.EnumKeyword, K.NamespaceKeyword, K.IfKeyword, K.ForKeyword,
  K.WhileKeyword, K.DoKeyword, K.ReturnKeyword, K.SwitchKeyword, K.TryKeyword, K.ThrowKeyword,
]);
/** Keywords that build an expression or type node around their operand. */
const KEYWORD_OPERATORS = new Set([
  K.TypeOfKeyword, K.KeyOfKeyword, K.NewKeyword, K.AwaitKeyword, K.VoidKeyword, K.DeleteKeyword, K.ExtendsKeyword,
  K.InferKeyword, K.InKeyword, K.InstanceOfKeyword, K.AsKeyword, K.SatisfiesKeyword, K.IsKeyword, K.AsyncKeyword,
]);
/** Tokens after which a `/` divides (anything else: it starts a regular expression). */
const EXPRESSION_ENDS = new Set([
  K.Identifier, K.NumericLiteral, K.BigIntLiteral, K.StringLiteral, K.RegularExpressionLiteral,
  K.NoSubstitutionTemplateLiteral, K.TemplateTail, K.CloseParenToken, K.CloseBracketToken, K.CloseBraceToken,
  K.ThisKeyword, K.SuperKeyword, K.TrueKeyword, K.FalseKeyword, K.NullKeyword, K.PlusPlusToken, K.MinusMinusToken,
]);

function isOperator(k: ts.SyntaxKind): boolean {
  if (k >= ts.SyntaxKind.FirstPunctuation && k <= ts.SyntaxKind.LastPunctuation) {
    return !OPENERS.has(k) && !CLOSERS.has(k) && k !== K.CommaToken && k !== K.SemicolonToken;
  }
  return KEYWORD_OPERATORS.has(k);
}

/** One bracket level of the scan: what opened it and how many operators are chained in it. */
interface Level { template: boolean; ops: number }

/**
 * null when the file is within limits; otherwise what is exceeded and where. Never throws.
 *
 * One pass over the scanner's tokens (linear; the scanner never backtracks). Depth is an upper
 * bound on the syntax tree's depth: each open bracket (and `${` in a template) is a level, and
 * each operator (`+`, `?`, `.`, `=>`, `typeof`, ...) chained at a level since its last `,` or
 * `;` adds one, since `s + 1 + 1 + ...` is as deep a tree as as many parentheses. A top-level
 * statement ends at a top-level `;` or at a line starting with a statement keyword.
 */
export function checkLimits(text: string): LimitViolation | null {
  try {
    return scanLimits(text);
  } catch {
    return { message: `the file nests too deeply to analyse (over ${MAX_DEPTH} levels): split deep expressions with const bindings`, start: 0, end: 0 };
  }
}

function scanLimits(text: string): LimitViolation | null {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2020, true, ts.LanguageVariant.Standard, text);
  const stack: Level[] = [{ template: false, ops: 0 }];
  let chained = 0; // sum of `ops` over the stack
  let prev: ts.SyntaxKind = K.Unknown;
  let total = 0, statementTokens = 0, statementStart = -1, statementEnd = 0;
  const endStatement = (): LimitViolation | null => {
    if (statementTokens > MAX_STATEMENT_TOKENS) {
      return { message: `this statement is too large to analyse (${statementTokens} tokens, the limit is ${MAX_STATEMENT_TOKENS}): split it into smaller mods or declarations`, start: statementStart, end: statementEnd };
    }
    total += statementTokens;
    if (total > MAX_FILE_TOKENS) {
      return { message: `the file is too large to analyse (over ${MAX_FILE_TOKENS} tokens)`, start: statementStart, end: statementEnd };
    }
    statementTokens = 0;
    statementStart = -1;
    return null;
  };
  for (let k = scanner.scan(); k !== K.EndOfFileToken; k = scanner.scan()) {
    if (k === K.SlashToken || k === K.SlashEqualsToken) {
      if (!EXPRESSION_ENDS.has(prev)) k = scanner.reScanSlashToken();
    } else if (k === K.CloseBraceToken && stack.length > 1 && stack[stack.length - 1].template) {
      k = scanner.reScanTemplateToken(false);
    }
    const start = scanner.getTokenStart(), end = scanner.getTokenEnd();
    const top = stack[stack.length - 1];
    // A new top-level statement: a keyword at the start of a line, outside every bracket.
    if (stack.length === 1 && statementStart >= 0 && scanner.hasPrecedingLineBreak() && STATEMENT_STARTS.has(k)) {
      const v = endStatement();
      if (v) return v;
    }
    if (statementStart < 0) statementStart = start;
    statementTokens++;
    statementEnd = end;
    if (k === K.OpenParenToken || k === K.OpenBracketToken || k === K.OpenBraceToken || k === K.TemplateHead) {
      stack.push({ template: k === K.TemplateHead, ops: 0 });
    } else if (k === K.TemplateMiddle) {
      chained -= top.ops;
      top.ops = 0;
    } else if (CLOSERS.has(k) || k === K.TemplateTail) {
      if (stack.length > 1) { chained -= top.ops; stack.pop(); }
    } else if (k === K.CommaToken || k === K.SemicolonToken) {
      chained -= top.ops;
      top.ops = 0;
    } else if (scanner.hasPrecedingLineBreak() && STATEMENT_STARTS.has(k)) {
      // A statement inside a block (`{ const a = ...\n return a }`) starts a fresh chain.
      chained -= top.ops;
      top.ops = 0;
    } else if (isOperator(k)) {
      top.ops++;
      chained++;
    }
    const depth = stack.length - 1 + chained;
    if (depth > MAX_DEPTH) {
      return { message: `this expression nests more than ${MAX_DEPTH} levels deep, too deep to analyse: split it with const bindings`, start, end };
    }
    prev = k;
    if (stack.length === 1 && k === K.SemicolonToken) {
      const v = endStatement();
      if (v) return v;
    }
  }
  return statementStart >= 0 ? endStatement() : null;
}

/**
 * Where to report a file TypeScript could not process within the analysis budget (no parser:
 * that is what ran over). The first `type` alias, since type-level programming is what makes the
 * checker explode; else the statement holding the deepest nesting (what makes the parser
 * backtrack), up to that point; else the first line.
 */
export function budgetSuspect(text: string): { start: number; end: number } {
  try {
    const scanner = ts.createScanner(ts.ScriptTarget.ES2020, true, ts.LanguageVariant.Standard, text);
    let depth = 0, best = -1, bestAt = { start: 0, end: 0 }, statementStart = 0;
    let prev: ts.SyntaxKind = K.Unknown;
    for (let k = scanner.scan(); k !== K.EndOfFileToken; k = scanner.scan()) {
      const start = scanner.getTokenStart(), end = scanner.getTokenEnd();
      if (depth === 0 && (prev === K.SemicolonToken || prev === K.Unknown || scanner.hasPrecedingLineBreak()) && STATEMENT_STARTS.has(k)) statementStart = start;
      const typeAlias = k === K.TypeKeyword && depth === 0 && (statementStart === start || prev === K.ExportKeyword || prev === K.DeclareKeyword);
      if (typeAlias) {
        const lineEnd = text.slice(start).search(/[\r\n\u2028\u2029]/);
        return { start, end: lineEnd < 0 ? text.length : start + lineEnd };
      }
      if (k === K.OpenParenToken || k === K.OpenBracketToken || k === K.OpenBraceToken) depth++;
      else if (CLOSERS.has(k)) depth = Math.max(0, depth - 1);
      if (depth > best) { best = depth; bestAt = { start: statementStart, end }; }
      prev = k;
    }
    return bestAt;
  } catch {
    return { start: 0, end: 0 };
  }
}
