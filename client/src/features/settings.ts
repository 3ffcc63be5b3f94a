// Settings and trust: changed settings reach the server, the status bar and the protocol trace; granting trust
// re-sends them (the server may now run heat maps), refreshes the lenses and probes the GPU.
import * as vscode from "vscode";
import type { ClientContext } from "../context";

export function activate(ctx: ClientContext, onTrust: () => void): void {
  ctx.status.setTarget(ctx.settings().target);
  ctx.own(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration("scoremod")) return;
      ctx.status.setTarget(ctx.settings().target);
      ctx.serverTrace.update(ctx.settings().traceServer);
      ctx.pushSettings();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => { ctx.pushSettings(); ctx.lenses.refresh(); onTrust(); }),
    vscode.workspace.onDidCloseTextDocument((d) => { ctx.mods.forget(d.uri.toString()); ctx.results.clear(d.uri.toString()); }),
  );
}
