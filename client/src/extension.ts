// Score Mod Studio: the VS Code client. Starts the language server, and wires each feature
// (one module each) to its commands. Nothing here executes workspace code in an untrusted
// workspace: benchmark, sweep and heat map refuse with a clear message (restricted mode).
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { DidChangeConfigurationNotification, type LanguageClient } from "vscode-languageclient/node";
import { DEFAULT_TARGET, type TargetId } from "scoremod-server/protocol";
import {
  AnalysisChangedNotification, ExportRequest, HeatMapRequest, SetTargetRequest, type ExportFlavor,
} from "scoremod-server/protocol";
import { TIMING } from "scoremod-server/runner/types";
import { ModLensProvider } from "./codeLens";
import { COMMANDS, type ModRef } from "./commands";
import { readClientSettings, serverSettings, type ClientSettings } from "./config";
import { createLanguageClient, onNotification, sendRequest } from "./lspClient";
import { ModIndex } from "./modIndex";
import { Previews } from "./preview";
import { ResultStore } from "./results";
import { benchSummary, describeError, describeProbe, Runner } from "./runner";
import { StatusBar } from "./statusBar";
import { registerTasks } from "./tasks";
import { pickTarget } from "./targetPicker";
import { ChartPanel } from "./webview/panel";
import { applyViewMessage, fromRunnerSweep, maskViewModel, parseSweepData, sweepModel, type SweepData, type ViewState } from "./webview/model";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Score Mod Studio", { log: true });
  const trusted = (): boolean => vscode.workspace.isTrusted;
  const settings = (): ClientSettings => readClientSettings((k) => vscode.workspace.getConfiguration("scoremod").get<unknown>(k), trusted());
  const mods = new ModIndex();
  const results = new ResultStore();
  const status = new StatusBar();
  const runner = new Runner(settings, (l) => output.info(l));
  const panel = new ChartPanel();
  const lenses = new ModLensProvider(mods, results, trusted);
  const previews = new Previews(() => client, (m) => output.warn(m));
  context.subscriptions.push(output, mods, status, runner, panel, lenses, previews,
    vscode.languages.registerCodeLensProvider({ language: "scoremod" }, lenses));
  status.setTarget(settings().target);
  registerTasks(context, () => settings().target);

  const startClient = async (): Promise<void> => {
    client = createLanguageClient(output, settings(), trusted());
    context.subscriptions.push(onNotification(client, AnalysisChangedNotification, (p) => {
      mods.update(p);
      status.setTarget(p.target);
      status.setAnalysis(p.elapsedMs);
      if (previews.sources().has(p.uri)) void previews.refresh(p.uri);
    }));
    await client.start();
  };
  await startClient();

  const pushSettings = (): void => {
    if (client) void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { scoremod: serverSettings(settings(), trusted()) } });
  };
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration("scoremod")) return;
      status.setTarget(settings().target);
      pushSettings();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => { pushSettings(); lenses.refresh(); void probe(false); }),
    vscode.workspace.onDidCloseTextDocument((d) => { mods.forget(d.uri.toString()); results.clear(d.uri.toString()); }),
  );

  // ---- GPU probe (status bar) ----
  const probe = async (force: boolean): Promise<void> => {
    if (!trusted()) { status.setGpu("GPU runs off (untrusted workspace)", false, "Restricted mode: nothing from the workspace is executed."); return; }
    const r = await runner.probe(force);
    if (r.ok) status.setGpu(describeProbe(r.value), r.value.ok, r.value.ok ? describeProbe(r.value) : `${describeProbe(r.value)}: ${r.value.detail}`);
    else status.setGpu("No GPU: runner unavailable", false, describeError(r.error));
  };
  void probe(false);

  // ---- helpers ----
  const resolveMod = async (arg?: unknown): Promise<ModRef | undefined> => {
    if (arg && typeof arg === "object" && typeof (arg as ModRef).uri === "string" && typeof (arg as ModRef).mod === "string") return arg as ModRef;
    const ed = vscode.window.activeTextEditor;
    if (!ed || ed.document.languageId !== "scoremod") { void vscode.window.showWarningMessage("Open a .scoremod.ts file first."); return undefined; }
    const info = mods.get(ed.document.uri.toString());
    const list = info?.mods ?? [];
    if (!list.length) { void vscode.window.showWarningMessage("This file declares no scoreMod or maskMod (yet)."); return undefined; }
    if (list.length === 1) return { uri: ed.document.uri.toString(), mod: list[0].name };
    // The mod at or above the cursor, else ask.
    const above = [...list].filter((m) => m.line <= ed.selection.active.line).sort((a, b) => b.line - a.line)[0];
    if (above) return { uri: ed.document.uri.toString(), mod: above.name };
    const pick = await vscode.window.showQuickPick(list.map((m) => m.name), { title: "Which mod?" });
    return pick ? { uri: ed.document.uri.toString(), mod: pick } : undefined;
  };
  const docOf = async (ref: ModRef): Promise<vscode.TextDocument> => vscode.workspace.openTextDocument(vscode.Uri.parse(ref.uri));
  const needTrust = (what: string): boolean => {
    if (trusted()) return false;
    void vscode.window.showWarningMessage(`${what} executes the mod, and this workspace is not trusted. The analysis and generated code still work; trust the workspace to run mods.`);
    return true;
  };
  const gpuReady = async (): Promise<boolean> => {
    const r = await runner.probe(false);
    if (r.ok && r.value.ok) return true;
    const why = r.ok ? `${describeProbe(r.value)} — ${"detail" in r.value ? r.value.detail : ""}` : describeError(r.error);
    void vscode.window.showErrorMessage(`Cannot run on a GPU here. ${why}`, "Show Log").then((b) => { if (b) output.show(true); });
    return false;
  };
  const progress = <T>(title: string, fn: (token: vscode.CancellationToken, report: (m: string) => void) => Promise<T>): Thenable<T> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (p, token) => fn(token, (message) => p.report({ message })));
  const shape = () => {
    const p = settings().problem;
    return { B: p.batch, H: p.heads, Q: p.seqLen, KV: p.seqLen, D: p.headDim };
  };

  const showPreview = (kind: "cuda" | "ptx") => async (arg?: unknown): Promise<void> => {
    const ref = await resolveMod(arg);
    if (!ref) return;
    const err = await progress(kind === "cuda" ? `Generating CUDA for ${ref.mod}…` : `Compiling ${ref.mod} to PTX (nvcc)…`,
      (token) => previews.open(kind, ref.uri, ref.mod, token));
    if (err) { output.error(`[${kind}] ${ref.mod}: ${err}`); void vscode.window.showErrorMessage(`${kind === "cuda" ? "Show CUDA" : "Show PTX"}: ${err.split("\n")[0]}`); }
  };

  const exportTo = (flavor: ExportFlavor) => async (arg?: unknown): Promise<void> => {
    const ref = await resolveMod(arg);
    if (!ref || !client) return;
    const r = await sendRequest(client, ExportRequest, { uri: ref.uri, mod: ref.mod, flavor });
    if (!r.ok) { void vscode.window.showErrorMessage(r.error); return; }
    const doc = await vscode.workspace.openTextDocument({ language: "python", content: r.code });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
  };

  const benchmark = async (arg?: unknown): Promise<void> => {
    const ref = await resolveMod(arg);
    if (!ref || needTrust("Benchmark") || !(await gpuReady())) return;
    const doc = await docOf(ref);
    const version = doc.version;
    await progress(`Benchmarking ${ref.mod}…`, async (token, report) => {
      report("compiling and checking (vectorized vs scalar, vs fp32 reference)");
      const r = await runner.bench({
        fileName: doc.fileName, text: doc.getText(), mod: ref.mod, shape: shape(),
        timing: TIMING.editor,
      }, token, report);
      if (r.ok) {
        results.set(ref.uri, ref.mod, { kind: "bench", version, at: Date.now(), summary: benchSummary(r.value) });
        output.info(`[bench] ${ref.mod}: ${JSON.stringify(r.value)}`);
        if (!r.value.ok) void vscode.window.showWarningMessage(`${ref.mod}: a check failed — ${r.value.checks.filter((c) => !c.ok).map((c) => c.detail).join("; ")}`);
      } else {
        results.set(ref.uri, ref.mod, { kind: "error", version, at: Date.now(), message: describeError(r.error) });
        if (!token.isCancellationRequested) void vscode.window.showErrorMessage(`Benchmark ${ref.mod}: ${describeError(r.error)}`);
      }
      lenses.refresh();
    });
  };

  const showSweep = (d: SweepData): void => panel.show(`Sweep: ${d.mod}`, { type: "sweep", model: sweepModel(d) });

  const sweep = async (arg?: unknown): Promise<void> => {
    const ref = await resolveMod(arg);
    if (!ref || needTrust("Sweep") || !(await gpuReady())) return;
    const doc = await docOf(ref);
    const s = settings();
    await progress(`Sweeping ${ref.mod} over V × align…`, async (token, report) => {
      report(`${s.sweep.vecSizes.length} × ${s.sweep.aligns.length} configurations`);
      const r = await runner.sweep({
        fileName: doc.fileName, text: doc.getText(), mod: ref.mod, shape: shape(),
        vecs: s.sweep.vecSizes, aligns: s.sweep.aligns, timing: TIMING.sweep,
      }, token, report);
      if (r.ok) showSweep(fromRunnerSweep(r.value, "runner"));
      else if (!token.isCancellationRequested) void vscode.window.showErrorMessage(`Sweep ${ref.mod}: ${describeError(r.error)}`);
    });
  };

  // The mask and score view: the problem from the benchmark settings; the page asks for another
  // (b, h) or element window by message, and the view is recomputed.
  let view: ViewState | null = null;
  const showView = async (): Promise<void> => {
    const st = view;
    if (!st || !client) return;
    const p = shape();
    const r = await sendRequest(client, HeatMapRequest, {
      uri: st.uri, mod: st.mod, size: settings().heatMapSize, shape: { B: p.B, H: p.H, Q: p.Q, KV: p.KV }, b: st.b, h: st.h, q0: st.q0, kv0: st.kv0,
    });
    if (!r.ok) { panel.show(`Heat map: ${st.mod}`, { type: "error", message: `Heat map ${st.mod}: ${r.error}` }); return; }
    panel.show(`Heat map: ${r.mod}`, { type: "heat", model: maskViewModel(r) });
  };
  panel.onMessage((m) => {
    const next = applyViewMessage(view, m);
    if (next) { view = next; void showView(); }
  });
  const heatMap = async (arg?: unknown): Promise<void> => {
    const ref = await resolveMod(arg);
    if (!ref || !client || needTrust("The heat map")) return;
    view = { uri: ref.uri, mod: ref.mod, b: 0, h: 0, q0: 0, kv0: 0 };
    await showView();
  };

  const openSweepResults = async (arg?: unknown): Promise<void> => {
    let uri: vscode.Uri | undefined;
    if (typeof arg === "string") uri = arg.includes(":") && !path.isAbsolute(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
    else if (arg instanceof vscode.Uri) uri = arg;
    else uri = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { "Sweep results": ["json"] } }))?.[0];
    if (!uri) return;
    try {
      showSweep(parseSweepData(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString("utf8")));
    } catch (e) {
      void vscode.window.showErrorMessage(`${uri.fsPath}: ${(e as Error).message}`);
    }
  };

  const openExample = async (): Promise<void> => {
    const found = await vscode.workspace.findFiles("**/examples/kv_bias.scoremod.ts", "**/node_modules/**", 1);
    const bundled = path.join(__dirname, "..", "examples", "kv_bias.scoremod.ts");
    const uri = found[0] ?? (fs.existsSync(bundled) ? vscode.Uri.file(bundled) : undefined);
    if (!uri) { void vscode.window.showWarningMessage("No example found (examples/kv_bias.scoremod.ts)."); return; }
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  };

  const reg = (id: string, fn: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try { return await fn(...args); } catch (e) {
        output.error(`[${id}] ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        void vscode.window.showErrorMessage(`${id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }));
  };
  reg(COMMANDS.benchmark, benchmark);
  reg(COMMANDS.sweep, sweep);
  reg(COMMANDS.showCuda, showPreview("cuda"));
  reg(COMMANDS.showPtx, showPreview("ptx"));
  reg(COMMANDS.exportFa4, exportTo("fa4"));
  reg(COMMANDS.exportFlex, exportTo("flex"));
  reg(COMMANDS.heatMap, heatMap);
  reg(COMMANDS.openSweepResults, openSweepResults);
  reg(COMMANDS.pickTarget, async () => {
    const t: TargetId | undefined = await pickTarget(settings().target ?? DEFAULT_TARGET);
    if (t && client) await sendRequest(client, SetTargetRequest, { target: t });
  });
  reg(COMMANDS.revealSource, () => previews.revealSource());
  reg(COMMANDS.showOutput, () => output.show(true));
  reg(COMMANDS.probeGpu, () => probe(true));
  reg(COMMANDS.restartServer, async () => { await client?.stop(); await startClient(); });
  reg(COMMANDS.openExample, openExample);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
