// The mask and score view: the problem from the benchmark settings; the page asks for another
// (b, h) or element window by message, and the view is recomputed by the server.
import { HeatMapRequest } from "scoremod-server/protocol";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import { sendRequest } from "../lspClient";
import { applyViewMessage, maskViewModel, type ViewState } from "../webview/model";

export function activate(ctx: ClientContext): void {
  let view: ViewState | null = null;
  const show = async (): Promise<void> => {
    const st = view;
    if (!st || !ctx.client) return;
    const p = ctx.shape();
    const r = await sendRequest(ctx.client, HeatMapRequest, {
      uri: st.uri, mod: st.mod, size: ctx.settings().heatMapSize, shape: { B: p.B, H: p.H, Q: p.Q, KV: p.KV }, b: st.b, h: st.h, q0: st.q0, kv0: st.kv0,
    });
    if (!r.ok) { ctx.panel.show(`Heat map: ${st.mod}`, { type: "error", message: `Heat map ${st.mod}: ${r.error}` }); return; }
    ctx.panel.show(`Heat map: ${r.mod}`, { type: "heat", model: maskViewModel(r) });
  };
  ctx.panel.onMessage((m) => {
    const next = applyViewMessage(view, m);
    if (next) { view = next; void show(); }
  });
  ctx.register(COMMANDS.heatMap, async (arg?: unknown) => {
    const ref = await ctx.resolveMod(arg);
    if (!ref || !ctx.client || ctx.needTrust("The heat map")) return;
    view = { uri: ref.uri, mod: ref.mod, b: 0, h: 0, q0: 0, kv0: 0 };
    await show();
  });
}
