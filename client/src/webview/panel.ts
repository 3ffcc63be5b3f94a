// The one webview panel (sweep chart + table, or heat map). Only local resources from media/,
// strict CSP with a fresh nonce per page; models are posted after the page says it is ready.
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { makeNonce, pageHtml } from "./html";
import type { MaskViewModel, SweepModel } from "./model";

type Message = { type: "sweep"; model: SweepModel } | { type: "heat"; model: MaskViewModel } | { type: "error"; message: string };

export class ChartPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private ready = false;
  private pending: Message | null = null;
  private readonly media: vscode.Uri;
  private handler: (m: unknown) => void = () => undefined;

  constructor() {
    // dist/extension.js -> <root>/media (the repository and the .vsix have the same layout).
    this.media = vscode.Uri.file(path.join(__dirname, "..", "media"));
  }

  show(title: string, msg: Message): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel("scoremod.chart", title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true, localResourceRoots: [this.media], retainContextWhenHidden: true,
      });
      this.panel.onDidDispose(() => { this.panel = null; this.ready = false; });
      this.panel.webview.onDidReceiveMessage((m: { type?: string }) => {
        if (m?.type === "ready") { this.ready = true; if (this.pending) this.post(this.pending); }
        else this.handler(m);
      });
      const w = this.panel.webview;
      const uri = (...p: string[]) => w.asWebviewUri(vscode.Uri.joinPath(this.media, ...p)).toString();
      w.html = pageHtml({
        title, cspSource: w.cspSource, nonce: makeNonce((n) => randomBytes(n)),
        scripts: [uri("vendor", "uplot", "uPlot.iife.min.js"), uri("sweep.js")],
        styles: [uri("vendor", "uplot", "uPlot.min.css"), uri("sweep.css")],
      });
    }
    this.panel.title = title;
    this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.pending = msg;
    if (this.ready) this.post(msg);
  }

  /** Messages from the page other than "ready" (the view's zoom and (b, h) choices). */
  onMessage(handler: (m: unknown) => void): void { this.handler = handler; }

  private post(m: Message): void { void this.panel?.webview.postMessage(m); }

  dispose(): void { this.panel?.dispose(); }
}
