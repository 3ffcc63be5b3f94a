// Conversions between the analysis's facts and LSP types. The analysis already uses 0-based
// LSP-style ranges, so positions pass through; only severities, codes and edits change shape.
import {
  DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Position, type Range, type TextEdit,
} from "vscode-languageserver/node";
import type { Diagnostic, Severity, TextEdit as FactEdit } from "../analysis/facts";
import type { Range as IrRange } from "../analysis/ir";

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toRange(r: IrRange): Range {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

export function toTextEdit(e: FactEdit): TextEdit { return { range: toRange(e.range), newText: e.newText }; }

/** Where a diagnostic code's page lives: `<base>/<CODE>.md`. */
export function docsHref(base: string, code: string): string {
  return `${base.replace(/\/+$/, "")}/${encodeURIComponent(code)}.md`;
}

/** Where the docs page of a code is, or null for none (TypeScript's own codes have none). */
export type DocsLink = (code: string) => string | null;

/** Links every SM code under a base URL (a repository URL from the docsBaseUrl setting). */
export function baseLink(base: string): DocsLink {
  return (code) => (base && /^SM\d+$/.test(code) ? docsHref(base, code) : null);
}

/** Our codes (SM...) link to their docs page; TypeScript's own codes (TS...) do not. */
export function toLspDiagnostic(d: Diagnostic, docs: DocsLink): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toRange(d.range),
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    source: d.code.startsWith("TS") ? "ts" : "scoremod",
    message: d.message,
  };
  const href = /^SM\d+$/.test(d.code) ? docs(d.code) : null;
  if (href) out.codeDescription = { href };
  return out;
}

export function comparePos(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/** True when `p` lies in `r` (end inclusive, so a cursor just after a load still hovers it). */
export function rangeContains(r: IrRange, p: Position): boolean {
  return comparePos(r.start, p) <= 0 && comparePos(p, r.end) <= 0;
}

export function rangesOverlap(a: IrRange, b: Range): boolean {
  return comparePos(a.start, b.end) <= 0 && comparePos(b.start, a.end) <= 0;
}
