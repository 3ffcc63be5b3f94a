// Run sizes: "Set Run Sizes for This File…" asks for each own dim of the .scoremod.ts file (and
// each scalar) in an input box prefilled with the remembered value; "Clear Run Sizes for This
// File" forgets them. Benchmark and Sweep pass them as the job's dims and scalars
// (features/benchmark.ts), and offer this command when the runner refuses an unset dim.
import * as vscode from "vscode";
import { AnalysisRequest } from "scoremod-server/protocol";
import { ownDimUses } from "scoremod-server/runner/ownDims";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import { sendRequest } from "../lspClient";
import { parseDimInput, parseScalarInput, type RunSizes } from "../runSizes";

/** The document the command is for: the one a Benchmark/Sweep error named (its URI), else the active editor's. */
function targetUri(arg: unknown): string | undefined {
  if (typeof arg === "string") return arg;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId === "scoremod") return doc.uri.toString();
  void vscode.window.showWarningMessage("Open a .scoremod.ts file first.");
  return undefined;
}

export function activate(ctx: ClientContext): void {
  ctx.register(COMMANDS.setRunSizes, async (arg?: unknown) => {
    const uri = targetUri(arg);
    if (!uri || !ctx.client) return;
    const { analysis } = await sendRequest(ctx.client, AnalysisRequest, { uri });
    if (!analysis) { void vscode.window.showWarningMessage("Open the .scoremod.ts file first: its dims come from its analysis."); return; }
    const dims = ownDimUses(analysis);
    if (!dims.length && !analysis.scalars.length) {
      void vscode.window.showInformationMessage("This file has no dims of its own (B, H, Q and KV come from the problem settings) and no scalars.");
      return;
    }
    const now = ctx.runSizes.get(uri);
    const next: RunSizes = { dims: {}, scalars: {} };
    // Escape in any box leaves the remembered sizes as they were.
    for (const d of dims) {
      const where = [...d.tensors.map((t) => `tensor ${t}`), ...d.mods.map((m) => `dim("${d.name}") in ${m}`)].join(", ");
      const text = await vscode.window.showInputBox({
        title: `Run size: dim ${d.name}`, prompt: `Used by ${where}. A positive integer; Benchmark and Sweep run at it.`,
        value: now.dims[d.name] !== undefined ? String(now.dims[d.name]) : "", ignoreFocusOut: true,
        validateInput: (t) => { const r = parseDimInput(t); return "error" in r ? r.error : undefined; },
      });
      if (text === undefined) return;
      const r = parseDimInput(text);
      if ("value" in r) next.dims[d.name] = r.value;
    }
    for (const s of analysis.scalars) {
      const text = await vscode.window.showInputBox({
        title: `Run value: scalar ${s.name} (${s.dtype})`, prompt: `Empty: its declared default, ${s.defaultValue}.`,
        value: now.scalars[s.name] !== undefined ? String(now.scalars[s.name]) : "", ignoreFocusOut: true,
        validateInput: (t) => { const r = parseScalarInput(t, s.dtype); return "error" in r ? r.error : undefined; },
      });
      if (text === undefined) return;
      const r = parseScalarInput(text, s.dtype);
      if ("value" in r && r.value !== undefined) next.scalars[s.name] = r.value;
    }
    await ctx.runSizes.set(uri, next);
    const said = [...Object.entries(next.dims), ...Object.entries(next.scalars)].map(([k, v]) => `${k}=${v}`).join(", ");
    ctx.output.info(`[sizes] ${vscode.workspace.asRelativePath(vscode.Uri.parse(uri))}: ${said || "scalars at their defaults"}`);
    void vscode.window.showInformationMessage(`Benchmark and Sweep of this file now run with ${said || "every scalar at its declared default"}.`);
  });

  ctx.register(COMMANDS.clearRunSizes, async (arg?: unknown) => {
    const uri = targetUri(arg);
    if (!uri) return;
    await ctx.runSizes.clear(uri);
    ctx.output.info(`[sizes] ${vscode.workspace.asRelativePath(vscode.Uri.parse(uri))}: run sizes forgotten (Benchmark and Sweep will ask for the file's own dims again)`);
  });
}
