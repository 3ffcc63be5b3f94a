// Export to FA4 (CuTe DSL) / FlexAttention: the server generates, the editor writes the export
// (and the files it imports) beside the mod file and opens it. A real file, not an Untitled
// buffer: closing asks nothing, and a re-export updates the same file (its name says which mod).
import * as vscode from "vscode";
import { ExportRequest, type ExportFlavor, type ExportResult } from "scoremod-server/protocol";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import { sendRequest } from "../lspClient";

export function activate(ctx: ClientContext): void {
  const exportTo = (flavor: ExportFlavor) => async (arg?: unknown): Promise<void> => {
    const ref = await ctx.resolveMod(arg);
    if (!ref || !ctx.client) return;
    const r = await sendRequest(ctx.client, ExportRequest, { uri: ref.uri, mod: ref.mod, flavor });
    if (!r.ok) { void vscode.window.showErrorMessage(r.error); return; }
    const source = vscode.Uri.parse(ref.uri);
    if (source.scheme !== "file") {
      void vscode.window.showErrorMessage(`Save ${source.path.split("/").pop() || "the file"} first: the export is written beside it.`);
      return;
    }
    const target = await writeExport(vscode.Uri.joinPath(source, ".."), r);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(target), { viewColumn: vscode.ViewColumn.Beside, preview: false });
  };
  ctx.register(COMMANDS.exportFa4, exportTo("fa4"));
  ctx.register(COMMANDS.exportFlex, exportTo("flex"));
}

/** Writes the export and its helpers into `dir`; the export's URI. An open, unmodified editor of it reloads. */
export async function writeExport(dir: vscode.Uri, r: Extract<ExportResult, { ok: true }>): Promise<vscode.Uri> {
  const target = vscode.Uri.joinPath(dir, r.fileName);
  const utf8 = new TextEncoder();
  await vscode.workspace.fs.writeFile(target, utf8.encode(r.code));
  for (const h of r.helpers) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, h.fileName), utf8.encode(h.text));
  return target;
}
