// The diagnostics scheduler alone, with a fake sink: debouncing, and the rule that a result for a
// version the document has moved past is dropped (never published over a newer one).
import { describe, expect, test, vi } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { FileAnalysis } from "../../server/src/analysis/facts";
import { DiagnosticScheduler, type DiagnosticSink } from "../../server/src/lsp/diagnostics";
import type { Entry } from "../../server/src/lsp/state";

function fakeSink(docs: Map<string, TextDocument>, onAnalyse?: () => void) {
  const published: { uri: string; version: number }[] = [];
  const sink: DiagnosticSink = {
    document: (uri) => docs.get(uri),
    analyse: (doc): Entry => {
      onAnalyse?.();
      const analysis: FileAnalysis = { fileName: "f", target: "fa4-sm100", diagnostics: [], tensors: [], scalars: [], mods: [], divisible: {} };
      return { uri: doc.uri, fileName: "f", version: doc.version, text: doc.getText(), target: "fa4-sm100", shapeKey: "", analysis, elapsedMs: 1 };
    },
    publish: (uri, version) => { published.push({ uri, version }); },
    changed: () => undefined,
    docsLink: () => () => null,
    log: () => undefined,
  };
  return { sink, published };
}

describe("DiagnosticScheduler", () => {
  test("a burst of changes publishes once, for the last version", () => {
    vi.useFakeTimers();
    try {
      const docs = new Map([["u", TextDocument.create("u", "scoremod", 1, "")]]);
      const { sink, published } = fakeSink(docs);
      const s = new DiagnosticScheduler(sink, 150);
      for (let v = 2; v <= 5; v++) {
        docs.set("u", TextDocument.create("u", "scoremod", v, ""));
        s.schedule("u");
        vi.advanceTimersByTime(100);
      }
      expect(published).toEqual([]);
      vi.advanceTimersByTime(150);
      expect(published).toEqual([{ uri: "u", version: 5 }]);
    } finally {
      vi.useRealTimers();
    }
  });

  test("an edit that lands while analysing drops the stale result", () => {
    const docs = new Map([["u", TextDocument.create("u", "scoremod", 1, "")]]);
    const { sink, published } = fakeSink(docs, () => docs.set("u", TextDocument.create("u", "scoremod", 2, "x")));
    new DiagnosticScheduler(sink).run("u");
    expect(published).toEqual([]);
  });

  test("a closed document is not published", () => {
    const { sink, published } = fakeSink(new Map());
    new DiagnosticScheduler(sink).run("gone");
    expect(published).toEqual([]);
  });
});
