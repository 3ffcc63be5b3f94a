// Read-only CUDA, PTX and SASS previews (virtual documents, schemes scoremod-cuda / -ptx / -sass) that
// follow the cursor: the generated lines of the source line under the cursor are highlighted,
// and clicking a generated line (or scoremod.revealSource) reveals its source line.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { CudaRequest, PtxRequest, SassRequest, type CudaResult, type PtxResult, type SassResult } from "scoremod-server/protocol";
import { LineMap } from "./lineMap";

export const CUDA_SCHEME = "scoremod-cuda";
export const PTX_SCHEME = "scoremod-ptx";
export const SASS_SCHEME = "scoremod-sass";
export type PreviewKind = "cuda" | "ptx" | "sass";
const KINDS: Record<PreviewKind, { scheme: string; ext: string; method: string }> = {
  cuda: { scheme: CUDA_SCHEME, ext: "cu", method: CudaRequest.method },
  ptx: { scheme: PTX_SCHEME, ext: "ptx", method: PtxRequest.method },
  sass: { scheme: SASS_SCHEME, ext: "sass", method: SassRequest.method },
};
const SCHEMES = new Set(Object.values(KINDS).map((k) => k.scheme));

interface Preview { kind: PreviewKind; sourceUri: string; mod: string; text: string; map: LineMap }

/** scoremod-cuda:/<mod>.cu?<source uri>: one preview per (kind, source, mod). */
export function previewUri(kind: PreviewKind, sourceUri: string, mod: string): vscode.Uri {
  return vscode.Uri.from({ scheme: KINDS[kind].scheme, path: `/${mod}.${KINDS[kind].ext}`, query: sourceUri });
}

export class Previews implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, Preview>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly genDeco = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor("editor.rangeHighlightBackground"), isWholeLine: true,
    overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.rangeHighlightForeground"), overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  private readonly srcDeco = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor("editor.rangeHighlightBackground"), isWholeLine: true,
  });
  private readonly subs: vscode.Disposable[] = [];
  private readonly busy = new Set<string>();
  private readonly dirty = new Set<string>();

  constructor(private readonly client: () => LanguageClient | undefined, private readonly log: (m: string) => void) {
    this.subs.push(
      ...[...SCHEMES].map((s) => vscode.workspace.registerTextDocumentContentProvider(s, this)),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.followActive()),
      // A closed preview stops following its source (no more regeneration, no nvcc runs).
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (SCHEMES.has(d.uri.scheme)) this.docs.delete(d.uri.toString());
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString())?.text ?? "// Generating…";
  }

  /** Opens (or refreshes) a preview beside the source. Returns an error text on failure. */
  async open(kind: PreviewKind, sourceUri: string, mod: string, token?: vscode.CancellationToken): Promise<string | null> {
    const err = await this.load(kind, sourceUri, mod, token);
    if (err) return err;
    const uri = previewUri(kind, sourceUri, mod);
    const doc = await vscode.workspace.openTextDocument(uri);
    if (kind === "cuda" && doc.languageId !== "cuda-cpp") await vscode.languages.setTextDocumentLanguage(doc, "cuda-cpp").then(undefined, () => undefined);
    // `.sass` is also the Sass stylesheet extension: SASS listings are plain text.
    if (kind === "sass" && doc.languageId !== "plaintext") await vscode.languages.setTextDocumentLanguage(doc, "plaintext").then(undefined, () => undefined);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false });
    this.followActive();
    return null;
  }

  /**
   * Re-generates every open preview of a source document after it changed. One regeneration per
   * preview at a time (PTX and SASS run nvcc): edits that arrive meanwhile cause one more run afterwards.
   */
  async refresh(sourceUri: string): Promise<void> {
    for (const p of [...this.docs.values()]) {
      if (p.sourceUri !== sourceUri) continue;
      const key = previewUri(p.kind, p.sourceUri, p.mod).toString();
      if (this.busy.has(key)) { this.dirty.add(key); continue; }
      this.busy.add(key);
      try {
        do {
          this.dirty.delete(key);
          const err = await this.load(p.kind, p.sourceUri, p.mod);
          if (err) this.log(`[preview] ${p.mod}: ${err}`);
        } while (this.dirty.has(key));
      } finally {
        this.busy.delete(key);
      }
    }
  }

  private async load(kind: PreviewKind, sourceUri: string, mod: string, token?: vscode.CancellationToken): Promise<string | null> {
    const client = this.client();
    if (!client) return "The language server is not running.";
    const params = { uri: sourceUri, mod };
    // (The request goes through the client directly: this module stays free of runtime imports
    // of vscode-languageclient, so its logic is testable with a stand-in for `vscode`.)
    const method = KINDS[kind].method;
    const res = await (token ? client.sendRequest<CudaResult | PtxResult | SassResult>(method, params, token) : client.sendRequest<CudaResult | PtxResult | SassResult>(method, params));
    if (!res.ok) return res.error;
    const text = "code" in res ? res.code : "ptx" in res ? res.ptx : res.sass;
    const uri = previewUri(kind, sourceUri, mod);
    this.docs.set(uri.toString(), { kind, sourceUri, mod, text, map: new LineMap(res.lineMap) });
    this.emitter.fire(uri);
    return null;
  }

  private previewOf(editor: vscode.TextEditor): Preview | undefined {
    const s = editor.document.uri.scheme;
    return SCHEMES.has(s) ? this.docs.get(editor.document.uri.toString()) : undefined;
  }

  private followActive(): void {
    const ed = vscode.window.activeTextEditor;
    if (ed && !this.previewOf(ed)) this.highlightFromSource(ed.document.uri.toString(), ed.selection.active.line);
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    const p = this.previewOf(e.textEditor);
    if (p) {
      // A click in a preview reveals its source line without taking the focus away.
      if (e.kind === vscode.TextEditorSelectionChangeKind.Mouse) void this.revealSource(e.textEditor, true);
      return;
    }
    this.highlightFromSource(e.textEditor.document.uri.toString(), e.selections[0].active.line);
  }

  private highlightFromSource(sourceUri: string, line: number): void {
    for (const ed of vscode.window.visibleTextEditors) {
      const p = this.previewOf(ed);
      if (!p || p.sourceUri !== sourceUri) continue;
      const runs = p.map.runs(line);
      ed.setDecorations(this.genDeco, runs.map(([a, b]) => new vscode.Range(a, 0, b, 0)));
      if (runs.length) {
        const r = new vscode.Range(runs[0][0], 0, runs[0][1], 0);
        if (!ed.visibleRanges.some((v) => v.contains(r))) ed.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    }
  }

  /** Reveals the source line of the active (or given) preview editor's cursor line. */
  async revealSource(editor = vscode.window.activeTextEditor, preserveFocus = false): Promise<boolean> {
    if (!editor) return false;
    const p = this.previewOf(editor);
    if (!p) return false;
    const line = p.map.sourceLine(editor.selection.active.line);
    if (line === null) return false;
    const src = await vscode.workspace.openTextDocument(vscode.Uri.parse(p.sourceUri));
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === p.sourceUri);
    const ed = await vscode.window.showTextDocument(src, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, preserveFocus });
    const range = new vscode.Range(line, 0, line, 0);
    if (!preserveFocus) ed.selection = new vscode.Selection(range.start, range.start);
    ed.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    ed.setDecorations(this.srcDeco, [range]);
    return true;
  }

  /** The source document URIs with an open preview. */
  sources(): Set<string> { return new Set([...this.docs.values()].map((p) => p.sourceUri)); }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.emitter.dispose(); this.genDeco.dispose(); this.srcDeco.dispose();
  }
}
