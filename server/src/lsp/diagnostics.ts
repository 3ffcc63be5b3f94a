// Diagnostics on open and change, debounced per document. Stale results never overwrite newer
// ones: the publish step re-reads the document and drops results for any version but the latest.
import type { Diagnostic as LspDiagnostic } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { FileAnalysis } from "../analysis/facts";
import { blockedMessage } from "../analysis/generatable";
import type { AnalysisChangedParams, ModSummary } from "../protocol";
import { toLspDiagnostic, type DocsLink } from "./convert";
import type { Entry } from "./state";

export const DEBOUNCE_MS = 150;

export interface DiagnosticSink {
  /** The current document for a URI (undefined once closed). */
  document(uri: string): TextDocument | undefined;
  analyse(doc: TextDocument): Entry;
  publish(uri: string, version: number, diagnostics: LspDiagnostic[]): void;
  changed(params: AnalysisChangedParams): void;
  docsLink(): DocsLink;
  log(message: string): void;
}

export function summarize(entry: Entry): AnalysisChangedParams {
  const a: FileAnalysis = entry.analysis;
  const mods: ModSummary[] = a.mods.map((m) => ({
    name: m.name, kind: m.kind, line: m.nameRange.start.line, vecSize: m.vecSize, ok: m.ok, loads: m.loads.length,
    ...(m.ok ? {} : { blocked: blockedMessage(m, a.fileName.split(/[\\/]/).pop() ?? a.fileName) ?? undefined }),
  }));
  return {
    uri: entry.uri, version: entry.version, target: entry.target, mods,
    errors: a.diagnostics.filter((d) => d.severity === "error").length,
    warnings: a.diagnostics.filter((d) => d.severity === "warning").length,
    elapsedMs: Math.round(entry.elapsedMs * 10) / 10,
  };
}

export class DiagnosticScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly sink: DiagnosticSink, private readonly delayMs = DEBOUNCE_MS) {}

  /** Re-run after `delayMs` of quiet (0 = next tick, used on open). */
  schedule(uri: string, delayMs = this.delayMs): void {
    const old = this.timers.get(uri);
    if (old) clearTimeout(old);
    this.timers.set(uri, setTimeout(() => { this.timers.delete(uri); this.run(uri); }, delayMs));
  }

  cancel(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
  }

  dispose(): void { for (const uri of [...this.timers.keys()]) this.cancel(uri); }

  /** Analyse now and publish, unless the document moved on meanwhile. */
  run(uri: string): void {
    try {
      const doc = this.sink.document(uri);
      if (!doc) return;
      const entry = this.sink.analyse(doc);
      const latest = this.sink.document(uri);
      if (!latest || latest.version !== entry.version) return; // stale: a newer run is scheduled
      const link = this.sink.docsLink();
      this.sink.publish(uri, entry.version, entry.analysis.diagnostics.map((d) => toLspDiagnostic(d, link)));
      this.sink.changed(summarize(entry));
    } catch (e) {
      this.sink.log(`[diagnostics] ${uri}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }
}
