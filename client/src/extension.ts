// Score Mod Studio: the VS Code client. One module per feature (client/src/features), each with
// its own activate(ctx), over one shared ClientContext (context.ts), as vscode-clangd does.
// Nothing here executes workspace code in an untrusted workspace: benchmark, sweep and heat map
// refuse with a clear message (restricted mode).
import type * as vscode from "vscode";
import { ClientContext } from "./context";
import * as auxData from "./features/auxData";
import * as runSizes from "./features/runSizes";
import * as benchmark from "./features/benchmark";
import * as diagnosticDocs from "./features/diagnosticDocs";
import * as exportsFeature from "./features/exports";
import * as gpu from "./features/gpu";
import * as heatMap from "./features/heatMap";
import * as onboarding from "./features/onboarding";
import * as previews from "./features/previews";
import * as server from "./features/server";
import * as settings from "./features/settings";
import * as target from "./features/target";
import * as tasks from "./features/tasks";

let ctx: ClientContext | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ctx = new ClientContext(context);
  context.subscriptions.push(ctx);
  tasks.activate(ctx);
  await ctx.startClient();
  const gpuFeature = gpu.activate(ctx);
  settings.activate(ctx, () => void gpuFeature.probe(false));
  previews.activate(ctx);
  exportsFeature.activate(ctx);
  benchmark.activate(ctx);
  auxData.activate(ctx);
  runSizes.activate(ctx);
  heatMap.activate(ctx);
  target.activate(ctx);
  server.activate(ctx);
  onboarding.activate(ctx);
  diagnosticDocs.activate(ctx);
}

export async function deactivate(): Promise<void> {
  await ctx?.stopClient();
  ctx = undefined;
}
