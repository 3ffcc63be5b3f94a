// Open Diagnostic Docs: a diagnostic code's page (docs/diagnostics, shipped in the .vsix) as a
// rendered Markdown preview. Diagnostic links lead here (docsLinks.ts); from the palette it asks
// which code.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";

/** Beside dist/extension.js in the .vsix and in the repository alike (scripts/package-vsix.mjs). */
const DOCS_DIR = path.join(__dirname, "..", "docs", "diagnostics");

export function activate(ctx: ClientContext): void {
  ctx.register(COMMANDS.openDiagnosticDocs, async (arg?: unknown) => {
    const code = typeof arg === "string" ? arg : await vscode.window.showQuickPick(
      fs.readdirSync(DOCS_DIR).filter((f) => /^SM\d+\.md$/.test(f)).map((f) => f.slice(0, -3)), { title: "Which diagnostic code?" });
    if (!code) return;
    const file = path.join(DOCS_DIR, `${code}.md`);
    if (!/^SM\d+$/.test(code) || !fs.existsSync(file)) { void vscode.window.showWarningMessage(`No docs page for ${code} (looked in ${DOCS_DIR}).`); return; }
    await vscode.commands.executeCommand("markdown.showPreview", vscode.Uri.file(file));
  });
}
