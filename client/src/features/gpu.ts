// The GPU probe (once at start, again on "Probe GPU Again" or when trust is granted): the status
// bar, the `scoremod.gpuAvailable` context key that enables Benchmark and Sweep, the lenses that
// say why not, and the runner's log ("Show Log" opens a channel that holds the probe's findings).
import * as vscode from "vscode";
import type { ClientContext } from "../context";
import { COMMANDS, type ModRef } from "../commands";
import { benchCommand, explain, gpuAvailability, probeLog, runElsewhereHint, type GpuAvailability } from "../gpuAvailability";

/** The context key the manifest's `enablement` and `when` clauses read. */
export const GPU_CONTEXT_KEY = "scoremod.gpuAvailable";

export function activate(ctx: ClientContext): { probe(force: boolean): Promise<void> } {
  const set = (a: GpuAvailability, tooltip: string): void => {
    ctx.gpu = a;
    void vscode.commands.executeCommand("setContext", GPU_CONTEXT_KEY, a.available);
    ctx.status.setGpu(a.label, a.available, tooltip);
    ctx.lenses.refresh();
  };
  const probe = async (force: boolean): Promise<void> => {
    if (!ctx.trusted()) {
      set({ available: false, label: "GPU runs off (untrusted workspace)", reason: "Restricted mode: nothing from the workspace is executed." }, "Restricted mode: nothing from the workspace is executed.");
      return;
    }
    const r = await ctx.runner.probe(force);
    const a = gpuAvailability(r);
    for (const line of probeLog(r)) ctx.output.info(line);
    set(a, a.available ? a.label : `${a.reason}\n\n${runElsewhereHint()}`);
  };
  ctx.register(COMMANDS.probeGpu, () => probe(true));
  ctx.register(COMMANDS.showOutput, () => ctx.output.show(true));
  // The no-GPU lens's command: why, and the CLI line for this mod on a GPU machine.
  ctx.register(COMMANDS.whyNoGpu, async (arg?: unknown) => {
    const ref = arg as ModRef | undefined;
    const a = ctx.gpu ?? { available: false, label: "GPU not probed yet", reason: "" };
    const uri = ref ? vscode.Uri.parse(ref.uri) : vscode.window.activeTextEditor?.document.uri;
    const file = uri ? vscode.workspace.asRelativePath(uri, false) : undefined;
    const cli = benchCommand(file ?? "FILE.scoremod.ts", ref?.mod);
    const pick = await vscode.window.showInformationMessage(`${explain(a)} ${runElsewhereHint(file, ref?.mod)}`,
      "Copy CLI Command", "Show Log", "Probe Again");
    if (pick === "Copy CLI Command") { await vscode.env.clipboard.writeText(cli); void vscode.window.showInformationMessage(`Copied: ${cli}`); }
    else if (pick === "Show Log") ctx.output.show(true);
    else if (pick === "Probe Again") await probe(true);
  });
  void probe(false);
  return { probe };
}

