// Starts the real language server (server/src/lsp/server.ts with the production backend and
// generators) over an in-memory stream pair, and gives the test a JSON-RPC client connection.
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import { createConnection } from "vscode-languageserver/node";
import type { PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { createAnalysisBackend } from "../../server/src/lsp/analysisBackend";
import { createGenerators } from "../../server/src/lsp/codegenGenerators";
import type { Backend } from "../../server/src/lsp/backend";
import { startServer } from "../../server/src/lsp/server";

export interface Harness {
  rpc: MessageConnection;
  /** Every publishDiagnostics received, in order. */
  published: PublishDiagnosticsParams[];
  notifications: { method: string; params: unknown }[];
  logs: string[];
  open(uri: string, text: string, version?: number): void;
  change(uri: string, text: string, version: number): void;
  /** Resolves with the first publish for `uri` at `version` (or later) that satisfies `pred`. */
  waitFor(uri: string, version: number, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  close(): void;
}

export async function startHarness(opts: { backend?: Backend; initializationOptions?: unknown; capabilities?: unknown } = {}): Promise<Harness> {
  const toServer = new PassThrough(), toClient = new PassThrough();
  const conn = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(conn, {
    backend: opts.backend ?? createAnalysisBackend(), generators: createGenerators(), debounceMs: 20,
    docsDir: join(__dirname, "..", "..", "docs", "diagnostics"),
  });
  const rpc = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const published: PublishDiagnosticsParams[] = [];
  const notifications: { method: string; params: unknown }[] = [];
  const logs: string[] = [];
  const waiters: (() => void)[] = [];
  rpc.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => { published.push(p); waiters.splice(0).forEach((w) => w()); });
  rpc.onNotification("window/logMessage", (p: { message: string }) => { logs.push(p.message); });
  rpc.onNotification((method: string, params: unknown) => { notifications.push({ method, params }); });
  rpc.onRequest("workspace/configuration", () => [{}]);
  rpc.onRequest("workspace/inlayHint/refresh", () => null);
  rpc.listen();
  await rpc.sendRequest("initialize", {
    processId: null, rootUri: null, initializationOptions: opts.initializationOptions ?? {},
    capabilities: opts.capabilities ?? { workspace: { workspaceEdit: { documentChanges: true, changeAnnotationSupport: {} } } },
  });
  await rpc.sendNotification("initialized", {});
  const h: Harness = {
    rpc, published, notifications, logs,
    open(uri, text, version = 1) { void rpc.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "scoremod", version, text } }); },
    change(uri, text, version) { void rpc.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] }); },
    waitFor(uri, version, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version}; logs: ${logs.join("\n")}`)), timeoutMs);
        const check = (): void => {
          const hit = published.find((p) => p.uri === uri && (p.version ?? -1) >= version);
          if (hit) { clearTimeout(t); resolve(hit); } else waiters.push(check);
        };
        check();
      });
    },
    close() { rpc.dispose(); conn.dispose(); toServer.destroy(); toClient.destroy(); },
  };
  return h;
}
