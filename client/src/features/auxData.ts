// Aux data from the user's files: "Set Aux Data for This File…" picks a declared tensor of the
// active .scoremod.ts file and a .npy/.safetensors file for it; "Clear Aux Data for This File"
// forgets them. Benchmark and Sweep pass them as the job's auxFiles (features/benchmark.ts); the
// runner checks dtype and shape against the declaration and says which file a tensor came from.
import * as vscode from "vscode";
import { AnalysisRequest } from "scoremod-server/protocol";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import { sendRequest } from "../lspClient";

function activeScoreMod(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId === "scoremod") return doc;
  void vscode.window.showWarningMessage("Open a .scoremod.ts file first.");
  return undefined;
}

export function activate(ctx: ClientContext): void {
  ctx.register(COMMANDS.setAuxData, async () => {
    const doc = activeScoreMod();
    if (!doc || !ctx.client) return;
    const uri = doc.uri.toString();
    const { analysis } = await sendRequest(ctx.client, AnalysisRequest, { uri });
    const tensors = analysis?.tensors ?? [];
    if (!tensors.length) { void vscode.window.showWarningMessage("This file declares no aux tensors."); return; }
    const current = ctx.auxFiles.get(uri);
    const pick = await vscode.window.showQuickPick(tensors.map((t) => ({
      label: t.name, description: `${t.dtype} [${t.shape.join(", ")}]`, detail: current[t.name] ? `now: ${current[t.name]}` : "now: generated samples",
    })), { title: "Which tensor reads your data?" });
    if (!pick) return;
    const file = (await vscode.window.showOpenDialog({
      canSelectMany: false, title: `Data for tensor "${pick.label}" (${pick.description})`, filters: { "Aux data": ["npy", "safetensors"] },
      defaultUri: vscode.workspace.getWorkspaceFolder(doc.uri)?.uri,
    }))?.[0];
    if (!file) return;
    let spec = file.fsPath;
    if (spec.toLowerCase().endsWith(".safetensors")) {
      const key = await vscode.window.showInputBox({
        title: "Which tensor of the .safetensors file?",
        prompt: `Its key; leave empty for the one named "${pick.label}", else the only one`,
      });
      if (key === undefined) return;
      if (key.trim()) spec = `${spec}:${key.trim()}`;
    }
    await ctx.auxFiles.set(uri, pick.label, spec);
    ctx.output.info(`[aux] ${vscode.workspace.asRelativePath(doc.uri)}: tensor "${pick.label}" reads ${spec} in Benchmark and Sweep`);
    void vscode.window.showInformationMessage(`Benchmark and Sweep of this file now read tensor "${pick.label}" from ${spec} (dtype and shape are checked when they run).`);
  });

  ctx.register(COMMANDS.clearAuxData, async () => {
    const doc = activeScoreMod();
    if (!doc) return;
    const uri = doc.uri.toString();
    const files = Object.entries(ctx.auxFiles.get(uri));
    if (!files.length) { void vscode.window.showInformationMessage("This file uses generated aux data already."); return; }
    const ALL = "All tensors";
    const pick = files.length === 1 ? files[0]![0] : (await vscode.window.showQuickPick(
      [{ label: ALL }, ...files.map(([t, spec]) => ({ label: t, description: spec }))], { title: "Back to generated data for…" }))?.label;
    if (!pick) return;
    await ctx.auxFiles.clear(uri, pick === ALL ? undefined : pick);
    ctx.output.info(`[aux] ${vscode.workspace.asRelativePath(doc.uri)}: ${pick === ALL ? "every tensor" : `tensor "${pick}"`} back to generated data`);
  });
}
