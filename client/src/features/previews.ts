// Show CUDA / Show PTX (virtual documents that follow the cursor) and Reveal Source Line.
import * as vscode from "vscode";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";

export function activate(ctx: ClientContext): void {
  const show = (kind: "cuda" | "ptx") => async (arg?: unknown): Promise<void> => {
    const ref = await ctx.resolveMod(arg);
    if (!ref) return;
    const err = await ctx.progress(kind === "cuda" ? `Generating CUDA for ${ref.mod}…` : `Compiling ${ref.mod} to PTX (nvcc)…`,
      (token) => ctx.previews.open(kind, ref.uri, ref.mod, token));
    if (err) { ctx.output.error(`[${kind}] ${ref.mod}: ${err}`); void vscode.window.showErrorMessage(`${kind === "cuda" ? "Show CUDA" : "Show PTX"}: ${err.split("\n")[0]}`); }
  };
  ctx.register(COMMANDS.showCuda, show("cuda"));
  ctx.register(COMMANDS.showPtx, show("ptx"));
  ctx.register(COMMANDS.revealSource, () => ctx.previews.revealSource());
}
