// TypeScript's own code fixes ("Add import from "scoremod"", "Change spelling to 'exp'", ...) for
// the TypeScript diagnostics (TS…) the analysis reported, through the same budgeted language
// service as completion. Each comes back as a Fix on its diagnostic, so codeActions.ts turns it
// into a CodeAction exactly as it does the analysis's own fixes.
import type { ts } from "ts-morph";
import type { Diagnostic, Fix } from "../analysis/facts";
import { rangesOverlap } from "./convert";
import { editsIn, TS_PREFERENCES, type TsContext } from "./tsFeatures";
import type { Range } from "vscode-languageserver/node";

export interface DiagnosticFix { diagnostic: Diagnostic; fix: Fix }

/**
 * TypeScript fixes that write code a mod file cannot use: a stub function that throws (the DSL has
 * no helper functions, and a tensor or math name is to be imported, not declared).
 */
const UNFIT = new Set(["fixMissingFunctionDeclaration"]);

/** At most this many TypeScript diagnostics are asked about per request (each is one service call). */
const MAX_DIAGNOSTICS = 8;

export function tsCodeFixes(c: TsContext, diagnostics: readonly Diagnostic[], range: Range): DiagnosticFix[] {
  const out: DiagnosticFix[] = [];
  const asked = diagnostics.filter((d) => /^TS\d+$/.test(d.code) && rangesOverlap(d.range, range)).slice(0, MAX_DIAGNOSTICS);
  for (const d of asked) {
    const start = c.doc.offsetAt(d.range.start), end = c.doc.offsetAt(d.range.end);
    for (const f of fixesFor(c, start, end, Number(d.code.slice(2)))) {
      if (UNFIT.has(f.fixName)) continue;
      const edits = editsIn(c, f.changes);
      // A fix that edits another file (the DSL typings) is not offered: only this document is the user's.
      if (!edits.length || f.changes.some((x) => x.fileName !== c.fileName)) continue;
      out.push({ diagnostic: d, fix: { title: f.description, edits } });
    }
  }
  return out;
}

/**
 * TypeScript's fixes for one diagnostic. Its fix providers can throw on malformed code (the fuzzer
 * found one reading `declarations` of a missing symbol): that diagnostic then has no fixes, and
 * the others keep theirs. The budgeted service answers undefined for a call that ran over: none either.
 */
function fixesFor(c: TsContext, start: number, end: number, code: number): readonly ts.CodeFixAction[] {
  try {
    return c.ls.getCodeFixesAtPosition(c.fileName, start, end, [code], {}, TS_PREFERENCES) ?? [];
  } catch {
    return [];
  }
}
