// Pick Target: the quick pick, then the server switches (and persists the setting).
import { SetTargetRequest } from "scoremod-server/protocol";
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";
import { sendRequest } from "../lspClient";
import { pickTarget } from "../targetPicker";

export function activate(ctx: ClientContext): void {
  ctx.register(COMMANDS.pickTarget, async () => {
    const t = await pickTarget(ctx.settings().target);
    if (t && ctx.client) await sendRequest(ctx.client, SetTargetRequest, { target: t });
  });
}
