// Open an Example (the walkthrough's first step): the workspace's examples/kv_bias.scoremod.ts,
// else the one shipped in the extension.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";

export function activate(ctx: ClientContext): void {
  ctx.register(COMMANDS.openExample, async () => {
    const found = await vscode.workspace.findFiles("**/examples/kv_bias.scoremod.ts", "**/node_modules/**", 1);
    const bundled = path.join(__dirname, "..", "examples", "kv_bias.scoremod.ts");
    const uri = found[0] ?? (fs.existsSync(bundled) ? vscode.Uri.file(bundled) : undefined);
    if (!uri) { void vscode.window.showWarningMessage("No example found (examples/kv_bias.scoremod.ts)."); return; }
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });
}
