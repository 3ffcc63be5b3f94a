// Export to FA4 (CuTe DSL) / FlexAttention: the server generates, the editor opens it beside.
import * as vscode from "vscode";
import { ExportRequest, type ExportFlavor } from "scoremod-server/protocol";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import { sendRequest } from "../lspClient";

export function activate(ctx: ClientContext): void {
  const exportTo = (flavor: ExportFlavor) => async (arg?: unknown): Promise<void> => {
    const ref = await ctx.resolveMod(arg);
    if (!ref || !ctx.client) return;
    const r = await sendRequest(ctx.client, ExportRequest, { uri: ref.uri, mod: ref.mod, flavor });
    if (!r.ok) { void vscode.window.showErrorMessage(r.error); return; }
    const doc = await vscode.workspace.openTextDocument({ language: "python", content: r.code });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
  };
  ctx.register(COMMANDS.exportFa4, exportTo("fa4"));
  ctx.register(COMMANDS.exportFlex, exportTo("flex"));
}
