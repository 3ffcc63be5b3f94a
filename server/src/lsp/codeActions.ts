// Quick fixes from the analysis: Diagnostic.fixes (attached to their diagnostic) and each load's
// "why not wider" fix. Every action is a WorkspaceEdit carrying a change annotation, so the editor
// can show it (and, with scoremod.previewFixes, asks before applying it).
import {
  CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type Range, type WorkspaceEdit,
} from "vscode-languageserver/node";
import type { FileAnalysis, Fix } from "../analysis/facts";
import { rangesOverlap, toLspDiagnostic, toTextEdit, type DocsLink } from "./convert";

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

export function codeActions(analysis: FileAnalysis, range: Range, only: string[] | undefined, o: CodeActionOptions): CodeAction[] {
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
      if (load.fix && rangesOverlap(load.range, range)) add(load.fix, undefined, false);
    }
  }
  return out;
}
