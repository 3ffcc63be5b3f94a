// The mask and score view: the problem from the benchmark settings; the page asks for another
// (b, h) or element window by message, and the view is recomputed. It executes the file, so the
// runner's worker process computes it (never the language server or the extension host).
import * as vscode from "vscode";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import { describeError } from "../runner";
import { applyViewMessage, maskViewModel, type ViewState } from "../webview/model";

export function activate(ctx: ClientContext): void {
  let view: ViewState | null = null;
  const show = async (): Promise<void> => {
    const st = view;
    if (!st) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(st.uri));
    const p = ctx.shape();
    const r = await ctx.runner.heatMap({
      fileName: doc.fileName, text: doc.getText(),
      params: { mod: st.mod, size: ctx.settings().heatMapSize, shape: { B: p.B, H: p.H, Q: p.Q, KV: p.KV }, b: st.b, h: st.h, q0: st.q0, kv0: st.kv0 },
    });
    const result = r.ok ? r.value : { ok: false as const, error: describeError(r.error) };
    if (!result.ok) { ctx.panel.show(`Heat map: ${st.mod}`, { type: "error", message: `Heat map ${st.mod}: ${result.error}` }); return; }
    ctx.panel.show(`Heat map: ${result.mod}`, { type: "heat", model: maskViewModel(result) });
  };
  ctx.panel.onMessage((m) => {
    const next = applyViewMessage(view, m);
    if (next) { view = next; void show(); }
  });
  ctx.register(COMMANDS.heatMap, async (arg?: unknown) => {
    const ref = await ctx.resolveMod(arg);
    if (!ref || ctx.needTrust("The heat map")) return;
    view = { uri: ref.uri, mod: ref.mod, b: 0, h: 0, q0: 0, kv0: 0 };
    await show();
  });
}
