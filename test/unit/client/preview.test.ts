// The CUDA/PTX previews against a stand-in for the `vscode` module: the preview opens beside the
// source, moving the cursor in the source highlights the generated lines of that source line,
// and a click in the preview reveals its source line.
import { describe, expect, test, vi } from "vitest";

interface FakeEditor {
  document: { uri: { scheme: string; toString(): string }; languageId: string };
  selection: { active: { line: number } };
  visibleRanges: { contains(): boolean }[];
  decorations: Map<unknown, { sl: number; el: number }[]>;
  setDecorations(type: unknown, ranges: { sl: number; el: number }[]): void;
  revealRange(r: unknown): void;
  viewColumn: number;
}
const h = vi.hoisted(() => ({
  selectionHandler: null as null | ((e: unknown) => void),
  providers: new Map<string, { provideTextDocumentContent(u: unknown): string }>(),
  visible: [] as FakeEditor[],
  shown: [] as { uri: string; preserveFocus?: boolean }[],
}));

vi.mock("vscode", () => {
  class EventEmitter<T> {
    private ls: ((e: T) => void)[] = [];
    event = (l: (e: T) => void) => { this.ls.push(l); return { dispose: () => undefined }; };
    fire(e: T) { this.ls.forEach((l) => l(e)); }
    dispose() { this.ls = []; }
  }
  class Range { constructor(readonly sl: number, readonly sc: number, readonly el: number, readonly ec: number) {} }
  class Selection { constructor(readonly anchor: unknown, readonly active: unknown) {} }
  const mkUri = (scheme: string, path: string, query: string) => ({ scheme, path, query, toString: () => `${scheme}:${path}?${query}` });
  const disposable = { dispose: () => undefined };
  return {
    EventEmitter, Range, Selection,
    ThemeColor: class { constructor(readonly id: string) {} },
    OverviewRulerLane: { Center: 2 },
    ViewColumn: { One: 1, Beside: -2 },
    TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
    TextEditorSelectionChangeKind: { Keyboard: 1, Mouse: 2, Command: 3 },
    Uri: {
      from: (o: { scheme: string; path: string; query: string }) => mkUri(o.scheme, o.path, o.query),
      parse: (s: string) => ({ scheme: "file", toString: () => s }),
    },
    languages: { setTextDocumentLanguage: async (d: unknown) => d },
    workspace: {
      registerTextDocumentContentProvider: (scheme: string, p: { provideTextDocumentContent(u: unknown): string }) => { h.providers.set(scheme, p); return disposable; },
      onDidCloseTextDocument: () => disposable,
      openTextDocument: async (uri: { scheme: string; toString(): string }) => ({ uri, languageId: uri.scheme === "scoremod-cuda" ? "cuda-cpp" : "scoremod" }),
    },
    window: {
      createTextEditorDecorationType: () => ({ dispose: () => undefined }),
      onDidChangeTextEditorSelection: (f: (e: unknown) => void) => { h.selectionHandler = f; return disposable; },
      onDidChangeVisibleTextEditors: () => disposable,
      get visibleTextEditors() { return h.visible; },
      get activeTextEditor() { return h.visible[0]; },
      showTextDocument: async (doc: { uri: { toString(): string } }, o: { preserveFocus?: boolean }) => {
        h.shown.push({ uri: doc.uri.toString(), preserveFocus: o.preserveFocus });
        return h.visible.find((e) => e.document.uri.toString() === doc.uri.toString()) ?? h.visible[0];
      },
    },
  };
});

const { Previews, previewUri } = await import("../../../client/src/preview");

function editor(uri: { scheme: string; toString(): string }, line = 0): FakeEditor {
  return {
    document: { uri, languageId: "" }, selection: { active: { line } }, visibleRanges: [], viewColumn: 1,
    decorations: new Map(),
    setDecorations(type, ranges) { this.decorations.set(type, ranges); },
    revealRange() { /* not needed */ },
  };
}

describe("previews", () => {
  test("open, follow the source cursor, click back to the source", async () => {
    const src = "file:///w/kv.scoremod.ts";
    // Generated lines 0..5: lines 2-3 come from source line 7, line 5 from source line 8.
    const client = { sendRequest: vi.fn(async () => ({ ok: true, code: "a\nb\nc\nd\ne\nf", lineMap: [-1, -1, 7, 7, -1, 8], target: "fa4-sm100", vecSize: 8 })) };
    const previews = new Previews(() => client as never, () => undefined);
    const srcEd = editor({ scheme: "file", toString: () => src }, 7);
    h.visible = [srcEd];
    expect(await previews.open("cuda", src, "kvBiasMod")).toBeNull();
    expect(client.sendRequest).toHaveBeenCalledWith("scoremod/cuda", { uri: src, mod: "kvBiasMod" });
    const puri = previewUri("cuda", src, "kvBiasMod");
    expect(h.providers.get("scoremod-cuda")!.provideTextDocumentContent(puri)).toBe("a\nb\nc\nd\ne\nf");
    expect(h.shown.at(-1)).toEqual({ uri: puri.toString(), preserveFocus: true });

    const prevEd = editor(puri as never);
    h.visible = [srcEd, prevEd];
    const ranges = () => [...prevEd.decorations.values()][0];
    h.selectionHandler!({ textEditor: srcEd, selections: [{ active: { line: 7 } }], kind: 1 });
    expect(ranges().map((r) => [r.sl, r.el])).toEqual([[2, 3]]);
    h.selectionHandler!({ textEditor: srcEd, selections: [{ active: { line: 8 } }], kind: 1 });
    expect(ranges().map((r) => [r.sl, r.el])).toEqual([[5, 5]]);
    h.selectionHandler!({ textEditor: srcEd, selections: [{ active: { line: 0 } }], kind: 1 });
    expect(ranges()).toEqual([]);

    // A click on generated line 4 (unmapped) reveals the nearest mapped source line above: 7.
    prevEd.selection = { active: { line: 4 } };
    const before = h.shown.length;
    h.selectionHandler!({ textEditor: prevEd, selections: [{ active: { line: 4 } }], kind: 2 });
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(h.shown.slice(before)).toEqual([{ uri: src, preserveFocus: true }]);
    const srcRanges = [...srcEd.decorations.values()][0];
    expect(srcRanges.map((r) => r.sl)).toEqual([7]);
  });

  test("a failed generation returns the server's message and opens nothing", async () => {
    const client = { sendRequest: vi.fn(async () => ({ ok: false, error: "nvcc not found" })) };
    const previews = new Previews(() => client as never, () => undefined);
    const n = h.shown.length;
    expect(await previews.open("ptx", "file:///w/x.scoremod.ts", "m")).toBe("nvcc not found");
    expect(h.shown.length).toBe(n);
  });
});
