// The GPU probe in the status bar ("Probe GPU Again"), and the runner's log.
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import { describeError, describeProbe } from "../runner";

export function activate(ctx: ClientContext): { probe(force: boolean): Promise<void> } {
  const probe = async (force: boolean): Promise<void> => {
    if (!ctx.trusted()) { ctx.status.setGpu("GPU runs off (untrusted workspace)", false, "Restricted mode: nothing from the workspace is executed."); return; }
    const r = await ctx.runner.probe(force);
    if (r.ok) ctx.status.setGpu(describeProbe(r.value), r.value.ok, r.value.ok ? describeProbe(r.value) : `${describeProbe(r.value)}: ${r.value.detail}`);
    else ctx.status.setGpu("No GPU: runner unavailable", false, describeError(r.error));
  };
  ctx.register(COMMANDS.probeGpu, () => probe(true));
  ctx.register(COMMANDS.showOutput, () => ctx.output.show(true));
  void probe(false);
  return { probe };
}
