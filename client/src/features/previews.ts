// Show CUDA / Show PTX / Show SASS (virtual documents that follow the cursor) and Reveal Source Line.
import * as vscode from "vscode";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import type { PreviewKind } from "../preview";

const WHAT: Record<PreviewKind, { title: string; progress: (mod: string) => string }> = {
  cuda: { title: "Show CUDA", progress: (m) => `Generating CUDA for ${m}…` },
  ptx: { title: "Show PTX", progress: (m) => `Compiling ${m} to PTX (nvcc)…` },
  sass: { title: "Show SASS", progress: (m) => `Compiling ${m} to a cubin and disassembling it (nvcc)…` },
};

export function activate(ctx: ClientContext): void {
  const show = (kind: PreviewKind) => async (arg?: unknown): Promise<void> => {
    const ref = await ctx.resolveMod(arg);
    if (!ref) return;
    const err = await ctx.progress(WHAT[kind].progress(ref.mod), (token) => ctx.previews.open(kind, ref.uri, ref.mod, token));
    if (err) { ctx.output.error(`[${kind}] ${ref.mod}: ${err}`); void vscode.window.showErrorMessage(`${WHAT[kind].title}: ${err.split("\n")[0]}`); }
  };
  ctx.register(COMMANDS.showCuda, show("cuda"));
  ctx.register(COMMANDS.showPtx, show("ptx"));
  ctx.register(COMMANDS.showSass, show("sass"));
  ctx.register(COMMANDS.revealSource, () => ctx.previews.revealSource());
}
