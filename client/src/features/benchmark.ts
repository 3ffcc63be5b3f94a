// Benchmark and Sweep (through the runner's supervised worker, never in the extension host), with
// the user's aux files and run sizes set for the document (features/auxData.ts, runSizes.ts), and
// recorded sweep results charted in the webview.
import * as path from "node:path";
import * as vscode from "vscode";
import { TIMING, type RunnerErrorInfo } from "scoremod-server/runner/types";
import { describeUserAux, jobAuxFiles } from "../auxFiles";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import { benchSummary, describeError } from "../runner";
import { jobRunSizes } from "../runSizes";
import { fromRunnerSweep, parseSweepData, sweepModel, type SweepData } from "../webview/model";

export function activate(ctx: ClientContext): void {
  // A file's own dim left unset: the error names it, and its button opens the command that sets it.
  const showFailure = (what: string, e: RunnerErrorInfo, uri: string): void => {
    if (!e.missingDims?.length) { ctx.showRunError(`${what}: ${describeError(e)}`); return; }
    const SET = "Set Run Sizes…";
    void vscode.window.showErrorMessage(`${what}: ${e.message}`, SET).then((b) => { if (b === SET) void vscode.commands.executeCommand(COMMANDS.setRunSizes, uri); });
  };
  const showSweep = (d: SweepData, userAux?: string): void =>
    ctx.panel.show(`Sweep: ${d.mod}${userAux ? ` (your aux data: ${userAux})` : ""}`, { type: "sweep", model: sweepModel(d) });

  ctx.register(COMMANDS.benchmark, async (arg?: unknown) => {
    const ref = await ctx.resolveMod(arg);
    if (!ref || ctx.needTrust("Benchmark") || !(await ctx.gpuReady())) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(ref.uri));
    const version = doc.version;
    const aux = ctx.auxFiles.get(ref.uri);
    await ctx.progress(`Benchmarking ${ref.mod}…`, async (token, report) => {
      report("compiling and checking (vectorized vs scalar, vs fp32 reference)");
      const r = await ctx.runner.bench({ fileName: doc.fileName, text: doc.getText(), mod: ref.mod, shape: ctx.shape(), timing: TIMING.editor, vsNone: true, ...jobAuxFiles(aux), ...jobRunSizes(ctx.runSizes.get(ref.uri)) }, token, report);
      if (r.ok) {
        const summary = benchSummary(r.value, aux);
        ctx.results.set(ref.uri, ref.mod, { kind: "bench", version, at: Date.now(), summary });
        if (summary.userAux) ctx.output.info(`[bench] ${ref.mod}: aux data from your files: ${summary.userAux}`);
        ctx.output.info(`[bench] ${ref.mod}: ${JSON.stringify(r.value)}`);
        if (!r.value.ok) void vscode.window.showWarningMessage(`${ref.mod}: a check failed — ${r.value.checks.filter((c) => !c.ok).map((c) => c.detail).join("; ")}`);
      } else {
        ctx.results.set(ref.uri, ref.mod, { kind: "error", version, at: Date.now(), message: describeError(r.error) });
        if (!token.isCancellationRequested) showFailure(`Benchmark ${ref.mod}`, r.error, ref.uri);
      }
      ctx.lenses.refresh();
    });
  });

  ctx.register(COMMANDS.sweep, async (arg?: unknown) => {
    const ref = await ctx.resolveMod(arg);
    if (!ref || ctx.needTrust("Sweep")) return;
    // V and alignment change only how aux data is loaded: with none, every cell would time the same code.
    if (ctx.mods.get(ref.uri)?.mods.find((m) => m.name === ref.mod)?.loads === 0) {
      void vscode.window.showInformationMessage(`${ref.mod} loads no aux data, so a sweep over V and alignment would time the same kernel in every cell. Use Benchmark.`);
      return;
    }
    if (!(await ctx.gpuReady())) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(ref.uri));
    const s = ctx.settings();
    const aux = ctx.auxFiles.get(ref.uri);
    await ctx.progress(`Sweeping ${ref.mod} over V × align…`, async (token, report) => {
      report(`${s.sweep.vecSizes.length} × ${s.sweep.aligns.length} configurations`);
      const r = await ctx.runner.sweep({
        fileName: doc.fileName, text: doc.getText(), mod: ref.mod, shape: ctx.shape(), vecs: s.sweep.vecSizes, aligns: s.sweep.aligns, timing: TIMING.sweep, ...jobAuxFiles(aux), ...jobRunSizes(ctx.runSizes.get(ref.uri)),
      }, token, report);
      if (r.ok) {
        const user = describeUserAux(r.value.cells.find((c) => c.result)?.result?.auxSources, aux);
        if (user) ctx.output.info(`[sweep] ${ref.mod}: aux data from your files: ${user}`);
        showSweep(fromRunnerSweep(r.value, "runner"), user);
      }
      else if (!token.isCancellationRequested) showFailure(`Sweep ${ref.mod}`, r.error, ref.uri);
    });
  });

  ctx.register(COMMANDS.openSweepResults, async (arg?: unknown) => {
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
  });
}
