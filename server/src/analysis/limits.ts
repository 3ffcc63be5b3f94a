// Size and nesting limits checked before TypeScript sees a file. TypeScript's parser and
// checker recurse on nesting (thousands of nested parentheses overflow the stack) and its
// checker is superlinear on very long expressions (4,000 chained `+` take seconds), so a
// file beyond these limits is not type-checked at all: it gets one located SM150 error.
// Real score_mod files are far inside them (a 300-line file nests ~30 deep).
import { ts } from "ts-morph";

export const MAX_DEPTH = 200;
/** Nodes in one top-level statement (one mod or declaration). */
export const MAX_STATEMENT_NODES = 4000;
/** About 3,000 lines of dense code, ten times the design's 300-line file. */
export const MAX_FILE_NODES = 50_000;

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

/** null when the file is within limits; otherwise what is exceeded and where. Never throws. */
export function checkLimits(text: string): LimitViolation | null {
  let sf: ts.SourceFile;
  try {
    // No JSDoc parsing: it is not needed to measure nesting, and it can hang (see above).
    sf = ts.createSourceFile("limits.ts", text, { languageVersion: ts.ScriptTarget.ES2020, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, ts.ScriptKind.TS);
  } catch {
    return { message: `the file nests too deeply to analyse (over ${MAX_DEPTH} levels): split deep expressions with const bindings`, start: 0, end: 0 };
  }
  let total = 0;
  for (const st of sf.statements) {
    let count = 0;
    // Iterative walk: the tree may be deep enough to overflow a recursive one.
    const stack: [ts.Node, number][] = [[st, 1]];
    while (stack.length) {
      const [node, depth] = stack.pop() as [ts.Node, number];
      count++;
      if (depth > MAX_DEPTH) {
        return { message: `this expression nests more than ${MAX_DEPTH} levels deep, too deep to analyse: split it with const bindings`, start: node.getStart(sf), end: node.getEnd() };
      }
      ts.forEachChild(node, (c) => { stack.push([c, depth + 1]); });
    }
    if (count > MAX_STATEMENT_NODES) {
      return { message: `this statement is too large to analyse (${count} syntax nodes, the limit is ${MAX_STATEMENT_NODES}): split it into smaller mods or declarations`, start: st.getStart(sf), end: st.getEnd() };
    }
    total += count;
    if (total > MAX_FILE_NODES) {
      return { message: `the file is too large to analyse (over ${MAX_FILE_NODES} syntax nodes)`, start: st.getStart(sf), end: st.getEnd() };
    }
  }
  return null;
}
