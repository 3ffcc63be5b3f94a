// Quick fixes from the analysis: Diagnostic.fixes (attached to their diagnostic) and each load's
// "why not wider" fix, then TypeScript's code fixes for its own diagnostics. Every action is a WorkspaceEdit carrying a change annotation, so the editor
// can show it (and, with scoremod.previewFixes, asks before applying it).
import {
  CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type Range, type WorkspaceEdit,
} from "vscode-languageserver/node";
import type { FileAnalysis, Fix } from "../analysis/facts";
import { rangesOverlap, toLspDiagnostic, toTextEdit, type DocsLink } from "./convert";
import type { DiagnosticFix } from "./tsCodeFixes";

export interface CodeActionOptions {
  uri: string;
  version: number;
  docsLink: DocsLink;
  /** Client supports versioned document edits with change annotations. */
  annotations: boolean;
  needsConfirmation: boolean;
}

function edit(fix: Fix, o: CodeActionOptions): WorkspaceEdit {
  const edits = fix.edits.map(toTextEdit);
  if (!o.annotations) return { changes: { [o.uri]: edits } };
  const id = "scoremod.fix";
  return {
    documentChanges: [{ textDocument: { uri: o.uri, version: o.version }, edits: edits.map((e) => ({ ...e, annotationId: id })) }],
    changeAnnotations: { [id]: { label: fix.title, description: "Score Mod Studio quick fix", needsConfirmation: o.needsConfirmation } },
  };
}

/**
 * The quick fixes at `range`, in order: each diagnostic's fixes (its first preferred: the safe one
 * where there is a choice), then each load's, then TypeScript's own (`tsFixes`, tsCodeFixes.ts,
 * asked for only when quick fixes are wanted: each is a language-service call).
 */
export function codeActions(analysis: FileAnalysis, range: Range, only: string[] | undefined, o: CodeActionOptions, tsFixes: () => readonly DiagnosticFix[] = () => []): CodeAction[] {
  if (only && !only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) return [];
  const out: CodeAction[] = [];
  const seen = new Set<string>();
  const add = (fix: Fix, diag: LspDiagnostic | undefined, preferred: boolean): void => {
    if (!fix.edits.length) return;
    const key = fix.title + JSON.stringify(fix.edits);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: diag ? [diag] : undefined, isPreferred: preferred, edit: edit(fix, o) });
  };
  for (const d of analysis.diagnostics) {
    if (!d.fixes?.length || !rangesOverlap(d.range, range)) continue;
    const lsp = toLspDiagnostic(d, o.docsLink);
    d.fixes.forEach((f, i) => add(f, lsp, i === 0));
  }
  for (const mod of analysis.mods) {
    for (const load of mod.loads) {
      if (!rangesOverlap(load.range, range)) continue;
      // The safe fix (no promise) before the promise, as the diagnostic orders them.
      if (load.safeFix) add(load.safeFix, undefined, false);
      if (load.fix) add(load.fix, undefined, false);
    }
  }
  for (const t of tsFixes()) add(t.fix, toLspDiagnostic(t.diagnostic, o.docsLink), false);
  return out;
}
