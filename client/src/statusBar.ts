// Status bar: the GPU (or why there is none) and the active target; clicking picks the target.
import * as vscode from "vscode";
import { COMMANDS } from "./commands";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("scoremod.status", vscode.StatusBarAlignment.Left, 10);
  private gpu = "$(sync~spin) probing GPU…";
  private gpuTip = "";
  private target = "";
  private analysis = "";

  constructor() {
    this.item.name = "Score Mod Studio";
    this.item.command = COMMANDS.pickTarget;
    this.render();
    this.item.show();
  }

  setTarget(t: string): void { this.target = t; this.render(); }
  setGpu(text: string, ok: boolean, tooltip: string): void {
    this.gpu = `${ok ? "$(chip)" : "$(circle-slash)"} ${text}`;
    this.gpuTip = tooltip;
    this.render();
  }
  /** Slow analyses are flagged (the editor budget is 50 ms per edit). */
  setAnalysis(ms: number): void {
    this.analysis = ms > 50 ? ` · $(watch) analysis ${Math.round(ms)} ms` : "";
    this.render();
  }

  /** The exact text, for tests that read the status bar. */
  get text(): string { return this.item.text; }

  private render(): void {
    this.item.text = `$(zap) ${this.target || "…"} · ${this.gpu}${this.analysis}`;
    this.item.tooltip = new vscode.MarkdownString(
      `**Score Mod Studio**\n\nTarget: \`${this.target}\` (click to change)\n\nGPU: ${this.gpuTip || this.gpu}`,
    );
  }

  dispose(): void { this.item.dispose(); }
}
