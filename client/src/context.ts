// What every feature module shares (as vscode-clangd's ClangdContext): the language client, the
// services several features use (mod index, run results, lenses, previews, runner, chart panel,
// status bar), the settings, and a few command helpers. extension.ts creates it; each feature
// module's activate(ctx) registers its commands and listeners through it.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { DidChangeConfigurationNotification } from "vscode-languageclient/node";
import { AnalysisChangedNotification } from "scoremod-server/protocol";
import { AuxFileStore } from "./auxFiles";
import { RunSizeStore } from "./runSizes";
import { ModLensProvider } from "./codeLens";
import type { CommandId, ModRef } from "./commands";
import { readClientSettings, serverSettings, type ClientSettings } from "./config";
import { createLanguageClient, onNotification } from "./lspClient";
import { ModIndex } from "./modIndex";
import { Previews } from "./preview";
import { ResultStore } from "./results";
import { explain, gpuAvailability, probeLog, runElsewhereHint, type GpuAvailability } from "./gpuAvailability";
import { Runner } from "./runner";
import { ServerTraceChannel } from "./serverTrace";
import { StatusBar } from "./statusBar";
import { ChartPanel } from "./webview/panel";

export class ClientContext implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel("Score Mod Studio", { log: true });
  readonly mods = new ModIndex();
  readonly results = new ResultStore();
  readonly status = new StatusBar();
  readonly panel = new ChartPanel();
  readonly runner: Runner;
  /** The language server's protocol trace (scoremod.trace.server). */
  readonly serverTrace: ServerTraceChannel;
  readonly lenses: ModLensProvider;
  readonly previews: Previews;
  /** The user's aux files per document (workspaceState). */
  readonly auxFiles: AuxFileStore;
  /** The user's run sizes (own dims, scalars) per document (workspaceState). */
  readonly runSizes: RunSizeStore;
  /** The last GPU probe's verdict (features/gpu.ts); undefined until it answers. */
  gpu: GpuAvailability | undefined;
  /** The running language client; undefined while it (re)starts. */
  client: LanguageClient | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.serverTrace = new ServerTraceChannel("Score Mod Language Server Trace", this.settings().traceServer);
    this.runner = new Runner(() => this.settings(), (l) => this.output.info(l));
    this.auxFiles = new AuxFileStore(extension.workspaceState);
    this.runSizes = new RunSizeStore(extension.workspaceState);
    this.lenses = new ModLensProvider(this.mods, this.results, () => this.trusted(), () => this.gpu);
    this.previews = new Previews(() => this.client, (m) => this.output.warn(m));
    this.subscriptions.push(this.output, this.serverTrace, this.mods, this.status, this.runner, this.panel, this.lenses, this.previews,
      vscode.languages.registerCodeLensProvider({ language: "scoremod" }, this.lenses));
  }

  trusted(): boolean { return vscode.workspace.isTrusted; }
  settings(): ClientSettings {
    return readClientSettings((k) => vscode.workspace.getConfiguration("scoremod").get<unknown>(k), this.trusted());
  }

  /** Starts (or restarts) the language server; the mod index and open previews follow its analyses. */
  async startClient(): Promise<void> {
    const client = createLanguageClient(this.output, this.serverTrace, this.settings());
    this.client = client;
    this.subscriptions.push(onNotification(client, AnalysisChangedNotification, (p) => {
      this.mods.update(p);
      this.status.setTarget(p.target);
      this.status.setAnalysis(p.elapsedMs);
      if (this.previews.sources().has(p.uri)) void this.previews.refresh(p.uri);
    }));
    await client.start();
  }

  async stopClient(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.stop();
  }

  /** Sends the settings to the server (they changed, or the workspace became trusted: tool paths now count). */
  pushSettings(): void {
    if (this.client) void this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: { scoremod: serverSettings(this.settings()) } });
  }

  /** Registers a command; an exception is logged and shown, never lost. */
  register(id: CommandId, fn: (...args: unknown[]) => unknown): void {
    this.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try { return await fn(...args); } catch (e) {
        this.output.error(`[${id}] ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        void vscode.window.showErrorMessage(`${id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }));
  }

  /** Keeps a disposable until the extension deactivates. */
  own(...d: vscode.Disposable[]): void { this.subscriptions.push(...d); }

  /** The mod a command is for: the CodeLens's argument, else the one at or above the cursor, else asked. */
  async resolveMod(arg?: unknown): Promise<ModRef | undefined> {
    if (arg && typeof arg === "object" && typeof (arg as ModRef).uri === "string" && typeof (arg as ModRef).mod === "string") return arg as ModRef;
    const ed = vscode.window.activeTextEditor;
    if (!ed || ed.document.languageId !== "scoremod") { void vscode.window.showWarningMessage("Open a .scoremod.ts file first."); return undefined; }
    const list = this.mods.get(ed.document.uri.toString())?.mods ?? [];
    if (!list.length) { void vscode.window.showWarningMessage("This file declares no scoreMod or maskMod (yet)."); return undefined; }
    if (list.length === 1) return { uri: ed.document.uri.toString(), mod: list[0].name };
    const above = [...list].filter((m) => m.line <= ed.selection.active.line).sort((a, b) => b.line - a.line)[0];
    if (above) return { uri: ed.document.uri.toString(), mod: above.name };
    const pick = await vscode.window.showQuickPick(list.map((m) => m.name), { title: "Which mod?" });
    return pick ? { uri: ed.document.uri.toString(), mod: pick } : undefined;
  }

  /** True (and says why) when the workspace is untrusted: `what` would execute the mod. */
  needTrust(what: string): boolean {
    if (this.trusted()) return false;
    void vscode.window.showWarningMessage(`${what} executes the mod, and this workspace is not trusted. The analysis and generated code still work; trust the workspace to run mods.`);
    return true;
  }

  /** True when the runner has a usable GPU; otherwise logs the probe's findings and says why and how to run elsewhere. */
  async gpuReady(): Promise<boolean> {
    const r = await this.runner.probe(false);
    const a = gpuAvailability(r);
    if (a.available) return true;
    for (const line of probeLog(r)) this.output.info(line);
    void vscode.window.showWarningMessage(`Cannot run on a GPU here. ${explain(a)} ${runElsewhereHint()}`, "Show Log")
      .then((b) => { if (b) this.output.show(true); });
    return false;
  }

  /** An error toast whose "Show Log" opens the runner log (the runner logged the failure there, with its compiler or worker log). */
  showRunError(message: string): void {
    void vscode.window.showErrorMessage(message, "Show Log").then((b) => { if (b) this.output.show(true); });
  }

  /** A cancellable notification with progress messages. */
  progress<T>(title: string, fn: (token: vscode.CancellationToken, report: (m: string) => void) => Promise<T>): Thenable<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (p, token) => fn(token, (message) => p.report({ message })));
  }

  /** The benchmark problem (scoremod.problem.*). */
  shape(): { B: number; H: number; Q: number; KV: number; D: number } {
    const p = this.settings().problem;
    return { B: p.batch, H: p.heads, Q: p.seqLen, KV: p.seqLen, D: p.headDim };
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0).reverse()) d.dispose();
  }
}
