// The mods of each open document, as the server last reported them (scoremod/analysisChanged).
// CodeLens, the status bar and result staleness read from here.
import * as vscode from "vscode";
import type { AnalysisChangedParams } from "scoremod-server/protocol";

export class ModIndex implements vscode.Disposable {
  private readonly byUri = new Map<string, AnalysisChangedParams>();
  private readonly emitter = new vscode.EventEmitter<AnalysisChangedParams>();
  readonly onDidChange = this.emitter.event;

  update(p: AnalysisChangedParams): void {
    const old = this.byUri.get(p.uri);
    if (old && old.version > p.version) return; // a late notification for an older version
    this.byUri.set(p.uri, p);
    this.emitter.fire(p);
  }

  get(uri: string): AnalysisChangedParams | undefined { return this.byUri.get(uri); }

  forget(uri: string): void { this.byUri.delete(uri); }

  dispose(): void { this.emitter.dispose(); }
}
