// Entry point of the language server process (bundled to dist/server.js). The transport
// (--node-ipc from the VS Code client, or --stdio) is chosen from the command line by
// createConnection; everything else lives in server.ts. The same bundle doubles as the
// analysis worker thread (server/src/budget: TypeScript under a time and memory budget), so it
// branches first. The server never executes workspace code (heat maps run in the runner's worker).
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { join } from "node:path";
import { createAnalysisBackend } from "./analysisBackend";
import { budgetFromEnv } from "../budget/budgetedAnalysis";
import { useWorkerScript } from "../budget/workerScript";
import { isAnalysisWorker, serveAnalysis } from "../budget/entry";
import { createGenerators } from "./codegenGenerators";
import { startServer } from "./server";
import { exitOnBrokenFraming } from "./framing";

function main(): void {
  const connection = createConnection(ProposedFeatures.all);
  // Over --stdio, a frame with a wrong Content-Length would leave the server alive but deaf:
  // exit with an error instead, so that the client restarts it (framing.ts).
  if (process.argv.includes("--stdio")) exitOnBrokenFraming(process.stdin);
  // A bug in one request must not take the process down with it; log and carry on.
  process.on("uncaughtException", (e) => connection.console.error(`[uncaught] ${e.stack ?? e.message}`));
  process.on("unhandledRejection", (e) => connection.console.error(`[unhandled rejection] ${String(e)}`));

  startServer(connection, {
    backend: createAnalysisBackend(join(__dirname, "..", "runtime", "index.d.ts"), { workerEntry: __filename, ...budgetFromEnv() }),
    generators: createGenerators(),
    // dist/server.js -> <repo or extension root>/docs/diagnostics
    docsDir: join(__dirname, "..", "docs", "diagnostics"),
  });
}

/**
 * `node dist/server.js check FILE|GLOB... [options]`: `scoremod check` from this bundle, for the
 * extension's "scoremod: check workspace" task (the .vsix ships this bundle, not dist/cli.js).
 */
function checkCli(): void {
  useWorkerScript(__filename);
  import("../cli/check").then((m) => m.run(process.argv.slice(3))).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`scoremod: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}

if (isAnalysisWorker()) serveAnalysis();
else if (process.argv[2] === "check") checkCli();
else main();
