// The language server's lifecycle command: Restart Language Server.
import type { ClientContext } from "../context";
import { COMMANDS } from "../commands";

export function activate(ctx: ClientContext): void {
  ctx.register(COMMANDS.restartServer, async () => { await ctx.stopClient(); await ctx.startClient(); });
}
