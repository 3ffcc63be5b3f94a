// Onboarding (the walkthrough's first step): New Score Mod File writes a starter into the user's
// workspace (never into the extension's install folder); Open an Example opens the workspace's
// examples/kv_bias.scoremod.ts, else the shipped one read-only (edits there would be lost on update).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import { starterFileName, starterSource } from "../starter";

/** Where a new file goes: the folder of the active file when it is in the workspace, else a workspace folder (asked when several). */
async function targetFolder(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === "file" && vscode.workspace.getWorkspaceFolder(active)) return vscode.Uri.joinPath(active, "..");
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0]?.uri;
  return (await vscode.window.showWorkspaceFolderPick({ placeHolder: "Folder for the new score mod file" }))?.uri;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try { await vscode.workspace.fs.stat(uri); return true; } catch { return false; }
}

export function activate(ctx: ClientContext): void {
  ctx.register(COMMANDS.newFile, async (arg?: unknown) => {
    const folder = await targetFolder();
    const typed = typeof arg === "string" ? arg : await vscode.window.showInputBox({
      title: "New Score Mod File", prompt: folder ? `Created in ${vscode.workspace.asRelativePath(folder, true) || folder.fsPath}` : undefined,
      value: "my_mod", validateInput: (v) => { const r = starterFileName(v); return r.ok ? undefined : r.message; },
    });
    if (typed === undefined) return;
    const name = starterFileName(typed);
    if (!name.ok) { void vscode.window.showErrorMessage(name.message); return; }
    // No folder open: the user picks where it goes.
    const uri = folder ? vscode.Uri.joinPath(folder, name.name)
      : await vscode.window.showSaveDialog({ saveLabel: "Create", filters: { "Score mod": ["ts"] }, defaultUri: vscode.Uri.file(path.join(os.homedir(), name.name)) });
    if (!uri) return;
    if (await exists(uri)) { void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(uri)} already exists: pick another name.`); return; }
    await vscode.workspace.fs.writeFile(uri, Buffer.from(starterSource(name.name), "utf8"));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });

  ctx.register(COMMANDS.openExample, async () => {
    const found = await vscode.workspace.findFiles("**/examples/kv_bias.scoremod.ts", "**/node_modules/**", 1);
    if (found[0]) { await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(found[0])); return; }
    const bundled = path.join(__dirname, "..", "examples", "kv_bias.scoremod.ts");
    if (!fs.existsSync(bundled)) { void vscode.window.showWarningMessage("No example found (examples/kv_bias.scoremod.ts)."); return; }
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(bundled)));
    await vscode.commands.executeCommand("workbench.action.files.setActiveEditorReadonlyInSession");
    const pick = await vscode.window.showInformationMessage("The example opens read-only (it is part of the extension). To write your own, create a file in your workspace.", "New Score Mod File");
    if (pick) await vscode.commands.executeCommand(COMMANDS.newFile);
  });
}
