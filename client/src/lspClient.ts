// Starts the language server (dist/server.js, next to this bundle) over Node IPC, and sends the
// custom requests of server/src/protocol.ts with their types.
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";
import type { NotificationSpec, RequestSpec } from "scoremod-server/protocol";
import { serverSettings, type ClientSettings } from "./config";
import { docsCommandHref, shippedDocsCode } from "./docsLinks";

/** `trace`: where scoremod.trace.server's protocol trace goes (serverTrace.ts). */
export function createLanguageClient(output: vscode.LogOutputChannel, trace: vscode.LogOutputChannel, settings: ClientSettings): LanguageClient {
  const module = path.join(__dirname, "server.js");
  const server: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
  };
  const client: LanguageClientOptions = {
    documentSelector: [{ language: "scoremod" }],
    outputChannel: output,
    traceOutputChannel: trace,
    initializationOptions: serverSettings(settings),
    middleware: {
      // Shipped docs pages open rendered (docsLinks.ts), not as raw Markdown.
      handleDiagnostics: (uri, diagnostics, next) => next(uri, diagnostics.map(renderedDocsLink)),
    },
  };
  return new LanguageClient("scoremod", "Score Mod Language Server", server, client);
}

function renderedDocsLink(d: vscode.Diagnostic): vscode.Diagnostic {
  const code = d.code;
  if (typeof code !== "object" || !code.target) return d;
  const sm = shippedDocsCode(code.target.toString(true));
  if (sm) d.code = { value: code.value, target: vscode.Uri.parse(docsCommandHref(sm)) };
  return d;
}

export function sendRequest<P, R>(client: LanguageClient, spec: RequestSpec<P, R>, params: P, token?: vscode.CancellationToken): Promise<R> {
  return token ? client.sendRequest<R>(spec.method, params, token) : client.sendRequest<R>(spec.method, params);
}

export function onNotification<P>(client: LanguageClient, spec: NotificationSpec<P>, h: (p: P) => void): vscode.Disposable {
  return client.onNotification(spec.method, (p: P) => h(p));
}
