// Per-document analysis cache. Analyses are keyed by (text, version, target, shape): a hover or
// inlay request that arrives before the debounced diagnostics run analyses on the spot, a result
// computed for an older version is never returned for a newer one, and one computed for other
// text is never returned even when a client reuses a version number. Each open document gets a
// file name of its own (FileNames): two URIs never share a TypeScript file.
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { FileAnalysis } from "../analysis/facts";
import type { TargetId } from "../analysis/targets";
import type { BoundsShape } from "../analysis/bounds";
import type { Backend } from "./backend";
import { FileNames } from "./uri";

export interface Entry {
  uri: string;
  fileName: string;
  version: number;
  /** The exact text analysed (the document's own string: a reference, not a copy). */
  text: string;
  target: TargetId;
  /** The problem shape the analysis checked index ranges at ("" for none). */
  shapeKey: string;
  analysis: FileAnalysis;
  elapsedMs: number;
}

export class DocState {
  private readonly entries = new Map<string, Entry>();
  private readonly names = new FileNames();

  constructor(private readonly backend: Backend, private readonly target: () => TargetId, private readonly shape: () => BoundsShape | null = () => null) {}

  /** The analysis of this exact document version for the active target (computed if missing). */
  get(doc: TextDocument): Entry {
    const target = this.target(), shape = this.shape();
    const shapeKey = shape ? `${shape.B},${shape.H},${shape.Q},${shape.KV}` : "";
    const text = doc.getText();
    const cur = this.entries.get(doc.uri);
    if (cur && cur.version === doc.version && cur.text === text && cur.target === target && cur.shapeKey === shapeKey) return cur;
    const fileName = this.names.of(doc.uri);
    const t0 = performance.now();
    const analysis = this.backend.analyze(fileName, text, target, undefined, shape ?? undefined);
    const entry: Entry = { uri: doc.uri, fileName, version: doc.version, text, target, shapeKey, analysis, elapsedMs: performance.now() - t0 };
    const latest = this.entries.get(doc.uri);
    // Never let an older version replace a newer one (a late request for a stale document object).
    if (!latest || latest.version <= doc.version) this.entries.set(doc.uri, entry);
    return entry;
  }

  peek(uri: string): Entry | undefined { return this.entries.get(uri); }

  /** The document's name in the analysis and TypeScript (unique among open documents). */
  fileName(uri: string): string { return this.names.of(uri); }

  /** The document was closed: its analysis, its TypeScript file and its name are released. */
  forget(uri: string): void {
    this.entries.delete(uri);
    if (this.names.has(uri)) this.backend.close(this.names.of(uri));
    this.names.release(uri);
  }

  uris(): string[] { return [...this.entries.keys()]; }
}
