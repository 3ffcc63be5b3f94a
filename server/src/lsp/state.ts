// Per-document analysis cache. Analyses are keyed by (version, target): a hover or inlay request
// that arrives before the debounced diagnostics run analyses on the spot, and a result computed for
// an older version is never returned for a newer one.
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { FileAnalysis } from "../analysis/facts";
import type { TargetId } from "../analysis/targets";
import type { BoundsShape } from "../analysis/bounds";
import type { Backend } from "./backend";
import { uriToFileName } from "./uri";

export interface Entry {
  uri: string;
  fileName: string;
  version: number;
  target: TargetId;
  /** The problem shape the analysis checked index ranges at ("" for none). */
  shapeKey: string;
  analysis: FileAnalysis;
  elapsedMs: number;
}

export class DocState {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly backend: Backend, private readonly target: () => TargetId, private readonly shape: () => BoundsShape | null = () => null) {}

  /** The analysis of this exact document version for the active target (computed if missing). */
  get(doc: TextDocument): Entry {
    const target = this.target(), shape = this.shape();
    const shapeKey = shape ? `${shape.B},${shape.H},${shape.Q},${shape.KV}` : "";
    const cur = this.entries.get(doc.uri);
    if (cur && cur.version === doc.version && cur.target === target && cur.shapeKey === shapeKey) return cur;
    const fileName = uriToFileName(doc.uri);
    const t0 = performance.now();
    const analysis = this.backend.analyze(fileName, doc.getText(), target, undefined, shape ?? undefined);
    const entry: Entry = { uri: doc.uri, fileName, version: doc.version, target, shapeKey, analysis, elapsedMs: performance.now() - t0 };
    const latest = this.entries.get(doc.uri);
    // Never let an older version replace a newer one (a late request for a stale document object).
    if (!latest || latest.version <= doc.version) this.entries.set(doc.uri, entry);
    return entry;
  }

  peek(uri: string): Entry | undefined { return this.entries.get(uri); }

  forget(uri: string): void {
    this.entries.delete(uri);
    this.backend.close(uriToFileName(uri));
  }

  uris(): string[] { return [...this.entries.keys()]; }
}
